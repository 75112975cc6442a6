"""BM25 keyword index of the stored chunks, on disk (tantivy), updated article by article.

A data dir's index is a derived view of its Chroma store. One process at a time writes it
(a KeywordWriter, under the ingest lock; tantivy also holds a lock file); every serving
process opens a KeywordIndex and takes one KeywordView per question, which sees the last
commit. Chunk texts and metadata are stored in the index and read from disk on demand.

Terms are the stems of newsbot's Tokenizer joined by spaces, split again by tantivy's
whitespace tokenizer, so the index and the composer agree on words. The first chunk of each
article also carries the article's distinct terms (article frequencies for the composer's
idf), its source and day (stats). A single state document holds the cursor: how far into the
change feed the committed index is, committed atomically with the chunks.
"""

from __future__ import annotations

import json
import logging
import math
import os
import shutil
import threading
from collections.abc import Iterable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import tantivy

from newsbot.core.calendar import UNKNOWN_DAY, day_number
from newsbot.core.date_window import DateWindow
from newsbot.core.tokenizer import Tokenizer
from newsbot.core.types import Chunk

log = logging.getLogger(__name__)

__all__ = ["FOLDER", "KeywordIndex", "KeywordView", "KeywordWriter", "rebuild"]

FOLDER = "keyword"
FORMAT = 1  # of the schema below; a folder of another format must be rebuilt
FORMAT_FILE = "newsbot.format"
WRITER_HEAP = 64_000_000  # bytes buffered before tantivy writes a segment
# tantivy refuses aggregations of more buckets than this.
MAX_BUCKETS = 65_000
# Term rarities a refreshed view counts ahead, taken from those its predecessor was asked.
WARM_TERMS = 2_000

_SHOULD = tantivy.Occur.Should
_MUST = tantivy.Occur.Must


def schema() -> tantivy.Schema:
    """Describe a chunk document (and the one state document)."""
    builder = tantivy.SchemaBuilder()
    # Ids are indexed whole, for lookups and deletes; chunk ids are also a column, so the ids
    # of a date window are read without decoding stored chunks.
    builder.add_text_field("chunk_id", fast=True, tokenizer_name="raw", index_option="basic")
    builder.add_text_field("article_id", tokenizer_name="raw", index_option="basic")
    # BM25 needs term frequencies but no positions: no phrase is ever asked for.
    builder.add_text_field("terms", tokenizer_name="whitespace", index_option="freq")
    # Only on an article's first chunk ("head"): its distinct terms and its source.
    builder.add_text_field("article_terms", tokenizer_name="whitespace", index_option="basic")
    builder.add_text_field("source", fast=True, tokenizer_name="raw", index_option="basic")
    builder.add_integer_field("head", indexed=True)
    builder.add_integer_field("published_day", indexed=True, fast=True)
    builder.add_bytes_field("chunk", stored=True)
    builder.add_integer_field("state", indexed=True)
    builder.add_integer_field("cursor", stored=True)
    return builder.build()


def _encode(chunk: Chunk) -> bytes:
    row = [chunk.id, chunk.article_id, chunk.text, chunk.position, chunk.metadata]
    return json.dumps(row, ensure_ascii=False).encode("utf-8")


def _decode(blob: bytes) -> Chunk:
    cid, aid, text, position, metadata = json.loads(blob)
    return Chunk(cid, aid, text, position, metadata)


def _day(chunk: Chunk) -> int:
    return int(chunk.metadata.get("published_day", UNKNOWN_DAY))


def _is_current(folder: Path) -> bool:
    marker = folder / FORMAT_FILE
    try:
        written = marker.read_text(encoding="utf-8").strip()
    except OSError:
        return False
    return written == str(FORMAT) and tantivy.Index.exists(str(folder))


def _open(folder: Path) -> tantivy.Index:
    """Open the index in the folder, creating it when absent (ValueError: another format)."""
    if _is_current(folder):
        return tantivy.Index.open(str(folder))
    if folder.is_dir() and tantivy.Index.exists(str(folder)):
        raise ValueError(f"the keyword index at {folder} has another format; rebuild it")
    folder.mkdir(parents=True, exist_ok=True)
    index = tantivy.Index(schema(), path=str(folder))
    (folder / FORMAT_FILE).write_text(str(FORMAT), encoding="utf-8")
    return index


