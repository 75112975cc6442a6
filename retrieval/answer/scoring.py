"""Score the top articles' sentences, and the articles, for how well they answer a question."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from newsbot.core.sentences import is_heading
from newsbot.core.types import Chunk
from newsbot.retrieval.answer.params import ComposeParams
from newsbot.retrieval.answer.quotes import Candidate
from newsbot.retrieval.question.answer_kinds import (
    AGE_OF_NAMED,
    QUESTION_WORDS,
    WORD,
    age_asked,
    anchor_words,
    answer_kind,
    asks_when,
    gives_hour,
    holds_kind,
    role_words,
)
from newsbot.retrieval.question.measures import MEASURE_KINDS, measure_asked, measure_words
from newsbot.retrieval.search.hybrid import Hit

Terms = Callable[[str], list[str]]


@dataclass(frozen=True)
class _Sentence:
    """A sentence (or headline) of a top article, with its terms and its headline's."""

    text: str
    rank: int
    chunk: Chunk
    terms: set[str]
    title_terms: set[str]
    dense: float


@dataclass(frozen=True)
class _Asked:
    """The question's terms as scoring weighs them, and the kind of thing it asks for."""

    terms: set[str]
    weight: dict[str, float]
    total: float
    wanted: str | None
    words: set[str]
    topic: str
    held: str | None = None
    """The kind a sentence must hold, where narrower than `wanted` (a named person's age)."""
    moment: frozenset[str] = frozenset()
    """The terms of a "When did ..." question that a time of day may answer to the hour."""


