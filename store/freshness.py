"""Keep a serving process's keyword view and Chroma in step with other processes' writes.

A serving process runs `Freshness`, a thread that catches the keyword index up when nobody
else did (another machine wrote to a shared server, or an ingest died). In embedded mode,
where a process never sees other processes' new vectors by itself, it also embeds the changed
articles again beside the loaded vector index (see vector_overlay.py), or reopens Chroma when
the change is large.
"""

from __future__ import annotations

import logging
import threading
import time

from newsbot.core.errors import NewsbotError
from newsbot.core.tokenizer import Tokenizer
from newsbot.store.chroma_client import unreachable
from newsbot.store.chroma_store import Store
from newsbot.store.embeddings import embedding_text
from newsbot.store.keyword_index import KeywordIndex
from newsbot.store.writer import catch_up_if_free, keyword_index

log = logging.getLogger(__name__)

# Articles read back from Chroma per request.
INTERVAL = 1.0  # seconds between the freshness thread's looks at the feed
GRACE = 2.0  # how long a feed ahead of the index waits for its writer to catch up itself
REOPEN_EVERY = 5.0  # while the feed keeps growing, the most often Chroma is reloaded
# Embedded mode: a change of up to this many articles is embedded again beside the loaded
# vector index; a bigger one, or an overlay past COVER_MAX chunks, reloads the index instead.
COVER_ARTICLES = 32
COVER_MAX = 4096


class Freshness:
    """A serving process's thread that keeps its answers in step with other processes' writes.

    Every `interval` it reads the feed's length (one count). When the keyword index has stayed
    behind it for `grace` seconds, it takes the ingest lock if free and catches up; in embedded
    mode, when the feed moved since Chroma was opened, it reopens Chroma beside the open one.
    It never blocks a question and prints nothing: failures go to the log, one line per
    outage (a server's is shared with the rest of the process: `Store.outage`), and are
    retried.
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
        failing_since: float | None = None
        while not self._stop.is_set():
            try:
                self.tick()
            except Exception as error:
                # An outage (a stopped server) fails every tick: one line when it starts, the
                # rest at debug level, so a chat's prompt is not written over every second.
                if unreachable(error):
                    self.store.outage.failed("the freshness check", error)
                elif failing_since is None:
                    failing_since = time.monotonic()
                    report_first_failure(error)
                else:
                    log.debug("freshness check failed again (%s)", error)
            else:
                self.store.outage.worked()
                if failing_since is not None:
                    log.info(
                        "freshness checks work again after %.0fs", time.monotonic() - failing_since
                    )
                    failing_since = None
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
        if catch_up_if_free(self.store, self.terms):
            self._behind_since = None
        # else the ingest holding the lock catches up before it lets go

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


def report_first_failure(error: Exception) -> None:
    """Log the failure that starts an outage: ours in one line, anything else with its trace."""
    if isinstance(error, NewsbotError):
        log.warning("freshness check failed (%s); retrying quietly until it works", error)
    else:
        log.exception("freshness check failed; retrying quietly until it works")


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
