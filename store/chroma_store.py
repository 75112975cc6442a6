"""The article store: one Chroma collection of chunks with their vectors, feed and copies."""

from __future__ import annotations

import fcntl
import gc
import logging
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import numpy as np

from newsbot.core.errors import StoreError
from newsbot.core.types import Chunk, Story
from newsbot.store.change_feed import ChangeFeed
from newsbot.store.chroma_client import (
    forget_system,
    included,
    open_client,
    stop_client,
    store_errors,
)
from newsbot.store.chroma_rows import StoredArticle, chunk_id, of_articles, summarise, to_chunk
from newsbot.store.copies import CopyBook, CopyRecord, lookup
from newsbot.store.embeddings import Embedder, chroma_embedding_function
from newsbot.store.outage import Outage
from newsbot.store.read_only import mirror, writable
from newsbot.store.settings import StoreSettings
from newsbot.store.vector_overlay import VectorOverlay, merged

if TYPE_CHECKING:
    from chromadb.api import ClientAPI
    from chromadb.api.models.Collection import Collection
    from chromadb.api.types import Where

log = logging.getLogger(__name__)

PAGE = 2000
# The collection remembers which vectors it holds (model folder:precision); stores made before
# the stamp existed hold fp32 vectors of whichever model built them.
VECTOR_SPACE_KEY = "newsbot:vector_space"
LEGACY_VECTOR_SPACE = "unstamped:fp32"


