"""Read files into Articles; each format has one module and registers its suffixes here."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from pathlib import Path

from retrieval.errors import InputError
from retrieval.types import Article

# A reader yields Articles, or InputErrors for the items it could not read, and goes on.
Reader = Callable[[Path], Iterator[Article | InputError]]


def article_id(url: str | None, path: str | None, title: str) -> str:
    """Derive a stable id: from the URL when there is one, else from the path and title."""
    key = url or f"{path}\n{title}"
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:20]


def readers() -> dict[str, Reader]:
    from ingest.readers import jsonl, text

    return {
        ".txt": text.read,
        ".text": text.read,
        ".jsonl": jsonl.read,
        ".ndjson": jsonl.read,
        ".json": jsonl.read,
    }


def reader_for(path: Path) -> Reader | None:
    return readers().get(path.suffix.lower())
