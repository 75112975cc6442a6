"""Measure story grouping: copies made from dev articles, plus the real duplicates in dev.

The test set is built at run time from an articles.jsonl (nothing of it is kept in the repo):
base articles (topic clusters, so that distinct stories on one subject sit side by side, plus
every dev article whose URL or text another one shares), and copies of some of them made by a
seeded script, one kind of edit each (KINDS), and wire briefs (story_briefs.py): the lead of dev
articles not otherwise in the set, cut to under MIN_WORDS words, each with a copy that differs
in headline and source line, and beside it a brief of a distinct story on the same topic. The
set is ingested in two runs into a fresh store, so copies meet their originals both in the
keyword index and within one run; then every pair of articles is scored for "same story"
against the truth.
"""

from __future__ import annotations

import itertools
import json
import logging
import random
import re
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np

from newsbot.harness.story_briefs import BRIEFS, make_briefs
from newsbot.ingest.near_copies import MIN_WORDS, similarity, words
from newsbot.ingest.near_copies import shingles as story_shingles
from newsbot.store.chroma_store import Store

log = logging.getLogger(__name__)

SEED = 17
KINDS = ("headline", "boilerplate", "paragraph", "editors_note", "quotes", "wire")
OUTLETS = (
    "Gull Bay Gazette",
    "Tri-County Ledger",
    "Northern Wire",
    "Riverside Daily",
    "Valley Courier",
    "Metro Sentinel",
)
EDITOR_NOTES = (
    "Editor's note: This story has been updated to include comment from state officials.",
    "Editor's note: An earlier version of this story misstated a figure. It has been corrected.",
    "Editor's note: This article first appeared in the {outlet} newsletter.",
)
BOILERPLATE = (
    "This story was republished with permission from {outlet}.",
    "Copyright 2022 {outlet}. Distributed by the {outlet} wire service.",
    "Sign up for the {outlet} morning newsletter to get stories like this first.",
)
CLICK_HOSTS = ("e.newsletters.",)  # tracking redirects: one URL shape for unrelated articles


@dataclass
class TestSet:
    """Records to ingest (dev's fields), their truth groups, and pairs that share a topic."""

    records: list[dict[str, Any]]
    group: dict[str, str]  # url -> truth group
    kind: dict[str, str]  # url -> how a copy was made ("" for dev articles)
    topic_pairs: set[tuple[str, str]] = field(default_factory=set)  # urls, distinct stories


def normal_url(url: str) -> str:
    url = re.sub(r"^https?://(www\.)?", "", url).split("#")[0].split("?")[0]
    return re.sub(r"/index\.html?$", "", url).rstrip("/")


def _paragraphs(text: str) -> list[str]:
    return [p for p in text.split("\n\n") if p.strip()]


def make_copy(
    record: dict[str, Any], kind: str, n: int, rng: random.Random, donor: str
) -> dict[str, Any]:
    """A copy of a dev record edited one way, under another outlet, URL and (maybe) day."""
    outlet = OUTLETS[n % len(OUTLETS)]
    paras = _paragraphs(record["text"])
    title = record.get("title") or ""
    if kind in ("headline", "wire"):
        lead = words(paras[0])[:9]
        title = " ".join(lead).capitalize() + f" ({outlet})"
    if kind == "boilerplate" and n % 2 and len(paras) > 3 and len(words(paras[0])) <= 30:
        paras = paras[1:]  # the original outlet's dateline or newsletter line removed
    elif kind in ("boilerplate", "wire"):
        line = rng.choice(BOILERPLATE).format(outlet=outlet)
        paras = [*paras, line] if n % 2 == 0 else [line, *paras]
    if kind == "paragraph":
        paras.insert(rng.randrange(1, len(paras) + 1), donor)
    if kind == "editors_note":
        note = rng.choice(EDITOR_NOTES).format(outlet=outlet)
        paras = [note, *paras] if n % 2 == 0 else [*paras, note]
    text = "\n\n".join(paras)
    if kind in ("quotes", "wire"):
        text = text.replace("“", '"').replace("”", '"').replace("’", "'").replace("‘", "'")
        text = text.replace(',"', '",').replace(" — ", " -- ")
    day = date.fromisoformat(record["published_at"]) + timedelta(days=rng.randrange(3))
    slug = "-".join(words(title)[:6]) or "story"
    domain = outlet.lower().replace(" ", "") + ".example"
    return {
        "id": f"copy-{n}",
        "url": f"https://{domain}/{day.isoformat()}/{slug}-{n}",
        "title": title,
        "source": outlet,
        "published_at": day.isoformat(),
        "authors": record.get("authors") or [],
        "text": text,
    }


