"""The `newsbot` command: ingest, reindex, ask, chat, stats, telegram, follow, eval, bench."""

from __future__ import annotations

import argparse
import contextlib
import functools
import json
import logging
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.progress import Progress

    from newsbot.bot.memory import ChatMemory
    from newsbot.core import Answer
    from newsbot.ingest import IngestReport, IngestSettings
    from newsbot.retrieval import Final, Newsbot, RetrievalSettings, Token

    Subcommands = argparse._SubParsersAction[argparse.ArgumentParser]

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

    from newsbot.bot.cli_follow import add_parsers as add_follow_parsers

    add_follow_parsers(commands)
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


def open_newsbot(live: bool = False) -> Newsbot:
    """Open the chain; `live` for long-running front ends, which follow others' writes."""
    from newsbot.retrieval import Newsbot, RetrievalSettings

    newsbot = Newsbot(RetrievalSettings())
    if live:
        newsbot.start_freshness()
    return newsbot


def run_ingest(args: argparse.Namespace) -> int:
    from newsbot.ingest import IngestSettings, Shard
    from newsbot.retrieval import RetrievalSettings
    from newsbot.store import open_writer

    settings, ingest_settings = RetrievalSettings(), IngestSettings()
    shard = Shard.parse(args.shard) if args.shard else Shard()
    if args.watch:
        return watch_ingest(args, settings, ingest_settings)
    with open_writer(settings, settings.embedder(), wait=args.wait) as store:
        indexer = ingest_settings.indexer(store)
        indexer.shard = shard
        with ingest_progress(args.paths, fancy=sys.stderr.isatty()) as on_article:
            indexer.on_article = on_article
            report = indexer.ingest(args.paths, prune=args.prune)
    print_report(report, args)
    return EXIT_PARTIAL if report.failed else EXIT_OK


def watch_ingest(
    args: argparse.Namespace, settings: RetrievalSettings, ingest_settings: IngestSettings
) -> int:
    import contextlib
    import signal
    import threading

    from newsbot.core import NewsbotError
    from newsbot.ingest import Shard, is_url, watch
    from newsbot.store import open_writer

    has_feeds = any(is_url(p) for p in args.paths)
    # Files are cheap to stat, so folders are polled often; feeds are fetched less often.
    interval = args.interval or (ingest_settings.watch_interval if has_feeds else 2.0)
    embedder = settings.embedder()
    shard = Shard.parse(args.shard) if args.shard else Shard()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    print(f"watching {', '.join(args.paths)} every {interval:g}s; Ctrl-C stops", file=sys.stderr)

    def one_pass() -> None:
        try:
            # Reopened each pass, under the lock: others may have written in between.
            with (
                open_writer(settings, embedder) as store,
                ingest_progress(args.paths, fancy=sys.stderr.isatty()) as on_article,
            ):
                indexer = ingest_settings.indexer(store)
                indexer.shard, indexer.on_article = shard, on_article
                report = indexer.ingest(args.paths, prune=args.prune)
        except NewsbotError as error:
            # A busy lock or an unreachable server must not end the watch: try next pass.
            print(f"newsbot: {error}; trying again in {interval:g}s", file=sys.stderr)
            return
        print_report(report, args)
        sys.stdout.flush()

    with contextlib.suppress(KeyboardInterrupt):
        watch(args.paths, one_pass, interval, stop)
    return EXIT_OK


def print_report(report: IngestReport, args: argparse.Namespace) -> None:
    if args.json:
        print(json.dumps(report.to_dict(), indent=None if args.watch else 2))
        return
    for line in report.failures:
        print(f"failed: {line}", file=sys.stderr)
    for line in report.skips:
        print(f"skipped: {line}", file=sys.stderr)
    print(
        f"{report.summary(pruned=args.prune)} "
        f"({report.chunks_embedded} chunks embedded in {report.seconds:.1f}s)"
    )


