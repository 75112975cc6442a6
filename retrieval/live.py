"""Keep a data dir's keyword index, and a serving process's Chroma, in step with the feed.

The keyword index is a view of Chroma derived through the change feed: `catch_up` applies the
articles the feed named since the index's cursor, reading them back from Chroma, and is only
ever run under the data dir's ingest lock (ingest runs it after its writes). A serving
process runs `Freshness`, a thread that catches up when nobody else did (another machine
wrote to a shared server, or an ingest died). In embedded mode, where a process never sees
other processes' new vectors by itself, it also embeds the changed articles again beside the
loaded vector index (see overlay.py), or reopens Chroma when the change is large.
"""

from __future__ import annotations

import fcntl
import logging
import os
import shutil
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from newsbot.retrieval.embeddings import embedding_text
from newsbot.retrieval.errors import IngestBusyError, NewsbotError
from newsbot.retrieval.feed import BEGIN, END
from newsbot.retrieval.keyword import FOLDER, KeywordIndex, KeywordWriter, rebuild
from newsbot.retrieval.store import Store
from newsbot.retrieval.terms import Tokenizer

log = logging.getLogger(__name__)

# A begin with no end this old is a writer that died mid-write: its articles are read back
# as Chroma holds them.
ABANDONED_AFTER = 60.0
# Articles read back from Chroma per request.
READ_BATCH = 100
INTERVAL = 1.0  # seconds between the freshness thread's looks at the feed
GRACE = 2.0  # how long a feed ahead of the index waits for its writer to catch up itself
REOPEN_EVERY = 5.0  # while the feed keeps growing, the most often Chroma is reloaded
# Embedded mode: a change of up to this many articles is embedded again beside the loaded
# vector index; a bigger one, or an overlay past COVER_MAX chunks, reloads the index instead.
COVER_ARTICLES = 32
COVER_MAX = 4096


@contextmanager
def ingest_lock(data_dir: Path, wait: bool = False) -> Iterator[None]:
    """Hold the store's ingest lock; a second ingest waits, or is told at once, that one runs."""
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / "ingest.lock"
    with path.open("a+") as handle:
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


def keyword_index(store: Store, terms: Tokenizer | None = None) -> KeywordIndex:
    return KeywordIndex(store.settings.data_dir / FOLDER, terms or Tokenizer())


def ensure_index(store: Store, index: KeywordIndex) -> None:
    """Build the data dir's keyword index when it has none, unless an ingest is running.

    A running ingest builds it before it lets go of the lock; until then keyword search
    finds nothing.
    """
    if index.exists():
        return
    try:
        with ingest_lock(store.settings.data_dir):
            catch_up(store, index.terms, settled=store.embedded)
    except IngestBusyError:
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


class Freshness:
    """A serving process's thread that keeps its answers in step with other processes' writes.

    Every `interval` it reads the feed's length (one count). When the keyword index has stayed
    behind it for `grace` seconds, it takes the ingest lock if free and catches up; in embedded
    mode, when the feed moved since Chroma was opened, it reopens Chroma beside the open one.
    It never blocks a question and prints nothing: failures go to the log and are retried.
    """

    def __init__(
        self,
        store: Store,
        terms: Tokenizer | None = None,
        interval: float = INTERVAL,
        grace: float = GRACE,
        serving: KeywordIndex | None = None,
    ):
        """Follow `store`; `serving` is the questions' keyword index, refreshed from here."""
        self.store = store
        self.serving = serving
        self.terms = terms or Tokenizer()
        self.interval = interval
        self.grace = grace
        self.index = keyword_index(store, self.terms)
        self._behind_since: float | None = None
        self._last_length = -1
        self._last_reopen = 0.0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self.serving is not None:
            self.serving.refreshed_elsewhere = True
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="newsbot-freshness", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=30)
            self._thread = None
        if self.serving is not None:
            self.serving.refreshed_elsewhere = False

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.tick()
            except NewsbotError as error:
                log.warning("freshness check failed (%s); trying again", error)
            except Exception:
                log.exception("freshness check failed; trying again")
            self._stop.wait(self.interval)

    def tick(self) -> None:
        """Look at the feed once; catch up and reopen as needed."""
        length = self.store.feed.length()
        self._keyword(length)
        if self.serving is not None:
            self.serving.refresh()
        self._dense(length)
        self._last_length = length

    def _keyword(self, length: int) -> None:
        view = self.index.view() if self.index.exists() else None
        if view is not None and view.cursor >= length:
            self._behind_since = None
            return
        now = time.monotonic()
        if self._behind_since is None:
            self._behind_since = now
        # A running ingest applies its own writes when it ends; only step in when it did not.
        if view is not None and now - self._behind_since < self.grace:
            return
        try:
            with ingest_lock(self.store.settings.data_dir):
                catch_up(self.store, self.terms, settled=self.store.embedded)
        except IngestBusyError:
            return  # the ingest holding it catches up before it lets go
        self._behind_since = None

    def _dense(self, length: int) -> None:
        store = self.store
        if not store.vectors_behind(length):
            return
        if length != store.vectors_at and cover_changes(store):
            return
        # While the feed still grows, reopen at most every few seconds: each reopen loads the
        # whole vector index, and a bulk ingest would otherwise have it reloaded every tick.
        settled = length == self._last_length
        if not (settled or store.stale or time.monotonic() - self._last_reopen > 4 * self.grace):
            return
        started = time.monotonic()
        store.reopen()
        self._last_reopen = time.monotonic()
        log.info("reopened the store for new vectors in %.2fs", self._last_reopen - started)


def cover_changes(store: Store) -> bool:
    """Embed again the articles written since the store's vectors, to search beside them.

    Returns False, changing nothing, when the change is too big to be worth it: reopening
    the store is then cheaper.
    """
    changes = list(store.feed.read(store.vectors_at))
    articles = sorted({aid for change in changes for aid in change.article_ids})
    if len(articles) > COVER_ARTICLES:
        return False
    found = store.read_articles(articles)
    chunks = [chunk for aid in articles for chunk in found.get(aid, [])]
    if len(store.overlay) + len(chunks) > COVER_MAX:
        return False
    vectors = store.embedder.encode([embedding_text(c.title, c.text) for c in chunks])
    current, row = {}, 0
    for aid in articles:
        if aid in found:
            n = len(found[aid])
            current[aid] = ([c.id for c in found[aid]], vectors[row : row + n])
            row += n
    store.cover(store.overlay.updated(articles, current), store.vectors_at + len(changes))
    return True


def refresh_vectors(store: Store) -> None:
    """Bring an embedded store's vectors up to the feed now: cover the change or reopen."""
    if store.vectors_behind(store.feed.length()) and not cover_changes(store):
        store.reopen()
