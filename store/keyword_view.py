"""Read one committed state of the keyword index: BM25 search, chunks, windows, idf, stats.

Chunk texts and metadata are stored in the index and read from disk on demand.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from datetime import date

import tantivy

from newsbot.core.calendar import UNKNOWN_DAY, day_number
from newsbot.core.date_window import DateWindow
from newsbot.core.tokenizer import Tokenizer
from newsbot.core.types import Chunk
from newsbot.store.keyword_schema import decode

__all__ = ["KeywordView"]

# tantivy refuses aggregations of more buckets than this.
MAX_BUCKETS = 65_000
# Term rarities a refreshed view counts ahead, taken from those its predecessor was asked.
WARM_TERMS = 2_000

_SHOULD = tantivy.Occur.Should
_MUST = tantivy.Occur.Must


class KeywordView:
    """One committed state of the index: every read of a question sees the same chunks."""

    def __init__(self, searcher: tantivy.Searcher, schema: tantivy.Schema, terms: Tokenizer):
        self.searcher = searcher
        self.schema = schema
        self.terms = terms
        self._df: dict[str, int] = {}
        self._articles: int | None = None
        state = self.searcher.search(self._term("state", 1), 1, count=False).hits
        self._state_docs = len(state)
        self.cursor: int = (
            int(self.searcher.doc(state[0][1])["cursor"][0]) if state else 0
        )  # how far into the change feed this state is

    def _term(self, field: str, value: str | int) -> tantivy.Query:
        return tantivy.Query.term_query(self.schema, field, value)

    def _count(self, query: tantivy.Query) -> int:
        # limit=0 makes tantivy panic; the stubs of tantivy 0.27 leave out SearchResult.count.
        found = self.searcher.search(query, 1, count=True)
        return int(found.count)  # type: ignore[attr-defined]

    def _chunks(self, query: tantivy.Query, limit: int) -> list[Chunk]:
        if limit <= 0:
            return []
        hits = self.searcher.search(query, limit, count=False).hits
        return [self._chunk(address) for _, address in hits]

    def _chunk(self, address: tantivy.DocAddress) -> Chunk:
        return decode(self.searcher.doc(address)["chunk"][0])

    def _window(self, window: DateWindow | None) -> tantivy.Query | None:
        """The chunks published inside the window (unknown days pass a window with no start)."""
        if window is None or not (window.as_of or window.start or window.end):
            return None
        upper = day_number(window.latest) if window.latest else None
        lower = day_number(window.start) if window.start else None
        found = tantivy.Query.range_query(
            self.schema, "published_day", tantivy.FieldType.Integer, lower, upper
        )
        # Zero weight: as a Must clause it would otherwise add 1 to every hit's score.
        return tantivy.Query.const_score_query(found, 0.0)

    def search(
        self,
        query: str,
        k: int,
        window: DateWindow | None = None,
        among: Sequence[str] | None = None,
    ) -> list[tuple[Chunk, float]]:
        """Return the best k chunks inside the window (of `among` articles) with BM25 scores."""
        tokens = self.terms(query)
        if not tokens or k <= 0 or (among is not None and not among):
            return []
        # A repeated word counts once per occurrence, as it did in bm25s.
        words = tantivy.Query.boolean_query([(_SHOULD, self._term("terms", t)) for t in tokens])
        inside = self._window(window)
        if among is not None:
            only = tantivy.Query.term_set_query(self.schema, "article_id", list(among))
            only = tantivy.Query.const_score_query(only, 0.0)
            inside = (
                only
                if inside is None
                else tantivy.Query.boolean_query([(_MUST, inside), (_MUST, only)])
            )
        if inside is not None:
            # Nested: beside a Must clause, Should clauses stop being required.
            words = tantivy.Query.boolean_query([(_MUST, inside), (_MUST, words)])
        hits = self.searcher.search(words, k, count=False).hits
        return [(self._chunk(address), float(score)) for score, address in hits]

    def chunks(self, ids: Sequence[str]) -> list[Chunk]:
        """Return the chunks of these ids (those held), in the order asked."""
        found = self._addresses(ids)
        return [self._chunk(found[cid]) for cid in ids if cid in found]

    def days(self, ids: Sequence[str]) -> dict[str, int]:
        """The publication day number of each of these chunks held, read without decoding."""
        found = self._addresses(ids)
        values = self.searcher.fast_field_values("published_day", list(found.values()))
        return {
            cid: UNKNOWN_DAY if day is None else int(day)
            for cid, day in zip(found, values, strict=True)
        }

    def _addresses(self, ids: Sequence[str]) -> dict[str, tantivy.DocAddress]:
        # One term query per id beats a term set query at the ~100 ids of a dense search.
        found = {}
        for cid in ids:
            hits = self.searcher.search(self._term("chunk_id", cid), 1, count=False).hits
            if hits:
                found[cid] = hits[0][1]
        return found

    def article_chunks(self, article_id: str) -> list[Chunk]:
        """Every chunk held of an article, in reading order."""
        query = self._term("article_id", article_id)
        return sorted(self._chunks(query, self._count(query)), key=lambda c: c.position)

    def ids_inside(self, window: DateWindow) -> list[str]:
        """The ids of the chunks published inside the window (for Chroma's ids filter)."""
        inside = self._window(window)
        n = self.count(window)
        if not n:
            return []
        if inside is None:
            inside = tantivy.Query.exists_query("chunk_id")
        if n <= MAX_BUCKETS:
            # From the chunk_id column: decoding stored chunks is far slower.
            found = self.searcher.aggregate(
                inside, {"ids": {"terms": {"field": "chunk_id", "size": n}}}
            )
            return [str(bucket["key"]) for bucket in found["ids"]["buckets"]]
        return [c.id for c in self._chunks(inside, n)]

    def count(self, window: DateWindow | None = None) -> int:
        """How many chunks are held (published inside the window, when one is given)."""
        inside = self._window(window)
        if inside is None:
            return int(self.searcher.num_docs) - self._state_docs
        return self._count(inside)

    def hashes(self, article_ids: Sequence[str]) -> dict[str, str]:
        """The content hash each of these articles was indexed with (absent ones left out)."""
        if not article_ids:
            return {}
        ids = tantivy.Query.term_set_query(self.schema, "article_id", list(article_ids))
        query = tantivy.Query.boolean_query([(_MUST, ids), (_MUST, self._term("head", 1))])
        return {
            c.article_id: str(c.metadata.get("content_hash", ""))
            for c in self._chunks(query, len(article_ids))
        }

    @property
    def articles(self) -> int:
        """How many articles are held."""
        if self._articles is None:
            self._articles = self._count(self._term("head", 1))
        return self._articles

    def warm_like(self, other: KeywordView) -> None:
        """Count what `other` was asked lately, so the first answer here does not have to."""
        for term in list(other._df)[-WARM_TERMS:]:
            self.idf(term)

    def idf(self, term: str) -> float:
        """How rare a (stemmed) term is among the articles held; unseen terms are rarest."""
        df = self.holding(term)
        n = self.articles
        return math.log(1 + (n - df + 0.5) / (df + 0.5))

    def holding(self, term: str) -> int:
        """How many of the articles held hold a (stemmed) term: live ones, as `articles` counts."""
        df = self._df.get(term)
        if df is None:
            # searcher.doc_freq also counts the deleted documents an update leaves until a merge.
            df = self._df[term] = self._count(self._term("article_terms", term))
        return df

    def article_counts(self, terms: Iterable[str]) -> dict[str, int]:
        """`holding` for each term: what a share of `articles` is taken of."""
        return {t: self.holding(t) for t in terms}

    def doc_freqs(self, terms: Iterable[str]) -> dict[str, int]:
        """How many articles hold each (stemmed) term; deleted ones may still count (fast: for
        ranking terms by rarity, not for a share of the articles held)."""
        return {t: int(self.searcher.doc_freq("article_terms", t)) for t in terms}

    def similar_articles(self, terms: Sequence[str], k: int) -> list[str]:
        """The k stored articles holding the most of these terms (rarest weigh most)."""
        if not terms or k <= 0:
            return []
        words = tantivy.Query.boolean_query(
            [(_SHOULD, self._term("article_terms", t)) for t in terms]
        )
        query = tantivy.Query.boolean_query([(_MUST, self._term("head", 1)), (_MUST, words)])
        return [c.article_id for c in self._chunks(query, k)]

    def stats(self) -> dict[str, object]:
        """Articles, chunks, sources (sorted) and first and last publication day held."""
        heads = self._term("head", 1)
        found = self.searcher.aggregate(
            heads, {"sources": {"terms": {"field": "source", "size": MAX_BUCKETS}}}
        )
        sources = sorted(str(b["key"]) for b in found["sources"]["buckets"])
        dated = tantivy.Query.range_query(
            self.schema, "published_day", tantivy.FieldType.Integer, UNKNOWN_DAY + 1
        )
        first_day = last_day = None
        if self._count(dated):
            span = self.searcher.aggregate(
                dated,
                {
                    "first": {"min": {"field": "published_day"}},
                    "last": {"max": {"field": "published_day"}},
                },
            )
            first_day = date.fromordinal(int(span["first"]["value"]))
            last_day = date.fromordinal(int(span["last"]["value"]))
        return {
            "articles": self.articles,
            "chunks": self.count(),
            "sources": sources,
            "first_day": first_day,
            "last_day": last_day,
        }
