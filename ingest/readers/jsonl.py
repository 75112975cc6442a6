"""JSON and JSON Lines articles, lenient about the field names people use."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from newsbot.core.errors import InputError
from newsbot.core.types import Article
from newsbot.ingest.clean import normalise, without_credit_lines
from newsbot.ingest.date_lines import parse_date
from newsbot.ingest.readers import DEFAULT_OPTIONS, ReadOptions, article_id, titles
from newsbot.ingest.readers.text import decode

TEXT_KEYS = ("text", "body", "content", "article", "maintext")
DATE_KEYS = ("published_at", "date", "publish_date", "published", "pubDate", "date_publish")
AUTHOR_KEYS = ("author", "authors", "byline", "creator")
SOURCE_KEYS = ("source", "site", "publisher", "source_domain", "outlet")


def first(record: dict[str, Any], keys: tuple[str, ...]) -> object:
    for key in keys:
        value = record.get(key)
        if value not in (None, "", []):
            return value
    return None


def to_article(record: object, where: str, path: str, max_chars: int | None = None) -> Article:
    """Build an Article from one JSON object, or say which field is missing."""
    if not isinstance(record, dict):
        raise InputError(where, f"expected a JSON object, got {type(record).__name__}")
    text = first(record, TEXT_KEYS)
    if not isinstance(text, str) or not text.strip():
        raise InputError(where, f"record has no text (looked for {', '.join(TEXT_KEYS)})")
    if max_chars is not None and len(text) > max_chars:
        raise InputError(
            where, f"text of {len(text):,} characters is over the limit for one article"
        )
    body = normalise(text)
    url = first(record, ("url", "link", "href"))
    title = str(first(record, ("title", "headline")) or "").strip()
    title, id_title = titles(title, body, str(url) if url else None)
    body = without_credit_lines(body)  # after the id: a store built earlier keeps its ids
    author = first(record, AUTHOR_KEYS)
    if isinstance(author, list):
        author = ", ".join(str(a) for a in author if a)
    source = first(record, SOURCE_KEYS)
    if isinstance(source, dict):
        source = source.get("name") or source.get("title")
    # Without a URL, a record is known by its file, its own id or position, and title.
    local = f"{path}#{record.get('id', where.rsplit(':', 1)[-1])}"
    return Article(
        id=article_id(str(url) if url else None, local, id_title),
        title=title,
        text=body,
        url=str(url) if url else None,
        path=None if url else path,
        source=str(source) if source else None,
        author=str(author) if author else None,
        published_at=parse_date(first(record, DATE_KEYS)),
    )


def read(path: Path, options: ReadOptions = DEFAULT_OPTIONS) -> Iterator[Article | InputError]:
    """Yield one Article per record: a JSON object, a JSON list, or one object a line."""
    resolved = str(path.resolve())
    limit = options.max_bytes
    try:
        handle = path.open("rb")
    except OSError as error:
        yield InputError(str(path), f"cannot read: {error.strerror or error}")
        return
    with handle:
        head = handle.read(1 << 16)
        if not head.strip():
            yield InputError(str(path), "empty file")
            return
        if b"\x00" in head:
            yield InputError(str(path), "binary file, not JSON")
            return
        first_char = head.lstrip()[:1]
        if path.suffix.lower() == ".json" and first_char in (b"[", b"{"):
            handle.seek(0)
            try:
                data = json.loads(decode(handle.read(), str(path)))
            except json.JSONDecodeError as error:
                yield InputError(str(path), f"not valid JSON: {error}")
                return
            except InputError as error:
                yield error
                return
            if isinstance(data, list):
                records = data
            elif isinstance(data, dict):
                records = data.get("articles") or data.get("items") or [data]
            else:
                yield InputError(str(path), "JSON holds neither an article nor a list of them")
                return
            for i, record in enumerate(records, 1):
                try:
                    yield to_article(record, f"{path}: item {i}", resolved, limit)
                except InputError as error:
                    yield error
            return
        handle.seek(0)
        for number, raw in enumerate(handle, 1):
            where = f"{path}:{number}"
            if not raw.strip():
                continue
            try:
                record = json.loads(decode(raw, where))
                yield to_article(record, where, resolved, limit)
            except json.JSONDecodeError as error:
                yield InputError(where, f"not valid JSON ({error.msg} at column {error.colno})")
            except InputError as error:
                yield error
