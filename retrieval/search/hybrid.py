"""Hybrid search: dense (Chroma) and keyword (BM25) rankings fused per article, dated."""

from __future__ import annotations

import logging
import math
import threading
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from newsbot.core.calendar import UNKNOWN_DAY
from newsbot.core.date_window import DateWindow
from newsbot.core.errors import StoreError
from newsbot.core.tokenizer import Tokenizer
from newsbot.core.types import Chunk, Passage
from newsbot.retrieval.search.story_grouping import carrying, copies_of, one_per_story
from newsbot.store.chroma_store import Store
from newsbot.store.embeddings import Embedder
from newsbot.store.keyword_index import KeywordIndex
from newsbot.store.keyword_schema import FOLDER
from newsbot.store.keyword_view import KeywordView
from newsbot.store.writer import ensure_index

log = logging.getLogger(__name__)

__all__ = ["Hit", "HybridSearcher", "SearchParams"]


@dataclass(frozen=True)
class Hit(Passage):
    """A passage with the evidence behind its rank, and its article's other chunks."""

    dense: float = 0.0
    keyword: float = 0.0
    extra: tuple[Chunk, ...] = ()


@dataclass
class _Article:
    best: Chunk
    fused: float = 0.0
    dense: float = -1.0
    keyword: float = 0.0


@dataclass(frozen=True)
class SearchParams:
    """The hybrid searcher's tuned weights and depths (see docs/TUNING.md)."""

    dense_k: int = 100
    """Chunks in the dense ranking; more reach a few more gold articles, a little slower."""
    keyword_k: int = 60
    """Chunks in the keyword (BM25) ranking."""
    rrf_k: int = 60
    """Reciprocal-rank fusion constant: rank r in a ranking earns 1 / (rrf_k + r)."""
    extra_chunks: int = 1
    """An article's chunks after its best in a ranking that still add to its score."""
    extra_chunk_weight: float = 0.05
    """Each adds this / (rrf_k + its rank): more evidence, without rewarding mere length."""
    recency_weight: float = 0.004
    """Most a fresh article gains (news questions are mostly about recent events)."""
    recency_days: float = 14.0
    """Days over which the recency gain falls by a factor of e."""
    max_extra: int = 12
    """An article's first chunks a hit carries along, besides its best."""
    overfetch: float = 1.5
    """Margin when fetching unfiltered neighbours in proportion to the window's share."""
    max_overfetch: int = 1000
    """Most unfiltered neighbours fetched so; past it, search among the window's ids."""


