"""Every "revised" mark the timelines of some topics carry, with the two sentences compared,
for a reader to judge (docs/TIMELINES.md, "Every timeline's marks, read").

python -m newsbot.harness.timeline_marks --replay BUILT_STORE --store COPY \
    --topics examples/timeline_topics_fresh*.jsonl examples/alert_topics*.jsonl --out marks.jsonl
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
from collections.abc import Callable, Sequence
from pathlib import Path

from newsbot.core.sentences import split_sentences
from newsbot.harness.alerts_eval import read_jsonl
from newsbot.harness.alerts_replay import STATE_FILES, stored_stories
from newsbot.retrieval.answer.revisions import reported
from newsbot.retrieval.newsbot import Newsbot
from newsbot.retrieval.settings import RetrievalSettings
from newsbot.retrieval.timeline import build_timeline
from newsbot.retrieval.topics import Lead

NOTE = re.compile(r"^(?P<new>.*), (?:up|down) from (?P<old>.*) \[(?P<step>\d+)\]$")


def sentence_with(opening: str, phrase: str, terms: Callable[[str], list[str]]) -> str:
    """The sentence of an opening that states the figure written as `phrase`."""
    for sentence in split_sentences(opening):
        if any(f.phrase == phrase for f in reported(sentence, terms).figures):
            return sentence
    return ""


def marks(newsbot: Newsbot, topics: Sequence[str]) -> tuple[int, list[dict[str, str]]]:
    """How many steps the topics' timelines have, and each marked step with what it compared."""
    _, firsts = stored_stories(newsbot.store)
    terms = newsbot.searcher.terms
    steps_seen = 0
    found: list[dict[str, str]] = []
    for topic in topics:
        steps = build_timeline(newsbot, topic)
        steps_seen += len(steps)
        for step in steps:
            note = NOTE.match(step.revised)
            if not note:
                continue
            older = steps[int(note["step"]) - 1]
            new_lead = Lead.of([firsts[step.article_id]])
            old_lead = Lead.of([firsts[older.article_id]])
            found.append(
                {
                    "topic": topic,
                    "note": step.revised,
                    "published": step.published_at or "",
                    "title": step.title,
                    "sentence": sentence_with(new_lead.opening, note["new"], terms),
                    "older_published": older.published_at or "",
                    "older_title": older.title,
                    "older_sentence": sentence_with(old_lead.opening, note["old"], terms),
                }
            )
    return steps_seen, found


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--replay", required=True, metavar="BUILT_STORE", help="a built store")
    parser.add_argument("--store", required=True, help="where to copy it (reused if there)")
    parser.add_argument("--topics", nargs="+", required=True, help="topic sets (.jsonl)")
    parser.add_argument("--out", required=True, help="one line per mark (.jsonl)")
    args = parser.parse_args(argv)
    data_dir = Path(args.store)
    if not data_dir.exists() or not any(data_dir.iterdir()):
        shutil.copytree(args.replay, data_dir, dirs_exist_ok=True)
        for name in STATE_FILES:
            (data_dir / name).unlink(missing_ok=True)
    newsbot = Newsbot(RetrievalSettings(data_dir=data_dir, llm="none"))
    topics = [row["topic"] for path in args.topics for row in read_jsonl(Path(path))]
    steps, found = marks(newsbot, list(dict.fromkeys(topics)))
    with open(args.out, "w", encoding="utf-8") as out:
        out.writelines(json.dumps(mark) + "\n" for mark in found)
    print(f"{len(dict.fromkeys(topics))} topics, {steps} steps, {len(found)} marks -> {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
