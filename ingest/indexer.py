"""Index articles incrementally: embed only what is new or changed, never leave stale chunks."""

from __future__ import annotations

import fnmatch
import hashlib
import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from newsbot.core.calendar import day_number
from newsbot.core.errors import ConfigError
from newsbot.core.tokenizer import Tokenizer
from newsbot.core.types import Article, Chunk
from newsbot.ingest.chunking import chunk_article
from newsbot.ingest.fetch import is_url
from newsbot.ingest.near_copies import CopyMatch, Shingles, StoryMatcher, shingles
from newsbot.ingest.readers import DEFAULT_OPTIONS, ReadOptions
from newsbot.ingest.report import IngestReport
from newsbot.ingest.sources import Problem, iter_articles, origin_of
from newsbot.store.chroma_rows import StoredArticle
from newsbot.store.chroma_store import Store
from newsbot.store.copies import CopyRecord, story_id
from newsbot.store.embeddings import embedding_text
from newsbot.store.writer import catch_up, keyword_index

log = logging.getLogger(__name__)

__all__ = ["Indexer", "IngestReport", "Shard", "content_hash"]

# Articles whose stored state is looked up in one Chroma query.
LOOKUP_BATCH = 64
# A batch this many times the batch size (one big article) is embedded in parts, with progress.
PROGRESS_BATCHES = 2


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


def body_hash(article: Article) -> str:
    """Fingerprint what a reader sees, so one article saved under two names is kept once."""
    key = f"{article.title}\x1f{article.text}"
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]


@dataclass(frozen=True)
class Shard:
    """Worker `index` of `count`: it writes only the articles whose id hashes to it."""

    index: int = 0
    count: int = 1

    @classmethod
    def parse(cls, text: str) -> Shard:
        """Read `i/n` (0 <= i < n)."""
        try:
            index, count = (int(part) for part in text.split("/"))
        except ValueError as error:
            raise ConfigError(f"--shard takes i/n, like 0/4; got {text!r}") from error
        if not 0 <= index < count:
            raise ConfigError(f"--shard {text}: i must be at least 0 and less than n")
        return cls(index, count)

    def owns(self, article_id: str) -> bool:
        if self.count == 1:
            return True
        digest = hashlib.sha256(article_id.encode("utf-8")).hexdigest()
        return int(digest[:8], 16) % self.count == self.index


@dataclass
class _Pending:
    article: Article
    chunks: list[Chunk]
    old_n: int  # chunks the stored version has (0: new article)
    is_new: bool
    story: str = ""


@dataclass
class _Run:
    """State of one ingest pass; only ids and hashes grow with the corpus, never texts."""

    report: IngestReport = field(default_factory=IngestReport)
    seen_ids: set[str] = field(default_factory=set)
    seen_hashes: dict[str, tuple[str, str]] = field(default_factory=dict)
    duplicates: list[str] = field(default_factory=list)
    failed_origins: set[str] = field(default_factory=set)
    unchanged_origins: set[str] = field(default_factory=set)  # feeds that answered 304
    last_origin: str = ""
    lookup: list[tuple[Article, str, str]] = field(default_factory=list)
    pending: list[_Pending] = field(default_factory=list)
    pending_chunks: int = 0
    # Stories: an in-run duplicate's first article, each decided article's story, copies to write.
    first_of: dict[str, str] = field(default_factory=dict)
    story_of: dict[str, str] = field(default_factory=dict)
    copies: list[CopyRecord] = field(default_factory=list)
    matcher: StoryMatcher | None = None
    story_seconds: float = 0.0  # spent finding stories (logged: it must stay small)


