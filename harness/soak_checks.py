"""The soak run's end checks: stores in step, alerts each delivered once, memory flat.

Each check reads the state the product left (Chroma through chromadb itself, the keyword
index, follows.sqlite) and compares it with what the soak's actors recorded.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from newsbot.harness.soak_load import Alert, Follow, Mutator

PRUNED_WITHIN = 30.0  # a story pruned this soon after it was added is owed no alert
WARM_UP_SHARE = 0.2  # of the load phase: model caches, first reloads, Python's arenas settle


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str


Rows = list[tuple[str, dict[str, object]]]


def chroma_rows(url: str, collection: str) -> tuple[Rows, Rows]:
    """Every chunk's id and metadata, and every copy record's (a copy has no chunks).

    Read over Chroma's own HTTP API, not through our Store.
    """
    import httpx

    from newsbot.store.copies import SUFFIX

    base = f"{url}/api/v2/tenants/default_tenant/databases/default_database/collections"
    found: list[Rows] = []
    with httpx.Client(timeout=30) as client:
        for name in (collection, collection + SUFFIX):
            info = client.get(f"{base}/{name}")
            info.raise_for_status()
            got = client.post(f"{base}/{info.json()['id']}/get", json={"include": ["metadatas"]})
            got.raise_for_status()
            page = got.json()
            metas = page["metadatas"] or [{}] * len(page["ids"])
            pairs = zip(page["ids"], metas, strict=True)
            found.append([(str(cid), dict(meta or {})) for cid, meta in pairs])
    return found[0], found[1]


def index_matches(data_dir: Path, rows: Sequence[tuple[str, dict[str, object]]]) -> Check:
    """The data dir's keyword index holds exactly Chroma's chunks, each of Chroma's version."""
    from newsbot.core.tokenizer import Tokenizer
    from newsbot.store.keyword_index import KeywordIndex
    from newsbot.store.keyword_schema import FOLDER

    view = KeywordIndex(data_dir / FOLDER, Tokenizer()).view()
    held = {
        chunk.id: chunk.metadata.get("content_hash")
        for aid in sorted({str(meta["article_id"]) for _, meta in rows})
        for chunk in view.article_chunks(aid)
    }
    wanted = {cid: meta.get("content_hash") for cid, meta in rows}
    missing = [cid for cid in wanted if cid not in held]
    stale = [cid for cid in wanted if cid in held and held[cid] != wanted[cid]]
    extra = view.count() - len(wanted) + len(missing)
    ok = not missing and not stale and extra == 0
    detail = (
        f"{len(wanted)} chunks in Chroma; index: {len(missing)} missing, {len(stale)} stale, "
        f"{max(extra, 0)} not in Chroma"
    )
    if missing or stale:
        detail += f" (e.g. {(missing or stale)[0]})"
    return Check(f"keyword index = Chroma ({data_dir.name})", ok, detail)


def corpus_matches(
    folder: Path, rows: Sequence[tuple[str, dict[str, object]]], copies: Rows
) -> Check:
    """Chroma holds exactly the folder's articles (or copy records), each in its last version."""
    from newsbot.ingest.indexer import content_hash
    from newsbot.ingest.sources import Problem, iter_articles

    expected = {}
    for item in iter_articles([str(folder)]):
        if not isinstance(item, Problem):
            expected[item[0].id] = content_hash(item[0])
    stored: dict[str, set[object]] = {}
    for _, meta in rows:
        stored.setdefault(str(meta["article_id"]), set()).add(meta.get("content_hash"))
    for aid, meta in copies:
        stored.setdefault(aid, set()).add(meta.get("content_hash"))
    missing = sorted(set(expected) - set(stored))
    orphan = sorted(set(stored) - set(expected))
    stale = sorted(a for a in expected if a in stored and stored[a] != {expected[a]})
    ok = not (missing or orphan or stale)
    detail = (
        f"{len(expected)} articles in the folder; Chroma: {len(missing)} missing, "
        f"{len(orphan)} pruned articles still held, {len(stale)} of an old version "
        f"({len(copies)} held as copies of a story)"
    )
    if missing or orphan or stale:
        detail += f"; e.g. {(missing or orphan or stale)[0]}"
    return Check("Chroma = the writer's folder", ok, detail)