class HybridSearcher:
    """Ranks articles for a question by fusing dense and keyword rankings of their chunks."""

    def __init__(self, store: Store, embedder: Embedder, params: SearchParams = SearchParams()):
        self.store = store
        self.embedder = embedder
        self.params = params
        # One tokenizer for the process: the index and the composer share its word cache.
        self.terms = Tokenizer()
        self.keywords = KeywordIndex(store.settings.data_dir / FOLDER, self.terms)
        self._checked = False
        self._last: KeywordView | None = None
        self._lock = threading.Lock()

    def view(self) -> KeywordView:
        """Return the keyword index as last committed (built from the store if it has none)."""
        with self._lock:
            if not self._checked:
                ensure_index(self.store, self.keywords)
                self._checked = True
            self._last = self.keywords.view()
            return self._last

    @property
    def keyword(self) -> KeywordView:
        """The keyword index as last committed (see view())."""
        return self.view()

    @property
    def last_keyword(self) -> KeywordView:
        """The view the last search used (the latest if none yet), for the composer's idf.

        The composer looks up word rarities thousands of times per answer; they must come
        from the state the hits came from, without a check for commits each time.
        """
        return self._last or self.view()

    def search(
        self,
        query: str,
        window: DateWindow | None = None,
        k: int = 5,
        among: Sequence[str] | None = None,
    ) -> list[Hit]:
        """Return the best passage of each of the k best articles, best first.

        `among`: only these articles, whatever their dates (alerts match new ones to a topic).
        """
        if among is not None:
            return self._search(query, DateWindow(), k, among)
        window = window or DateWindow()
        hits = self._search(query, window, k)
        if not hits and window.narrowed:
            # The question named a period the store has nothing from: say what is closest.
            log.info("nothing published %r; searching all dates", window.phrase)
            hits = self._search(query, window.widened(), k)
        return hits

    def _recency(self, chunk: Chunk, window: DateWindow) -> float:
        """Favour fresh news; for a named period, news from inside it, then soon after it."""
        published = chunk.published_at
        if not (self.params.recency_weight and window.as_of and published):
            return 0.0
        if window.period_end is not None:
            age = max((published - window.period_end).days, 0)
        else:
            age = max((window.as_of - published).days, 0)
        return self.params.recency_weight * math.exp(-age / self.params.recency_days)

    def _dense(
        self, vector: np.ndarray, window: DateWindow, view: KeywordView
    ) -> list[tuple[Chunk, float]]:
        """Return the dense_k nearest chunks published inside the window.

        Chroma's metadata filter reads every chunk's metadata, a cost that grows with the
        store, and reading texts back costs far more than ids and distances alone. So: ask
        only for ids and distances, and read the chunks from the keyword index, which holds
        them all. When the window holds a fair share of the store, over-fetch unfiltered
        neighbours and keep those inside it; otherwise (or when too few fell inside) search
        among the window's ids.
        """
        if not (window.as_of or window.start or window.end):
            return self._chunks(self.store.nearest(vector, self.params.dense_k), view)
        inside = view.count(window)
        if not inside:
            return []
        wide_k = math.ceil(self.params.dense_k * self.params.overfetch * view.count() / inside)
        if wide_k <= self.params.max_overfetch:
            found = self.store.nearest(vector, wide_k)
            # Days from the index's column: only the chunks kept are decoded.
            days = view.days([cid for cid, _ in found])
            extra = self.store.get_chunks([cid for cid, _ in found if cid not in days])
            days.update((c.id, _day(c)) for c in extra)
            wide = [(cid, sim) for cid, sim in found if cid in days]
            keep = window.mask(np.array([days[cid] for cid, _ in wide], dtype=np.int64))
            assert keep is not None  # a window with dates masks any days
            kept = [pair for pair, ok in zip(wide, keep, strict=True) if ok]
            if len(kept) >= self.params.dense_k or len(wide) < wide_k:
                return self._chunks(kept[: self.params.dense_k], view, extra)
        try:
            among = self.store.nearest(vector, self.params.dense_k, among=view.ids_inside(window))
        except StoreError:
            # A chunk the index holds was deleted since: let Chroma filter on the dates.
            log.info("keyword index is stale; dense search filters on dates in Chroma")
            return self.store.query(vector, self.params.dense_k, where=window.chroma_where())
        return self._chunks(among, view)

    def _chunks(
        self, found: list[tuple[str, float]], view: KeywordView, extra: Sequence[Chunk] = ()
    ) -> list[tuple[Chunk, float]]:
        """Pair ids with their chunks from the index; read the few it lacks from the store."""
        held = {c.id: c for c in [*view.chunks([cid for cid, _ in found]), *extra]}
        missing = [cid for cid, _ in found if cid not in held]
        held.update((c.id, c) for c in self.store.get_chunks(missing))
        return [(held[cid], similarity) for cid, similarity in found if cid in held]

    def _fuse(self, articles: dict[str, _Article], ranked: list[tuple[Chunk, float]]) -> None:
        """Add one ranking's reciprocal-rank credit to the articles of its chunks."""
        seen: dict[str, int] = {}
        for chunk_rank, (chunk, _) in enumerate(ranked, start=1):
            earlier = seen.get(chunk.article_id, 0)
            seen[chunk.article_id] = earlier + 1
            if not earlier:
                entry = articles.setdefault(chunk.article_id, _Article(best=chunk))
                entry.fused += 1.0 / (self.params.rrf_k + len(seen))  # the article's rank
            elif earlier <= self.params.extra_chunks:
                articles[chunk.article_id].fused += self.params.extra_chunk_weight / (
                    self.params.rrf_k + chunk_rank
                )

    def _search(
        self, query: str, window: DateWindow, k: int, among: Sequence[str] | None = None
    ) -> list[Hit]:
        vector = self.embedder.encode_query(query)
        view = self.view()
        if among is None:
            dense = self._dense(vector, window, view)
        else:
            ids = [c.id for aid in among for c in view.article_chunks(aid)]
            dense = self._chunks(self.store.nearest(vector, self.params.dense_k, among=ids), view)
        ranked_kw = view.search(query, self.params.keyword_k, window, among)
        articles: dict[str, _Article] = {}

        # Each article counts once per ranking at its best chunk's rank, plus a little for
        # its next chunks there.
        self._fuse(articles, dense)
        for chunk, sim in dense:
            entry = articles[chunk.article_id]
            entry.dense = max(entry.dense, sim)
        self._fuse(articles, ranked_kw)
        for chunk, score in ranked_kw:
            entry = articles[chunk.article_id]
            entry.keyword = max(entry.keyword, score)
        for entry in articles.values():
            entry.fused += self._recency(entry.best, window)
        # Newer articles win ties.
        order = sorted(
            articles.items(),
            key=lambda item: (item[1].fused, item[1].best.metadata.get("published_day", -1)),
            reverse=True,
        )
        # One hit per story: a story is stored once, but a promotion cut short leaves two.
        order = [order[n] for n in one_per_story([e.best for _, e in order])][:k]
        copies = copies_of(self.store, [entry.best for _, entry in order])
        return [
            Hit(
                chunk=carrying(entry.best, copies),
                score=entry.fused,
                dense=max(entry.dense, 0.0),
                keyword=entry.keyword,
                extra=tuple(
                    carrying(c, copies)
                    for c in view.article_chunks(aid)[: self.params.max_extra]
                    if c.id != entry.best.id
                ),
            )
            for aid, entry in order
        ]


def _day(chunk: Chunk) -> int:
    return int(chunk.metadata.get("published_day", UNKNOWN_DAY))
