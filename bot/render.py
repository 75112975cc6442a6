"""Turn an Answer into terminal text or Telegram HTML, escaping every piece of article text."""

from __future__ import annotations

import html

from retrieval.types import Answer, Citation

TELEGRAM_LIMIT = 4096


def source_line(c: Citation) -> str:
    """Describe a source in one line: title, publication, date, and where to read it."""
    parts = [c.title]
    details = ", ".join(p for p in (c.source, c.published_at) if p)
    if details:
        parts.append(details)
    where = c.url or c.path
    if where:
        parts.append(where)
    return " — ".join(parts)


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
        line += f" — <code>{html.escape(c.path)}</code>"
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
    """Split on paragraph boundaries (then lines, then hard) so each piece fits the limit."""
    if len(text) <= limit:
        return [text]
    pieces: list[str] = []
    current = ""
    for paragraph in text.split("\n\n"):
        candidate = f"{current}\n\n{paragraph}" if current else paragraph
        if len(candidate) <= limit:
            current = candidate
            continue
        if current:
            pieces.append(current)
        while len(paragraph) > limit:
            cut = paragraph.rfind("\n", 0, limit)
            if cut <= 0:
                cut = paragraph.rfind(" ", 0, limit)
            if cut <= 0:
                cut = limit
            pieces.append(paragraph[:cut].rstrip())
            paragraph = paragraph[cut:].lstrip()
        current = paragraph
    if current:
        pieces.append(current)
    return pieces