class ingest_progress:
    """A rich progress bar on terminals; otherwise a plain line every few seconds."""

    PLAIN_EVERY = 10.0

    def __init__(self, paths: list[str], fancy: bool):
        self.paths = paths
        self.fancy = fancy
        self.progress: Progress | None = None

    def __enter__(self) -> Callable[[IngestReport], None]:
        import time

        if not self.fancy:
            last = [time.monotonic()]

            def plain(report: IngestReport) -> None:
                if time.monotonic() - last[0] >= self.PLAIN_EVERY:
                    last[0] = time.monotonic()
                    print(f"ingest: {counts(report)}", file=sys.stderr, flush=True)

            return plain
        from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

        from newsbot.ingest import expand

        total = sum(1 for item in expand(self.paths) if not hasattr(item, "error"))
        progress = self.progress = Progress(
            SpinnerColumn(),
            TextColumn("files"),
            BarColumn(),
            TextColumn("{task.completed}/{task.total}"),
            TextColumn("{task.description}"),
            TimeElapsedColumn(),
            transient=True,
        )
        progress.start()
        task = progress.add_task("", total=total or None)

        def update(report: IngestReport) -> None:
            progress.update(task, completed=report.files, description=counts(report))

        return update

    def __exit__(self, *exc: object) -> None:
        if self.progress:
            self.progress.stop()


def counts(report: IngestReport) -> str:
    return f"{report.summary()}, {report.chunks_embedded} chunks"


NO_ARTICLES = (
    "No articles yet: add some with `newsbot ingest PATH` (e.g. newsbot ingest examples/articles)"
)


def run_reindex(args: argparse.Namespace) -> int:
    import time

    from newsbot.retrieval import RetrievalSettings
    from newsbot.store import keyword_index, open_writer, reindex

    settings = RetrievalSettings()
    started = time.perf_counter()
    with open_writer(settings, settings.embedder(), wait=args.wait) as store:
        chunks = reindex(store)
    articles = keyword_index(store).view().stats()["articles"]
    print(
        f"keyword index rebuilt: {articles} articles, {chunks} chunks "
        f"in {time.perf_counter() - started:.1f}s ({settings.data_dir / 'keyword'})"
    )
    return EXIT_OK


def run_ask(args: argparse.Namespace) -> int:
    newsbot = open_newsbot()
    if not newsbot.store.count():
        # An answer, not an error: the same exit code as a refusal, and --json keeps its shape.
        from newsbot.core import Answer

        hint = Answer(text=NO_ARTICLES, citations=[], refused=True)
        print(json.dumps(hint.to_dict(), indent=2) if args.json else NO_ARTICLES)
        return EXIT_OK
    if args.json:
        answer = newsbot.answer(args.question, as_of=args.as_of)
        print(json.dumps(answer.to_dict(), indent=2, ensure_ascii=False))
    else:
        print_stream(newsbot.stream(args.question, as_of=args.as_of))
    return EXIT_OK


def run_chat(args: argparse.Namespace) -> int:
    import signal

    from newsbot.bot.memory import ChatMemory
    from newsbot.bot.settings import BotSettings

    if sys.stdin.isatty():
        # A chat on a terminal handles Ctrl-C itself, even when started from a shell that
        # ignores SIGINT for the commands it runs in the background (Python then keeps it off).
        signal.signal(signal.SIGINT, signal.default_int_handler)
    newsbot = open_newsbot(live=True)
    memory = ChatMemory(BotSettings().history_turns)
    stats = newsbot.stats()
    if not stats["articles"]:
        # The chat stays open: articles another process ingests are answered within seconds.
        print(f"{NO_ARTICLES}\nAsk once they are in; 'quit' or Ctrl-D leaves.")
    else:
        print(
            f"newsbot: {stats['articles']} articles ({stats['first_published']} to "
            f"{stats['last_published']}). Ask a question; 'quit' or Ctrl-D leaves, "
            "'reset' forgets."
        )
    while True:
        try:
            question = input("\n> ").strip()
        except (EOFError, KeyboardInterrupt):
            print()
            return EXIT_OK
        if question.lower() in {"quit", "exit", ":q"}:
            return EXIT_OK
        try:
            chat_turn(newsbot, memory, question, args.as_of)
        except KeyboardInterrupt:
            # Wherever it lands (a library call, a half-printed line, the remembering), Ctrl-C
            # ends only this turn; an answer cut short is never remembered.
            print("(cancelled)")


