"""Measure a chat model's answers on dated questions: found, found early, dropped, seconds.

Not part of CI: it needs a model server. One style per run, so that each run's first question
is a cold one:

    python -m newsbot.harness.llm_measure --store DIR --questions Q.jsonl --limit 40 \\
        --style generative --out DIR

The model is the one NEWSBOT_LLM (and NEWSBOT_LLM_BASE_URL) name; `--style extractive` measures
the default without one. See docs/LLM.md for the figures and how the server was started.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from collections.abc import Sequence
from dataclasses import asdict
from datetime import date
from pathlib import Path
from typing import Any

from newsbot.core.types import Answer, Turn
from newsbot.retrieval.answer.extractive import Composer
from newsbot.retrieval.answer.generative import Final, final_of, stream_composed
from newsbot.retrieval.search.hybrid import Hit

STYLES = ("extractive", "generative", "quote")


class Recorder:
    """Compose as the configured composer does, keeping its Final (what the check dropped)."""

    def __init__(self, inner: Composer):
        self.inner = inner
        self.last: Final | None = None

    def compose(
        self,
        question: str,
        hits: Sequence[Hit],
        history: Sequence[Turn] = (),
        as_of: date | None = None,
    ) -> Answer:
        """Answer through the inner composer's stream and remember its Final event."""
        final = final_of(stream_composed(self.inner, question, hits, history, as_of))
        self.last = final
        return final.answer


def summary(rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """The figures of one style's run."""
    seconds = [r["seconds"] for r in rows]
    generated = sum(r["generated"] for r in rows)
    dropped = sum(len(r["dropped"]) for r in rows)
    with_gold = [r for r in rows if r["gold_answer"]]

    def share(values: list[bool]) -> float | None:
        return round(sum(values) / len(values), 3) if values else None

    return {
        "questions": len(rows),
        "answer_found": share([r["found"] for r in with_gold]),
        "answer_found_first_25_words": share([r["found_early"] for r in with_gold]),
        "refused": share([r["refused"] for r in rows]),
        "extractive_fallback": share(["extractive answer" in (r["note"] or "") for r in rows]),
        "sentences_generated": generated,
        "sentences_dropped": dropped,
        "dropped_share": round(dropped / generated, 3) if generated else None,
        "cold_seconds": round(seconds[0], 2) if seconds else None,
        "warm_seconds_median": round(statistics.median(seconds[1:]), 2) if seconds[1:] else None,
        "warm_seconds_mean": round(statistics.fmean(seconds[1:]), 2) if seconds[1:] else None,
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m newsbot.harness.llm_measure")
    parser.add_argument("--store", required=True, help="data dir of a built store (read only)")
    parser.add_argument("--questions", required=True, help="questions .jsonl")
    parser.add_argument("--skip", type=int, default=0, help="leave out the first N questions")
    parser.add_argument("--limit", type=int, default=40, help="then only the next N questions")
    parser.add_argument("--style", choices=STYLES, default="generative")
    parser.add_argument("--out", required=True, help="where report.json and rows.jsonl go")
    args = parser.parse_args(argv)

    from newsbot.harness.evaluation import read_rows, run_questions, to_question
    from newsbot.harness.story_eval import story_aliases
    from newsbot.retrieval.newsbot import Newsbot
    from newsbot.retrieval.settings import RetrievalSettings

    questions = [
        to_question(item) for item in read_rows(args.questions)[args.skip : args.skip + args.limit]
    ]
    settings = RetrievalSettings(data_dir=Path(args.store))
    if args.style == "extractive":
        settings = settings.model_copy(update={"llm": "none"})
    else:
        settings = settings.model_copy(update={"llm_style": args.style})
    newsbot = Newsbot(settings)
    newsbot.warm_up()  # the embedding model; the chat model's first answer stays cold
    recorder = Recorder(newsbot.composer)
    newsbot.composer = recorder
    rows: list[dict[str, Any]] = []

    def record(n: int, row: Any) -> None:
        final = recorder.last
        recorder.last = None
        rows.append(
            {
                **asdict(row),
                "seconds": row.latency_ms / 1000,
                "note": final.answer.note if final else None,
                "generated": final.generated if final else 0,
                "dropped": [list(d) for d in final.dropped] if final else [],
            }
        )
        print(f"{args.style} {n}/{len(questions)} {row.latency_ms / 1000:.1f}s", file=sys.stderr)

    run_questions(newsbot, questions, on_row=record, aliases=story_aliases(newsbot.store))
    report = {"style": args.style, "llm": settings.llm, **summary(rows)}
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "report.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    with (out / "rows.jsonl").open("w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
