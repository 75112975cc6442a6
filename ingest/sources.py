"""Expand what the user named (files, folders, globs, URLs) into articles tagged with origin."""

from __future__ import annotations

import glob
from collections.abc import Iterable, Iterator
from pathlib import Path

from newsbot.core.errors import InputError
from newsbot.core.types import Article
from newsbot.ingest.fetch import NotModified, is_url
from newsbot.ingest.readers import DEFAULT_OPTIONS, ReadOptions, reader_for

IGNORED_NAMES = {"README.md", "QUESTIONS.md", "LICENSE", "CHANGELOG.md"}


class Problem(InputError):
    """An item that was not read, and the origin (file, folder or URL) it belongs to."""

    def __init__(self, error: InputError, origin: str, skipped: bool = False):
        super().__init__(error.where, error.reason)
        self.error = error
        self.origin = origin
        # Not an article format at all (a photo, say), rather than a broken article.
        self.skipped = skipped
        # A feed unchanged since the last pass: its articles are all still there.
        self.unchanged = isinstance(error, NotModified)


def origin_of(root: str) -> str:
    return root if is_url(root) else str(Path(root).resolve())


def expand(roots: Iterable[str]) -> Iterator[Path | str | Problem]:
    """Yield files (and URLs) to read, in a stable order; say which names match nothing."""
    for root in roots:
        if is_url(root):
            yield root
            continue
        path = Path(root)
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                rel = child.relative_to(path).parts
                if child.is_file() and not any(part.startswith(".") for part in rel):
                    yield child
        elif path.is_file():
            yield path
        elif any(ch in root for ch in "*?["):
            matches = sorted(Path(p) for p in glob.glob(root, recursive=True))
            files = [p for p in matches if p.is_file()]
            if not files:
                yield Problem(InputError(root, "no file matches this pattern"), root)
            yield from files
        else:
            yield Problem(InputError(root, "no such file or folder"), origin_of(root))


def iter_articles(
    roots: Iterable[str], options: ReadOptions = DEFAULT_OPTIONS
) -> Iterator[tuple[Article, str] | Problem]:
    """Yield (article, origin) pairs, or a Problem for each item that cannot be read."""
    from newsbot.ingest.readers.rss import read_url

    for item in expand(roots):
        if isinstance(item, Problem):
            yield item
            continue
        if isinstance(item, str):
            results = read_url(item, options)
            origin = item
        else:
            reader = reader_for(item)
            if reader is None:
                if item.name not in IGNORED_NAMES:
                    reason = f"not an article format ({item.suffix or 'no suffix'})"
                    yield Problem(InputError(str(item), reason), str(item.resolve()), True)
                continue
            origin = str(item.resolve())
            results = reader(item, options)
        for result in results:
            yield Problem(result, origin) if isinstance(result, InputError) else (result, origin)
