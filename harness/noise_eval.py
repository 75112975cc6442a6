"""Score the bot on noisy copies of eval questions, per kind, beside the clean questions."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from newsbot.harness.eval_metrics import summarize
from newsbot.harness.eval_records import EvalQuestion, Responder, Row
from newsbot.harness.evaluation import run_questions
from newsbot.harness.noise import KINDS, noisy_copies

# The figures a noise kind is judged by; the rest of summarize() stays in the JSON.
FIGURES = ("answer_found", "refusal_rate_with_gold", "refusal_rate", "hit_at_5")


def noisy_questions(
    questions: Sequence[EvalQuestion], kinds: Sequence[str], seed: int = 0
) -> dict[str, list[EvalQuestion]]:
    """Return, per kind, the noisy copy of each question it applies to (ids kept)."""
    by_id = {q.id: q for q in questions}
    rows = [{"id": q.id, "question": q.question} for q in questions]
    out: dict[str, list[EvalQuestion]] = {kind: [] for kind in kinds}
    for copy in noisy_copies(rows, kinds, seed=seed):
        original = by_id[copy["id"].removesuffix("-" + copy["noise"])]
        out[copy["noise"]].append(replace(original, question=copy["question"]))
    return out


def noise_report(
    bot: Responder,
    questions: Sequence[EvalQuestion],
    kinds: Sequence[str],
    aliases: dict[str, str] | None = None,
    on_kind: Callable[[str], None] | None = None,
) -> dict[str, dict[str, Any]]:
    """Summarise each kind, and the clean questions that kind applied to (as `clean_same`)."""
    clean_rows: dict[str, Row] = {}
    report: dict[str, dict[str, Any]] = {}
    copies = noisy_questions(questions, ["clean", *[k for k in kinds if k != "clean"]])
    for row in run_questions(bot, copies["clean"], aliases=aliases):
        clean_rows[row.id] = row
    report["clean"] = summarize(list(clean_rows.values()))
    for kind in kinds:
        if kind == "clean":
            continue
        if on_kind:
            on_kind(kind)
        rows = run_questions(bot, copies[kind], aliases=aliases)
        report[kind] = summarize(rows)
        report[kind]["clean_same"] = summarize([clean_rows[r.id] for r in rows])
    return report


def format_report(report: dict[str, dict[str, Any]]) -> str:
    """One line per kind: each figure, and its change from the same questions clean."""
    head = f"{'kind':<10} {'n':>4}  " + "  ".join(f"{f:>22}" for f in FIGURES)
    lines = [head]
    for kind, figures in report.items():
        same = figures.get("clean_same", figures)
        cells = []
        for name in FIGURES:
            value, base = figures.get(name), same.get(name)
            if value is None:
                cells.append(f"{'-':>22}")
            else:
                delta = f" ({value - base:+.3f})" if base is not None and kind != "clean" else ""
                cells.append(f"{f'{value:.3f}{delta}':>22}")
        lines.append(f"{kind:<10} {figures['n_questions']:>4}  " + "  ".join(cells))
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the noise kinds over a questions file against a built store; print and save."""
    from newsbot.harness.evaluation import aliases_from_skips, load_questions
    from newsbot.ingest.indexer import Indexer
    from newsbot.retrieval.newsbot import Newsbot
    from newsbot.retrieval.settings import RetrievalSettings
    from newsbot.store.writer import open_writer

    parser = argparse.ArgumentParser(prog="python -m newsbot.harness.noise_eval")
    parser.add_argument("--questions", required=True)
    parser.add_argument("--store", required=True)
    parser.add_argument("--articles", help="ingest these first (incrementally), as eval does")
    parser.add_argument("--target-tokens", type=int, default=200)
    parser.add_argument("--kinds", default=",".join(KINDS))
    parser.add_argument("--limit", type=int)
    parser.add_argument("--out", help="write the report here as JSON")
    args = parser.parse_args(argv)
    kinds = [k for k in args.kinds.split(",") if k]
    questions = load_questions(args.questions)[: args.limit]
    settings = RetrievalSettings(data_dir=Path(args.store))
    embedder = settings.embedder()
    aliases: dict[str, str] = {}
    if args.articles:
        with open_writer(settings, embedder) as store:
            ingested = Indexer(store, target_tokens=args.target_tokens).ingest([args.articles])
        aliases = aliases_from_skips(ingested.skips)
    bot = Newsbot(settings, embedder=embedder)
    bot.warm_up()
    report = noise_report(
        bot,
        questions,
        kinds,
        aliases=aliases,
        on_kind=lambda k: print(f"noise: {k}", file=sys.stderr, flush=True),
    )
    print(format_report(report))
    if args.out:
        Path(args.out).write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
