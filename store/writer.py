"""The one write path: the data dir's ingest lock, a freshly opened Store, and the catch-up.

Every process that writes articles does so inside `open_writer()`: it takes the data dir's
ingest lock (one writer at a time), opens the store afresh under it (an embedded writer must
start from the latest vectors), and on leaving brings the keyword index up to the change feed.
The keyword index is a view of Chroma derived through the feed: `catch_up` applies the
articles the feed named since the index's cursor, reading them back from Chroma, and only ever
runs under the lock. Serving processes take it only when it is free (`catch_up_if_free`).
"""

from __future__ import annotations

import fcntl
import logging
import os
import shutil
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from newsbot.core.errors import IngestBusyError, StoreError
from newsbot.core.tokenizer import Tokenizer
from newsbot.store.change_feed import BEGIN, END
from newsbot.store.chroma_store import Store
from newsbot.store.embeddings import Embedder
from newsbot.store.keyword_index import KeywordIndex
from newsbot.store.keyword_schema import FOLDER
from newsbot.store.keyword_writer import KeywordWriter, rebuild
from newsbot.store.settings import StoreSettings

log = logging.getLogger(__name__)

# A begin with no end this old is a writer that died mid-write: its articles are read back
# as Chroma holds them.
ABANDONED_AFTER = 60.0
READ_BATCH = 100


@contextmanager
def ingest_lock(data_dir: Path, wait: bool = False) -> Iterator[None]:
    """Hold the store's ingest lock; a second ingest waits, or is told at once, that one runs."""
    path = data_dir / "ingest.lock"
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
        handle = path.open("a+")
    except OSError as error:  # a read-only data dir (a replica's snapshot) takes no writes
        raise StoreError(f"cannot write to the article store in {data_dir}: {error}") from error
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError as error:
            raise IngestBusyError(
                f"another ingest is writing to {data_dir} (lock {path}); "
                "wait for it to finish and run this again"
            ) from error
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@contextmanager
def open_writer(settings: StoreSettings, embedder: Embedder, wait: bool = False) -> Iterator[Store]:
    """Hold the ingest lock and a fresh Store to write through; catch the index up on exit.

    `wait`: wait for another writer to finish rather than raise IngestBusyError at once.
    """
    with ingest_lock(settings.data_dir, wait=wait):
        store = Store(settings, embedder, fresh=True)
        try:
            yield store
            catch_up(store, settled=store.embedded)
        finally:
            store.close()


def catch_up_if_free(store: Store, terms: Tokenizer | None = None) -> bool:
    """Catch the keyword index up unless a writer holds the lock (it catches up itself).

    A read-only store's index is the snapshot's, as it was taken: nothing to catch up.
    """
    if store.read_only:
        return False
    try:
        with ingest_lock(store.settings.data_dir):
            catch_up(store, terms, settled=store.embedded)
    except IngestBusyError:
        return False
    return True


def keyword_index(store: Store, terms: Tokenizer | None = None) -> KeywordIndex:
    return KeywordIndex(store.settings.data_dir / FOLDER, terms or Tokenizer())


def ensure_index(store: Store, index: KeywordIndex) -> None:
    """Build the data dir's keyword index when it has none, unless an ingest is running.

    A running ingest builds it before it lets go of the lock; until then keyword search
    finds nothing.
    """
    if index.exists():
        return
    if store.read_only:
        log.warning("the read-only store at %s has no keyword index", store.location)
    elif not catch_up_if_free(store, index.terms):
        log.info("no keyword index yet: the process holding the ingest lock builds it")


def catch_up(store: Store, terms: Tokenizer | None = None, settled: bool = False) -> int:
    """Apply the feed past the keyword index's cursor; return how many articles were re-read.

    Call it holding the data dir's ingest lock. `settled`: no write can be under way (an
    embedded store under its lock), so a begin without an end is a dead writer's at once.
    A missing index, or one of another format, is built from every chunk instead.
    """
    terms = terms or Tokenizer()
    folder = store.settings.data_dir / FOLDER
    index = KeywordIndex(folder, terms)
    length = store.feed.length()
    if not index.exists() or index.view().cursor > length:
        reindex(store, terms)
        return -1
    cursor = index.view().cursor
    if cursor == length:
        return 0
    changes = list(store.feed.read(cursor))
    ended = {c.batch for c in changes if c.op == END}
    now = time.time()
    articles: set[str] = set()
    new_cursor = cursor + len(changes)
    for change in changes:
        if change.op == BEGIN and change.batch not in ended:
            if not settled and now - change.ts < ABANDONED_AFTER:
                # Still being written: come back to it; what follows is applied meanwhile.
                new_cursor = min(new_cursor, change.position)
                continue
            log.info(
                "a write of %d articles never ended; reading them back", len(change.article_ids)
            )
        articles.update(change.article_ids)
    writer = KeywordWriter(folder, terms)
    try:
        apply(store, writer, sorted(articles))
        writer.commit(new_cursor)
    finally:
        writer.close()
    log.info(
        "keyword index caught up on %d articles (feed %d -> %d)", len(articles), cursor, new_cursor
    )
    return len(articles)


def apply(store: Store, writer: KeywordWriter, article_ids: Iterable[str]) -> None:
    """Make the index hold exactly what Chroma holds of these articles."""
    ids = list(article_ids)
    for start in range(0, len(ids), READ_BATCH):
        part = ids[start : start + READ_BATCH]
        found = store.read_articles(part)
        for aid in part:
            chunks = found.get(aid)
            if chunks:
                writer.put_article(aid, chunks)
            else:
                writer.delete_article(aid)


def reindex(store: Store, terms: Tokenizer | None = None) -> int:
    """Build the keyword index afresh from every chunk; return how many chunks it holds.

    The cursor is the feed's end before reading: a write that lands while the chunks are read
    is applied again by the next catch_up.
    """
    cursor = store.feed.length()
    counted = 0

    def counting() -> Iterable:  # type: ignore[type-arg]
        nonlocal counted
        for chunk in store.iter_chunks():
            counted += 1
            yield chunk

    rebuild(store.settings.data_dir / FOLDER, counting(), terms or Tokenizer(), cursor)
    # The in-memory index's saved copies, from before the index lived on disk.
    shutil.rmtree(store.settings.data_dir / "keyword-index", ignore_errors=True)
    log.info("keyword index rebuilt: %d chunks, feed cursor %d", counted, cursor)
    return counted
