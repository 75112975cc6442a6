"""What an extractive answer quotes and how it shows it: sentences, cut to fit, cited [n]."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from newsbot.core.sentences import without_dateline
from newsbot.core.types import Answer, Chunk, Citation, Copy
from newsbot.retrieval.answer.params import ComposeParams


@dataclass(frozen=True)
class Candidate:
    """A sentence that may be quoted: its article, its rank, and how well it answers."""

    sentence: str
    hit_rank: int
    chunk: Chunk
    score: float
    overlap: float = 0.0
    headline: float = 0.0  # the part of score that is the headline bonus
    answers: bool = False
    """It holds something of the kind asked for that the question does not already say."""
    title: bool = False
    """It is its article's headline."""


def citation_for(n: int, chunk: Chunk, quote: str = "") -> Citation:
    meta = chunk.metadata
    return Citation(
        n=n,
        title=chunk.title or "(untitled)",
        source=meta.get("source"),
        published_at=meta.get("published_at"),
        url=meta.get("url"),
        path=meta.get("path"),
        quote=quote,
        article_id=chunk.article_id,
        also=Copy.listed(meta.get("also")),
    )


def shorten(
    sentence: str,
    focus: Callable[[str], bool],
    limit: int,
    keep: Callable[[str], bool] | None = None,
    keep_worth: int = ComposeParams.keep_worth,
    from_answer: bool = False,
) -> str:
    """Keep a long sentence's window of `limit` words around the words in focus.

    The window holds as many words in focus as it can. The word `keep` marks (a number for
    "how many", a name for "who") that stands nearest a word in focus is where an answer
    sits: a window that holds it counts `keep_worth` focus words more, so that a cut sentence
    does not lose the very thing the question asks for. `from_answer`: the window must
    hold that word, with as many words of its kind as it can, starting just before it,
    since what it begins (a figure's unit, a name's last word, a reason's clause) follows.
    """
    words = sentence.split()
    if len(words) <= limit:
        return sentence
    hits = [i for i, w in enumerate(words) if focus(w)]
    kept = [i for i, w in enumerate(words) if i and keep and keep(w) and i not in hits]
    centre = (hits[0] + hits[-1]) // 2 if hits else 0
    answer = min(kept, key=lambda i: min((abs(i - h) for h in hits), default=0), default=-1)

    def kinds_in(start: int) -> int:
        return sum(start <= i < start + limit for i in kept)

    def worth(start: int) -> tuple[float, int, int]:
        inside = sum(start <= i < start + limit for i in hits)
        bonus = keep_worth if start <= answer < start + limit else 0
        # Between windows as good, the one with more words of the kind keeps an answer of
        # several words whole ("from East Africa", "to 2nd place").
        return inside + bonus, kinds_in(start), -abs(start + limit // 2 - centre)

    around = range(max(answer - limit + 1, 0), min(answer, len(words) - limit) + 1)
    if from_answer and answer >= 0 and around:
        start = max(around, key=lambda s: (kinds_in(s), -abs(s - answer + 2)))
    else:
        start = max(range(len(words) - limit + 1), key=worth)
    piece = " ".join(words[start : start + limit])
    return ("… " if start else "") + piece + (" …" if start + limit < len(words) else "")


def cited(chosen: Sequence[Candidate]) -> Answer:
    """Join the chosen sentences into an answer, numbering each article once, in order."""
    numbers: dict[str, int] = {}
    citations: list[Citation] = []
    parts = []
    for cand in chosen:
        aid = cand.chunk.article_id
        if aid not in numbers:
            numbers[aid] = len(numbers) + 1
            citations.append(citation_for(numbers[aid], cand.chunk, cand.sentence))
        parts.append(f"{as_quoted(cand)} [{numbers[aid]}]")
    return Answer(text=" ".join(parts), citations=citations, refused=False)


def as_quoted(cand: Candidate) -> str:
    """A sentence as the answer quotes it: a headline in quotation marks, as a title is cited;
    a story's first sentence without its dateline ("Washington CNN —")."""
    return f"“{cand.sentence.strip()}”" if cand.title else without_dateline(cand.sentence)


def strip_markers(text: str) -> str:
    """Remove [n] markers: the answer body as a reader sees it without references."""
    return re.sub(r"\s*\[\d+\]", "", text).strip()