class KeywordWriter:
    """Replaces and deletes whole articles; readers see nothing of it before commit()."""

    def __init__(self, folder: Path, terms: Tokenizer, heap: int = WRITER_HEAP) -> None:
        """Open (or create) the index and take its writer lock (ValueError if held)."""
        self.terms = terms
        self.index = _open(folder)
        # One indexing thread: ingest already embeds on every core it may use.
        self.writer = self.index.writer(heap_size=heap, num_threads=1)
        # Files of segments merged away after an earlier writer's last commit stay on disk
        # until some writer collects them.
        self.writer.garbage_collect_files()

    def put_article(self, article_id: str, chunks: Sequence[Chunk]) -> None:
        """Replace everything held of the article by these chunks (none: delete it)."""
        self.delete_article(article_id)
        self._add(sorted(chunks, key=lambda c: c.position), head=True)

    def delete_article(self, article_id: str) -> None:
        """Drop every chunk of the article, also those put earlier in this batch."""
        self.writer.delete_documents_by_term("article_id", article_id)

    def _add(self, chunks: Sequence[Chunk], head: bool) -> None:
        seen: set[str] = set()
        docs = []
        for chunk in chunks:
            tokens = self.terms(f"{chunk.title}\n{chunk.text}")
            seen.update(tokens)
            docs.append(
                tantivy.Document(
                    chunk_id=chunk.id,
                    article_id=chunk.article_id,
                    terms=" ".join(tokens),
                    published_day=_day(chunk),
                    chunk=_encode(chunk),
                )
            )
        if head and docs:
            docs[0].add_text("article_terms", " ".join(sorted(seen)))
            docs[0].add_integer("head", 1)
            source = chunks[0].metadata.get("source")
            if source:
                docs[0].add_text("source", str(source))
        for doc in docs:
            self.writer.add_document(doc)

    def commit(self, cursor: int) -> None:
        """Make the changes and the feed cursor durable; readers see them after view()."""
        self.writer.delete_documents_by_term("state", 1)
        self.writer.add_document(tantivy.Document(state=1, cursor=cursor))
        self.writer.commit()

    def close(self) -> None:
        """Let background merges finish and release the lock; uncommitted changes are lost."""
        # Not rollback(): it abandons running merges and leaves their files behind.
        self.writer.wait_merging_threads()

    def __enter__(self) -> KeywordWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def rebuild(folder: Path, chunks: Iterable[Chunk], terms: Tokenizer, cursor: int) -> None:
    """Index every chunk into a fresh index built aside, then swap it in for the folder's.

    Chunks may come in any order; an article is added once all n_chunks of it arrived, so
    only the few articles being read are held in memory. Readers of the old index keep
    answering from it until their next view().
    """
    folder = folder.absolute()
    aside = folder.with_name(f".{folder.name}.new-{os.getpid()}")
    shutil.rmtree(aside, ignore_errors=True)
    count = 0
    with KeywordWriter(aside, terms, heap=2 * WRITER_HEAP) as writer:
        pending: dict[str, list[Chunk]] = {}
        done: set[str] = set()
        for chunk in chunks:
            count += 1
            aid = chunk.article_id
            if aid in done:
                # More chunks than the article said it had (a rewrite cut short): kept, but
                # out of its article terms until ingest rewrites the article.
                writer._add([chunk], head=False)
                continue
            group = pending.setdefault(aid, [])
            group.append(chunk)
            expected = int(chunk.metadata.get("n_chunks", 0) or 0)
            if expected and len(group) >= expected:
                writer._add(sorted(pending.pop(aid), key=lambda c: c.position), head=True)
                done.add(aid)
        for group in pending.values():  # articles missing chunks (a write cut short)
            writer._add(sorted(group, key=lambda c: c.position), head=True)
        writer.commit(cursor)
    old = folder.with_name(f".{folder.name}.old-{os.getpid()}")
    shutil.rmtree(old, ignore_errors=True)
    if folder.exists():
        os.replace(folder, old)
    os.replace(aside, folder)
    shutil.rmtree(old, ignore_errors=True)
    log.info("keyword index rebuilt: %d chunks in %s", count, folder)