def _topic_neighbours(records: list[dict[str, Any]], k: int) -> list[list[int]]:
    """For each record, the k others sharing the most rare words (idf-weighted)."""
    terms = [set(w for w in words(r["text"]) if len(w) > 3) for r in records]
    df: dict[str, int] = defaultdict(int)
    for t in terms:
        for w in t:
            df[w] += 1
    postings: dict[str, list[int]] = defaultdict(list)
    rare = [{w for w in t if 1 < df[w] <= 20} for t in terms]
    for i, t in enumerate(rare):
        for w in t:
            postings[w].append(i)
    out = []
    for i, t in enumerate(rare):
        score: dict[int, float] = defaultdict(float)
        for w in sorted(t):  # a fixed order of sums: the same neighbours in every process
            for j in postings[w]:
                if j != i:
                    score[j] += 1.0 / df[w]
        out.append([j for j, _ in sorted(score.items(), key=lambda x: (-x[1], x[0]))[:k]])
    return out


def build(
    articles: Path, seeds: int = 70, copies: int = 72, seed: int = SEED, briefs: int = BRIEFS
) -> TestSet:
    """Pick base articles from dev and make copies of some of them, all with a fixed seed."""
    from newsbot.ingest.sources import Problem, iter_articles

    rng = random.Random(seed)
    lines = articles.read_text(encoding="utf-8").splitlines()
    dev = [json.loads(line) for line in lines if line.strip()]
    dev = [r for r in dev if r.get("url") and r.get("text")]
    # Texts as ingest sees them, after cleaning: page furniture is no shared story.
    cleaned = {
        item[0].url: item[0].text
        for item in iter_articles([str(articles)])
        if not isinstance(item, Problem)
    }
    group = {r["url"]: r["url"] for r in dev}

    def join(a: str, b: str) -> None:
        ra, rb = find(a), find(b)
        if ra != rb:
            group[rb] = ra

    def find(u: str) -> str:
        while group[u] != u:
            group[u] = group[group[u]]
            u = group[u]
        return u

    # The real duplicates: one page under several URLs, or the same text of a real length.
    by_url: dict[str, list[str]] = defaultdict(list)
    by_text: dict[str, list[str]] = defaultdict(list)
    for r in dev:
        if not any(h in r["url"] for h in CLICK_HOSTS):
            by_url[normal_url(r["url"])].append(r["url"])
        by_text[" ".join(words(cleaned.get(r["url"], "")))].append(r["url"])
    real = [us for us in by_url.values() if len(us) > 1]
    real += [us for t, us in by_text.items() if len(us) > 1 and len(t.split()) >= MIN_WORDS]
    for us in real:
        for u in us[1:]:
            join(us[0], u)
    # Short texts shared by unrelated pages (ad widgets, consent forms): distinct stories.
    junk = [us for t, us in by_text.items() if len(us) > 1 and len(t.split()) < MIN_WORDS]
    chosen = {u for us in real + junk for u in us}
    index = {r["url"]: i for i, r in enumerate(dev)}
    neighbours = _topic_neighbours(dev, 3)
    long_enough = [r for r in dev if len(words(cleaned.get(r["url"], ""))) >= 150]
    topic_pairs = set()
    for r in rng.sample(long_enough, seeds):
        chosen.add(r["url"])
        for j in neighbours[index[r["url"]]]:
            chosen.add(dev[j]["url"])
            topic_pairs.add((r["url"], dev[j]["url"]))
    base = [r for r in dev if r["url"] in chosen]
    sources = [r for r in base if len(words(cleaned.get(r["url"], ""))) >= 150]
    made = []
    for n, original in enumerate(rng.sample(sources, copies)):
        donor = rng.choice(
            [p for p in _paragraphs(rng.choice(dev)["text"]) if len(p) > 150] or [""]
        )
        made.append(make_copy(original, KINDS[n % len(KINDS)], n, rng, donor))
        group[made[-1]["url"]] = find(original["url"])
    records = base + made
    rng.shuffle(records)
    kind = {r["url"]: "" for r in base}
    kind.update((r["url"], KINDS[n % len(KINDS)]) for n, r in enumerate(made))
    # Briefs draw from a generator of their own: the rest of the set stays as it was.
    spare = [
        r for r in dev if r["url"] not in chosen and not any(h in r["url"] for h in CLICK_HOSTS)
    ]
    brief_rng = random.Random(seed + 1)
    made_briefs = make_briefs(spare, cleaned, neighbours, index, brief_rng, briefs, OUTLETS)
    for record, copy_of, brief_kind, beside in made_briefs:
        group[record["url"]] = find(copy_of) if copy_of else record["url"]
        kind[record["url"]] = brief_kind
        if beside:
            topic_pairs.add((beside, record["url"]))
    brief_rng = random.Random(seed + 2)
    for record, *_ in made_briefs:
        records.insert(brief_rng.randrange(len(records) + 1), record)
    truth = {r["url"]: find(r["url"]) for r in records}
    topic = {(a, b) for a, b in topic_pairs if truth[a] != truth[b]}
    return TestSet(records, truth, kind, topic)