def chat_turn(newsbot: Newsbot, memory: ChatMemory, question: str, as_of: date | None) -> None:
    """Answer one line of the chat, printing as it is written, and remember it once complete."""
    if question.lower() == "reset":
        memory.reset("cli")
        print("Forgotten. Ask a new question.")
        return
    if not question:
        return
    start = functools.partial(newsbot.stream, question, memory.history("cli"), as_of=as_of)
    answer = print_stream(in_background(start))
    memory.remember("cli", question, answer)


class Failed:
    """An exception raised on the worker thread, to raise again where the answer is read."""

    def __init__(self, error: BaseException):
        self.error = error


def in_background(start: Callable[[], Iterable[Token | Final]]) -> Iterator[Token | Final]:
    """Yield the events of an answer made on a worker thread; closing this cancels the answer.

    Ctrl-C then interrupts only the wait here, never the chain or a library half way through
    a call (Chroma, the model, an HTTP stream), which could leave a lock held or a cache half
    built for the next question. A cancelled answer stops at its next event, on its own thread.
    """
    import queue
    import threading

    # A Queue, whose wait Ctrl-C interrupts (a SimpleQueue's C wait need not).
    inbox: queue.Queue[Token | Final | Failed | None] = queue.Queue()
    cancelled = threading.Event()

    def work() -> None:
        try:
            events = iter(start())
            try:
                for event in events:
                    if cancelled.is_set():
                        break
                    inbox.put(event)
            finally:
                close = getattr(events, "close", None)
                if close:
                    close()
        except BaseException as error:  # a cancelled answer's error goes unread, as it should
            inbox.put(Failed(error))
        finally:
            inbox.put(None)

    try:
        threading.Thread(target=work, name="newsbot-answer", daemon=True).start()
        while (item := inbox.get()) is not None:
            if isinstance(item, Failed):
                raise item.error
            yield item
    finally:
        cancelled.set()


def print_stream(events: Iterable[Token | Final]) -> Answer:
    """Print the answer's text as it is written, then its sources; return the checked Answer.

    When the checker changed what was streamed (a sentence without a valid citation left out,
    or the extractive fallback), the checked answer is printed again under a heading.
    """
    from newsbot.bot.render import source_line, to_terminal
    from newsbot.retrieval import Final

    streamed = mid_line = False
    try:
        for event in events:
            mid_line = True  # until a print is known to have ended its line
            if not isinstance(event, Final):
                print(event.text, end="", flush=True)
                streamed = True
                mid_line = not event.text.endswith("\n")
                continue
            answer = event.answer
            if not streamed:
                print(to_terminal(answer))
            elif event.changed:
                print("\n\nChecked answer (only what the articles support):")
                print(to_terminal(answer))
            else:
                print()
                if answer.note:
                    print(f"\n{answer.note}")
                if answer.citations:
                    print("\nSources:")
                    print("\n".join(f"[{c.n}] {source_line(c)}" for c in answer.citations))
            return answer
    except KeyboardInterrupt:
        if mid_line:
            print()  # what follows starts on a line of its own
        raise
    finally:
        close = getattr(events, "close", None)
        if close:
            close()  # a stream left early stops its model call now
    raise RuntimeError("the answer stream ended without a final answer")


def run_stats(args: argparse.Namespace) -> int:
    stats = open_newsbot().stats()
    if args.json:
        print(json.dumps(stats, indent=2))
    elif not stats["articles"]:
        print(NO_ARTICLES)
        print(f"store:    {stats['store']}")  # a wrong NEWSBOT_DATA_DIR shows here
    else:
        stories = stats.get("stories", stats["articles"])
        copies = f" ({stories} stories)" if stories != stats["articles"] else ""
        print(f"articles: {stats['articles']}{copies}")
        print(f"chunks:   {stats['chunks']}")
        print(f"sources:  {', '.join(stats['sources']) or '-'}")
        print(f"dates:    {stats['first_published'] or '-'} to {stats['last_published'] or '-'}")
        print(f"store:    {stats['store']}")
    return EXIT_OK


def run_telegram(args: argparse.Namespace) -> int:
    from newsbot.bot.settings import BotSettings
    from newsbot.bot.telegram import run

    newsbot = open_newsbot(live=True)
    try:
        run(BotSettings(), newsbot)
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
