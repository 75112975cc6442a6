"""RSS and Atom feeds: each entry an article, its own content or else its linked page."""

from __future__ import annotations

import calendar
import logging
from collections.abc import Iterator, Mapping
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from newsbot.core.errors import InputError
from newsbot.core.types import Article
from newsbot.ingest.clean import normalise, without_credit_lines
from newsbot.ingest.date_lines import parse_date
from newsbot.ingest.fetch import NotModified, fetch
from newsbot.ingest.readers import DEFAULT_OPTIONS, ReadOptions, article_id, titles
from newsbot.ingest.readers import html as html_reader
from newsbot.ingest.readers.markdown import to_text

log = logging.getLogger(__name__)

# An entry whose own text is shorter than this is a teaser: fetch the page it links to.
MIN_CONTENT_CHARS = 400
# A <description> this long is an article of its own when its page cannot be had; a shorter
# one ("Short teaser.") is a pointer to the page, not news.
MIN_DESCRIPTION_CHARS = 150


def looks_like_feed(data: bytes) -> bool:
    head = data[:2048].lstrip().lower()
    return head.startswith(b"<?xml") or b"<rss" in head or b"<feed" in head or b"<rdf" in head


def fragment_text(value: str) -> str:
    """Turn an entry's HTML content into plain paragraphs (via trafilatura, then Markdown)."""
    import trafilatura

    if "<" not in value:
        return normalise(value)
    extracted = trafilatura.extract(
        f"<html><body><article>{value}</article></body></html>",
        include_formatting=True,
        output_format="markdown",
        favor_recall=True,
    )
    if extracted:
        return normalise(to_text(extracted))
    import lxml.html

    return normalise(lxml.html.fragment_fromstring(value, create_parent="div").text_content())


def entry_date(entry: Mapping[str, Any]) -> date | None:
    """Take the date the entry prints (keeping its own time zone), else feedparser's parse."""
    for key in ("published", "updated", "created"):
        day = parse_date(entry.get(key))
        if day:
            return day
    for key in ("published_parsed", "updated_parsed"):
        parsed = entry.get(key)
        if parsed:
            return datetime.fromtimestamp(calendar.timegm(parsed), UTC).date()
    return None


def entry_article(
    entry: Mapping[str, Any], where: str, source: str | None, options: ReadOptions
) -> Article:
    """Build an Article from one entry: its own text (<content:encoded>, else <description>),
    or its linked page when that text is a teaser and the page holds more."""
    link = entry.get("link") or None
    title = " ".join((entry.get("title") or "").split())
    content = " ".join(c.get("value", "") for c in entry.get("content") or [])
    text = fragment_text(content) if content.strip() else ""
    described = not text
    if described:
        text = fragment_text(entry.get("summary") or "")
    author = entry.get("author") or None
    published = entry_date(entry)
    # A description is often a teaser however long; full content this long is not.
    if link and (len(text) < MIN_CONTENT_CHARS or described):
        try:
            page = fetch(link, timeout=options.fetch_timeout)
            extracted = html_reader.extract(page.content, f"{where} ({link})", url=link)
        except InputError as error:
            if not text or (described and len(text) < MIN_DESCRIPTION_CHARS):
                raise InputError(f"{where} ({link})", error.reason) from error
            # The entry's own text is still an article.
            log.info("kept the entry's own text: %s", error)
        else:
            # A page that says no more than the entry (a paywall, a cookie wall) adds nothing.
            if len(extracted.text) > len(text):
                text = extracted.text
            title = title or extracted.title
            author = author or extracted.author
            published = published or extracted.published_at
    if not text:
        raise InputError(where, "entry has no text and no link to fetch it from")
    title, id_title = titles(title, text, link)
    text = without_credit_lines(text)  # after the id: a store built earlier keeps its ids
    key = link or entry.get("id") or None
    return Article(
        id=article_id(key, where, id_title),
        title=title,
        text=text,
        url=link,
        path=None,
        source=source,
        author=author,
        published_at=published,
    )


def parse_feed(
    data: bytes, where: str, options: ReadOptions = DEFAULT_OPTIONS
) -> Iterator[Article | InputError]:
    """Yield one Article per entry; a broken entry is reported and the others still come."""
    import feedparser

    parsed = feedparser.parse(data)
    if not parsed.get("version") and not parsed.entries:
        reason = parsed.get("bozo_exception") or "no RSS or Atom structure"
        yield InputError(where, f"not an RSS or Atom feed ({reason})")
        return
    source = parsed.feed.get("title") or None
    for n, entry in enumerate(parsed.entries, 1):
        entry_where = f"{where}: entry {n}"
        try:
            yield entry_article(entry, entry_where, source, options)
        except InputError as error:
            yield error


def read(path: Path, options: ReadOptions = DEFAULT_OPTIONS) -> Iterator[Article | InputError]:
    where = str(path)
    try:
        data = path.read_bytes()
    except OSError as error:
        yield InputError(where, f"cannot read: {error.strerror or error}")
        return
    if not data.strip():
        yield InputError(where, "empty file")
        return
    yield from parse_feed(data, where, options)


def read_url(url: str, options: ReadOptions = DEFAULT_OPTIONS) -> Iterator[Article | InputError]:
    """Read a URL: a feed gives its entries, any other page is one article."""
    try:
        page = fetch(url, timeout=options.fetch_timeout, cache=options.feed_cache)
    except NotModified as unchanged:
        log.info("%s", unchanged)
        yield unchanged
        return
    except InputError as error:
        yield error
        return
    kind = page.content_type.split(";")[0].strip().lower()
    if "rss" in kind or "atom" in kind or kind.endswith("/xml") or looks_like_feed(page.content):
        yield from parse_feed(page.content, url, options)
        return
    try:
        yield html_reader.extract(page.content, url, url=page.url)
    except InputError as error:
        yield error
