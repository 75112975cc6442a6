"""Markdown articles: optional YAML front matter, a `#` title or first line, then the body."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from newsbot.core.errors import InputError
from newsbot.core.types import Article
from newsbot.ingest.date_lines import parse_date
from newsbot.ingest.readers import DEFAULT_OPTIONS, ReadOptions, article_id, check_size
from newsbot.ingest.readers.text import decode, parse

FRONT_MATTER = re.compile(r"\A---[ \t]*\n(?P<yaml>.*?)\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)
IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$", re.MULTILINE)
EMPHASIS = re.compile(r"(\*\*|__|\*|_|`)(?=\S)(.+?)(?<=\S)\1")
RULE = re.compile(r"^\s*(?:[-*_]\s*){3,}$", re.MULTILINE)
QUOTE_OR_LIST = re.compile(r"^\s{0,3}(?:>\s?|[-*+]\s+|\d+[.)]\s+)", re.MULTILINE)
HTML_TAG = re.compile(r"</?[a-zA-Z][^>]*>")


def to_text(markdown: str) -> str:
    """Reduce Markdown to the plain words a reader sees."""
    text = re.sub(r"^```.*?^```", "", markdown, flags=re.DOTALL | re.MULTILINE)
    text = IMAGE.sub("", text)
    text = LINK.sub(r"\1", text)
    text = HEADING.sub(r"\1", text)
    text = RULE.sub("", text)
    text = QUOTE_OR_LIST.sub("", text)
    text = HTML_TAG.sub("", text)
    return EMPHASIS.sub(r"\2", text)


def front_matter(raw: str, where: str) -> tuple[dict[str, Any], str]:
    """Split YAML front matter from the rest; a broken block is an error, not silent text."""
    match = FRONT_MATTER.match(raw)
    if not match:
        return {}, raw
    import yaml

    try:
        meta = yaml.safe_load(match["yaml"]) or {}
    except yaml.YAMLError as error:
        raise InputError(where, f"front matter is not valid YAML: {error}") from error
    if not isinstance(meta, dict):
        raise InputError(where, "front matter is not a mapping of fields")
    return meta, raw[match.end() :]


def pick(meta: dict[str, Any], *keys: str) -> object:
    for key in keys:
        value = meta.get(key)
        if value not in (None, "", []):
            return ", ".join(map(str, value)) if isinstance(value, list) else value
    return None


def parse_markdown(raw: str, where: str, path: str | None = None) -> Article:
    """Build an Article from Markdown; front matter fields win over lines in the text."""
    raw = raw.replace("\r\n", "\n").replace("\r", "\n")
    meta, rest = front_matter(raw.lstrip("\ufeff"), where)
    title = pick(meta, "title", "headline")
    body = to_text(rest)
    article = parse(f"{title}\n\n{body}" if title else body.lstrip(), where, path=path)
    url = pick(meta, "url", "link", "canonical_url")
    article = dataclasses.replace(
        article,
        url=str(url) if url else None,
        path=None if url else path,
        source=str(pick(meta, "source", "site", "publisher") or article.source or "") or None,
        author=str(pick(meta, "author", "authors", "byline") or article.author or "") or None,
        published_at=parse_date(pick(meta, "published_at", "date", "publish_date"))
        or article.published_at,
    )
    return dataclasses.replace(article, id=article_id(article.url, path, article.title))


def read(path: Path, options: ReadOptions = DEFAULT_OPTIONS) -> Iterator[Article | InputError]:
    where = str(path)
    try:
        check_size(path, options.max_bytes)
        yield parse_markdown(decode(path.read_bytes(), where), where, path=str(path.resolve()))
    except InputError as error:
        yield error
    except OSError as error:
        yield InputError(where, f"cannot read: {error.strerror or error}")
