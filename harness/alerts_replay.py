"""Alerts replayed over a built store: each publication day's stories offered as new, in order.

Ingesting a whole dev set in date order (harness/alerts_eval.py) takes longer than a
measuring loop allows; this replays the same passes over a copy of a store that already
holds every article. Each pass offers one batch of days (quiet days pooled until it holds
`min_batch` stories) to `match`, the function the bot's alert pass calls, with the day as
today; the rule "old" is the one before issue 25 (half the topic's words in the headline
and opening), kept here as the baseline. Scored against a judge's lists of row ids
(`stories`; a set's `rejected` lists, the candidates its judge read and turned down, are
kept for audit and not read here).

A follower follows a topic on a day, and alerts come from what is published after it;
`followed_on` says that day. Days before it are the store's archive, never offered, and a
judged story published before it could never alert, so it is not counted. Without it every
topic is followed before the store's first day, years before the stories a judge means.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable, Iterator, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from newsbot.core.types import Chunk
from newsbot.harness.alerts_eval import read_jsonl, score
from newsbot.retrieval.alerts import TopicMatch, match, read_topic
from newsbot.retrieval.newsbot import Newsbot
from newsbot.retrieval.question.spelling import read_question
from newsbot.retrieval.search.hybrid import Hit
from newsbot.retrieval.settings import RetrievalSettings
from newsbot.retrieval.topics import Lead
from newsbot.store.chroma_store import Store
from newsbot.store.story_log import LoggedArticle, LoggedStory

OLD_CANDIDATES = 2
OLD_LEAD_SHARE = 0.5
STATE_FILES = ("story-log.sqlite", "follows.sqlite")


def old_match(
    newsbot: Newsbot, topic: str, stories: Sequence[LoggedStory], most: int
) -> list[TopicMatch]:
    """The rule before issue 25: half the topic's words in the headline and opening."""
    leads = {s.lead.article_id: s for s in stories}
    question = read_question(topic, newsbot.searcher) or topic
    terms = newsbot.searcher.terms
    words = set(terms(question)) - newsbot.extractive.question_terms
    hits = newsbot.searcher.search(question, k=OLD_CANDIDATES * most, among=list(leads))
    found: list[TopicMatch] = []
    for hit in hits:
        if len(found) >= most:
            break
        if not old_leads_with(words, hit, terms):
            continue
        answer = newsbot.composer.compose(question, [hit], as_of=newsbot.today())
        if answer.refused or hit.chunk.article_id not in {c.article_id for c in answer.citations}:
            continue
        found.append(TopicMatch(leads[hit.chunk.article_id], answer))
    return found


def old_leads_with(words: set[str], hit: Hit, terms: Callable[[str], list[str]]) -> bool:
    if not words:
        return False
    first = min((hit.chunk, *hit.extra), key=lambda c: c.position)
    opening = set(terms(hit.chunk.title)) | (
        set(terms(first.text)) if first.position == 0 else set()
    )
    return len(words & opening) >= OLD_LEAD_SHARE * len(words)


def stored_stories(store: Store) -> tuple[dict[str, str], dict[str, Chunk]]:
    """Each URL's story id (copies included) and each story's first chunk."""
    firsts: dict[str, Chunk] = {}
    for aid in store.articles():
        chunks = store.read_articles([aid]).get(aid)
        if chunks:
            firsts[aid] = chunks[0]
    story_of_url: dict[str, str] = {}
    for story in store.stories(list(firsts)).values():
        for copy in story.copies:
            if copy.url:
                story_of_url.setdefault(copy.url, story.id)
    for aid, chunk in firsts.items():
        url = chunk.metadata.get("url")
        if url:
            story_of_url.setdefault(str(url), aid)
    return story_of_url, firsts


def day_batches(firsts: dict[str, Chunk], min_batch: int) -> Iterator[tuple[date, list[Chunk]]]:
    """Stories by publication day in date order, quiet days pooled (the last day is today)."""
    days: dict[date, list[Chunk]] = {}
    for chunk in firsts.values():
        days.setdefault(chunk.published_at or date.max, []).append(chunk)
    batch: list[Chunk] = []
    for day in sorted(days):
        batch += days[day]
        if len(batch) >= min_batch:
            yield day, batch
            batch = []
    if batch:
        yield max(days), batch


