"""The `newsbot` command: ingest, ask, chat, stats, telegram, eval, bench."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Callable
from datetime import date
from typing import Any

log = logging.getLogger("newsbot")

EXIT_OK, EXIT_ERROR, EXIT_PARTIAL = 0, 1, 2


def parse_day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date like 2024-05-14") from error


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="newsbot",
        description="Answer questions about news articles, with citations you can check.",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log details to stderr")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    ingest = commands.add_parser("ingest", help="add or update articles from files and folders")
    ingest.add_argument("paths", nargs="+", metavar="PATH", help="files, folders or globs")
    ingest.add_argument("--prune", action="store_true", help="drop articles no longer there")
    ingest.add_argument("--json", action="store_true", help="print the counts as JSON")
    ingest.set_defaults(run=run_ingest)

    ask = commands.add_parser("ask", help="answer one question and exit")
    ask.add_argument("question")
    ask.add_argument("--json", action="store_true", help="print the answer as JSON")
    ask.add_argument(
        "--as-of", type=parse_day, help="answer as if this day (YYYY-MM-DD) were today"
    )
    ask.set_defaults(run=run_ask)

    chat = commands.add_parser("chat", help="ask questions interactively (quit or Ctrl-D leaves)")
    chat.add_argument("--as-of", type=parse_day, help="answer as if this day were today")
    chat.set_defaults(run=run_chat)

    stats = commands.add_parser("stats", help="what the store holds")
    stats.add_argument("--json", action="store_true")
    stats.set_defaults(run=run_stats)

    telegram = commands.add_parser("telegram", help="run the Telegram bot (token from settings)")
    telegram.set_defaults(run=run_telegram)
    return parser


def open_newsbot() -> Any:
    from retrieval.chain import Newsbot
    from retrieval.settings import RetrievalSettings

    return Newsbot(RetrievalSettings())


def run_ingest(args: argparse.Namespace) -> int:
    from ingest.indexer import Indexer, ingest_lock
    from retrieval.embeddings import Embedder
    from retrieval.settings import RetrievalSettings
    from retrieval.store import Store

    settings = RetrievalSettings()
    with ingest_lock(settings.data_dir):
        embedder = Embedder(settings.embedding_model, settings.device)
        store = Store(settings, embedder)
        with ingest_progress(enabled=not args.json and sys.stderr.isatty()) as on_article:
            report = Indexer(store, on_article=on_article).ingest(args.paths, prune=args.prune)
    if args.json:
        print(json.dumps(report.to_dict(), indent=2))
    else:
        for line in report.failures:
            print(f"failed: {line}", file=sys.stderr)
        for line in report.skips:
            print(f"skipped: {line}", file=sys.stderr)
        print(
            f"added {report.added}, updated {report.updated}, unchanged {report.unchanged}, "
            f"skipped {report.skipped}, failed {report.failed}"
            + (f", pruned {report.pruned}" if args.prune else "")
            + f" ({report.chunks_embedded} chunks embedded in {report.seconds:.1f}s)"
        )
    return EXIT_PARTIAL if report.failed else EXIT_OK


class ingest_progress:
    """A live counter on terminals; nothing otherwise (the summary line follows anyway)."""

    def __init__(self, enabled: bool):
        self.enabled = enabled
        self.status: Any = None

    def __enter__(self) -> Callable[[Any], None]:
        if not self.enabled:
            return lambda report: None
        from rich.console import Console

        self.status = Console(stderr=True).status("ingesting…")
        self.status.start()

        def update(report: Any) -> None:
            self.status.update(
                f"ingesting… added {report.added}, updated {report.updated}, "
                f"unchanged {report.unchanged}, failed {report.failed}"
            )

        return update

    def __exit__(self, *exc: object) -> None:
        if self.status:
            self.status.stop()


def run_ask(args: argparse.Namespace) -> int:
    from bot.render import to_terminal

    answer = open_newsbot().answer(args.question, as_of=args.as_of)
    if args.json:
        print(json.dumps(answer.to_dict(), indent=2, ensure_ascii=False))
    else:
        print(to_terminal(answer))
    return EXIT_OK


def run_chat(args: argparse.Namespace) -> int:
    from bot.memory import ChatMemory
    from bot.render import to_terminal
    from bot.settings import BotSettings

    newsbot = open_newsbot()
    memory = ChatMemory(BotSettings().history_turns)
    stats = newsbot.stats()
    print(
        f"newsbot: {stats['articles']} articles ({stats['first_published']} to "
        f"{stats['last_published']}). Ask a question; 'quit' or Ctrl-D leaves, 'reset' forgets."
    )
    while True:
        try:
            question = input("\n> ").strip()
        except (EOFError, KeyboardInterrupt):
            print()
            return EXIT_OK
        if question.lower() in {"quit", "exit", ":q"}:
            return EXIT_OK
        if question.lower() == "reset":
            memory.reset("cli")
            print("Forgotten. Ask a new question.")
            continue
        if not question:
            continue
        answer = newsbot.answer(question, memory.history("cli"), as_of=args.as_of)
        memory.remember("cli", question, answer)
        print(to_terminal(answer))


def run_stats(args: argparse.Namespace) -> int:
    stats = open_newsbot().stats()
    if args.json:
        print(json.dumps(stats, indent=2))
    else:
        print(f"articles: {stats['articles']}")
        print(f"chunks:   {stats['chunks']}")
        print(f"sources:  {', '.join(stats['sources']) or '-'}")
        print(f"dates:    {stats['first_published'] or '-'} to {stats['last_published'] or '-'}")
        print(f"store:    {stats['store']}")
    return EXIT_OK


def run_telegram(args: argparse.Namespace) -> int:
    from bot.settings import BotSettings
    from bot.telegram import run_polling

    run_polling(BotSettings(), open_newsbot())
    return EXIT_OK


def configure_logging(verbose: bool) -> None:
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    # bm25s sets its own logger to DEBUG; keep it at our level.
    logging.getLogger("bm25s").setLevel(logging.INFO if verbose else logging.WARNING)
    if not verbose:
        for noisy in ("httpx", "chromadb", "sentence_transformers", "transformers"):
            logging.getLogger(noisy).setLevel(logging.ERROR)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    configure_logging(args.verbose)
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    from retrieval.errors import NewsbotError

    try:
        return int(args.run(args))
    except NewsbotError as error:
        print(f"newsbot: {error}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        return 130
    except Exception as error:
        log.debug("unexpected error", exc_info=True)
        print(f"newsbot: unexpected error: {error} (run with -v for details)", file=sys.stderr)
        if args.verbose:
            raise
        return EXIT_ERROR


if __name__ == "__main__":
    sys.exit(main())