class Store:
    """Chunks of articles with their embeddings, in one Chroma collection."""

    def __init__(self, settings: StoreSettings, embedder: Embedder, fresh: bool = False):
        """Open the store; `fresh` for a writer, which must not write from a stale index.

        A reader of a data dir it cannot write opens a mirror of it (read_only.py).
        """
        self._shown = settings.chroma_server or str(settings.chroma_dir)
        self.read_only = (
            not fresh
            and not settings.chroma_server
            and settings.data_dir.is_dir()
            and not writable(settings.data_dir)
        )
        if self.read_only:
            mirrored = mirror(settings.data_dir, settings.chroma_dir)
            settings = settings.model_copy(update={"data_dir": mirrored})
        self.settings = settings
        self.embedder = embedder
        # A reopen holds this while it swaps the handles: searches wait for the new ones.
        self._lock = threading.Lock()
        self._client: ClientAPI | None
        self._feed: ChangeFeed | None
        self._collection: Collection | None
        self._client, self._feed, self._collection, self.opened_at = self._open(fresh)
        self.check_vector_space()
        self._stale = False
        # The System this Store opened for itself (fresh), stopped when the Store closes.
        self._own: ClientAPI | None = self._client if fresh and self.embedded else None
        # Embedded only: vectors of articles other processes changed since the index loaded.
        self.overlay = VectorOverlay()
        self.vectors_at = self.opened_at
        self._copies: CopyBook | None = None
        self.outage = Outage(self._shown)  # a server's, met by whichever thread of this process

    def _open(self, fresh: bool) -> tuple[ClientAPI, ChangeFeed, Collection, int]:
        """Open client, feed and collection; note the feed's length before the collection."""
        if not self.embedded:
            return self._open_now(fresh)
        # Processes that open a new store at once would each create its tables: one at a time.
        self.settings.chroma_dir.mkdir(parents=True, exist_ok=True)
        lock = self.settings.chroma_dir.with_name(self.settings.chroma_dir.name + ".open.lock")
        with open(lock, "a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                return self._open_now(fresh)
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def _open_now(self, fresh: bool) -> tuple[ClientAPI, ChangeFeed, Collection, int]:
        client = open_client(self.settings, fresh)
        feed = ChangeFeed(client, self.settings.collection)
        opened_at = feed.length()
        try:
            collection = client.get_or_create_collection(
                name=self.settings.collection,
                embedding_function=chroma_embedding_function(self.embedder),
                metadata={"hnsw:space": "cosine", VECTOR_SPACE_KEY: self.embedder.vector_space},
            )
        except Exception as error:
            name = self.settings.collection
            raise StoreError(f"cannot open collection {name!r}: {error}") from error
        return client, feed, collection, opened_at

    @property
    def embedded(self) -> bool:
        return not self.settings.chroma_server

    @property
    def stale(self) -> bool:
        return self._stale

    def mark_stale(self) -> None:
        """Note that a search met vectors this process has not loaded (see `vectors_behind`)."""
        self._stale = True

    def vectors_behind(self, feed_length: int) -> bool:
        """Whether this embedded process's vectors may lack writes the feed names."""
        return self.embedded and (self._stale or feed_length != self.vectors_at)

    def cover(self, overlay: VectorOverlay, feed_position: int) -> None:
        """Search `overlay` beside the loaded index: it is current up to `feed_position`."""
        self.overlay, self.vectors_at, self._stale = overlay, feed_position, False

    def reopen(self) -> None:
        """Load the embedded store afresh, freeing the loaded vector index first.

        Two loaded indexes at once would double the process's memory. Searches that start
        meanwhile wait for the new one; those already running finish on the old handles.
        """
        if not self.embedded:
            return
        with self._lock:
            if self._client is None:  # an earlier reopen failed part way
                raise StoreError(f"the article store at {self.location} could not be reopened")
            forget_system(self._client)
            self._client = self._feed = self._collection = self._own = self._copies = None
            gc.collect()  # the old System lives in reference cycles
            client, feed, collection, opened_at = self._open(fresh=True)
            # Load the vector index now, not in the next question.
            probe: np.ndarray = np.zeros(self.embedder.dimensions, dtype=np.float32)
            probe[0] = 1.0
            with store_errors("search", self.location):
                if collection.count():
                    collection.query(query_embeddings=[probe], n_results=1, include=[])
            self._client, self._feed, self._collection = client, feed, collection
            self._own, self.opened_at = client, opened_at
            self.cover(VectorOverlay(), opened_at)

    def _handles(self) -> tuple[ClientAPI, ChangeFeed, Collection]:
        with self._lock:
            if self._client is None or self._feed is None or self._collection is None:
                raise StoreError(f"the article store at {self.location} could not be reopened")
            return self._client, self._feed, self._collection

    @property
    def client(self) -> ClientAPI:
        return self._handles()[0]

    @property
    def feed(self) -> ChangeFeed:
        return self._handles()[1]

    @property
    def collection(self) -> Collection:
        return self._handles()[2]

    def close(self) -> None:
        """Free the embedded System this Store opened for itself (a writer's, a reopen's)."""
        if self._own is not None:
            stop_client(self._own)
        self._own = None

    def check_vector_space(self) -> None:
        """Refuse to mix vectors of another model or precision into this collection."""
        stored = (self.collection.metadata or {}).get(VECTOR_SPACE_KEY, LEGACY_VECTOR_SPACE)
        wanted = self.embedder.vector_space
        # Before the stamp, the model's name was not recorded: only the precision can be checked.
        legacy = stored == LEGACY_VECTOR_SPACE
        if not (wanted.endswith(":fp32") if legacy else stored == wanted):
            raise StoreError(
                f"the store at {self.location} holds {stored} vectors but this embedder makes "
                f"{wanted} ones; use the model and NEWSBOT_EMBEDDING_BACKEND it was built with, "
                "or another NEWSBOT_DATA_DIR (or collection)"
            )

    @property
    def location(self) -> str:
        return self._shown

    def count(self) -> int:
        return int(self.collection.count())

    @contextmanager
    def _changing(self, article_ids: Sequence[str]) -> Iterator[None]:
        """Record the write in the change feed, before and after it."""
        with self.feed.recording(article_ids):
            yield

    def write_articles(self, batch: Sequence[tuple[Sequence[Chunk], np.ndarray, int]]) -> None:
        """Write articles' chunks (chunks, vectors, old chunk count), then drop stale positions."""
        ids = [chunks[0].article_id for chunks, _, _ in batch if chunks]
        if not ids:
            return
        with self._changing(ids):
            self._write(batch)

    def _write(self, batch: Sequence[tuple[Sequence[Chunk], np.ndarray, int]]) -> None:
        # Upsert first, delete after: a crash in between leaves mixed hashes, which
        # summarise() reports as incomplete, so the next run rewrites the article.
        # An article the store has never held cannot collide with a stored id, so its chunks
        # are added, which skips the lookup an upsert makes.
        step = self.max_batch
        for write, new in ((self.collection.add, True), (self.collection.upsert, False)):
            chunks = [c for cs, _, old_n in batch if (old_n == 0) == new for c in cs]
            vectors = [v for _, vs, old_n in batch if (old_n == 0) == new for v in vs]
            for start in range(0, len(chunks), step):
                part = chunks[start : start + step]
                with store_errors("write to", self.location):
                    write(
                        ids=[c.id for c in part],
                        documents=[c.text for c in part],
                        embeddings=np.asarray(vectors[start : start + step]),
                        metadatas=[c.metadata for c in part],
                    )
        # Chunks never sit past their own n_chunks, so positions n..old_n-1 are all that can
        # remain of an earlier, longer version.
        stale = [
            chunk_id(article_chunks[0].article_id, n)
            for article_chunks, _, old_n in batch
            if article_chunks
            for n in range(len(article_chunks), old_n)
        ]
        for start in range(0, len(stale), step):
            with store_errors("write to", self.location):
                self.collection.delete(ids=stale[start : start + step])

    @property
    def max_batch(self) -> int:
        try:
            return max(1, int(self.client.get_max_batch_size()))
        except Exception:
            return 1000

    def delete_article(self, article_id: str) -> None:
        with self._changing([article_id]), store_errors("delete from", self.location):
            self.collection.delete(where={"article_id": article_id})

    @property
    def copies(self) -> CopyBook:
        """The copies other outlets ran of stored stories (see retrieval/stories.py)."""
        if self._copies is None or self._copies.client is not self.client:
            self._copies = CopyBook(self.client, self.settings.collection)
        return self._copies

    def record_copies(self, records: Sequence[CopyRecord]) -> None:
        """Add or replace copies; the change feed names them like any write."""
        if records:
            with self._changing([r.article_id for r in records]):
                self.copies.put(records)

    def delete_copies(self, article_ids: Sequence[str]) -> None:
        if article_ids:
            with self._changing(article_ids):
                self.copies.delete(article_ids)

    def stories(self, article_ids: Sequence[str]) -> dict[str, Story]:
        """The story of each of these articles, stored or copy (unknown ids left out)."""
        with store_errors("read", self.location):
            return lookup(self, article_ids)

    def read_articles(self, article_ids: Sequence[str]) -> dict[str, list[Chunk]]:
        """Return the stored chunks of these articles in reading order (absent ones left out).

        Documents and metadata come from Chroma's SQLite side, so they are current even in an
        embedded process whose vector index is not.
        """
        found: dict[str, list[Chunk]] = {}
        if not article_ids:
            return found
        with store_errors("read", self.location):
            page = self.collection.get(
                where=of_articles(article_ids), include=["documents", "metadatas"]
            )
        documents, metadatas = included(page["documents"]), included(page["metadatas"])
        for cid, text, meta in zip(page["ids"], documents, metadatas, strict=True):
            chunk = to_chunk(cid, text, meta)
            found.setdefault(chunk.article_id, []).append(chunk)
        for chunks in found.values():
            chunks.sort(key=lambda c: c.position)
        return found

    def lookup(self, article_ids: Sequence[str]) -> dict[str, StoredArticle]:
        """Summarise what the store holds of these articles (absent ones are left out)."""
        if not article_ids:
            return {}
        with store_errors("read", self.location):
            page = self.collection.get(where=of_articles(article_ids), include=["metadatas"])
        metadatas = included(page["metadatas"])
        return summarise(metadatas)

    def iter_metadata(self) -> Iterator[tuple[str, Mapping[str, Any]]]:
        """Yield (chunk id, metadata) of every chunk, page by page."""
        offset = 0
        while True:
            with store_errors("read", self.location):
                page = self.collection.get(include=["metadatas"], limit=PAGE, offset=offset)
            ids = page["ids"]
            if not ids:
                return
            yield from zip(ids, included(page["metadatas"]), strict=True)
            offset += len(ids)

    def iter_chunks(self) -> Iterator[Chunk]:
        """Yield every stored chunk with its text, page by page."""
        offset = 0
        while True:
            page = self.collection.get(
                include=["metadatas", "documents"], limit=PAGE, offset=offset
            )
            ids = page["ids"]
            if not ids:
                return
            documents, metadatas = included(page["documents"]), included(page["metadatas"])
            for cid, text, meta in zip(ids, documents, metadatas, strict=True):
                yield to_chunk(cid, text, meta)
            offset += len(ids)

    def articles(self) -> dict[str, StoredArticle]:
        """Summarise every stored article (loads one small record per article)."""
        return summarise(meta for _, meta in self.iter_metadata())

    def nearest(
        self, embedding: np.ndarray, k: int, among: Sequence[str] | None = None
    ) -> list[tuple[str, float]]:
        """Return the ids and cosine similarities of the k nearest chunks (of `among` if given).

        Only ids and distances come back: reading texts and metadata back is slow, so the
        searcher takes those from the keyword index. An id in `among` that the store no longer
        has makes Chroma fail (StoreError), so the caller can filter on dates instead. Without
        `among`, an embedded process whose vector index is older than another process's writes
        (no index on disk yet when it opened) finds nothing until it is reopened, rather than
        failing the question.
        """
        if k <= 0 or (among is not None and not among):
            return []
        overlay = self.overlay
        if among is not None:
            loaded = [cid for cid in among if not overlay.hides(cid)]
            base = self._nearest(embedding, k, loaded) if loaded else []
            return merged(base, overlay.nearest(embedding, k, set(among)), k=k)
        # Hidden entries take places among the loaded index's nearest: ask for more.
        wanted = k + len(overlay) if overlay.changed else k
        while True:
            found = self._nearest(embedding, wanted, None)
            base = [pair for pair in found if not overlay.hides(pair[0])]
            if len(base) >= k or len(found) < wanted:
                break
            wanted *= 2
        return merged(base, overlay.nearest(embedding, k), k=k)

    def _nearest(
        self, embedding: np.ndarray, k: int, among: Sequence[str] | None
    ) -> list[tuple[str, float]]:
        try:
            with store_errors("search", self.location):
                result = self.collection.query(
                    query_embeddings=[embedding],
                    n_results=k,
                    ids=list(among) if among is not None else None,
                    include=["distances"],
                )
        except StoreError as error:
            if not self.embedded or among is not None:
                raise
            return self._skip_until_reopened(error)
        return [
            (cid, 1.0 - float(dist))
            for cid, dist in zip(result["ids"][0], included(result["distances"])[0], strict=True)
        ]

    def _skip_until_reopened(self, error: StoreError) -> list[Any]:
        """Answer without dense results while this process's vector index is stale."""
        log.info("dense search skipped until the store is reopened: %s", error)
        self.mark_stale()
        return []

    def get_chunks(self, ids: Sequence[str]) -> list[Chunk]:
        """Return the stored chunks of these ids (those that exist), in the order asked."""
        if not ids:
            return []
        with store_errors("read", self.location):
            page = self.collection.get(ids=list(ids), include=["documents", "metadatas"])
        documents, metadatas = included(page["documents"]), included(page["metadatas"])
        found = {
            cid: to_chunk(cid, text, meta)
            for cid, text, meta in zip(page["ids"], documents, metadatas, strict=True)
        }
        return [found[cid] for cid in ids if cid in found]

    def query(
        self, embedding: np.ndarray, k: int, where: Where | None = None
    ) -> list[tuple[Chunk, float]]:
        """Return the k nearest chunks with cosine similarity (1 is identical)."""
        if k <= 0 or self.count() == 0:
            return []
        try:
            if self.overlay.changed:
                return self._query_covered(embedding, k, where)
            with store_errors("search", self.location):
                result = self.collection.query(
                    query_embeddings=[embedding],
                    n_results=k,
                    where=where or None,
                    include=["documents", "metadatas", "distances"],
                )
        except StoreError as error:
            if not self.embedded:
                raise
            return self._skip_until_reopened(error)
        out = []
        for cid, text, meta, dist in zip(
            result["ids"][0],
            included(result["documents"])[0],
            included(result["metadatas"])[0],
            included(result["distances"])[0],
            strict=True,
        ):
            out.append((to_chunk(cid, text, meta), 1.0 - float(dist)))
        return out

    def _query_covered(
        self, embedding: np.ndarray, k: int, where: Where | None
    ) -> list[tuple[Chunk, float]]:
        """`query` beside an overlay: Chroma's loaded index lacks ids its filter would return."""
        among: Sequence[str] | None = None
        if where:
            with store_errors("search", self.location):
                among = self.collection.get(where=where, include=[])["ids"]
        found = self.nearest(embedding, k, among)
        chunks = {c.id: c for c in self.get_chunks([cid for cid, _ in found])}
        return [(chunks[cid], sim) for cid, sim in found if cid in chunks]
