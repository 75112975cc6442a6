"""`newsbot eval` and `newsbot bench`: the measuring commands, offered when installed."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from typing import Any

EXIT_OK = 0


HINT = "the measuring tools are not installed: pip install 'newsbot[bench]'"


def add_commands(commands: Any) -> None:
    """Offer the measuring commands when the bench extra is installed, else a hint for each.

    Registered as the `harness` entry point of the `newsbot.commands` group (pyproject.toml).
    """
    from importlib.util import find_spec

    from newsbot.harness.soak import add_soak_parser

    add_soak_parser(commands)
    if all(find_spec(m) for m in ("matplotlib", "langchain_huggingface")):
        add_parsers(commands)
        return
    for name in ("eval", "bench"):
        stub = commands.add_parser(name, help=f"({HINT})", add_help=False)
        stub.add_argument("rest", nargs=argparse.REMAINDER)
        stub.set_defaults(run=lambda _args: missing_extra())


def missing_extra() -> int:
    print(f"newsbot: {HINT}", file=sys.stderr)
    return 1


def add_parsers(commands: Any) -> None:
    """Add the measuring commands: eval, bench, bench-live, eval-support, alerts-eval,
    eval-stories, eval-timeline and eval-revisions."""
    add_eval_parser(commands)
    add_bench_parser(commands)
    add_bench_live_parser(commands)
    from newsbot.harness.support_eval import add_parser as add_support_eval_parser

    add_support_eval_parser(commands)
    add_alerts_eval_parser(commands)
    add_story_eval_parser(commands)
    add_timeline_eval_parser(commands)
    from newsbot.harness.revisions_eval import add_parser as add_revisions_eval_parser

    add_revisions_eval_parser(commands)


def add_alerts_eval_parser(commands: Any) -> None:
    """Add `newsbot alerts-eval`: alerts on followed topics against a judge's lists."""
    evaluate = commands.add_parser(
        "alerts-eval", help="score alerts on followed topics, articles ingested in date order"
    )
    evaluate.add_argument("--articles", required=True, help="articles .jsonl")
    evaluate.add_argument(
        "--topics", default="examples/alert_topics.jsonl", help="topics with judged stories"
    )
    evaluate.add_argument("--store", required=True, help="an empty (or new) data dir")
    evaluate.add_argument("--out", help="write the report as JSON here")
    evaluate.add_argument("--min-batch", type=int, default=5, help="articles per ingest at least")
    evaluate.add_argument(
        "--rescore", action="store_true", help="score a store this command already ran on"
    )
    evaluate.add_argument(
        "--replay",
        metavar="BUILT_STORE",
        help="replay the days over a copy of this built store (--store: the copy) instead",
    )
    evaluate.add_argument(
        "--rule", choices=["new", "old"], default="new", help="with --replay: the alert rule"
    )
    evaluate.add_argument(
        "--followed-on",
        metavar="YYYY-MM-DD",
        type=date.fromisoformat,
        help="with --replay: the day every topic is followed; earlier days are the archive",
    )
    evaluate.set_defaults(run=run_alerts_eval)


def run_alerts_eval(args: argparse.Namespace) -> int:
    from pathlib import Path

    from newsbot.bot.settings import BotSettings
    from newsbot.harness.alerts_eval import run, table

    log = lambda line: print(line, file=sys.stderr, flush=True)  # noqa: E731
    if args.replay:
        from newsbot.harness.alerts_replay import replay

        report = replay(
            Path(args.replay),
            Path(args.articles),
            Path(args.topics),
            Path(args.store),
            rule=args.rule,
            min_batch=args.min_batch,
            most=BotSettings().alerts_per_topic,
            log=log,
            followed_on=args.followed_on,
        )
        if args.out:
            Path(args.out).write_text(json.dumps(report, indent=2), encoding="utf-8")
        print(table(report))
        return EXIT_OK
    report = run(
        Path(args.articles),
        Path(args.topics),
        Path(args.store),
        min_batch=args.min_batch,
        most=BotSettings().alerts_per_topic,
        rescore=args.rescore,
        log=log,
    )
    if args.out:
        Path(args.out).write_text(json.dumps(report, indent=2), encoding="utf-8")
    print(table(report))
    return EXIT_OK


def add_timeline_eval_parser(commands: Any) -> None:
    """Add `newsbot eval-timeline`: timelines of judged topics over a built store."""
    evaluate = commands.add_parser(
        "eval-timeline", help="score timelines (precision, recall, order, time) on judged topics"
    )
    evaluate.add_argument("--articles", required=True, help="the articles .jsonl the store holds")
    evaluate.add_argument(
        "--topics", default="examples/alert_topics_judged.jsonl", help="topics with judged stories"
    )
    evaluate.add_argument("--replay", required=True, metavar="BUILT_STORE", help="a built store")
    evaluate.add_argument("--store", required=True, help="where to copy it (reused if there)")
    evaluate.add_argument("--out", help="write the report as JSON here")
    evaluate.set_defaults(run=run_timeline_eval)


