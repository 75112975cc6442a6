"""The `newsbot` command: ingest, reindex, ask, chat, stats, telegram, follow, eval, bench."""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import sys
from typing import TYPE_CHECKING

from newsbot.bot.cli_chat import run_ask, run_chat
from newsbot.bot.cli_common import EXIT_ERROR, EXIT_OK, open_newsbot, parse_day, unreachable
from newsbot.bot.cli_follow import add_parsers as add_follow_parsers
from newsbot.bot.cli_ingest import run_ingest, run_reindex, run_stats
from newsbot.bot.cli_timeline import add_timeline_parser

if TYPE_CHECKING:
    Subcommands = argparse._SubParsersAction[argparse.ArgumentParser]

log = logging.getLogger("newsbot")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="newsbot",
        description="Answer questions about news articles, with citations you can check.",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log details to stderr")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    ingest = commands.add_parser("ingest", help="add or update articles from files and folders")
    ingest.add_argument(
        "paths", nargs="+", metavar="PATH", help="files, folders, globs, feed or page URLs"
    )
    ingest.add_argument("--prune", action="store_true", help="drop articles no longer there")
    ingest.add_argument("--json", action="store_true", help="print the counts as JSON")
    ingest.add_argument(
        "--watch", action="store_true", help="keep ingesting as files change (Ctrl-C stops)"
    )
    ingest.add_argument(
        "--interval", type=float, help="seconds between watch passes (default 60, for feeds)"
    )
    ingest.add_argument(
        "--wait", action="store_true", help="wait for a running ingest instead of failing"
    )
    ingest.add_argument(
        "--shard",
        metavar="I/N",
        help="write only this worker's share of the articles (worker I of N, from 0)",
    )
    ingest.set_defaults(run=run_ingest)

    reindex = commands.add_parser(
        "reindex", help="rebuild the keyword index from the store (ingest keeps it current)"
    )
    reindex.add_argument(
        "--wait", action="store_true", help="wait for a running ingest instead of failing"
    )
    reindex.set_defaults(run=run_reindex)

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

    add_follow_parsers(commands)
    add_timeline_parser(commands)
    add_registered_parsers(commands)
    return parser


COMMANDS_GROUP = "newsbot.commands"


def add_registered_parsers(commands: Subcommands) -> None:
    """Add the commands other packages register under the `newsbot.commands` entry points.

    The measuring harness registers `eval`, `bench` and the rest this way, so the product
    never imports it.
    """
    from importlib.metadata import entry_points

    for point in entry_points(group=COMMANDS_GROUP):
        try:
            add_parsers = point.load()
        except ImportError as error:
            log.debug("commands of %s not loaded: %s", point.value, error)
            continue
        add_parsers(commands)


def run_telegram(args: argparse.Namespace) -> int:
    from newsbot.bot.access import decide_access
    from newsbot.bot.settings import BotSettings
    from newsbot.bot.telegram import run

    settings = BotSettings()
    decide_access(settings)  # a bot nobody may use is refused before the store opens
    newsbot = open_newsbot(live=True)
    try:
        run(settings, newsbot)
    finally:
        newsbot.stop_freshness()
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
    return execute(build_parser().parse_args(argv))


def entry() -> None:
    """The `newsbot` command: main(), then, for a command that wrote nothing, a quick exit.

    After a `newsbot ask` the interpreter's own teardown (clearing some 1,500 modules that
    Chroma and LangChain bring) took about 0.45 s of a 2.7 s run. Once the answer is out and
    nothing is being written, there is nothing left for that teardown to do.
    """
    args = build_parser().parse_args()
    code = execute(args)
    try:
        sys.stdout.flush()  # output still buffered for a pipe goes out now, not at teardown
    except BrokenPipeError:
        code = reader_left()
    if args.run is run_ask:
        logging.shutdown()
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(OSError):  # a reader that left early (| head)
                stream.flush()
        os._exit(code)
    sys.exit(code)


def execute(args: argparse.Namespace) -> int:
    configure_logging(args.verbose)
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    from newsbot.core import NewsbotError

    try:
        return int(args.run(args))
    except NewsbotError as error:
        print(f"newsbot: {error}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return reader_left()
    except Exception as error:
        log.debug("unexpected error", exc_info=True)
        if unreachable(error):  # a library call the store did not wrap
            print(f"newsbot: the article store is not reachable ({error})", file=sys.stderr)
            return EXIT_ERROR
        print(f"newsbot: unexpected error: {error} (run with -v for details)", file=sys.stderr)
        if args.verbose:
            raise
        return EXIT_ERROR


# What a shell reports for a writer that SIGPIPE ended (128 + 13), as `yes | head -1` gives.
EXIT_CLOSED_PIPE = 141


def reader_left() -> int:
    """Send what is left of stdout to devnull after its reader left (| head), and say so."""
    # Our own errors from the network come wrapped (httpx, Chroma), so a bare EPIPE is stdout's;
    # without this the interpreter's last flush would print "Exception ignored ... Broken pipe".
    devnull = os.open(os.devnull, os.O_WRONLY)
    with contextlib.suppress(OSError, ValueError):
        os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)
    return EXIT_CLOSED_PIPE


if __name__ == "__main__":
    entry()
