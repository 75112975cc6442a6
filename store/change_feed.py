"""The change feed: an append-only Chroma collection naming the articles each write touched.

Every write through a Store appends a "begin" record before it touches the data and an "end"
record after. A record's position is its offset in the collection's insertion order (Chroma
reads `get(offset, limit)` in row order, assigned where the data lives), so every process
that shares the store, embedded or through one server, sees the same sequence, whatever its
clock. Nothing deletes feed records: a reader's cursor is a plain offset.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from newsbot.core.errors import StoreError
from newsbot.store.chroma_client import included

if TYPE_CHECKING:
    from chromadb.api import ClientAPI
    from chromadb.api.types import PyEmbedding

SUFFIX = "-changes"
PAGE = 1000
BEGIN, END = "begin", "end"


@dataclass(frozen=True)
class Change:
    """One feed record: a write began or ended on these articles."""

    position: int
    op: str
    batch: str
    article_ids: tuple[str, ...]
    ts: float


class ChangeFeed:
    """The `<collection>-changes` collection beside a store's collection."""

    def __init__(self, client: ClientAPI, collection: str):
        self.name = collection + SUFFIX
        try:
            # Records carry no meaning in their vectors: a one-number dummy keeps them tiny.
            self.collection = client.get_or_create_collection(
                name=self.name, embedding_function=None
            )
        except Exception as error:
            raise StoreError(f"cannot open the change feed {self.name!r}: {error}") from error

    def length(self) -> int:
        """How many records the feed holds: the position the next record will get."""
        try:
            return int(self.collection.count())
        except Exception as error:
            raise StoreError(f"cannot read the change feed {self.name!r}: {error}") from error

    def _append(self, op: str, batch: str, article_ids: Sequence[str]) -> None:
        dummy: list[PyEmbedding] = [[1.0]]
        try:
            self.collection.add(
                ids=[f"{batch}:{op}"],
                embeddings=dummy,
                documents=[json.dumps(list(article_ids))],
                metadatas=[{"op": op, "batch": batch, "ts": time.time()}],
            )
        except Exception as error:
            raise StoreError(f"cannot write the change feed {self.name!r}: {error}") from error

    @contextmanager
    def recording(self, article_ids: Sequence[str]) -> Iterator[None]:
        """Bracket a write of these articles with a begin and an end record."""
        batch = uuid.uuid4().hex
        self._append(BEGIN, batch, article_ids)
        try:
            yield
        finally:
            # Also after a failed write: part of it may have landed, so readers re-read.
            self._append(END, batch, article_ids)

    def read(self, start: int) -> Iterator[Change]:
        """Yield the records from position `start` to the current end, page by page."""
        position = start
        while True:
            try:
                page = self.collection.get(
                    offset=position, limit=PAGE, include=["documents", "metadatas"]
                )
            except Exception as error:
                raise StoreError(f"cannot read the change feed {self.name!r}: {error}") from error
            if not page["ids"]:
                return
            documents, metadatas = included(page["documents"]), included(page["metadatas"])
            for text, meta in zip(documents, metadatas, strict=True):
                fields: Mapping[str, Any] = meta or {}
                yield Change(
                    position=position,
                    op=str(fields.get("op", "")),
                    batch=str(fields.get("batch", "")),
                    article_ids=tuple(json.loads(text or "[]")),
                    ts=float(fields.get("ts", 0.0)),
                )
                position += 1
