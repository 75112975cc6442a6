"""Index articles incrementally: embed only what is new or changed, never leave stale chunks."""

from __future__ import annotations

import fcntl
import hashlib
import logging
import os
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from ingest.chunking import chunk_article, embedding_text
from ingest.sources import iter_articles
from retrieval.errors import IngestBusyError, InputError
from retrieval.store import Store, StoredArticle
from retrieval.types import Article, Chunk

log = logging.getLogger(__name__)


@dataclass
class IngestReport:
    """What one ingest run did, article by article."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    failed: int = 0
    pruned: int = 0
    chunks_embedded: int = 0
    seconds: float = 0.0
    failures: list[str] = field(default_factory=list)
    skips: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, object]:
        return {
            "added": self.added,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "skipped": self.skipped,
            "failed": self.failed,
            "pruned": self.pruned,
            "chunks_embedded": self.chunks_embedded,
            "seconds": round(self.seconds, 3),
            "failures": self.failures,
            "skips": self.skips,
        }


def content_hash(article: Article) -> str:
    """Fingerprint everything about an article that ends up in the store."""
    parts = [
        article.title,
        article.text,
        article.url or "",
        article.path or "",
        article.source or "",
        article.author or "",
        article.published_at.isoformat() if article.published_at else "",
    ]
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:32]


@contextmanager
def ingest_lock(data_dir: Path) -> Iterator[None]:
    """Hold the store's ingest lock; a second ingest is told at once that one is running."""
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / "ingest.lock"
    with path.open("a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as error:
            raise IngestBusyError(
                f"another ingest is writing to {data_dir} (lock {path}); "
                "wait for it to finish and run this again"
            ) from error
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@dataclass
class _Pending:
    article: Article
    chunks: list[Chunk]
    old_n: int
    is_new: bool


class Indexer:
    """Writes articles into the store, skipping those whose content has not changed."""

    def __init__(
        self,
        store: Store,
        batch_chunks: int = 256,
        target_tokens: int = 200,
        on_article: Callable[[IngestReport], None] | None = None,
    ):
        self.store = store
        self.embedder = store.embedder
        self.batch_chunks = batch_chunks
        self.target_tokens = target_tokens
        self.on_article = on_article or (lambda report: None)

    def ingest(self, paths: Iterable[str | Path], prune: bool = False) -> IngestReport:
        """Ingest files, folders and globs; with prune, drop articles no longer found there."""
        started = time.perf_counter()
        report = IngestReport()
        known = self.store.articles()
        seen_ids: set[str] = set()
        seen_hashes: dict[str, str] = {}
        pending: list[_Pending] = []
        pending_chunks = 0
        roots = [str(p) for p in paths]
        for item in iter_articles(roots):
            if isinstance(item, InputError):
                report.failed += 1
                report.failures.append(str(item))
                log.warning("%s", item)
                self.on_article(report)
                continue
            article, origin = item
            digest = content_hash(article)
            if article.id in seen_ids or digest in seen_hashes:
                other = seen_hashes.get(digest, article.id)
                report.skipped += 1
                report.skips.append(f"{article.location}: duplicate of article {other}")
                self.on_article(report)
                continue
            seen_ids.add(article.id)
            seen_hashes[digest] = article.location
            stored = known.get(article.id)
            if stored and stored.complete and stored.content_hash == digest:
                report.unchanged += 1
                self.on_article(report)
                continue
            chunks = chunk_article(
                article,
                self.embedder.count_tokens,
                max_tokens=self.embedder.max_tokens,
                target_tokens=self.target_tokens,
                extra_metadata={"content_hash": digest, "origin": origin},
            )
            old_n = stored.n_chunks if stored else 0
            pending.append(_Pending(article, chunks, old_n, stored is None))
            pending_chunks += len(chunks)
            if pending_chunks >= self.batch_chunks:
                self._flush(pending, report)
                pending, pending_chunks = [], 0
        self._flush(pending, report)
        if prune:
            report.pruned = self._prune(known, seen_ids, roots)
        report.seconds = time.perf_counter() - started
        return report

    def _flush(self, pending: list[_Pending], report: IngestReport) -> None:
        """Embed a batch of articles' chunks together, then write article by article."""
        if not pending:
            return
        texts = [embedding_text(p.article.title, c.text) for p in pending for c in p.chunks]
        vectors = self.embedder.encode(texts)
        offset = 0
        for p in pending:
            n = len(p.chunks)
            if n == 0:
                # Nothing embeddable: treat like an article that vanished.
                self.store.delete_article(p.article.id)
            else:
                self.store.write_article(p.chunks, vectors[offset : offset + n], p.old_n)
            offset += n
            report.chunks_embedded += n
            if p.is_new:
                report.added += 1
            else:
                report.updated += 1
            self.on_article(report)

    def _prune(self, known: dict[str, StoredArticle], seen: set[str], roots: list[str]) -> int:
        """Delete articles that came from under these roots but were not found this time."""
        resolved = [str(Path(r).resolve()) if "://" not in r else r for r in roots]
        pruned = 0
        for aid, stored in known.items():
            if aid in seen or not stored.origin:
                continue
            if any(
                stored.origin == r or stored.origin.startswith(r.rstrip("/") + "/")
                for r in resolved
            ):
                self.store.delete_article(aid)
                pruned += 1
        return pruned