def pair_scores(predicted: dict[str, str], truth: dict[str, str]) -> dict[str, Any]:
    """Precision and recall of "same story" over every pair of articles."""
    pred_pairs, true_pairs = _pairs(predicted), _pairs(truth)
    hit = len(pred_pairs & true_pairs)
    return {
        "pairs_true": len(true_pairs),
        "pairs_predicted": len(pred_pairs),
        "pairs_correct": hit,
        "precision": round(hit / len(pred_pairs), 4) if pred_pairs else 1.0,
        "recall": round(hit / len(true_pairs), 4) if true_pairs else 1.0,
        "false_pairs": sorted(pred_pairs - true_pairs),
        "missed_pairs": sorted(true_pairs - pred_pairs),
    }


def _pairs(label: dict[str, str]) -> set[tuple[str, str]]:
    members: dict[str, list[str]] = defaultdict(list)
    for url, g in label.items():
        members[g].append(url)
    return {
        tuple(sorted(p))  # type: ignore[misc]
        for us in members.values()
        for p in itertools.combinations(us, 2)
    }


def story_aliases(store: Store) -> dict[str, str]:
    """Map each copy's URL (or path) to the stored version's, for scoring gold articles."""
    records = list(store.copies)
    stories = store.stories([r.article_id for r in records])
    aliases = {}
    for record in records:
        story = stories.get(record.article_id)
        kept = next((c for c in story.copies if c.stored), None) if story else None
        where = record.url or record.path
        if kept and where and (kept.url or kept.path):
            aliases[where] = str(kept.url or kept.path)
    return aliases


class StandInEmbedder:
    """Constant vectors and word counts for tokens: grouping never reads a vector."""

    dimensions = 8
    max_tokens = 256
    model_name = "stand-in"
    vector_space = "stand-in-8:eval"

    def load_in_background(self) -> None:
        """Do nothing: there is no model."""

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        return [len(re.findall(r"\w+|[^\w\s]", t)) for t in texts]

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        vectors = np.zeros((len(texts), self.dimensions), dtype=np.float32)
        vectors[:, 0] = 1.0
        return vectors

    def encode_query(self, text: str) -> np.ndarray:
        vector: np.ndarray = self.encode([text])[0]
        return vector


