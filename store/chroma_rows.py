"""Chroma's rows as newsbot's values: the chunk id scheme, chunks, summaries of articles."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from newsbot.core.types import Chunk
from newsbot.store.copies import story_id

if TYPE_CHECKING:
    from chromadb.base_types import InclusionExclusionOperator, LiteralValue, Where

__all__ = ["StoredArticle", "chunk_id", "of_articles", "summarise", "to_chunk"]


def chunk_id(article_id: str, position: int) -> str:
    return f"{article_id}:{position}"


@dataclass(frozen=True)
class StoredArticle:
    """What the store knows of an article: enough to decide whether to re-embed it."""

    article_id: str
    content_hash: str
    n_chunks: int
    origin: str
    complete: bool
    story: str = ""


def of_articles(article_ids: Sequence[str]) -> Where:
    """Chroma's filter for the chunks of these articles."""
    ids: list[LiteralValue] = list(article_ids)
    among: dict[InclusionExclusionOperator, list[LiteralValue]] = {"$in": ids}
    return {"article_id": among}


def summarise(metadatas: Iterable[Mapping[str, Any] | None]) -> dict[str, StoredArticle]:
    """Group chunk metadata by article; complete only if positions 0..n-1 share one hash."""
    hashes: dict[str, set[str]] = {}
    positions: dict[str, set[int]] = {}
    expected: dict[str, int] = {}
    origins: dict[str, str] = {}
    stories: dict[str, str] = {}
    for meta in metadatas:
        meta = meta or {}
        aid = str(meta.get("article_id", ""))
        hashes.setdefault(aid, set()).add(str(meta.get("content_hash", "")))
        positions.setdefault(aid, set()).add(int(meta.get("position", -1)))
        expected[aid] = max(expected.get(aid, 0), int(meta.get("n_chunks", 0)))
        origins[aid] = str(meta.get("origin", ""))
        stories[aid] = story_id(meta, aid)
    result = {}
    for aid, seen in hashes.items():
        n = expected[aid]
        complete = len(seen) == 1 and positions[aid] == set(range(n))
        result[aid] = StoredArticle(aid, sorted(seen)[0], n, origins[aid], complete, stories[aid])
    return result


def to_chunk(cid: str, text: str | None, meta: Mapping[str, Any] | None) -> Chunk:
    meta = dict(meta or {})
    return Chunk(
        id=cid,
        article_id=str(meta.get("article_id", cid.rsplit(":", 1)[0])),
        text=text or "",
        position=int(meta.get("position", 0)),
        metadata=meta,
    )
