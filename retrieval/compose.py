"""Compose an answer without an LLM: the sentences that answer the question, each cited."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from retrieval.answer_kinds import WORD, answer_kind, holds_kind
from retrieval.followups import condense
from retrieval.search import Hit
from retrieval.types import Answer, Chunk, Citation, Turn

REFUSAL = "I couldn't find this in the news I have."
MAX_BODY_WORDS = 75
MAX_SENTENCE_WORDS = 40
# How much a sentence holding the kind of thing asked for gains, relative to its word match.
KIND_BONUS = 0.3

Terms = Callable[[str], list[str]]


class Composer(Protocol):
    """Turns retrieved hits into an Answer; the extractive one is the offline default."""

    def compose(
        self,
        question: str,
        hits: Sequence[Hit],
        history: Sequence[Turn] = (),
        as_of: date | None = None,
    ) -> Answer: ...


@dataclass(frozen=True)
class Candidate:
    sentence: str
    hit_rank: int
    chunk: Chunk
    score: float
    overlap: float = 0.0


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
    )


def shorten(sentence: str, focus: Callable[[str], bool], limit: int) -> str:
    """Keep a long sentence's window of `limit` words around the words in focus."""
    words = sentence.split()
    if len(words) <= limit:
        return sentence
    hits = [i for i, w in enumerate(words) if focus(w)]
    centre = (hits[0] + hits[-1]) // 2 if hits else 0
    start = max(0, min(centre - limit // 2, len(words) - limit))
    piece = " ".join(words[start : start + limit])
    return ("… " if start else "") + piece + (" …" if start + limit < len(words) else "")


class ExtractiveComposer:
    """Pick the best-matching sentences of the top passages and cite each with [n]."""

    def __init__(
        self,
        terms: Terms,
        split: Callable[[str], list[str]],
        min_dense: float = 0.30,
        min_overlap: float = 0.34,
        max_sentences: int = 3,
        max_words: int = MAX_BODY_WORDS - 5,
        hits_read: int = 3,
    ):
        self.terms = terms
        self.split = split
        self.min_dense = min_dense
        self.min_overlap = min_overlap
        self.max_sentences = max_sentences
        self.max_words = max_words
        self.hits_read = hits_read

    def candidates(self, question: str, hits: Sequence[Hit]) -> tuple[list[Candidate], set[str]]:
        """Score every sentence (and headline) of the top articles for how well it answers.

        A question word counts more the fewer candidate sentences share it (so the headline's
        words, present everywhere, do not decide); a sentence holding the kind of thing the
        question asks for (a number, a name, a date) that the question does not already say
        gains a little, because that is where answers sit.
        """
        q_terms = set(self.terms(question))
        wanted = answer_kind(question)
        q_words = {w.lower() for w in WORD.findall(question)}
        rows: list[tuple[str, int, Chunk, set[str], set[str], float]] = []
        seen: set[str] = set()
        for rank, hit in enumerate(hits[: self.hits_read]):
            title_terms = set(self.terms(hit.chunk.title))
            sentences = [(hit.chunk.title, hit.chunk)] if hit.chunk.title else []
            for chunk in sorted((hit.chunk, *hit.extra), key=lambda c: c.position):
                sentences += [(s, chunk) for s in self.split(chunk.text)]
            for sentence, chunk in sentences:
                key = " ".join(sentence.lower().split())
                if key in seen or len(sentence.split()) < 4:
                    continue
                seen.add(key)
                terms = set(self.terms(sentence))
                rows.append((sentence, rank, chunk, terms, title_terms, hit.dense))
        n = len(rows) or 1
        weight = {t: math.log(1 + n / (1 + sum(t in r[3] for r in rows))) for t in q_terms}
        total = sum(weight.values()) or 1.0
        found: list[Candidate] = []
        for sentence, rank, chunk, terms, title_terms, dense in rows:
            own = sum(weight[t] for t in q_terms & terms) / total
            overlap = len(q_terms & (terms | title_terms)) / len(q_terms) if q_terms else 0.0
            kind = KIND_BONUS if wanted and holds_kind(sentence, wanted, q_words) else 0.0
            score = own + 0.2 * overlap + 0.15 / (1 + rank) + 0.1 * dense + kind * own
            found.append(Candidate(sentence, rank, chunk, score, overlap))
        found.sort(key=lambda c: c.score, reverse=True)
        return found, q_terms

    def compose(
        self,
        question: str,
        hits: Sequence[Hit],
        history: Sequence[Turn] = (),
        as_of: date | None = None,
    ) -> Answer:
        """Answer from the hits alone; a follow-up's terms include the turn it leans on."""
        if not hits:
            return Answer(text=REFUSAL, citations=[], refused=True)
        found, q_terms = self.candidates(condense(question, history), hits)
        best_dense = max(h.dense for h in hits)
        top_overlap = max((c.overlap for c in found), default=0.0)
        if not found or best_dense < self.min_dense or top_overlap < self.min_overlap:
            return self.refuse(hits)

        def focus(word: str) -> bool:
            return bool(set(self.terms(word)) & q_terms)

        chosen: list[Candidate] = []
        words = 0
        for cand in found:
            if len(chosen) >= self.max_sentences:
                break
            if chosen and cand.score < 0.6 * chosen[0].score:
                break
            room = self.max_words - words
            text = shorten(cand.sentence, focus, min(MAX_SENTENCE_WORDS, room))
            n_words = len(text.split())
            if n_words < 4 or words + n_words > self.max_words:
                continue
            chosen.append(Candidate(text, cand.hit_rank, cand.chunk, cand.score))
            words += n_words
        numbers: dict[str, int] = {}
        citations: list[Citation] = []
        parts = []
        for cand in chosen:
            aid = cand.chunk.article_id
            if aid not in numbers:
                numbers[aid] = len(numbers) + 1
                citations.append(citation_for(numbers[aid], cand.chunk, cand.sentence))
            parts.append(f"{cand.sentence} [{numbers[aid]}]")
        return Answer(text=" ".join(parts), citations=citations, refused=False)

    def refuse(self, hits: Sequence[Hit]) -> Answer:
        """Say plainly that the corpus does not answer; offer the closest articles."""
        closest = [citation_for(i + 1, h.chunk) for i, h in enumerate(hits[:3])]
        return Answer(
            text=REFUSAL,
            citations=closest,
            refused=True,
            note="The closest articles I have are listed, but they do not answer this.",
        )


def strip_markers(text: str) -> str:
    """Remove [n] markers: the answer body as a reader sees it without references."""
    return re.sub(r"\s*\[\d+\]", "", text).strip()
