"""Plain-text articles: title line, body, then date / Source: / By lines and a blog footer."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from newsbot.core.errors import InputError
from newsbot.core.types import Article
from newsbot.ingest.clean import is_boilerplate, normalise, without_credit_lines
from newsbot.ingest.date_lines import is_date_line, parse_date
from newsbot.ingest.readers import DEFAULT_OPTIONS, ReadOptions, article_id, check_size

SOURCE_LINE = re.compile(r"^\s*source\s*:\s*(?P<value>.+?)\s*$", re.IGNORECASE)
WESTERN = ("cp1252", "latin_1", "iso8859_15")
AUTHOR_LINE = re.compile(r"^\s*by\s+(?P<value>[^.!?]{2,80}?)\s*$", re.IGNORECASE)


def decode(data: bytes, where: str) -> str:
    """Decode bytes as UTF-8, else as the encoding charset-normalizer detects."""
    if b"\x00" in data[:8192]:
        raise InputError(where, "binary file, not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    matches = list(from_bytes(data))
    if not matches:
        raise InputError(where, "not text in any encoding I can detect")
    # Short Western text fits several single-byte code pages equally well; news that is not
    # UTF-8 is most often Windows-1252, so prefer it whenever it is among the fits.
    western = [m for m in matches if m.encoding in WESTERN]
    return str((western or matches)[0])


def parse(raw: str, where: str, path: str | None = None) -> Article:
    """Split a plain-text article into title, body and the metadata lines around it."""
    lines = raw.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    while lines and not lines[0].strip():
        lines.pop(0)
    if not lines:
        raise InputError(where, "empty file")
    title = " ".join(lines.pop(0).split())
    meta: dict[str, str] = {}
    # Metadata and footer sit at the end; walk up from the bottom until the body starts.
    while lines:
        line = lines[-1].strip()
        if not line or is_boilerplate(line):
            lines.pop()
        elif "date" not in meta and is_date_line(line):
            meta["date"] = line
            lines.pop()
        elif "source" not in meta and (m := SOURCE_LINE.match(line)):
            meta["source"] = m["value"]
            lines.pop()
        elif "author" not in meta and (m := AUTHOR_LINE.match(line)):
            meta["author"] = m["value"]
            lines.pop()
        else:
            break
    # Some sites print the date right under the title instead.
    head = [i for i, line in enumerate(lines[:4]) if line.strip()]
    if "date" not in meta and head and is_date_line(lines[head[0]]):
        meta["date"] = lines.pop(head[0]).strip()
    body = without_credit_lines(normalise("\n".join(lines)))
    if not body:
        raise InputError(where, "no article text after the title")
    return Article(
        id=article_id(None, path, title),
        title=title,
        text=body,
        path=path,
        source=meta.get("source"),
        author=meta.get("author"),
        published_at=parse_date(meta.get("date")),
    )


def read(path: Path, options: ReadOptions = DEFAULT_OPTIONS) -> Iterator[Article | InputError]:
    where = str(path)
    try:
        check_size(path, options.max_bytes)
        raw = decode(path.read_bytes(), where)
        yield parse(raw, where, path=str(path.resolve()))
    except InputError as error:
        yield error
    except OSError as error:
        yield InputError(where, f"cannot read: {error.strerror or error}")
