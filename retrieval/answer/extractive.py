"""Compose an answer without an LLM: the sentences that answer the question, each cited."""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Protocol

from newsbot.core.sentences import is_heading
from newsbot.core.types import Answer, Turn
from newsbot.retrieval.answer.news_questions import news_answer
from newsbot.retrieval.answer.params import ComposeParams
from newsbot.retrieval.answer.quotes import Candidate, citation_for, cited, shorten
from newsbot.retrieval.answer.revisions import find_revision, revised_answer
from newsbot.retrieval.answer.scoring import SentenceScorer, Terms
from newsbot.retrieval.question.answer_kinds import (
    WORD,
    answer_kind,
    dates_named,
    holds_kind,
    is_kind_word,
    role_words,
)
from newsbot.retrieval.question.date_windows import asks_after, without_dates
from newsbot.retrieval.question.followups import (
    asked_kinds,
    asks_for_more,
    condense,
    fold,
    is_elliptical,
    leans_on_history,
    shown_pieces,
    was_shown,
    with_name,
    without_ellipsis,
)
from newsbot.retrieval.search.hybrid import Hit

REFUSAL = "I couldn't find this in the news I have."
NOTHING_MORE = "That is all I have on this."
_TUNED = ComposeParams()
# Kinds no sentence answers without holding one: the articles give an age or they do not.
NARROW_KINDS = frozenset(("age", "phone", "address"))
# Kinds a later report may revise (a toll, a cost): the answer then leads with the newer one.
COUNTED = frozenset(("number", "money"))


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
class Reading:
    """A question read in the light of the turns before it."""

    said: str
    """The question with what it leans on from the earlier turns, dates included."""
    topic: str
    """What the question is about: `said` without its dates (or the question itself)."""
    own: str
    """What the question itself asks; a follow-up's pronoun stands for the name it means."""
    wanted: str | None
    """The kind of answer asked for (a number, a person, a date), if it says."""


def read(question: str, history: Sequence[Turn], follow_up: bool) -> Reading:
    """Read what a question asks for, and about what, with the turns it leans on."""
    said = condense(question, history)
    topic = without_dates(said) or question
    # A pronoun that means the name the last turn answered makes that name the question's
    # own subject ("Where does he work?"), not only its topic. A day or a year it names
    # ("How big was it on Thursday?") is a word the answer's sentence often repeats.
    if follow_up:
        asked = with_name(question, history)
        own = " ".join([without_dates(asked) or question, *dates_named(asked)])
    else:
        own = topic
    wanted = answer_kind(own)
    if follow_up and is_elliptical(question):
        wanted = answer_kind(without_ellipsis(own))
    if follow_up and wanted is None:
        # "And for diesel?" asks what the earlier question asked.
        wanted = answer_kind(history[-1].question)
    return Reading(said, topic, own, wanted)


