"""One hit per story: copies of a story are searched once and cited once, "also in" the rest."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from newsbot.core.types import Chunk
from newsbot.store.chroma_store import Store
from newsbot.store.copies import also_in, story_id


def one_per_story(chunks: Sequence[Chunk]) -> list[int]:
    """Positions of the chunks to keep, in order: the first of each story."""
    seen: set[str] = set()
    keep = []
    for n, chunk in enumerate(chunks):
        story = story_id(chunk.metadata, chunk.article_id)
        if story not in seen:
            seen.add(story)
            keep.append(n)
    return keep


def copies_of(store: Store, chunks: Sequence[Chunk]) -> dict[str, list[dict[str, Any]]]:
    """The copies of these chunks' stories (most chunks have none: an empty map)."""
    return also_in(store, {story_id(c.metadata, c.article_id) for c in chunks}) if chunks else {}


def carrying(chunk: Chunk, copies: dict[str, list[dict[str, Any]]]) -> Chunk:
    """The chunk, carrying its story's other versions under "also" when it has any."""
    found = copies.get(story_id(chunk.metadata, chunk.article_id)) if copies else None
    return replace(chunk, metadata={**chunk.metadata, "also": found}) if found else chunk