def _empty() -> tantivy.Index:
    index = tantivy.Index(schema())  # in memory
    writer = index.writer(heap_size=15_000_000, num_threads=1)
    writer.commit()
    writer.wait_merging_threads()
    index.reload()
    return index


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

    def _term(self, field: str, value: Any) -> tantivy.Query:
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
        return _decode(self.searcher.doc(address)["chunk"][0])

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
        df = self._df.get(term)
        if df is None:
            # A count of live documents: searcher.doc_freq also counts deleted ones.
            df = self._df[term] = self._count(self._term("article_terms", term))
        n = self.articles
        return math.log(1 + (n - df + 0.5) / (df + 0.5))

    def doc_freqs(self, terms: Iterable[str]) -> dict[str, int]:
        """How many articles hold each (stemmed) term; deleted ones may still count."""
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


class KeywordIndex:
    """A serving process's handle on a folder: hands out the view of the last commit."""

    def __init__(self, folder: Path, terms: Tokenizer) -> None:
        """Remember the folder; nothing is opened until the first view()."""
        self.folder = folder
        self.terms = terms
        self._index: tantivy.Index | None = None
        self._stamp: tuple[int, ...] | None = None
        self._view: KeywordView | None = None
        self._lock = threading.Lock()
        # Set while a serving process's freshness thread calls refresh(): then questions get
        # the view it installed, already warmed, and never load a commit themselves.
        self.refreshed_elsewhere = False

    def exists(self) -> bool:
        """Say whether a readable index of this format is there (False: rebuild it)."""
        return _is_current(self.folder)

    def _stamps(self) -> tuple[int, ...] | None:
        try:
            # rebuild() swaps in another folder; tantivy replaces meta.json on every commit.
            folder = os.stat(self.folder)
            meta = os.stat(self.folder / "meta.json")
        except FileNotFoundError:
            return None
        return folder.st_ino, meta.st_ino, meta.st_mtime_ns, meta.st_size

    def view(self) -> KeywordView:
        """Return the view of the last commit, reloading only when one happened since.

        With no index (or one of another format) the view is empty: keyword search finds
        nothing until the index is built.
        """
        with self._lock:
            if self._view is None or not self.refreshed_elsewhere:
                loaded = self._load()
                if loaded is not None:
                    self._install(*loaded)
            assert self._view is not None
            return self._view

    def refresh(self) -> bool:
        """Load a commit made since the view in use, warm it like that view, then hand it out."""
        with self._lock:
            loaded, old = self._load(), self._view
        if loaded is None:
            return False
        if old is not None:
            loaded[0].warm_like(old)
        with self._lock:
            self._install(*loaded)
        return True

    def _load(self) -> tuple[KeywordView, tantivy.Index, tuple[int, ...] | None] | None:
        stamp = self._stamps()
        if self._view is not None and (stamp is None or stamp == self._stamp):
            # Unchanged, or mid-swap by rebuild(): the view in hand is still readable.
            return None
        index = self._index
        if index is None or stamp is None or self._stamp is None or stamp[0] != self._stamp[0]:
            index = self._reopen()
        else:
            index.reload()
        return KeywordView(index.searcher(), index.schema, self.terms), index, stamp

    def _install(
        self, view: KeywordView, index: tantivy.Index, stamp: tuple[int, ...] | None
    ) -> None:
        self._view, self._index, self._stamp = view, index, stamp

    def _reopen(self) -> tantivy.Index:
        if not self.exists():
            log.warning("no keyword index at %s: keyword search finds nothing", self.folder)
            return _empty()
        index = tantivy.Index.open(str(self.folder))
        # Reload on our own check of meta.json, not tantivy's watcher thread: a view must not
        # change under a question, and the check is one stat call.
        index.config_reader(reload_policy="manual")
        return index

    def idf(self, term: str) -> float:
        """Article-level rarity of a stem, on the latest view."""
        return self.view().idf(term)
