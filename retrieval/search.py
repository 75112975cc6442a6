"""Hybrid search: dense (Chroma) and keyword (BM25) rankings fused, date filters applied."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np

from retrieval.embeddings import Embedder
from retrieval.keyword import KeywordIndex
from retrieval.store import UNKNOWN_DAY, Store, day_number
from retrieval.types import Chunk, Passage

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DateWindow:
    """Which articles exist for a question: published on or before as_of, within [start, end]."""

    as_of: date | None = None
    start: date | None = None
    end: date | None = None

    def chroma_where(self) -> dict[str, Any] | None:
        conditions: list[dict[str, Any]] = []
        latest = min((d for d in (self.as_of, self.end) if d), default=None)
        if latest:
            conditions.append({"published_day": {"$lte": day_number(latest)}})
        if self.start:
            conditions.append({"published_day": {"$gte": day_number(self.start)}})
        if not conditions:
            return None
        return conditions[0] if len(conditions) == 1 else {"$and": conditions}

    def mask(self, days: np.ndarray) -> np.ndarray | None:
        if not (self.as_of or self.start or self.end):
            return None
        keep = np.ones(days.shape, dtype=bool)
        latest = min((d for d in (self.as_of, self.end) if d), default=None)
        if latest:
            keep &= days <= day_number(latest)
        if self.start:
            keep &= (days >= day_number(self.start)) & (days != UNKNOWN_DAY)
        return keep


@dataclass(frozen=True)
class Hit(Passage):
    """A passage with the evidence behind its rank."""

    dense: float = 0.0
    keyword: float = 0.0
    extra: tuple[Chunk, ...] = ()


class HybridSearcher:
    """Ranks articles for a question by fusing dense and keyword rankings of their chunks."""

    def __init__(
        self,
        store: Store,
        embedder: Embedder,
        dense_k: int = 50,
        keyword_k: int = 50,
        rrf_k: int = 60,
    ):
        self.store = store
        self.embedder = embedder
        self.dense_k = dense_k
        self.keyword_k = keyword_k
        self.rrf_k = rrf_k
        self._keyword: KeywordIndex | None = None
        self._keyword_count = -1
        self._lock = threading.Lock()

    @property
    def keyword(self) -> KeywordIndex:
        """Build the keyword index on first use, and again when the store has changed."""
        with self._lock:
            count = self.store.count()
            if self._keyword is None or count != self._keyword_count:
                self._keyword = KeywordIndex(self.store.iter_chunks())
                self._keyword_count = count
            return self._keyword

    def refresh(self) -> None:
        with self._lock:
            self._keyword = None

    def search(self, query: str, window: DateWindow | None = None, k: int = 5) -> list[Hit]:
        """Return the best passage of each of the k best articles, best first."""
        window = window or DateWindow()
        vector = self.embedder.encode_query(query)
        dense = self.store.query(vector, self.dense_k, where=window.chroma_where())
        index = self.keyword
        keyword = index.search(query, self.keyword_k, mask=window.mask(index.days))
        fused: dict[str, float] = {}
        best: dict[str, Chunk] = {}
        dense_sim: dict[str, float] = {}
        keyword_score: dict[str, float] = {}
        chunks_of: dict[str, list[Chunk]] = {}

        def add(chunk: Chunk, rank: int) -> None:
            aid = chunk.article_id
            fused[aid] = fused.get(aid, 0.0) + 1.0 / (self.rrf_k + rank)
            best.setdefault(aid, chunk)
            if all(c.id != chunk.id for c in chunks_of.setdefault(aid, [])):
                chunks_of[aid].append(chunk)

        # Each article counts once per ranking, at its best chunk's rank.
        seen: set[str] = set()
        for chunk, sim in dense:
            dense_sim[chunk.article_id] = max(dense_sim.get(chunk.article_id, -1.0), sim)
            if chunk.article_id not in seen:
                seen.add(chunk.article_id)
                add(chunk, len(seen))
        seen = set()
        for position, score in keyword:
            chunk = index.chunks[position]
            keyword_score[chunk.article_id] = max(keyword_score.get(chunk.article_id, 0.0), score)
            if chunk.article_id not in seen:
                seen.add(chunk.article_id)
                add(chunk, len(seen))
            elif len(chunks_of[chunk.article_id]) < 3:
                chunks_of[chunk.article_id].append(chunk)
        ranked = sorted(fused, key=lambda aid: fused[aid], reverse=True)[:k]
        return [
            Hit(
                chunk=best[aid],
                score=fused[aid],
                dense=dense_sim.get(aid, 0.0),
                keyword=keyword_score.get(aid, 0.0),
                extra=tuple(c for c in chunks_of[aid] if c.id != best[aid].id),
            )
            for aid in ranked
        ]