def story_keys(text: str, titles: dict[str, str]) -> set[str]:
    """The generated stories an alert names (by headline, a copy's included)."""
    plain = re.sub(r"<[^>]+>", "", text).replace("&amp;", "&").replace("&#x27;", "'")
    return {key for title, key in titles.items() if title in plain}


@dataclass(frozen=True)
class AlertTally:
    delivered: int
    queued: int
    left_in_outbox: int
    duplicates: list[str]
    owed: int
    owed_missing: list[str]


def tally_alerts(
    alerts: Sequence[Alert],
    alerted: Sequence[tuple[int, str]],
    outbox: int,
    follows: Sequence[Follow],
    mutator: Mutator,
    load_end: float,
) -> AlertTally:
    """Compare the alerts the chats got with what the bot queued and what the writes owed.

    Owed: a new story on a topic a chat followed from before the story was written to the
    end, written before the load stopped and not pruned soon after. A copy is no new story.
    """
    per_chat: Counter[tuple[int, str]] = Counter()
    got: dict[int, set[str]] = {}
    duplicates = []
    texts = Counter((a.chat, a.text) for a in alerts)
    duplicates += [f"chat {c}: same alert twice" for (c, _), n in texts.items() if n > 1]
    for alert in alerts:
        for key in story_keys(alert.text, mutator.titles):
            per_chat[(alert.chat, key)] += 1
            got.setdefault(alert.chat, set()).add(key)
    duplicates += [
        f"chat {c}: story {k} alerted {n} times" for (c, k), n in per_chat.items() if n > 1
    ]
    owed_missing = []
    owed = 0
    pruned = {c.key: c.at for c in mutator.changes if c.op == "prune"}
    for change in mutator.changes:
        if change.op != "add" or change.at > load_end:
            continue
        if pruned.get(change.key, float("inf")) - change.at < PRUNED_WITHIN:
            continue  # gone again before an alert pass could be sure to see it
        for follow in follows:
            if follow.topic != change.topic or follow.until is not None:
                continue
            if follow.since < change.at:
                owed += 1
                if change.key not in got.get(follow.chat, set()):
                    owed_missing.append(f"chat {follow.chat}: {change.key} on {follow.topic!r}")
    return AlertTally(len(alerts), len(alerted), outbox, duplicates, owed, owed_missing)


def alert_checks(tally: AlertTally) -> list[Check]:
    lost = tally.queued - tally.delivered + tally.left_in_outbox
    detail = (
        f"{tally.delivered} delivered of {tally.queued} queued, {tally.left_in_outbox} left in "
        f"the outbox; {tally.owed - len(tally.owed_missing)} of {tally.owed} owed by new "
        "stories on followed topics"
    )
    if tally.owed_missing:
        detail += f" (missing e.g. {tally.owed_missing[0]})"
    return [
        Check("no alert lost", lost <= 0 and not tally.owed_missing, detail),
        Check(
            "no alert sent twice",
            not tally.duplicates and tally.delivered <= tally.queued,
            "; ".join(tally.duplicates[:3]) or f"{tally.delivered} alerts, each story once a chat",
        ),
    ]


def rss_check(name: str, samples: Sequence[tuple[float, int]], limit: float = 0.10) -> Check:
    """RSS after warm-up grows by at most `limit`: the last fifth against the first after it."""
    if len(samples) < 10:
        return Check(f"{name} RSS flat", False, f"only {len(samples)} samples")
    start, end = samples[0][0], samples[-1][0]
    warm = start + WARM_UP_SHARE * (end - start)
    after = [kib for t, kib in samples if t >= warm]
    fifth = max(1, len(after) // 5)
    base, last = statistics.median(after[:fifth]), statistics.median(after[-fifth:])
    growth = last / base - 1
    detail = (
        f"{base / 1024:.0f} MiB after warm-up -> {last / 1024:.0f} MiB at the end "
        f"({growth:+.1%}; peak {max(after) / 1024:.0f} MiB)"
    )
    return Check(f"{name} RSS grows ≤ {limit:.0%}", growth <= limit, detail)