def run_timeline_eval(args: argparse.Namespace) -> int:
    from pathlib import Path

    from newsbot.harness.timeline_eval import run, table

    report = run(Path(args.replay), Path(args.articles), Path(args.topics), Path(args.store))
    if args.out:
        Path(args.out).write_text(json.dumps(report, indent=2), encoding="utf-8")
    print(table(report))
    return EXIT_OK


def add_story_eval_parser(commands: Any) -> None:
    """Add `newsbot eval-stories` (story grouping on copies made from dev articles)."""
    stories = commands.add_parser(
        "eval-stories", help="score story grouping on copies made from an articles .jsonl"
    )
    stories.add_argument("--articles", required=True, help="articles .jsonl (e.g. dev's)")
    stories.add_argument("--workdir", help="folder for the test set and its store (default: temp)")
    stories.add_argument("--out", help="also write stories.json into this folder")
    stories.add_argument("--json", action="store_true", help="print the whole report as JSON")
    stories.add_argument(
        "--stand-in",
        action="store_true",
        help="store constant vectors instead of the model's (same groups, minutes faster)",
    )
    stories.set_defaults(run=run_story_eval)


def run_story_eval(args: argparse.Namespace) -> int:
    """Build the copies test set, ingest it, print precision and recall of "same story"."""
    from pathlib import Path

    from newsbot.harness import story_eval

    embedder = story_eval.StandInEmbedder() if args.stand_in else None
    workdir = Path(args.workdir) if args.workdir else None
    report = story_eval.run(Path(args.articles), workdir, embedder=embedder)
    if args.out:
        out = Path(args.out)
        out.mkdir(parents=True, exist_ok=True)
        (out / "stories.json").write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps(report, indent=2) if args.json else story_eval.markdown(report))
    return EXIT_OK


def add_eval_parser(commands: Any) -> None:
    """Add `newsbot eval` to the command's subparsers."""
    evaluate = commands.add_parser(
        "eval", help="score answers on dated questions (ingests the articles first)"
    )
    evaluate.add_argument("--articles", required=True, help="articles .jsonl (ingested first)")
    evaluate.add_argument("--questions", required=True, help="questions .jsonl")
    evaluate.add_argument("--store", help="data dir of the store to (re)use; default: settings")
    evaluate.add_argument("--out", default="eval-out", help="where report.json etc. go")
    evaluate.add_argument("--limit", type=int, help="only the first N questions")
    evaluate.add_argument(
        "--noise",
        default="",
        help="comma-separated noise kinds (or 'all'): ask a copy of each question per kind, "
        "typed as people chat, and report every figure per kind",
    )
    evaluate.add_argument(
        "--target-tokens", type=int, default=200, help="chunk size for newly ingested articles"
    )
    evaluate.set_defaults(run=run_eval)


def add_bench_parser(commands: Any) -> None:
    """Add `newsbot bench` to the command's subparsers."""
    bench = commands.add_parser("bench", help="measure ingest and answer speed, memory and scaling")
    bench.add_argument(
        "articles",
        help="articles file or folder (e.g. examples/articles), or a data folder holding "
        "articles.jsonl and questions.jsonl",
    )
    bench.add_argument("--questions", help="questions .jsonl (default: found beside the articles)")
    bench.add_argument(
        "--out", help="folder for bench-LABEL.json/.png and BENCHMARKS.md (default: write nothing)"
    )
    bench.add_argument("--markdown", help="Markdown file to update (default: OUT/BENCHMARKS.md)")
    bench.add_argument("--label", default="", help="name of this run in the report")
    bench.add_argument("--repeat", type=int, default=1, help="interleaved ingest rounds")
    bench.add_argument(
        "--limit", type=int, default=0, help="at most N articles, the questions' gold first"
    )
    bench.add_argument("--no-tutorial", action="store_true", help="skip the LangChain baseline")
    bench.add_argument("--batch-size", type=int, default=16, help="embedding batch size")
    bench.add_argument("--threads", type=int, default=0, help="torch threads (0: default)")
    bench.add_argument(
        "--backend",
        default="auto",
        choices=["auto", "torch", "torch-bf16", "onnx", "onnx-int8"],
        help="embeddings (auto on a CPU: questions on onnx, bulk ingest on torch)",
    )
    bench.add_argument(
        "--scale", default="1000,10000,100000,1000000", help="store sizes for query timing"
    )
    bench.add_argument("--scale-budget", type=float, default=600, help="seconds for scaling")
    bench.add_argument("--rss-articles", default="1000,50000", help="synthetic ingest sizes")
    bench.add_argument(
        "--rss-chroma-url",
        default="",
        help="also measure ingest memory against this `chroma run` server (store out of process)",
    )
    bench.add_argument("--cli-repeat", type=int, default=2, help="runs of each CLI timing")
    bench.add_argument(
        "--levers", action="store_true", help="also time each embedding setting (child each)"
    )
    bench.add_argument("--json", action="store_true", help="print the whole report as JSON")
    bench.set_defaults(run=run_bench)


