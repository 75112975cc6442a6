"""Sentence splitting shared by chunking (ingest) and answer composition (retrieval)."""

from __future__ import annotations

import re

from newsbot.core.calendar import MONTH_ABBREVIATIONS

_MONTH_ABBREVIATIONS = "|".join(short for shorts in MONTH_ABBREVIATIONS for short in shorts)
_ABBREVIATIONS = (
    "mr|mrs|ms|dr|prof|sr|jr|st|mt|gen|gov|sen|rep|lt|col|sgt|capt|inc|corp|ltd|co|no|vs|"
    f"{_MONTH_ABBREVIATIONS}|u\\.s|u\\.k|e\\.g|i\\.e|etc|al"
)
# End of a sentence: . ! ? (and closing quotes) followed by space and a capital, digit or quote.
_SENTENCE_END = re.compile(r"(?<=[.!?])(?P<close>[\"'”’)\]]*)\s+(?=[\"'“‘(\[]?[A-Z0-9])")
_ABBREV_BEFORE = re.compile(rf"^(?:(?:{_ABBREVIATIONS})|[A-Z])\.$", re.IGNORECASE)


def split_sentences(text: str) -> list[str]:
    """Split text into sentences, paragraph by paragraph, sparing common abbreviations."""
    sentences: list[str] = []
    for paragraph in re.split(r"\n\s*\n", text):
        paragraph = " ".join(paragraph.split())
        start = 0
        for match in _SENTENCE_END.finditer(paragraph):
            sentence = paragraph[start : match.start()] + match["close"]
            words = sentence.split()
            # "Dr. Smith" or "J. Doe": not an end of sentence; wait for the next one.
            if not words or _ABBREV_BEFORE.match(words[-1]):
                continue
            sentences.append(sentence.strip())
            start = match.end()
        rest = paragraph[start:].strip()
        if rest:
            sentences.append(rest)
    return sentences


HEADING_WORDS = 10
# What ends a sentence, or a dateline ("Washington CNN —"), possibly inside quotes or brackets.
_ENDED = re.compile(r"[.!?…:;—–-][\"'”’)\]]*$")


def is_ended(text: str) -> bool:
    """Whether a text ends as a sentence or a dateline does (a stop, a question, a dash)."""
    return bool(_ENDED.search(text.strip()))


def is_heading(paragraph: str) -> bool:
    """Whether a paragraph is a heading, not a sentence: a subhead ("Higher fares"), a link to
    another story ("TIMELINE: Queen Elizabeth II dies at 96"): short and unpunctuated."""
    words = paragraph.split()
    return 0 < len(words) <= HEADING_WORDS and not is_ended(paragraph)


# "Washington CNN —", "Bogota, Colombia (CNN)", "(AP)", "LONDON –": where a wire story was
# filed, before its first sentence. It names no fact of the story.
_DATELINE = re.compile(
    r"^(?:[A-Z][\w.,/ ]{0,60})?\((?:CNN|AP|Reuters)[\w ]*\)\s*[—–-]*\s*"
    r"|^[\w ,./]{0,60}\bCNN(?: Business)?\s*[—–-]+\s*"
    r"|^[A-Z][A-Z .,]{2,40}\s*[—–]\s*"
)


def without_dateline(sentence: str) -> str:
    """The sentence without the dateline that opens a wire story (kept if little is left)."""
    rest = _DATELINE.sub("", sentence, count=1)
    return rest if len(rest.split()) >= 4 else sentence