def run(
    articles: Path,
    workdir: Path | None = None,
    split: float = 0.6,
    embedder: Any = None,
    test: TestSet | None = None,
) -> dict[str, Any]:
    """Build the set, ingest it in two runs into a fresh store, and score the stories.

    Grouping never looks at vectors: a stand-in `embedder` makes the same groups faster.
    """
    from newsbot.ingest.indexer import Indexer
    from newsbot.ingest.sources import Problem, iter_articles
    from newsbot.retrieval.settings import RetrievalSettings
    from newsbot.store.writer import open_writer

    test = test or build(articles)
    work = Path(workdir or tempfile.mkdtemp(prefix="newsbot-stories-"))
    cut = int(len(test.records) * split)
    files = []
    for n, part in enumerate((test.records[:cut], test.records[cut:])):
        path = work / f"part{n + 1}.jsonl"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("".join(json.dumps(r) + "\n" for r in part), encoding="utf-8")
        files.append(path)
    settings = RetrievalSettings(_env_file=None, data_dir=work / "store")
    embedder = embedder or settings.embedder()
    reports = []
    started = time.perf_counter()
    url_of = {}
    for item in iter_articles([str(p) for p in files]):
        if not isinstance(item, Problem):
            url_of[item[0].id] = item[0].url or ""
    stories = {}
    ids = list(url_of)
    with open_writer(settings, embedder) as store:
        for path in files:
            reports.append(Indexer(store).ingest([path]).to_dict())
        seconds = time.perf_counter() - started
        for start in range(0, len(ids), 200):
            stories.update(store.stories(ids[start : start + 200]))
    predicted = {url_of[aid]: (stories[aid].id if aid in stories else aid) for aid in url_of}
    truth = {u: test.group[u] for u in predicted}
    scores = pair_scores(predicted, truth)
    merged_topics = [p for p in test.topic_pairs if predicted[p[0]] == predicted[p[1]]]
    by_kind = _recall_by_kind(test, predicted)
    text_of = {r["url"]: (r["text"], r.get("title") or "") for r in test.records}
    return {
        "articles": str(articles),
        "seed": SEED,
        "test_set": {
            "articles": len(test.records),
            "made_copies": sum(1 for k in test.kind.values() if k),
            "real_duplicate_pairs": len(
                _pairs({u: g for u, g in truth.items() if not test.kind[u]})
            ),
            "topic_pairs": len(test.topic_pairs),
            "brief_records": sum(1 for r in test.records if r["id"].startswith("brief-")),
        },
        "ingest": reports,
        "seconds": round(seconds, 1),
        "stories": len(set(predicted.values())),
        **{k: v for k, v in scores.items() if not k.endswith("_pairs")},
        "topic_pairs_merged": len(merged_topics),
        "recall_by_kind": by_kind,
        "false_pairs": [_explain(p, text_of) for p in scores["false_pairs"]],
        "missed_pairs": [_explain(p, text_of) for p in scores["missed_pairs"]],
    }


def _recall_by_kind(test: TestSet, predicted: dict[str, str]) -> dict[str, str]:
    """For made copies of each kind: how many ended in their original's story."""
    found: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for url, kind in test.kind.items():
        if not kind:
            continue
        mates = [u for u, g in test.group.items() if g == test.group[url] and u != url]
        found[kind][1] += 1
        found[kind][0] += any(predicted.get(m) == predicted[url] for m in mates)
    return {k: f"{a}/{b}" for k, (a, b) in sorted(found.items())}


def _explain(pair: Iterable[str], text_of: dict[str, tuple[str, str]]) -> dict[str, Any]:
    a, b = pair
    jaccard, contained, ratio = similarity(story_shingles(*text_of[a]), story_shingles(*text_of[b]))
    return {
        "urls": [a, b],
        "jaccard": round(jaccard, 3),
        "containment": round(contained, 3),
        "size_ratio": round(ratio, 3),
    }


def markdown(report: dict[str, Any]) -> str:
    t = report["test_set"]
    lines = [
        f"Story grouping on {t['articles']} articles ({t['made_copies']} made copies, "
        f"{t.get('brief_records', 0)} brief records, "
        f"{t['real_duplicate_pairs']} real duplicate pairs, {t['topic_pairs']} topic pairs)",
        f"precision {report['precision']}, recall {report['recall']} "
        f"({report['pairs_correct']} of {report['pairs_predicted']} predicted pairs right, "
        f"{report['pairs_true']} true pairs)",
        f"distinct stories sharing a topic merged: {report['topic_pairs_merged']}",
        "made copies found, by kind: "
        + ", ".join(f"{k} {v}" for k, v in report["recall_by_kind"].items()),
        f"ingest: {report['seconds']}s in two runs; stories {report['stories']}",
    ]
    return "\n".join(lines)
