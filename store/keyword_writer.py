"""Write the keyword index: whole articles under the ingest lock, or all of it rebuilt aside.

One process at a time writes a data dir's index (a KeywordWriter, under the ingest lock;
tantivy also holds a lock file); readers see nothing of a write before its commit.
"""

from __future__ import annotations

import logging
import os
import shutil
from collections.abc import Iterable, Sequence
from pathlib import Path

import tantivy

from newsbot.core.tokenizer import Tokenizer
from newsbot.core.types import Chunk
from newsbot.store.keyword_schema import day_of, encode, open_index

log = logging.getLogger(__name__)

__all__ = ["KeywordWriter", "rebuild"]

WRITER_HEAP = 64_000_000  # bytes buffered before tantivy writes a segment


class KeywordWriter:
    """Replaces and deletes whole articles; readers see nothing of it before commit()."""

    def __init__(self, folder: Path, terms: Tokenizer, heap: int = WRITER_HEAP) -> None:
        """Open (or create) the index and take its writer lock (ValueError if held)."""
        self.terms = terms
        self.index = open_index(folder)
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
                    published_day=day_of(chunk),
                    chunk=encode(chunk),
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
