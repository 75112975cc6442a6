"""BM25 keyword index over the stored chunks (bm25s), so exact names are found."""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np

from newsbot.retrieval.terms import Tokenizer
from newsbot.retrieval.types import Chunk

log = logging.getLogger(__name__)


class KeywordIndex:
    """Scores chunks by BM25 over headline and text."""

    FORMAT = 1  # of what save() writes; load() refuses other formats

    def __init__(
        self,
        chunks: Iterable[Chunk],
        terms: Tokenizer | None = None,
        built: tuple[Any, dict[str, int]] | None = None,
    ):
        """Index the chunks, or adopt a BM25 index and article frequencies built for them."""
        import bm25s

        # bm25s sets its own logger to DEBUG; its progress notes are not ours to show.
        logging.getLogger("bm25s").setLevel(logging.WARNING)
        self.terms = terms or Tokenizer()
        self.chunks: list[Chunk] = list(chunks)
        self.days = np.array(
            [int(c.metadata.get("published_day", -1)) for c in self.chunks], dtype=np.int64
        )
        self._df: dict[str, int] = {}
        self._by_article: dict[str, list[int]] = {}
        self.positions: dict[str, int] = {}
        for position, chunk in enumerate(self.chunks):
            self._by_article.setdefault(chunk.article_id, []).append(position)
            self.positions[chunk.id] = position
        self.index = bm25s.BM25()
        if built is not None:
            self.index, self._df = built
        elif self.chunks:
            corpus = [self.terms(f"{c.title}\n{c.text}") for c in self.chunks]
            self.index.index(corpus, show_progress=False)
            # Article frequencies, so how rare a question's word is can be judged per article.
            seen: dict[str, set[str]] = {}
            for chunk, tokens in zip(self.chunks, corpus, strict=True):
                for token in tokens:
                    seen.setdefault(token, set()).add(chunk.article_id)
            self._df = {token: len(ids) for token, ids in seen.items()}
        log.info("keyword index: %d chunks", len(self.chunks))

    def save(self, folder: Path) -> None:
        """Write the index and its chunks into a new folder."""
        folder.mkdir(parents=True)
        if self.chunks:
            self.index.save(str(folder / "bm25"))
        rows = [[c.id, c.article_id, c.text, c.position, c.metadata] for c in self.chunks]
        state = {"format": self.FORMAT, "chunks": rows, "df": self._df}
        (folder / "chunks.json").write_text(json.dumps(state), encoding="utf-8")

    @classmethod
    def load(cls, folder: Path, terms: Tokenizer | None = None) -> KeywordIndex:
        """Read what save() wrote (ValueError for another format)."""
        import bm25s

        state = json.loads((folder / "chunks.json").read_text(encoding="utf-8"))
        if state.get("format") != cls.FORMAT:
            raise ValueError(f"keyword index format {state.get('format')!r}, not {cls.FORMAT}")
        chunks = [Chunk(cid, aid, text, pos, meta) for cid, aid, text, pos, meta in state["chunks"]]
        index = bm25s.BM25.load(str(folder / "bm25")) if chunks else bm25s.BM25()
        return cls(chunks, terms, built=(index, state["df"]))

    def idf(self, term: str) -> float:
        """How rare a (stemmed) term is among the stored articles; unseen terms are rarest."""
        n = len(self._by_article)
        df = self._df.get(term, 0)
        return math.log(1 + (n - df + 0.5) / (df + 0.5))

    def ids_where(self, mask: np.ndarray) -> list[str]:
        """The ids of the chunks a mask over the index keeps."""
        return [self.chunks[p].id for p in np.flatnonzero(mask)]

    def article_chunks(self, article_id: str) -> list[Chunk]:
        """Every stored chunk of an article, in reading order."""
        found = [self.chunks[p] for p in self._by_article.get(article_id, [])]
        return sorted(found, key=lambda c: c.position)

    def search(self, query: str, k: int, mask: np.ndarray | None = None) -> list[tuple[int, float]]:
        """Return (chunk position, BM25 score) of the best k chunks, positives only."""
        if not self.chunks:
            return []
        tokens = [self.terms(query)]
        if not tokens[0]:
            return []
        k = min(k, len(self.chunks))
        weight = None if mask is None else mask.astype(np.float32)
        docs, scores = self.index.retrieve(
            tokens, k=k, show_progress=False, weight_mask=weight, n_threads=0
        )
        return [(int(d), float(s)) for d, s in zip(docs[0], scores[0], strict=True) if s > 0]