class ExtractiveComposer:
    """Pick the best-matching sentences of the top passages and cite each with [n]."""

    def __init__(
        self,
        terms: Terms,
        split: Callable[[str], list[str]],
        idf: Callable[[str], float] | None = None,
        params: ComposeParams = _TUNED,
    ):
        self.terms = terms
        self.split = split
        self.params = params
        self.scorer = SentenceScorer(terms, split, idf or (lambda term: 1.0), params)
        self.question_terms = self.scorer.question_terms

    def compose(
        self,
        question: str,
        hits: Sequence[Hit],
        history: Sequence[Turn] = (),
        as_of: date | None = None,
    ) -> Answer:
        """Answer from the hits alone; a follow-up asks its own question about the earlier topic.

        A follow-up reads the articles of the turns it leans on first, answers in the kind it
        asks for, and does not repeat what was already said.
        """
        if not hits:
            return Answer(text=REFUSAL, citations=[], refused=True)
        # "What's the latest on X?", "Who wrote it?": answered from the articles' dates and
        # metadata rather than from their sentences.
        special = news_answer(question, hits, history, as_of, self.scorer)
        if special is not None:
            return special
        follow_up = bool(history) and leans_on_history(question, history)
        shown = shown_pieces(history) if history else []
        if follow_up:
            hits = earlier_first(hits, history, shown)
            if asks_for_more(question):
                return self.more(hits, history, shown)
        reading = read(question, history, follow_up)
        topic = reading.topic if follow_up else ""
        found, q_terms = self.scorer.candidates(
            reading.own, hits, topic, reading.wanted, reading.said
        )
        own_terms = set(self.terms(reading.own)) - self.question_terms
        if follow_up and not own_terms:
            found = last_said_first(found, history[-1])
        # Each top article's share of the question's rarity: whether any answers, and which.
        shares = self.scorer.supports(reading.topic, q_terms, hits)
        if self.falls_short(question, hits, found, max(shares, default=0.0), as_of):
            return self.refuse(hits)
        found = self.concerned(found, shares)
        if self.narrow(reading) and not any(c.answers for c in found):
            return self.refuse(hits)  # no age, phone, address or role holder: none given
        chosen = self.choose(found, history, shown, reading, q_terms, own_terms)
        if not chosen:
            return self.refuse(hits)
        counted = reading.wanted in COUNTED
        revision = find_revision(chosen, found, q_terms, self.terms) if counted else None
        if revision is not None:
            return revised_answer(chosen, revision, self.params.max_words)
        return cited(chosen)

    @staticmethod
    def narrow(reading: Reading) -> bool:
        """Whether only a sentence holding the kind asked for answers: an age, a phone number,
        an address, or the name beside the role asked of ("Who led the delegation?")."""
        if reading.wanted in NARROW_KINDS:
            return True
        asked = {w.lower() for w in WORD.findall(reading.own)}
        return reading.wanted == "name" and bool(role_words(asked))

    def concerned(self, found: Sequence[Candidate], shares: Sequence[float]) -> list[Candidate]:
        """Keep the sentences of the articles the question concerns, not its neighbours'.

        An article that holds much less of the question's rarity than the best one is about
        something else (another story that shares a word or two): none of its sentences, nor
        its headline, belongs in the answer.
        """
        best = max(shares, default=0.0)
        least = self.params.concerned_share * best
        return [c for c in found if c.hit_rank >= len(shares) or shares[c.hit_rank] >= least]

    def falls_short(
        self,
        question: str,
        hits: Sequence[Hit],
        found: Sequence[Candidate],
        support: float,
        as_of: date | None,
    ) -> bool:
        """Say whether the hits are too far from the question to answer it, or too early."""
        p = self.params
        best_dense = max(h.dense for h in hits)
        top_overlap = max((c.overlap for c in found), default=0.0)
        return (
            not found
            or (as_of is not None and asks_after(question, as_of))
            or best_dense < p.min_dense
            or top_overlap < p.min_overlap
            or support < p.min_support
        )

    def choose(
        self,
        found: Sequence[Candidate],
        history: Sequence[Turn],
        shown: Sequence[str],
        reading: Reading,
        q_terms: set[str],
        own_terms: set[str],
    ) -> list[Candidate]:
        """Quote the best sentences while they score near the best one, each cut to fit."""
        p = self.params

        def focus(word: str) -> bool:
            return bool(set(self.terms(word)) & (own_terms or q_terms))

        wanted = reading.wanted
        q_words = {w.lower() for w in WORD.findall(f"{reading.topic} {reading.said}")}
        keep = (
            functools.partial(is_kind_word, kind=wanted, question_words=q_words) if wanted else None
        )
        again = self.requote(found, history, shown, wanted, own_terms, q_words)
        chosen: list[Candidate] = []
        words = 0
        # A headline's bonus moves it up the list but does not raise the bar for the rest;
        # nor does a sentence said before, which is quoted again only in part, if at all.
        fresh = [c for c in found if not (shown and was_shown(c.sentence, shown))] or found
        bar = p.keep_ratio * max(c.score - c.headline for c in fresh)
        for cand in found:
            if len(chosen) >= p.max_sentences or (chosen and cand.score < bar):
                break
            limit = self.room(cand, words, shown, again)
            if limit is None:
                continue
            text = shorten(cand.sentence, focus, limit, keep, p.keep_worth, cand is again)
            n_words = len(text.split())
            if n_words < p.min_words or words + n_words > p.max_words:
                continue
            chosen.append(replace(cand, sentence=text))
            words += n_words
        return answer_first(chosen)

    def room(
        self, cand: Candidate, words: int, shown: Sequence[str], again: Candidate | None
    ) -> int | None:
        """Words a sentence may take once `words` are quoted; None: said before, not again."""
        p = self.params
        # Two words of room go to the "…" that mark a cut sentence.
        limit = min(p.sentence_words, p.max_words - words - 2)
        if shown and was_shown(cand.sentence, shown):
            if cand is not again:
                return None
            # Said before: only the few words from the new answer it holds.
            limit = min(limit, p.shown_words)
        return limit

    def requote(
        self,
        found: Sequence[Candidate],
        history: Sequence[Turn],
        shown: Sequence[str],
        wanted: str | None,
        own_terms: set[str],
        q_words: set[str],
    ) -> Candidate | None:
        """The one sentence said before that a follow-up may quote again, if any.

        It must hold the kind asked for, and either the question's own words or a kind no
        turn that quoted it asked for (so that its word of the kind was not that turn's
        answer). One with the question's own words goes first, then the best scored.
        """
        if not (shown and wanted):
            return None
        fallback = None
        for cand in found:
            if not (was_shown(cand.sentence, shown) and holds_kind(cand.sentence, wanted, q_words)):
                continue
            if not own_terms or own_terms & set(self.terms(cand.sentence)):
                return cand
            if fallback is None and wanted not in asked_kinds(cand.sentence, history):
                fallback = cand
        return fallback

    def more(self, hits: Sequence[Hit], history: Sequence[Turn], shown: Sequence[str]) -> Answer:
        """Give the next facts of the article discussed: sentences not shown yet, in order."""
        p = self.params
        hit = hits[0]
        sentences = [
            (s, chunk)
            for chunk in sorted((hit.chunk, *hit.extra), key=lambda c: c.position)
            for s in self.split(chunk.text)
            if len(s.split()) >= p.min_words and not is_heading(s)
        ]
        seen = [i for i, (s, _) in enumerate(sentences) if was_shown(s, shown)]
        after = seen[-1] + 1 if seen else 0
        chosen: list[Candidate] = []
        words = 0
        # What follows the last sentence shown first, then anything skipped before it.
        for sentence, chunk in [*sentences[after:], *sentences[:after]]:
            if len(chosen) >= p.max_sentences or was_shown(sentence, shown):
                continue
            text = shorten(sentence, lambda w: False, min(p.sentence_words, p.max_words - words))
            n_words = len(text.split())
            if n_words < p.min_words or words + n_words > p.max_words:
                continue
            chosen.append(Candidate(text, 0, chunk, 0.0))
            words += n_words
        if not chosen:
            return Answer(text=NOTHING_MORE, citations=[citation_for(1, hit.chunk)], refused=True)
        return cited(chosen)

    def refuse(self, hits: Sequence[Hit]) -> Answer:
        """Say plainly that the corpus does not answer; offer the closest articles."""
        closest = [citation_for(i + 1, h.chunk) for i, h in enumerate(hits[: self.params.closest])]
        return Answer(
            text=REFUSAL,
            citations=closest,
            refused=True,
            note="The closest articles I have are listed, but they do not answer this.",
        )


