"""Stories: the copies of an article other outlets ran, kept beside the store, never embedded.

A story's text is stored (chunked, embedded, keyword-indexed) once, under its first article;
every other version of it is a *copy*: one record in the `<collection>-copies` collection with
its own outlet, URL, date and title, and its cleaned text (so that it can take the stored
version's place when that one is pruned). Records carry a one-number dummy vector, like the
change feed, so copies are shared through Chroma by every process, embedded or served.

Every stored chunk names its story under `story` (its first article's id); chunks written
before stories existed have no `story`, which means the article is its own story.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from newsbot.core.errors import StoreError
from newsbot.core.types import Article, Copy, Story
from newsbot.store.chroma_client import included

if TYPE_CHECKING:
    from chromadb.api import ClientAPI
    from chromadb.api.types import GetResult, Include, PyEmbedding
    from chromadb.base_types import InclusionExclusionOperator, LiteralValue, Where

    from newsbot.store.chroma_store import Store

__all__ = [
    "SUFFIX",
    "CopyBook",
    "CopyRecord",
    "also_in",
    "lookup",
    "story_id",
]

SUFFIX = "-copies"
PAGE = 1000
# Chroma metadata holds no None: optional fields are left out.
OPTIONAL = ("url", "path", "source", "author", "published_at")


def story_id(metadata: Mapping[str, Any] | None, article_id: str = "") -> str:
    """Read a chunk's story; chunks from before stories existed are their article's own."""
    meta = metadata or {}
    return str(meta.get("story") or meta.get("article_id") or article_id)


@dataclass(frozen=True)
class CopyRecord:
    """What the store keeps of a copy: enough to cite it, to skip it unchanged, to promote it."""

    article_id: str
    story: str
    title: str
    content_hash: str
    origin: str = ""
    url: str | None = None
    path: str | None = None
    source: str | None = None
    author: str | None = None
    published_at: str | None = None  # ISO day
    published_day: int = -1
    text: str = ""

    @classmethod
    def of_article(cls, article: Article, story: str, digest: str, origin: str) -> CopyRecord:
        day = article.published_at
        return cls(
            article_id=article.id,
            story=story,
            title=article.title,
            content_hash=digest,
            origin=origin,
            url=article.url,
            path=article.path,
            source=article.source,
            author=article.author,
            published_at=day.isoformat() if day else None,
            published_day=day.toordinal() if day else -1,
            text=article.text,
        )

    def article(self) -> Article:
        """The copy as an article, to store its own text in its story's place."""
        day = self.published_at
        return Article(
            id=self.article_id,
            title=self.title,
            text=self.text,
            url=self.url,
            path=self.path,
            source=self.source,
            author=self.author,
            published_at=date.fromisoformat(day) if day else None,
        )

    def to_copy(self) -> Copy:
        return Copy(
            article_id=self.article_id,
            title=self.title,
            source=self.source,
            url=self.url,
            path=self.path,
            published_at=self.published_at,
        )

    def metadata(self) -> dict[str, str | int]:
        meta: dict[str, str | int] = {
            "article_id": self.article_id,
            "story": self.story,
            "title": self.title,
            "content_hash": self.content_hash,
            "origin": self.origin,
            "published_day": self.published_day,
        }
        meta.update({k: v for k in OPTIONAL if (v := getattr(self, k))})
        return meta

    @classmethod
    def of(cls, cid: str, meta: Mapping[str, Any] | None, text: str | None = None) -> CopyRecord:
        meta = meta or {}
        return cls(
            article_id=cid,
            story=str(meta.get("story", cid)),
            title=str(meta.get("title", "")),
            content_hash=str(meta.get("content_hash", "")),
            origin=str(meta.get("origin", "")),
            published_day=int(meta.get("published_day", -1)),
            text=text or "",
            **{k: (str(meta[k]) if meta.get(k) else None) for k in OPTIONAL},
        )


