"""`newsbot ingest`, `newsbot reindex` and `newsbot stats`: fill the store, tell what it holds."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from newsbot.bot.cli_common import EXIT_OK, EXIT_PARTIAL, NO_ARTICLES, open_newsbot

if TYPE_CHECKING:
    from rich.progress import Progress

    from newsbot.ingest import IngestReport, IngestSettings
    from newsbot.retrieval import RetrievalSettings


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
    from newsbot.ingest import FeedCache, Shard, is_url, watch_roots
    from newsbot.store import open_writer

    has_feeds = any(is_url(p) for p in args.paths)
    # Files are cheap to stat, so folders are polled often; feeds are fetched less often.
    interval = args.interval or (ingest_settings.watch_interval if has_feeds else 2.0)
    embedder = settings.embedder()
    shard = Shard.parse(args.shard) if args.shard else Shard()
    feed_cache = FeedCache()  # an unchanged feed costs one request that answers 304
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    print(f"watching {', '.join(args.paths)} every {interval:g}s; Ctrl-C stops", file=sys.stderr)

    def one_pass() -> bool:
        try:
            # Reopened each pass, under the lock: others may have written in between.
            with (
                open_writer(settings, embedder) as store,
                ingest_progress(args.paths, fancy=sys.stderr.isatty()) as on_article,
            ):
                indexer = ingest_settings.indexer(store, feed_cache)
                indexer.shard, indexer.on_article = shard, on_article
                report = indexer.ingest(args.paths, prune=args.prune)
        except NewsbotError as error:
            # A busy lock or an unreachable server must not end the watch: try next pass.
            print(f"newsbot: {error} (next pass in {interval:g}s)", file=sys.stderr)
            return False
        print_report(report, args)
        sys.stdout.flush()
        return True

    with contextlib.suppress(KeyboardInterrupt):
        watch_roots(args.paths, one_pass, interval, stop)
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
        from rich.console import Console
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
            # On stderr, the terminal checked above: stdout may be a pipe for the counts.
            console=Console(stderr=True),
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
    done, total = report.embedding
    # A big file is one long batch: say how far its embedding is.
    embedding = f"; embedding {done}/{total} chunks" if total else ""
    return f"{report.summary()}, {report.chunks_embedded} chunks{embedding}"


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