class SentenceScorer:
    """Weigh each sentence of the top articles, and each article, against a question's words."""

    def __init__(
        self,
        terms: Terms,
        split: Callable[[str], list[str]],
        idf: Callable[[str], float],
        params: ComposeParams,
    ):
        self.terms = terms
        self.split = split
        self.idf = idf
        self.params = params
        self.question_terms = {t for w in QUESTION_WORDS for t in terms(w)}

    def candidates(
        self,
        question: str,
        hits: Sequence[Hit],
        topic: str = "",
        wanted: str | None = None,
        said: str = "",
    ) -> tuple[list[Candidate], set[str]]:
        """Score every sentence (and headline) of the top articles for how well it answers.

        A question word counts more the fewer candidate sentences share it (so the headline's
        words, present everywhere, do not decide); a sentence holding the kind of thing the
        question asks for (a number, a name, a date) that the question does not already say
        gains a little, because that is where answers sit. A follow-up's topic (the turns it
        leans on) adds its words at a lower weight: they say what the question is about, the
        question's own words say what it wants to know. Nothing `said` (the question as
        asked, dates included) is new, so none of it is the kind of thing asked for.
        """
        asked_kind = answer_kind(question)
        asking = self.measure_terms(question, asked_kind)
        own_terms = set(self.terms(question)) - self.question_terms - asking
        topic_terms = set(self.terms(topic)) - self.question_terms - own_terms
        q_terms = own_terms | topic_terms
        wanted = wanted or asked_kind
        q_words = {w.lower() for w in WORD.findall(f"{topic} {question} {said}")}
        rows = self.sentences(hits)
        n = len(rows) or 1
        weight = {t: math.log(1 + n / (1 + sum(t in r.terms for r in rows))) for t in q_terms}
        for t in topic_terms:
            weight[t] *= self.params.topic_weight
        total = math.fsum(weight.values()) or 1.0
        moment = frozenset(self.terms(asks_when(question))) - self.question_terms
        held = measure_asked(question, age_asked(question, wanted))
        asked = _Asked(q_terms, weight, total, wanted, q_words, topic, held, moment)
        found = [cand for cand in (self.score(row, asked) for row in rows) if cand is not None]
        found.sort(key=lambda c: c.score, reverse=True)
        return found, q_terms

    def sentences(self, hits: Sequence[Hit]) -> list[_Sentence]:
        """The top articles' headlines and sentences, each once, that are long enough to quote."""
        p = self.params
        rows: list[_Sentence] = []
        seen: set[str] = set()
        for rank, hit in enumerate(hits[: p.hits_read]):
            title_terms = set(self.terms(hit.chunk.title))
            sentences = [(hit.chunk.title, hit.chunk)] if hit.chunk.title else []
            for chunk in sorted((hit.chunk, *hit.extra), key=lambda c: c.position):
                # A heading inside the text ("Higher fares") is no sentence to quote.
                sentences += [(s, chunk) for s in self.split(chunk.text) if not is_heading(s)]
            for sentence, chunk in sentences:
                key = " ".join(sentence.lower().split())
                if key in seen or len(sentence.split()) < p.min_words:
                    continue
                seen.add(key)
                terms = set(self.terms(sentence))
                rows.append(_Sentence(sentence, rank, chunk, terms, title_terms, hit.dense))
        return rows

    def score(self, row: _Sentence, asked: _Asked) -> Candidate | None:
        """Score one sentence for how well it answers; None when it only restates the question."""
        p = self.params
        q_terms, terms, rank = asked.terms, row.terms, row.rank
        if len(terms - q_terms) < p.restated * len(terms):
            return None  # it only restates the question (quiz pages print the question itself)
        own = math.fsum(asked.weight[t] for t in q_terms & terms) / asked.total
        overlap = len(q_terms & (terms | row.title_terms)) / len(q_terms) if q_terms else 0.0
        wanted = asked.wanted
        held = asked.held or wanted
        kind = p.kind_bonus if held and holds_kind(row.text, held, asked.words) else 0.0
        headline = 0.0
        # A follow-up's headlines name the topic already known, not what is asked now.
        # A headline often says why, in its own words ("Megadrought thwarts fireworks").
        gist = not wanted or wanted == "reason" or kind
        if row.text == row.chunk.title and not asked.topic and gist:
            headline = p.headline_bonus / (1 + rank)
        score = (
            own
            + p.overlap_weight * overlap
            + p.rank_weight / (1 + rank)
            + p.dense_weight * row.dense
            + kind * own
            + headline
            + (p.exact_kind_bonus if kind and self.exact_kind(held, asked.words) else 0.0)
            + (p.exact_kind_bonus if kind and self.gives_moment(row, asked) else 0.0)
        )
        is_title = row.text == row.chunk.title
        return Candidate(row.text, rank, row.chunk, score, overlap, headline, bool(kind), is_title)

    def measure_terms(self, question: str, kind: str | None) -> set[str]:
        """The terms of the "how far / how big" adjectives, which ask rather than name."""
        return set(self.terms(" ".join(measure_words(question, kind))))

    @staticmethod
    def gives_moment(row: _Sentence, asked: _Asked) -> bool:
        """Say whether a sentence gives the hour of what a "When did ..." question names."""
        return bool(asked.moment & row.terms) and gives_hour(row.text)

    @staticmethod
    def exact_kind(wanted: str | None, question_words: set[str]) -> bool:
        """Say whether the kind asked for is narrow enough that holding it nearly answers.

        An age, a phone number, an address, a sum of money, a measure in its units ("68
        kilometers" for "how far"), or the name beside a role named ("Company founder
        Ottoline Brackenridge") rarely appears by chance, unlike any number or any
        capitalised word; the sentence that holds one often shares few other words.
        """
        narrow = wanted in ("age", AGE_OF_NAMED, "phone", "address", "money", *MEASURE_KINDS)
        return narrow or bool(role_words(question_words))

    def support(self, question: str, q_terms: set[str], hits: Sequence[Hit]) -> float:
        """Share of the question's rarity (IDF) that one of the top articles contains."""
        return max(self.supports(question, q_terms, hits), default=0.0)

    def supports(self, question: str, q_terms: set[str], hits: Sequence[Hit]) -> list[float]:
        """Share of the question's rarity (IDF) that each of the top articles contains.

        Rare words carry a question, names and numbers most of all: an article that lacks
        them is about something else, however similar it reads. Plain words count less,
        since an article may say the same thing in other words.
        """
        anchors = {t for w in anchor_words(question) for t in self.terms(w)}
        plain = self.params.plain_word_weight
        weight = {t: self.idf(t) * (1.0 if t in anchors else plain) for t in q_terms}
        total = math.fsum(weight.values())
        shares = []
        for hit in hits[: self.params.hits_read]:
            text = " ".join([hit.chunk.title, hit.chunk.text, *(c.text for c in hit.extra)])
            have = q_terms & set(self.terms(text))
            shares.append(math.fsum(weight[t] for t in have) / total if total else 0.0)
        return shares
