"""HTML pages: the main text by trafilatura (boilerplate removed), metadata from the page."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from newsbot.core.errors import InputError
from newsbot.core.types import Article
from newsbot.ingest.clean import normalise, without_credit_lines
from newsbot.ingest.date_lines import parse_date
from newsbot.ingest.readers import DEFAULT_OPTIONS, ReadOptions, article_id, check_size, titles

# Only dates the page states about itself: no guessing from the body text or the URL.
DATE_PARAMS = {"extensive_search": False, "original_date": True}


def extract(
    html: bytes | str, where: str, url: str | None = None, path: str | None = None
) -> Article:
    """Extract one Article from an HTML document, or raise an InputError saying why not."""
    import trafilatura

    doc = trafilatura.bare_extraction(
        html,
        url=url,
        with_metadata=True,
        include_comments=False,
        include_tables=True,
        date_extraction_params=DATE_PARAMS,
    )
    assert not isinstance(doc, dict)  # a dict only with as_dict=True
    if doc is None or not (doc.text or "").strip():
        raise InputError(where, "no article text found in the page")
    title = " ".join((doc.title or "").split())
    lines = [line for line in (doc.text or "").split("\n") if line.strip()]
    # trafilatura repeats the headline as the first line of the text.
    if title and lines and " ".join(lines[0].split()) == title:
        lines.pop(0)
    body = normalise("\n\n".join(lines))
    if not body:
        raise InputError(where, "no article text found in the page")
    page_url = url or doc.url or None
    title, id_title = titles(title, body, page_url)
    body = without_credit_lines(body)  # after the id: a store built earlier keeps its ids
    return Article(
        id=article_id(page_url, path, id_title),
        title=title,
        text=body,
        url=page_url,
        path=None if page_url else path,
        source=doc.sitename or doc.hostname or None,
        author=doc.author or None,
        published_at=parse_date(doc.date),
    )


def read(path: Path, options: ReadOptions = DEFAULT_OPTIONS) -> Iterator[Article | InputError]:
    where = str(path)
    try:
        check_size(path, options.max_bytes)
        data = path.read_bytes()
        if b"\x00" in data[:8192]:
            raise InputError(where, "binary file, not HTML")
        yield extract(data, where, path=str(path.resolve()))
    except InputError as error:
        yield error
    except OSError as error:
        yield InputError(where, f"cannot read: {error.strerror or error}")