class Indexer:
    """Writes articles into the store, skipping those whose content has not changed."""

    def __init__(
        self,
        store: Store,
        batch_chunks: int = 256,
        target_tokens: int = 200,
        on_article: Callable[[IngestReport], None] | None = None,
        options: ReadOptions = DEFAULT_OPTIONS,
        shard: Shard = Shard(),
        stories: bool = True,
    ):
        self.store = store
        self.stories = stories
        self.shard = shard
        self.embedder = store.embedder
        self.batch_chunks = batch_chunks
        self.target_tokens = target_tokens
        self.on_article = on_article or (lambda report: None)
        self.options = options

    def ingest(self, paths: Iterable[str | Path], prune: bool = False) -> IngestReport:
        """Ingest files, folders, globs and URLs; with prune, drop articles no longer there.

        The caller holds the data dir's ingest lock: the run ends by bringing the keyword
        index up to date with every write the change feed names, its own and any a crashed
        run left behind.
        """
        started = time.perf_counter()
        run = _Run()
        if self.stories:
            tick = time.perf_counter()
            run.matcher = self._matcher()
            run.story_seconds += time.perf_counter() - tick
        roots = [str(p) for p in paths]
        for item in iter_articles(roots, self.options):
            origin = item.origin if isinstance(item, Problem) else item[1]
            if origin != run.last_origin:
                run.last_origin = origin
                run.report.files += 1
                self.on_article(run.report)
            if isinstance(item, Problem):
                self._problem(item, run)
                continue
            article, origin = item
            digest, body = content_hash(article), body_hash(article)
            if self.stories and body in run.seen_hashes and article.id not in run.seen_ids:
                # The same text under another name: it joins the first one's story.
                run.first_of[article.id] = run.seen_hashes[body][1]
            elif article.id in run.seen_ids or body in run.seen_hashes:
                other, kept_id = run.seen_hashes.get(body) or (f"id {article.id}", article.id)
                if kept_id != article.id:
                    # An earlier run may have stored this copy: the content stays once.
                    run.duplicates.append(article.id)
                run.report.skipped += 1
                run.report.skips.append(f"{article.location}: duplicate of {other}")
                log.info("skipped %s: duplicate of %s", article.location, other)
                self.on_article(run.report)
                continue
            run.seen_ids.add(article.id)
            run.seen_hashes.setdefault(body, (article.location, article.id))
            # Every worker reads everything (and so drops the same duplicates); each writes
            # only its own share.
            if not self.shard.owns(article.id):
                continue
            run.lookup.append((article, origin, digest))
            if len(run.lookup) >= LOOKUP_BATCH:
                self._decide(run)
        self._decide(run)
        self._flush(run)
        for aid in run.duplicates:
            if aid not in run.seen_ids and self.shard.owns(aid):
                self._remove(aid)
        if prune:
            run.report.pruned = self._prune(run, roots)
        catch_up(self.store, settled=self.store.embedded)
        if self.options.feed_cache is not None:
            # Written: next pass may ask the feeds read whole whether they changed since.
            self.options.feed_cache.commit(run.failed_origins)
        run.report.seconds = time.perf_counter() - started
        if self.stories:
            log.info("stories: %.2fs of %.2fs", run.story_seconds, run.report.seconds)
        return run.report

    def _problem(self, problem: Problem, run: _Run) -> None:
        if problem.unchanged:
            run.report.feeds_unchanged += 1
            # Nothing was read from it, and nothing of it is gone: prune leaves it alone.
            run.unchanged_origins.add(problem.origin)
            return
        if problem.skipped:
            run.report.skipped += 1
            run.report.skips.append(str(problem))
        else:
            run.report.failed += 1
            run.report.failures.append(str(problem))
            # Nothing from this origin is pruned: its articles are unreadable, not gone.
            run.failed_origins.add(problem.origin)
        # The command prints each failure once, as one line: the log keeps it for -v.
        log.info("%s: %s", "skipped" if problem.skipped else "failed", problem)
        self.on_article(run.report)

    def _matcher(self) -> StoryMatcher:
        """Bring the keyword index up to date: it proposes the stories earlier runs stored."""
        terms = Tokenizer()
        catch_up(self.store, terms, settled=self.store.embedded)
        index = keyword_index(self.store, terms)
        return StoryMatcher(self.store, index.view() if index.exists() else None, terms)

    def _decide(self, run: _Run) -> None:
        """Look a batch of articles up in the store; chunk those that are new or changed."""
        if not run.lookup:
            return
        ids = [a.id for a, _, _ in run.lookup]
        known = self.store.lookup(ids)
        tick = time.perf_counter()
        copies = self.store.copies.get(ids) if self.stories else {}
        run.story_seconds += time.perf_counter() - tick
        for article, origin, digest in run.lookup:
            stored, copy = known.get(article.id), copies.get(article.id)
            first = run.first_of.get(article.id)
            if first and stored and run.story_of.get(first) == stored.story:
                # Its twin read first joined this article's own story: this one keeps the text.
                first = None
            if stored and stored.complete and stored.content_hash == digest and not first:
                run.story_of[article.id] = stored.story
                if copy:  # left by a promotion cut short: the stored version wins
                    self.store.delete_copies([article.id])
                self._unchanged(run)
                continue
            if copy and not stored and copy.content_hash == digest:
                run.story_of[article.id] = copy.story
                self._unchanged(run)
                continue
            tick = time.perf_counter()
            sets = shingles(article.text, article.title) if run.matcher else frozenset()
            match = self._story(article, stored, first, sets, run)
            run.story_seconds += time.perf_counter() - tick
            if match is not None:
                self._copy(article, origin, digest, match, stored, copy, run)
                continue
            story = stored.story if stored else article.id
            run.story_of[article.id] = story
            if run.matcher:
                day = day_number(article.published_at)
                run.matcher.remember(article.id, story, day, sets, article.text)
            chunks = self._chunk(
                article, {"content_hash": digest, "origin": origin, "story": story}
            )
            old_n = stored.n_chunks if stored else 0
            run.pending.append(_Pending(article, chunks, old_n, stored is None and not copy, story))
            run.pending_chunks += len(chunks)
            if copy:  # no longer a copy of its story: stored as a story of its own
                self.store.delete_copies([article.id])
            if run.pending_chunks >= self.batch_chunks:
                self._flush(run)
        run.lookup = []

    def _chunk(self, article: Article, meta: dict[str, str]) -> list[Chunk]:
        return chunk_article(
            article,
            self.embedder.count_tokens,
            max_tokens=self.embedder.max_tokens,
            target_tokens=self.target_tokens,
            extra_metadata=meta,
        )

    def _unchanged(self, run: _Run) -> None:
        run.report.unchanged += 1
        self.on_article(run.report)

    def _story(
        self,
        article: Article,
        stored: StoredArticle | None,
        first: str | None,
        sets: Shingles,
        run: _Run,
    ) -> CopyMatch | None:
        """The story an article joins as a copy; None: it is stored as its own."""
        if run.matcher is None:
            return None
        if first and first in run.story_of:
            return CopyMatch(run.story_of[first], first, 1.0)
        if stored:
            # A stored article stays stored when it changes: its copies hang on it.
            return None
        return run.matcher.match(article.id, article.text, day_number(article.published_at), sets)

    def _copy(
        self,
        article: Article,
        origin: str,
        digest: str,
        match: CopyMatch,
        stored: StoredArticle | None,
        copy: CopyRecord | None,
        run: _Run,
    ) -> None:
        """Record the article as a copy of the match's story: its text is not embedded again."""
        if stored:
            # Stored twice by an earlier run: the first one read keeps the text.
            self.store.delete_article(article.id)
            if run.matcher:
                run.matcher.forget(article.id)
        run.story_of[article.id] = match.story
        run.copies.append(CopyRecord.of_article(article, match.story, digest, origin))
        if copy:
            run.report.updated += 1
        else:
            run.report.copies += 1
        log.info("%s is a copy of story %s", article.location, match.story)
        self.on_article(run.report)

    def _flush(self, run: _Run) -> None:
        """Embed a batch of articles' chunks together and write them in one upsert."""
        if not run.pending:
            self._write_copies(run)
            return
        texts = [embedding_text(p.article.title, c.text) for p in run.pending for c in p.chunks]
        vectors = self._encode(texts, run.report)
        batch, offset = [], 0
        for p in run.pending:
            n = len(p.chunks)
            if n:
                batch.append((p.chunks, vectors[offset : offset + n], p.old_n))
            offset += n
        self.store.write_articles(batch)
        report = run.report
        for p in run.pending:
            if not p.chunks:
                # Nothing embeddable: treat like an article that vanished.
                self._remove(p.article.id, p.story)
            report.chunks_embedded += len(p.chunks)
            if p.is_new:
                report.added += 1
            else:
                report.updated += 1
            log.info("wrote %s (%d chunks)", p.article.location, len(p.chunks))
            self.on_article(report)
        run.pending, run.pending_chunks = [], 0
        # Copies after the texts they point at, so no copy is left without its story's text.
        self._write_copies(run)

    def _encode(self, texts: list[str], report: IngestReport) -> np.ndarray:
        """Embed a batch; one far over the batch size (a big file) in parts, telling progress."""
        if len(texts) <= PROGRESS_BATCHES * self.batch_chunks:
            return self.embedder.encode(texts)
        parts = []
        for start in range(0, len(texts), self.batch_chunks):
            report.embedding = (start, len(texts))
            self.on_article(report)
            parts.append(self.embedder.encode(texts[start : start + self.batch_chunks]))
        report.embedding = (0, 0)
        return np.concatenate(parts)

    def _write_copies(self, run: _Run) -> None:
        self.store.record_copies(run.copies)
        run.copies = []
        if run.matcher:
            run.matcher.written()

    def _remove(self, article_id: str, story: str | None = None) -> None:
        """Delete a stored article; its earliest copy, if any, is stored in its place."""
        if story is None:
            head = self.store.lookup([article_id]).get(article_id)
            story = head.story if head else article_id
        heirs = self.store.copies.of_stories([story], text=True)
        if heirs:
            heir = min(heirs, key=lambda r: (r.published_day, r.article_id))
            self._promote(heir)
        self.store.delete_article(article_id)

    def _promote(self, heir: CopyRecord) -> None:
        """Store a copy's own text in its story's place (its story id does not change)."""
        article = heir.article()
        meta = {"content_hash": heir.content_hash, "origin": heir.origin, "story": heir.story}
        chunks = self._chunk(article, meta)
        if chunks:
            texts = [embedding_text(article.title, c.text) for c in chunks]
            self.store.write_articles([(chunks, self.embedder.encode(texts), 0)])
        self.store.delete_copies([heir.article_id])
        log.info("stored copy %s in place of story %s", article.location, heir.story)

    def _prune(self, run: _Run, roots: list[str]) -> int:
        """Delete articles that came from under these roots but were not found this time."""
        protected = run.failed_origins | run.unchanged_origins
        resolved = [origin_of(r) for r in roots if origin_of(r) not in protected]

        def under(origin: str, root: str) -> bool:
            if is_url(root):
                return origin == root
            if any(ch in root for ch in "*?["):
                return fnmatch.fnmatchcase(origin, root)
            return origin == root or origin.startswith(root.rstrip("/") + "/")

        def gone(aid: str, origin: str) -> bool:
            if aid in run.seen_ids or not origin or origin in protected or not self.shard.owns(aid):
                return False
            if any(under(origin, p) for p in protected):
                return False
            return any(under(origin, r) for r in resolved)

        # Copies first: a story whose every version is gone needs no heir.
        copies = [r.article_id for r in self.store.copies if gone(r.article_id, r.origin)]
        self.store.delete_copies(copies)
        doomed: dict[str, str] = {}
        for _, meta in self.store.iter_metadata():
            aid = str(meta.get("article_id", ""))
            if gone(aid, str(meta.get("origin", ""))):
                doomed[aid] = story_id(meta, aid)
        for aid, story in doomed.items():
            self._remove(aid, story)
            log.info("pruned article %s", aid)
        return len(doomed) + len(copies)
