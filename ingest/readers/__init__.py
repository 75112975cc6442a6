"""Read files into Articles; each format has one module and registers its suffixes here."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from newsbot.core.errors import InputError
from newsbot.core.types import Article

if TYPE_CHECKING:
    from newsbot.ingest.fetch import FeedCache


@dataclass(frozen=True)
class ReadOptions:
    """Limits every reader honours."""

    max_bytes: int | None = 5 * 1024 * 1024  # one text/HTML/Markdown article at most
    fetch_timeout: float = 20.0  # seconds per download (feed pages, linked articles)
    feed_cache: FeedCache | None = None  # `--watch`: feeds are asked whether they changed


DEFAULT_OPTIONS = ReadOptions()

# A reader yields Articles, or InputErrors for the items it could not read, and goes on.
Reader = Callable[[Path, ReadOptions], Iterator[Article | InputError]]


def article_id(url: str | None, path: str | None, title: str) -> str:
    """Derive a stable id: from the URL when there is one, else from the path and title."""
    key = url or f"{path}\n{title}"
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:20]


# "Washington CNN —", "LONDON (Reuters) -": a dateline opens the text; it names no story.
_DATELINE = re.compile(r"^[^\n]{0,60}(?:—|–|--|-)\s*$")
_SLUG_WORD = re.compile(r"[a-z]+", re.IGNORECASE)


def slug_title(url: str | None) -> str:
    """A headline read from a URL's slug ("/2022/06/12/walmart-cuts-prices/index.html"):
    the last part of the path that reads as two or more words, or "" when none does."""
    if not url:
        return ""
    path = re.sub(r"[?#].*", "", url.split("://", 1)[-1]).split("/")[1:]
    for part in reversed(path):
        stem = re.sub(r"\.[a-z]{2,5}$", "", part, flags=re.IGNORECASE)
        words = [w for w in re.split(r"[-_]+", stem) if _SLUG_WORD.fullmatch(w)]
        if len(words) >= 2:
            return " ".join(words).capitalize()
    return ""


def first_line(body: str) -> str:
    """The text's first line, cut to 120 characters."""
    return body.split("\n", 1)[0][:120]


def titles(title: str, body: str, url: str | None) -> tuple[str, str]:
    """The title to show, and the one the article's id is made from.

    A missing title is derived (`fallback_title`), but the id is still made from the first
    line, as before titles were derived, so a store built earlier keeps its articles' ids.
    """
    if title:
        return title, title
    return fallback_title(body, url), first_line(body)


def fallback_title(body: str, url: str | None = None) -> str:
    """Title an article that came without one: its URL's slug, else its first line that is
    not a dateline, cut to 120 characters."""
    from_slug = slug_title(url)
    if from_slug:
        return from_slug
    lines = [line.strip() for line in body.split("\n") if line.strip()]
    for line in lines[:2]:
        if not _DATELINE.match(line):
            return line[:120]
    return lines[0][:120] if lines else ""


def check_size(path: Path, max_bytes: int | None) -> None:
    """Refuse a single-article file too large to be one article (before reading it)."""
    size = path.stat().st_size
    if max_bytes is not None and size > max_bytes:
        raise InputError(
            str(path),
            f"file is {size / 2**20:.1f} MB, over the {max_bytes / 2**20:.1f} MB limit for one "
            "article (NEWSBOT_MAX_ARTICLE_MB)",
        )


def readers() -> dict[str, Reader]:
    from newsbot.ingest.readers import html, jsonl, markdown, rss, text

    return {
        ".txt": text.read,
        ".text": text.read,
        ".md": markdown.read,
        ".markdown": markdown.read,
        ".html": html.read,
        ".htm": html.read,
        ".xhtml": html.read,
        ".jsonl": jsonl.read,
        ".ndjson": jsonl.read,
        ".json": jsonl.read,
        ".rss": rss.read,
        ".atom": rss.read,
        ".xml": rss.read,
    }


def reader_for(path: Path) -> Reader | None:
    return readers().get(path.suffix.lower())
