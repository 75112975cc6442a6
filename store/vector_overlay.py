"""Vectors written since a process loaded Chroma's embedded vector index, searched exactly.

An embedded Chroma client loads its vector index once and never sees another process's
writes; loading a second copy beside it doubles the memory a serving process needs. Instead,
the chunks of articles changed since the index was loaded are embedded again here (work in
proportion to the change), searched by brute force beside the loaded index, and the loaded
index's entries for those articles are hidden.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np


def article_of(chunk_id: str) -> str:
    """The article a chunk id belongs to (ids are `article_id:position`)."""
    return chunk_id.rsplit(":", 1)[0]


@dataclass(frozen=True)
class VectorOverlay:
    """Current vectors of the articles changed since the loaded index; immutable, swapped whole."""

    changed: frozenset[str] = frozenset()
    ids: tuple[str, ...] = ()
    vectors: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), dtype=np.float32))

    def __len__(self) -> int:
        return len(self.ids)

    def hides(self, chunk_id: str) -> bool:
        """Whether the loaded index's entry for this chunk may be out of date."""
        return bool(self.changed) and article_of(chunk_id) in self.changed

    def updated(
        self, article_ids: Collection[str], current: Mapping[str, tuple[Sequence[str], np.ndarray]]
    ) -> VectorOverlay:
        """Return a copy in which these articles hold exactly `current` (chunk ids, vectors).

        An article missing from `current` was deleted: it stays hidden, with no vectors.
        """
        touched = set(article_ids)
        keep = [i for i, cid in enumerate(self.ids) if article_of(cid) not in touched]
        ids = [self.ids[i] for i in keep]
        parts = [self.vectors[keep]] if keep else []
        for article_id in sorted(touched):
            if article_id in current:
                chunk_ids, vectors = current[article_id]
                ids.extend(chunk_ids)
                parts.append(np.asarray(vectors, dtype=np.float32))
        matrix = np.vstack(parts) if parts else np.zeros((0, 0), dtype=np.float32)
        return VectorOverlay(self.changed | touched, tuple(ids), matrix)

    def nearest(
        self, vector: np.ndarray, k: int, among: Collection[str] | None = None
    ) -> list[tuple[str, float]]:
        """Return the k most similar chunks held here (of `among` if given), best first."""
        if not self.ids or k <= 0:
            return []
        rows = range(len(self.ids))
        if among is not None:
            rows = [i for i in rows if self.ids[i] in among]  # type: ignore[assignment]
            if not rows:
                return []
        index = np.fromiter(rows, dtype=np.int64)
        sims = self.vectors[index] @ np.asarray(vector, dtype=np.float32)
        order = np.argsort(-sims, kind="stable")[:k]
        return [(self.ids[index[i]], float(sims[i])) for i in order]


def merged(*rankings: Sequence[tuple[str, float]], k: int) -> list[tuple[str, float]]:
    """Merge similarity rankings into the k best, best first."""
    pooled = sorted((pair for ranking in rankings for pair in ranking), key=lambda p: -p[1])
    return pooled[:k]
