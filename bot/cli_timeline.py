"""`newsbot timeline WORDS`: how a story developed, oldest first, one cited line a step."""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING

from newsbot.bot.cli_common import open_newsbot, parse_day

if TYPE_CHECKING:
    Subcommands = argparse._SubParsersAction[argparse.ArgumentParser]


def add_timeline_parser(commands: Subcommands) -> None:
    timeline = commands.add_parser(
        "timeline", help="the stories on a topic, oldest first, each dated and cited"
    )
    timeline.add_argument("words", nargs="+", metavar="WORD", help="the topic")
    timeline.add_argument("--json", action="store_true", help="print the steps as JSON")
    timeline.add_argument(
        "--as-of", type=parse_day, metavar="DAY", help="only what was published by this day"
    )
    timeline.add_argument(
        "--since", type=parse_day, metavar="DAY", help="only what was published from this day"
    )
    timeline.set_defaults(run=run_timeline)


def run_timeline(args: argparse.Namespace) -> int:
    from newsbot.retrieval import build_timeline, timeline_lines

    topic = " ".join(args.words)
    steps = build_timeline(open_newsbot(), topic, as_of=args.as_of, since=args.since)
    if args.json:
        print(json.dumps([s.to_json() for s in steps], indent=2, ensure_ascii=False))
        return 0
    if not steps:
        print(f"no stories on “{topic}”")
        return 0
    print("\n".join(timeline_lines(steps)))
    print()
    for n, step in enumerate(steps, start=1):
        where = ", ".join(p for p in (step.source, step.published_at) if p)
        link = step.url or step.path or ""
        print(" — ".join(p for p in (f"[{n}] {step.title or '(untitled)'}", where, link) if p))
    return 0
