"""Pair each question with an unrelated one asked just before it, as a busy chat does.

`python -m newsbot.harness.unrelated_pairs QUESTIONS OUT [--offset 37]` writes conversations
of two turns: turn 1 is the question `offset` lines further on (another week's story), turn 2
the question itself. `newsbot eval --questions OUT` then reports, under by_turn.follow_up,
how each question fares when the chat's previous question was about something else.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from newsbot.harness.evaluation import read_rows


def unrelated_pairs(rows: Sequence[dict[str, Any]], offset: int) -> list[dict[str, Any]]:
    """Two-turn conversations: an unrelated question first, then each question in turn."""
    pairs = []
    for n, row in enumerate(rows):
        before = rows[(n + offset) % len(rows)]
        for turn, asked in ((1, before), (2, row)):
            kept = {k: v for k, v in asked.items() if not k.startswith("_")}
            pairs.append(
                {**kept, "id": f"pair-{n}-{turn}", "conversation": f"pair-{n}", "turn": turn}
            )
    return pairs


def main(argv: Sequence[str] | None = None) -> int:
    """Write the pairs file for a questions file."""
    parser = argparse.ArgumentParser(prog="python -m newsbot.harness.unrelated_pairs")
    parser.add_argument("questions")
    parser.add_argument("out")
    parser.add_argument("--offset", type=int, default=37, help="lines between the two questions")
    args = parser.parse_args(argv)
    pairs = unrelated_pairs(read_rows(args.questions), args.offset)
    Path(args.out).write_text("".join(json.dumps(p) + "\n" for p in pairs), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
