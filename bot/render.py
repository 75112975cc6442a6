"""Turn an Answer into terminal text or Telegram HTML, escaping every piece of article text."""

from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import PurePath

from newsbot.core import Answer, Citation, Copy

TELEGRAM_LIMIT = 4096
ALSO_SHOWN = 5  # outlets named after "also in:"; more are counted


def file_name(path: str) -> str:
    """Show a chat only the file's name: the server's folders are nobody else's business."""
    return PurePath(path).name or path


def source_line(c: Citation, full_path: bool = True) -> str:
    """Describe a source in one line: title, publication, date, and where to read it."""
    parts = [c.title]
    details = ", ".join(p for p in (c.source, c.published_at) if p)
    if details:
        parts.append(details)
    where = c.url or (c.path if full_path or not c.path else file_name(c.path))
    if where:
        parts.append(where)
    if outlets(c):
        parts.append(also_in([o.outlet for o in outlets(c)]))
    return " — ".join(parts)


def outlets(c: Citation) -> list[Copy]:
    """The story's other versions to name, one per outlet other than the cited one's."""
    named = {c.source} if c.source else set()
    shown = []
    for copy in c.also:
        if copy.outlet not in named:
            named.add(copy.outlet)
            shown.append(copy)
    return shown


def also_in(names: list[str]) -> str:
    more = len(names) - ALSO_SHOWN
    return "also in: " + ", ".join(names[:ALSO_SHOWN]) + (f" and {more} more" if more > 0 else "")


def to_terminal(answer: Answer) -> str:
    lines = [answer.text]
    if answer.note:
        lines += ["", answer.note]
    if answer.citations:
        lines += ["", "Sources:" if not answer.refused else "Closest articles:"]
        lines += [f"[{c.n}] {source_line(c)}" for c in answer.citations]
    return "\n".join(lines)


def html_source(c: Citation) -> str:
    title = html.escape(c.title)
    if c.url:
        title = f'<a href="{html.escape(c.url, quote=True)}">{title}</a>'
    details = ", ".join(html.escape(p) for p in (c.source, c.published_at) if p)
    line = f"[{c.n}] {title}"
    if details:
        line += f" — <i>{details}</i>"
    if not c.url and c.path:
        line += f" — <code>{html.escape(file_name(c.path))}</code>"
    if outlets(c):
        names = [
            f'<a href="{html.escape(o.url, quote=True)}">{html.escape(o.outlet)}</a>'
            if o.url
            else html.escape(o.outlet)
            for o in outlets(c)
        ]
        line += f" — <i>{also_in(names)}</i>"
    return line


def to_html(answer: Answer) -> str:
    parts = [html.escape(answer.text)]
    if answer.note:
        parts.append(f"<i>{html.escape(answer.note)}</i>")
    if answer.citations:
        heading = "Sources:" if not answer.refused else "Closest articles:"
        lines = [f"<b>{heading}</b>", *(html_source(c) for c in answer.citations)]
        parts.append("\n".join(lines))
    return "\n\n".join(parts)


def split_message(text: str, limit: int = TELEGRAM_LIMIT) -> list[str]:
    """Split plain text on paragraph boundaries (then lines, then words) to fit the limit."""
    return [plain for _, plain in pack([Block(p, p) for p in _segments(text, limit)], limit)]


@dataclass(frozen=True)
class Block:
    """One paragraph of a message, as Telegram HTML and as plain text."""

    html: str
    plain: str

    @property
    def size(self) -> int:
        return max(len(self.html), len(self.plain))


def _segments(text: str, limit: int) -> list[str]:
    """Cut raw text into paragraphs whose escaped form fits the limit."""
    out: list[str] = []
    for paragraph in text.split("\n\n"):
        while len(html.escape(paragraph)) > limit:
            # Escaping can grow text up to 6x ("&quot;"), so measure the escaped prefix.
            end = limit
            while len(html.escape(paragraph[:end])) > limit:
                end -= max(1, (len(html.escape(paragraph[:end])) - limit) // 6)
            cut = paragraph.rfind("\n", 0, end)
            if cut <= 0:
                cut = paragraph.rfind(" ", 0, end)
            if cut <= 0:
                cut = end
            out.append(paragraph[:cut].rstrip())
            paragraph = paragraph[cut:].lstrip()
        out.append(paragraph)
    return [p for p in out if p.strip()]


def pack(blocks: list[Block], limit: int = TELEGRAM_LIMIT) -> list[tuple[str, str]]:
    """Join blocks into as few messages as fit the limit; returns (html, plain) pairs."""
    messages: list[tuple[str, str]] = []
    html_parts: list[str] = []
    plain_parts: list[str] = []
    size = 0
    for block in blocks:
        grown = size + (2 if html_parts else 0) + block.size
        if html_parts and grown > limit:
            messages.append(("\n\n".join(html_parts), "\n\n".join(plain_parts)))
            html_parts, plain_parts, size = [], [], 0
            grown = block.size
        html_parts.append(block.html)
        plain_parts.append(block.plain)
        size = grown
    if html_parts:
        messages.append(("\n\n".join(html_parts), "\n\n".join(plain_parts)))
    return messages


def sources_block(answer: Answer) -> Block | None:
    """Render the source list as one block, so it is never split across messages."""
    if not answer.citations:
        return None
    heading = "Sources:" if not answer.refused else "Closest articles:"
    return Block(
        "\n".join([f"<b>{heading}</b>", *(html_source(c) for c in answer.citations)]),
        "\n".join([heading, *(f"[{c.n}] {source_line(c, False)}" for c in answer.citations)]),
    )


def telegram_messages(answer: Answer, limit: int = TELEGRAM_LIMIT) -> list[tuple[str, str]]:
    """Render an answer as Telegram messages, each as (HTML, plain-text fallback)."""
    blocks = [Block(html.escape(p), p) for p in _segments(answer.text, limit)]
    if answer.note:
        blocks += [Block(f"<i>{html.escape(p)}</i>", p) for p in _segments(answer.note, limit - 7)]
    sources = sources_block(answer)
    if sources is not None:
        if sources.size <= limit:
            blocks.append(sources)
        else:  # more sources than one message holds: whole lines, never a cut line
            lines = zip(sources.html.split("\n"), sources.plain.split("\n"), strict=True)
            blocks += [Block(h, p) for h, p in lines]
    return pack(blocks, limit)


def sources_page(citations: list[Citation], page: int, per_page: int) -> tuple[str, int]:
    """Render one page of a source list as HTML; returns it and the number of pages."""
    pages = max(1, -(-len(citations) // per_page))
    page = min(max(page, 0), pages - 1)
    shown = citations[page * per_page : (page + 1) * per_page]
    heading = "<b>Sources of the last answer</b>"
    if pages > 1:
        heading += f" (page {page + 1} of {pages})"
    entries = [heading]
    for c in shown:
        entries.append(html_source(c))
        if c.quote:
            quote = c.quote if len(c.quote) <= 300 else c.quote[:299].rstrip() + "…"
            entries.append(f"“{html.escape(quote)}”")
    return "\n".join(entries), pages