class CopyBook:
    """The `<collection>-copies` collection beside a store's collection."""

    def __init__(self, client: ClientAPI, collection: str):
        self.client = client
        self.name = collection + SUFFIX
        try:
            self.collection = client.get_or_create_collection(
                name=self.name, embedding_function=None
            )
        except Exception as error:
            raise StoreError(f"cannot open the copies {self.name!r}: {error}") from error

    @contextmanager
    def _failing(self, action: str) -> Iterator[None]:
        """Turn a failed Chroma call into a StoreError that names the copies."""
        try:
            yield
        except Exception as error:
            raise StoreError(f"cannot {action} the copies {self.name!r}: {error}") from error

    def count(self) -> int:
        with self._failing("read"):
            return int(self.collection.count())

    def put(self, records: Sequence[CopyRecord]) -> None:
        """Add or replace these copies (call through Store.record_copies: the feed names them)."""
        if records:
            dummies: list[PyEmbedding] = [[1.0]] * len(records)
            with self._failing("write"):
                self.collection.upsert(
                    ids=[r.article_id for r in records],
                    embeddings=dummies,
                    documents=[r.text for r in records],
                    metadatas=[r.metadata() for r in records],
                )

    def delete(self, article_ids: Sequence[str]) -> None:
        if article_ids:
            with self._failing("write"):
                self.collection.delete(ids=list(article_ids))

    def get(self, article_ids: Sequence[str], text: bool = False) -> dict[str, CopyRecord]:
        """The copies among these article ids (others are left out)."""
        if not article_ids:
            return {}
        include: Include = ["metadatas", "documents"] if text else ["metadatas"]
        with self._failing("read"):
            page = self.collection.get(ids=list(article_ids), include=include)
        return dict(self._records(page, text))

    def of_stories(self, story_ids: Iterable[str], text: bool = False) -> list[CopyRecord]:
        """Every copy of these stories."""
        wanted = sorted(set(story_ids))
        if not wanted:
            return []
        include: Include = ["metadatas", "documents"] if text else ["metadatas"]
        with self._failing("read"):
            page = self.collection.get(where=_among("story", wanted), include=include)
        return [record for _, record in self._records(page, text)]

    def sources(self) -> list[str]:
        """The outlets copies were stored from, sorted (for `stats`: a copy's outlet ran it)."""
        return sorted({record.source for record in self if record.source})

    def __iter__(self) -> Iterator[CopyRecord]:
        """Every copy (without its text), page by page."""
        offset = 0
        while True:
            with self._failing("read"):
                page = self.collection.get(include=["metadatas"], limit=PAGE, offset=offset)
            if not page["ids"]:
                return
            for _, record in self._records(page, False):
                yield record
            offset += len(page["ids"])

    @staticmethod
    def _records(page: GetResult, text: bool) -> Iterator[tuple[str, CopyRecord]]:
        documents = page.get("documents") if text else None
        metadatas = included(page["metadatas"])
        for n, (cid, meta) in enumerate(zip(page["ids"], metadatas, strict=True)):
            yield cid, CopyRecord.of(cid, meta, documents[n] if documents else None)


def _among(key: str, values: Sequence[str]) -> Where:
    """Chroma's filter for the rows whose `key` is one of these values."""
    listed: list[LiteralValue] = list(values)
    among: dict[InclusionExclusionOperator, list[LiteralValue]] = {"$in": listed}
    return {key: among}


def _heads(store: Store, where: Where) -> list[dict[str, Any]]:
    """Metadata of the first chunk of each stored article that matches."""
    with_head: Where = {"$and": [{"position": 0}, where]}
    try:
        page = store.collection.get(where=with_head, include=["metadatas"])
    except Exception as error:
        raise StoreError(f"cannot read the article store at {store.location}: {error}") from error
    return [dict(m or {}) for m in included(page["metadatas"])]


def _stored_copy(meta: Mapping[str, Any]) -> Copy:
    return Copy(
        article_id=str(meta.get("article_id", "")),
        title=str(meta.get("title", "")),
        source=meta.get("source"),
        url=meta.get("url"),
        path=meta.get("path"),
        published_at=meta.get("published_at"),
        stored=True,
    )


def lookup(store: Store, article_ids: Sequence[str]) -> dict[str, Story]:
    """The story of each of these articles, stored or copy (ids the store lacks are left out)."""
    ids = sorted(set(article_ids))
    if not ids:
        return {}
    copies = store.copies.get(ids)
    heads = {str(m.get("article_id")): m for m in _heads(store, _among("article_id", ids))}
    story_of = {aid: story_id(meta, aid) for aid, meta in heads.items()}
    story_of.update((aid, record.story) for aid, record in copies.items() if aid not in heads)
    wanted = sorted(set(story_of.values()))
    if not wanted:
        return {}
    members: dict[str, list[Copy]] = {s: [] for s in wanted}
    stored: dict[str, str] = {}
    # A story is stored under its own id, or under a copy's id that took its place.
    found = _heads(store, {"$or": [_among("story", wanted), _among("article_id", wanted)]})
    for meta in found:
        story = story_id(meta)
        if story in members and story not in stored:
            stored[story] = str(meta.get("article_id"))
            members[story].append(_stored_copy(meta))
    for record in sorted(
        store.copies.of_stories(wanted), key=lambda r: (r.published_day, r.article_id)
    ):
        members[record.story].append(record.to_copy())
    stories = {s: Story(s, stored.get(s), tuple(members[s])) for s in wanted}
    return {aid: stories[story] for aid, story in story_of.items()}


def also_in(store: Store, story_ids: Iterable[str]) -> dict[str, list[dict[str, Any]]]:
    """The copies of these stories, as the plain dicts a hit's metadata carries under "also"."""
    found: dict[str, list[dict[str, Any]]] = {}
    for record in sorted(
        store.copies.of_stories(story_ids), key=lambda r: (r.published_day, r.article_id)
    ):
        found.setdefault(record.story, []).append(asdict(record.to_copy()))
    return found