def answer_first(chosen: Sequence[Candidate]) -> list[Candidate]:
    """Move a headline that does not hold what was asked for after the body's sentences.

    A headline restates the topic; a reader reads the first sentence first, so it comes
    first only when it holds the kind of thing asked for (a name, a figure, a date).
    """
    order = {id(c): n for n, c in enumerate(chosen)}
    return sorted(chosen, key=lambda c: (c.title and not c.answers, order[id(c)]))


def last_said_first(found: Sequence[Candidate], last: Turn) -> list[Candidate]:
    """Put the sentences the last answer quoted first, in its order, the rest after them.

    A follow-up with no words of its own ("How much?", "Why is that?") asks about what the
    last answer said, most of all about its first sentence.
    """
    pieces = shown_pieces([last])

    def said_at(cand: Candidate) -> int:
        return next((i for i, p in enumerate(pieces) if was_shown(cand.sentence, [p])), -1)

    said = sorted((c for c in found if said_at(c) >= 0), key=said_at)
    return [*said, *(c for c in found if said_at(c) < 0)]


def earlier_first(hits: Sequence[Hit], history: Sequence[Turn], shown: Sequence[str]) -> list[Hit]:
    """Move the articles the earlier turns drew on to the front, latest turn first.

    A turn names its cited articles; one remembered without them is known by the sentences
    its answer quoted.
    """
    order: list[str] = []
    for turn in reversed(history):
        order += [a for a in turn.articles if a not in order]
    if not any(turn.articles for turn in history):
        for hit in hits:
            text = " ".join([hit.chunk.title, hit.chunk.text, *(c.text for c in hit.extra)])
            folded = fold(text)
            if any(piece in folded for piece in shown):
                order.append(hit.chunk.article_id)
    rank = {aid: i for i, aid in enumerate(order)}
    return sorted(hits, key=lambda h: rank.get(h.chunk.article_id, len(rank)))
