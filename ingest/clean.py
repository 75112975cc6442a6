"""Normalise article text and drop the boilerplate that scraped pages and blogs carry."""

from __future__ import annotations

import re
import unicodedata

# Lines that are page furniture, not news: blog footers, cookie banners, ad and share widgets.
BOILERPLATE_LINE = re.compile(
    r"^\s*(?:related posts?|leave a reply|leave a comment|your email address will not be "
    r"published.*|required fields are marked.*|share this:?|like this:?|share on (?:facebook|"
    r"twitter|x|linkedin|whatsapp|email)|how relevant is this ad to you\??|advertisement|"
    r"skip advertisement|supported by|sign up for (?:our|the) .*newsletter.*|subscribe(?: now)?|"
    r"(?:we|this (?:site|website)) uses? cookies.*|accept (?:all )?cookies|cookie (?:policy|"
    r"settings)|read more:?|click here.*|copyright ©.*|© \d{4}.*|all rights reserved\.?|"
    r"post navigation|previous post|next post|comments?|\d+ comments?)\s*$",
    re.IGNORECASE,
)


def normalise(text: str) -> str:
    """Fold Unicode, unify line ends and spaces, keep paragraphs apart by one blank line."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\u00a0", " ").replace("\u200b", "")
    paragraphs = []
    for block in re.split(r"\n\s*\n", text):
        lines = [" ".join(line.split()) for line in block.split("\n")]
        lines = [line for line in lines if line and not BOILERPLATE_LINE.match(line)]
        if lines:
            paragraphs.append(" ".join(lines) if len(lines) > 1 else lines[0])
    return "\n\n".join(paragraphs)


def is_boilerplate(line: str) -> bool:
    return bool(BOILERPLATE_LINE.match(line))