def logged(seq: int, chunk: Chunk) -> LoggedStory:
    meta = chunk.metadata
    article = LoggedArticle(
        chunk.article_id,
        chunk.title,
        meta.get("source"),
        meta.get("published_at"),
        meta.get("url"),
        meta.get("path"),
    )
    return LoggedStory(seq, chunk.article_id, 0.0, (article,))


def replay(
    store_dir: Path,
    articles_path: Path,
    topics_path: Path,
    data_dir: Path,
    rule: str = "new",
    min_batch: int = 5,
    most: int = 5,
    log: Callable[[str], None] = print,
    followed_on: date | None = None,
) -> dict[str, Any]:
    """Replay every day's stories through the alert rule on a copy of a built store; score."""
    if data_dir.exists() and any(data_dir.iterdir()):
        raise SystemExit(f"{data_dir} is not empty: the replay starts from a copy of {store_dir}")
    shutil.copytree(store_dir, data_dir, dirs_exist_ok=True)
    for name in STATE_FILES:  # learned topics and follows start empty
        (data_dir / name).unlink(missing_ok=True)
    settings = RetrievalSettings(data_dir=data_dir, llm="none")
    today = [date.today()]
    newsbot = Newsbot(settings, today=lambda: today[0])
    rows = read_jsonl(articles_path)
    judge = read_jsonl(topics_path)
    topics = [str(t["topic"]) for t in judge]
    story_of_url, firsts = stored_stories(newsbot.store)
    archive = set()
    if followed_on is not None:
        archive = {
            r["id"] for r in rows if (r.get("published_at") or "9") < followed_on.isoformat()
        }
        firsts = {
            a: c for a, c in firsts.items() if not c.published_at or c.published_at >= followed_on
        }
    story_of_row = {r["id"]: story_of_url.get(r["url"], r["id"]) for r in rows}
    row_of_story = {s: r for r, s in reversed(list(story_of_row.items()))}
    rule_of = {"new": match, "old": old_match}[rule]
    readings = {t: read_topic(newsbot, t) for t in topics}
    alerted: dict[str, list[str]] = {t: [] for t in topics}
    seq, passes, started = 0, [], time.perf_counter()
    for n, (day, batch) in enumerate(day_batches(firsts, min_batch), start=1):
        today[0] = day
        stories = []
        for chunk in batch:
            seq += 1
            stories.append(logged(seq, chunk))
        leads = [set(newsbot.searcher.terms(Lead.of([c]).text)) for c in batch]
        clock = time.perf_counter()
        for topic in topics:
            own = readings[topic].own
            if not any(own & lead for lead in leads):
                continue  # no headline or opening names any topic word: neither rule alerts
            for found in rule_of(newsbot, topic, stories, most):
                if found.story.story_id not in alerted[topic]:
                    alerted[topic].append(found.story.story_id)
        passes.append(time.perf_counter() - clock)
        if n % 50 == 0:
            log(f"alerts-replay: pass {n} ({day}), {sum(map(len, alerted.values()))} alerts")
    judged = {
        str(t["topic"]): {
            row_of_story.get(story_of_row.get(s, s), s) for s in t["stories"] if s not in archive
        }
        for t in judge
    }
    as_rows = {t: [row_of_story.get(s, s) for s in got] for t, got in alerted.items()}
    report = score(judged, as_rows)
    report.update(
        rule=rule,
        store=str(store_dir),
        articles=str(articles_path),
        topics_file=str(topics_path),
        min_batch=min_batch,
        alerts_per_topic=most,
        followed_on=followed_on.isoformat() if followed_on else None,
        judged_in_archive=sum(s in archive for t in judge for s in t["stories"]),
        passes=len(passes),
        seconds=round(time.perf_counter() - started, 1),
        alert_pass_seconds_mean=round(sum(passes) / max(len(passes), 1), 3),
        copies={"ingested": 0, "alerted": 0, "alerts": {}},
    )
    return report
