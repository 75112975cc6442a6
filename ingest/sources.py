"""Expand what the user named (files, folders, globs) into articles, tagged with their origin."""

from __future__ import annotations

import glob
from collections.abc import Iterable, Iterator
from pathlib import Path

from ingest.readers import reader_for
from retrieval.errors import InputError
from retrieval.types import Article

IGNORED_NAMES = {"README.md", "QUESTIONS.md", "LICENSE"}


def expand(roots: Iterable[str]) -> Iterator[Path | InputError]:
    """Yield the files to read, in a stable order; say which names match nothing."""
    for root in roots:
        path = Path(root)
        if path.is_dir():
            for child in sorted(p for p in path.rglob("*") if p.is_file()):
                if not any(part.startswith(".") for part in child.relative_to(path).parts):
                    yield child
        elif path.is_file():
            yield path
        elif any(ch in root for ch in "*?["):
            matches = sorted(Path(p) for p in glob.glob(root, recursive=True))
            files = [p for p in matches if p.is_file()]
            if not files:
                yield InputError(root, "no file matches this pattern")
            yield from files
        else:
            yield InputError(root, "no such file or folder")


def iter_articles(roots: Iterable[str]) -> Iterator[tuple[Article, str] | InputError]:
    """Yield (article, origin file) pairs, or an InputError for each item that cannot be read."""
    for item in expand(roots):
        if isinstance(item, InputError):
            yield item
            continue
        reader = reader_for(item)
        if reader is None:
            if item.name not in IGNORED_NAMES:
                yield InputError(str(item), f"unsupported file type {item.suffix or '(none)'!r}")
            continue
        origin = str(item.resolve())
        for result in reader(item):
            yield result if isinstance(result, InputError) else (result, origin)