def add_bench_live_parser(commands: Any) -> None:
    """Add `newsbot bench-live` (the live section of the benchmark) to the subparsers."""
    live = commands.add_parser(
        "bench-live",
        help="measure how soon a running chat answers what another process ingests",
    )
    live.add_argument(
        "--sizes", default="30000", help="comma-separated synthetic store sizes, in chunks"
    )
    live.add_argument("--repeats", type=int, default=5, help="articles ingested per size")
    live.add_argument("--workdir", default="bench-live", help="folder for the stores and logs")
    live.add_argument(
        "--rebuild", action="store_true", help="build the stores afresh even if present"
    )
    live.add_argument("--out", help="also write live.json and live.md into this folder")
    live.add_argument("--json", action="store_true", help="print the whole report as JSON")
    live.set_defaults(run=run_bench_live)


def run_bench_live(args: argparse.Namespace) -> int:
    """Measure freshness across processes at each size; print the table and the targets."""
    from pathlib import Path

    from newsbot.harness import bench_live

    config = bench_live.LiveConfig(
        sizes=[int(x) for x in args.sizes.split(",") if x.strip()],
        repeats=args.repeats,
        workdir=Path(args.workdir),
        keep=not args.rebuild,
    )
    report = bench_live.run_live(config)
    text = bench_live.markdown(report)
    if args.out:
        out = Path(args.out)
        out.mkdir(parents=True, exist_ok=True)
        (out / "live.json").write_text(json.dumps(report, indent=2) + "\n")
        (out / "live.md").write_text(text)
    print(json.dumps(report, indent=2) if args.json else text)
    return EXIT_OK


def run_eval(args: argparse.Namespace) -> int:
    """Ingest the articles into the store (incrementally), answer the questions, report."""
    from pathlib import Path

    from newsbot.harness.evaluation import (
        aliases_from_skips,
        format_table,
        full_report,
        read_rows,
        run_questions,
        to_question,
        with_noise,
        write_outputs,
    )
    from newsbot.harness.noise import KINDS
    from newsbot.ingest.indexer import Indexer
    from newsbot.retrieval.newsbot import Newsbot
    from newsbot.retrieval.settings import RetrievalSettings
    from newsbot.store.writer import open_writer

    rows = read_rows(args.questions)[: args.limit]
    kinds = [k.strip() for k in args.noise.split(",") if k.strip()]
    if kinds == ["all"]:
        kinds = list(KINDS)
    questions = [to_question(item) for item in (with_noise(rows, kinds) if kinds else rows)]
    settings = RetrievalSettings(data_dir=Path(args.store)) if args.store else RetrievalSettings()
    embedder = settings.embedder()
    with open_writer(settings, embedder) as store:
        ingested = Indexer(store, target_tokens=args.target_tokens).ingest([args.articles])
        location = store.location
    print(f"store {location}: {ingested.summary()} ({ingested.seconds:.0f}s)", file=sys.stderr)
    newsbot = Newsbot(settings, embedder=embedder)
    newsbot.warm_up()

    def progress(n: int, row: Any) -> None:
        if n % 25 == 0 or n == len(questions):
            print(f"eval: {n}/{len(questions)} questions", file=sys.stderr, flush=True)

    from newsbot.harness.story_eval import story_aliases

    # A gold article stored as a copy of another outlet's is found as that one.
    aliases = {**aliases_from_skips(ingested.skips), **story_aliases(newsbot.store)}
    answered = run_questions(newsbot, questions, on_row=progress, aliases=aliases)
    report = {
        "articles": args.articles,
        "questions": args.questions,
        "target_tokens": args.target_tokens,
        **({"noise": kinds} if kinds else {}),
        **full_report(answered),
    }
    paths = write_outputs(Path(args.out), report, answered)
    print(format_table(report))
    print(f"wrote {', '.join(str(p) for p in paths.values())}")
    return EXIT_OK


def run_bench(args: argparse.Namespace) -> int:
    """Measure ingest, answers, memory and scaling; print the targets, write where told."""
    from pathlib import Path

    from newsbot.harness import bench
    from newsbot.retrieval.settings import RetrievalSettings

    def sizes(text: str) -> list[int]:
        return [int(x) for x in text.split(",") if x.strip()]

    settings = RetrievalSettings()
    config = bench.BenchConfig(
        questions=Path(args.questions) if args.questions else None,
        articles=Path(args.articles),
        out_dir=Path(args.out) if args.out else None,
        markdown=Path(args.markdown) if args.markdown else None,
        label=args.label,
        repeat=args.repeat,
        limit=args.limit,
        tutorial=not args.no_tutorial,
        batch_size=args.batch_size,
        threads=args.threads,
        backend=args.backend,
        model=settings.embedding_model,
        device=settings.device,
        cli_repeat=args.cli_repeat,
        scale_sizes=sizes(args.scale),
        scale_budget_s=args.scale_budget,
        rss_articles=sizes(args.rss_articles),
        rss_chroma_url=args.rss_chroma_url,
        levers=args.levers,
    )
    report = bench.run_bench(config)
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        for row in report["targets"]:
            met = {True: "met", False: "MISSED", None: "not measured"}[row["met"]]
            print(f"{row['target']}: {row['value']} ({met})")
        if config.out_dir is not None:
            print(f"report: {config.out_dir / ('bench-' + report['label'] + '.json')}")
    return EXIT_OK
