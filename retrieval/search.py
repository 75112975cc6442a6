"""Hybrid search: dense (Chroma) and keyword (BM25) rankings fused per article, dated."""

from __future__ import annotations

import logging
import math
import threading
from dataclasses import dataclass
from datetime import date

import numpy as np
from newsbot.retrieval.dates import UNKNOWN_DAY, DateWindow
from newsbot.retrieval.embeddings import Embedder
from newsbot.retrieval.errors import StoreError
from newsbot.retrieval.keyword import KeywordIndex, Tokenizer
from newsbot.retrieval.keyword_cache import load_or_build, store_state
from newsbot.retrieval.store import Store
from newsbot.retrieval.types import Chunk, Passage

log = logging.getLogger(__name__)

__all__ = ["DateWindow", "Hit", "HybridSearcher"]


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


class HybridSearcher:
    """Ranks articles for a question by fusing dense and keyword rankings of their chunks."""

    def __init__(
        self,
        store: Store,
        embedder: Embedder,
        dense_k: int = 100,
        keyword_k: int = 60,
        rrf_k: int = 60,
        extra_chunks: int = 1,
        extra_chunk_weight: float = 0.05,
        recency_weight: float = 0.004,
        recency_days: float = 14.0,
        max_extra: int = 12,
        overfetch: float = 1.5,
        max_overfetch: int = 1000,
    ):
        self.store = store
        self.embedder = embedder
        # 100 dense neighbours rather than 60 reach a few more gold articles (dev hit@10
        # 0.931 -> 0.939) for a few ms more per query.
        self.dense_k = dense_k
        self.keyword_k = keyword_k
        self.rrf_k = rrf_k
        # An article's 2nd..(extra_chunks+1)th chunks in a ranking each add
        # extra_chunk_weight / (rrf_k + that chunk's rank in the ranking): two passages that
        # match are a little more evidence than one, without letting long articles win on
        # length (on dev: MRR@10 0.778 -> 0.795, hit@1 0.679 -> 0.718).
        self.extra_chunks = extra_chunks
        self.extra_chunk_weight = extra_chunk_weight
        # News questions are mostly about recent events: a fresh article earns up to this
        # much fused score (a first rank in one list is worth 1/(rrf_k+1) ≈ 0.016; 0.004
        # rather than 0.003 was better on dev, hit@5 0.878 -> 0.885, MRR@10 0.767 -> 0.774).
        self.recency_weight = recency_weight
        self.recency_days = recency_days
        self.max_extra = max_extra
        self.overfetch = overfetch
        self.max_overfetch = max_overfetch
        # One tokenizer for the process: the index and the composer share its word cache,
        # which outlives index rebuilds.
        self.terms = Tokenizer()
        self._keyword: KeywordIndex | None = None
        self._keyword_state = ""
        self._lock = threading.Lock()

    @property
    def keyword(self) -> KeywordIndex:
        """Load (or build) the keyword index on first use, and again when the store changed."""
        with self._lock:
            if self._keyword is None or store_state(self.store) != self._keyword_state:
                self._keyword, self._keyword_state = load_or_build(self.store, self.terms)
            return self._keyword

    @property
    def last_keyword(self) -> KeywordIndex:
        """The index the last search used (built if none yet), without asking the store.

        The composer looks up word rarities thousands of times per answer; each lookup must
        not cost a round trip to Chroma.
        """
        with self._lock:
            index = self._keyword
        return index if index is not None else self.keyword

    def search(self, query: str, window: DateWindow | None = None, k: int = 5) -> list[Hit]:
        """Return the best passage of each of the k best articles, best first."""
        window = window or DateWindow()
        hits = self._search(query, window, k)
        if not hits and window.narrowed:
            # The question named a period the store has nothing from: say what is closest.
            log.info("nothing published %r; searching all dates", window.phrase)
            hits = self._search(query, window.widened(), k)
        return hits

    def _recency(self, chunk: Chunk, as_of: date | None) -> float:
        published = chunk.published_at
        if not (self.recency_weight and as_of and published):
            return 0.0
        age = max((as_of - published).days, 0)
        return self.recency_weight * math.exp(-age / self.recency_days)

    def _dense(
        self, vector: np.ndarray, window: DateWindow, index: KeywordIndex, mask: np.ndarray | None
    ) -> list[tuple[Chunk, float]]:
        """The dense_k nearest chunks published inside the window.

        Chroma's metadata filter reads every chunk's metadata (~100 ms at 31k chunks, growing
        with the store), and reading texts back costs ~10 ms per 100 results, while ids and
        distances alone cost a few ms. So: ask only for ids and distances, and take the
        chunks from the keyword index, which holds them all. When the window holds a fair
        share of the store, over-fetch unfiltered neighbours and keep those inside it;
        otherwise (or when too few fell inside) search among the window's ids.
        """
        if mask is None:
            return self._chunks(self.store.nearest(vector, self.dense_k), index)
        inside = int(mask.sum())
        if not inside:
            return []
        wide_k = math.ceil(self.dense_k * self.overfetch * mask.size / inside)
        if wide_k <= self.max_overfetch:
            wide = self._chunks(self.store.nearest(vector, wide_k), index)
            keep = window.mask(np.array([_day(c) for c, _ in wide], dtype=np.int64))
            kept = [pair for pair, ok in zip(wide, keep, strict=True) if ok]
            if len(kept) >= self.dense_k or len(wide) < wide_k:
                return kept[: self.dense_k]
        try:
            among = self.store.nearest(vector, self.dense_k, among=index.ids_where(mask))
        except StoreError:
            # A chunk the index holds was deleted since: let Chroma filter on the dates.
            log.info("keyword index is stale; dense search filters on dates in Chroma")
            return self.store.query(vector, self.dense_k, where=window.chroma_where())
        return self._chunks(among, index)

    def _chunks(
        self, found: list[tuple[str, float]], index: KeywordIndex
    ) -> list[tuple[Chunk, float]]:
        """Pair ids with their chunks from the index; read the few it lacks from the store."""
        missing = [cid for cid, _ in found if cid not in index.positions]
        extra = {c.id: c for c in self.store.get_chunks(missing)}
        out = []
        for cid, similarity in found:
            position = index.positions.get(cid)
            chunk = index.chunks[position] if position is not None else extra.get(cid)
            if chunk is not None:
                out.append((chunk, similarity))
        return out

    def _fuse(self, articles: dict[str, _Article], ranked: list[tuple[Chunk, float]]) -> None:
        """Add one ranking's reciprocal-rank credit to the articles of its chunks."""
        seen: dict[str, int] = {}
        for chunk_rank, (chunk, _) in enumerate(ranked, start=1):
            earlier = seen.get(chunk.article_id, 0)
            seen[chunk.article_id] = earlier + 1
            if not earlier:
                entry = articles.setdefault(chunk.article_id, _Article(best=chunk))
                entry.fused += 1.0 / (self.rrf_k + len(seen))  # the article's rank
            elif earlier <= self.extra_chunks:
                articles[chunk.article_id].fused += self.extra_chunk_weight / (
                    self.rrf_k + chunk_rank
                )

    def _search(self, query: str, window: DateWindow, k: int) -> list[Hit]:
        vector = self.embedder.encode_query(query)
        index = self.keyword
        mask = window.mask(index.days)
        dense = self._dense(vector, window, index, mask)
        keyword = index.search(query, self.keyword_k, mask=mask)
        articles: dict[str, _Article] = {}

        # Each article counts once per ranking at its best chunk's rank, plus a little for
        # its next chunks there.
        self._fuse(articles, dense)
        for chunk, sim in dense:
            entry = articles[chunk.article_id]
            entry.dense = max(entry.dense, sim)
        ranked_kw = [(index.chunks[pos], score) for pos, score in keyword]
        self._fuse(articles, ranked_kw)
        for chunk, score in ranked_kw:
            entry = articles[chunk.article_id]
            entry.keyword = max(entry.keyword, score)
        for entry in articles.values():
            entry.fused += self._recency(entry.best, window.as_of)
        # Newer articles win ties.
        order = sorted(
            articles.items(),
            key=lambda item: (item[1].fused, item[1].best.metadata.get("published_day", -1)),
            reverse=True,
        )[:k]
        return [
            Hit(
                chunk=entry.best,
                score=entry.fused,
                dense=max(entry.dense, 0.0),
                keyword=entry.keyword,
                extra=tuple(
                    c for c in index.article_chunks(aid)[: self.max_extra] if c.id != entry.best.id
                ),
            )
            for aid, entry in order
        ]


def _day(chunk: Chunk) -> int:
    return int(chunk.metadata.get("published_day", UNKNOWN_DAY))
