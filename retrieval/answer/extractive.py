"""Compose an answer without an LLM: the sentences that answer the question, each cited."""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from newsbot.core.types import Answer, Chunk, Citation, Copy, Turn
from newsbot.retrieval.question.answer_kinds import (
    QUESTION_WORDS,
    WORD,
    anchor_words,
    answer_kind,
    dates_named,
    holds_kind,
    is_kind_word,
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
# Longest answer body (markers aside) the evaluation accepts; the composer stays below it.
MAX_BODY_WORDS = 75


@dataclass(frozen=True)
class ComposeParams:
    """The extractive composer's tuned weights, limits and refusal thresholds."""

    hits_read: int = 3
    """Top articles whose sentences may answer, and whose words count as support."""
    max_sentences: int = 4
    """Most sentences an answer quotes."""
    max_words: int = MAX_BODY_WORDS - 5
    """Most words the quoted sentences take together."""
    sentence_words: int = 30
    """Longest a quoted sentence may be; a longer one is cut around the question's words."""
    min_words: int = 4
    """Fewest words a sentence (or what is left of it once cut) needs to be quoted."""
    overlap_weight: float = 0.2
    """Weight of the share of question words a sentence or its headline holds."""
    rank_weight: float = 0.15
    """Gain of a sentence from its article's rank r, divided by 1 + r."""
    dense_weight: float = 0.1
    """Weight of its article's dense similarity to the question."""
    kind_bonus: float = 0.3
    """Gain, relative to its word match, of a sentence holding the kind of thing asked for."""
    # A headline names what its article is about, which a "which/who/what" question asks for
    # more often than any body sentence; given to every headline, the bonus pushed numbers out
    # of "how much" answers.
    headline_bonus: float = 0.4
    """Gain of a headline that holds the kind asked for (or any, when no kind), over 1 + r."""
    restated: float = 0.15
    """Share of new words below which a sentence restates the question rather than answers."""
    keep_worth: int = 2
    """Question words a cut sentence's window is worth more when it keeps a word of the kind."""
    keep_ratio: float = 0.5
    """Share of the best sentence's score (headline bonus aside) the next ones need."""
    min_dense: float = 0.30
    """Refuse when no article's dense similarity to the question reaches this."""
    min_overlap: float = 0.34
    """Refuse when no sentence (with its headline) holds this share of the question's words."""
    min_support: float = 0.60
    """Refuse when no top article holds this share of the question's rarity (IDF)."""
    plain_word_weight: float = 0.5
    """Weight in that share of a word that is neither a name nor a number (those weigh 1)."""
    closest: int = 3
    """Articles a refusal lists as the closest it has."""
    topic_weight: float = 0.15
    """Weight of a follow-up's topic words (from the turns it leans on) beside its own words."""
    shown_words: int = 12
    """Longest cut of an already shown sentence a follow-up may quote again (0: never)."""


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
    headline: float = 0.0  # the part of score that is the headline bonus


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


class ExtractiveComposer:
    """Pick the best-matching sentences of the top passages and cite each with [n]."""

    def __init__(
        self,
        terms: Terms,
        split: Callable[[str], list[str]],
        idf: Callable[[str], float] | None = None,
        params: ComposeParams = ComposeParams(),
    ):
        self.terms = terms
        self.split = split
        self.idf = idf or (lambda term: 1.0)
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
        p = self.params
        own_terms = set(self.terms(question)) - self.question_terms
        topic_terms = set(self.terms(topic)) - self.question_terms - own_terms
        q_terms = own_terms | topic_terms
        wanted = wanted or answer_kind(question)
        q_words = {w.lower() for w in WORD.findall(f"{topic} {question} {said}")}
        rows: list[tuple[str, int, Chunk, set[str], set[str], float]] = []
        seen: set[str] = set()
        for rank, hit in enumerate(hits[: p.hits_read]):
            title_terms = set(self.terms(hit.chunk.title))
            sentences = [(hit.chunk.title, hit.chunk)] if hit.chunk.title else []
            for chunk in sorted((hit.chunk, *hit.extra), key=lambda c: c.position):
                sentences += [(s, chunk) for s in self.split(chunk.text)]
            for sentence, chunk in sentences:
                key = " ".join(sentence.lower().split())
                if key in seen or len(sentence.split()) < p.min_words:
                    continue
                seen.add(key)
                terms = set(self.terms(sentence))
                rows.append((sentence, rank, chunk, terms, title_terms, hit.dense))
        n = len(rows) or 1
        weight = {t: math.log(1 + n / (1 + sum(t in r[3] for r in rows))) for t in q_terms}
        for t in topic_terms:
            weight[t] *= p.topic_weight
        total = sum(weight.values()) or 1.0
        found: list[Candidate] = []
        for sentence, rank, chunk, terms, title_terms, dense in rows:
            if len(terms - q_terms) < p.restated * len(terms):
                continue  # it only restates the question (quiz pages print the question itself)
            own = sum(weight[t] for t in q_terms & terms) / total
            overlap = len(q_terms & (terms | title_terms)) / len(q_terms) if q_terms else 0.0
            kind = p.kind_bonus if wanted and holds_kind(sentence, wanted, q_words) else 0.0
            headline = 0.0
            # A follow-up's headlines name the topic already known, not what is asked now.
            # A headline often says why, in its own words ("Megadrought thwarts fireworks").
            gist = not wanted or wanted == "reason" or kind
            if sentence == chunk.title and not topic and gist:
                headline = p.headline_bonus / (1 + rank)
            score = (
                own
                + p.overlap_weight * overlap
                + p.rank_weight / (1 + rank)
                + p.dense_weight * dense
                + kind * own
                + headline
            )
            found.append(Candidate(sentence, rank, chunk, score, overlap, headline))
        found.sort(key=lambda c: c.score, reverse=True)
        return found, q_terms

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
        p = self.params
        follow_up = bool(history) and leans_on_history(question, history)
        said = condense(question, history)
        topic = without_dates(said) or question
        shown = shown_pieces(history) if history else []
        if follow_up:
            hits = earlier_first(hits, history, shown)
            if asks_for_more(question):
                return self.more(hits, history, shown)
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
        found, q_terms = self.candidates(own, hits, topic if follow_up else "", wanted, said)
        own_terms = set(self.terms(own)) - self.question_terms
        if follow_up and not own_terms:
            found = last_said_first(found, history[-1])
        best_dense = max(h.dense for h in hits)
        top_overlap = max((c.overlap for c in found), default=0.0)
        support = self.support(topic, q_terms, hits)
        if (
            not found
            or (as_of is not None and asks_after(question, as_of))
            or best_dense < p.min_dense
            or top_overlap < p.min_overlap
            or support < p.min_support
        ):
            return self.refuse(hits)

        def focus(word: str) -> bool:
            return bool(set(self.terms(word)) & q_terms)

        def focus_now(word: str) -> bool:
            return bool(set(self.terms(word)) & (own_terms or q_terms))

        q_words = {w.lower() for w in WORD.findall(f"{topic} {said}")}
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
            if len(chosen) >= p.max_sentences:
                break
            if chosen and cand.score < bar:
                break
            # Two words of room go to the "…" that mark a cut sentence.
            room = p.max_words - words - 2
            limit = min(p.sentence_words, room)
            if shown and was_shown(cand.sentence, shown):
                if cand is not again:
                    continue
                # Said before: only the few words from the new answer it holds.
                limit = min(limit, p.shown_words)
            text = shorten(cand.sentence, focus_now, limit, keep, p.keep_worth, cand is again)
            n_words = len(text.split())
            if n_words < p.min_words or words + n_words > p.max_words:
                continue
            chosen.append(Candidate(text, cand.hit_rank, cand.chunk, cand.score))
            words += n_words
        if not chosen:
            return self.refuse(hits)
        return cited(chosen)

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
            if len(s.split()) >= p.min_words
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

    def support(self, question: str, q_terms: set[str], hits: Sequence[Hit]) -> float:
        """Share of the question's rarity (IDF) that one of the top articles contains.

        Rare words carry a question, names and numbers most of all: an article that lacks
        them is about something else, however similar it reads. Plain words count less,
        since an article may say the same thing in other words.
        """
        anchors = {t for w in anchor_words(question) for t in self.terms(w)}
        plain = self.params.plain_word_weight
        weight = {t: self.idf(t) * (1.0 if t in anchors else plain) for t in q_terms}
        total = sum(weight.values())
        if not total:
            return 0.0
        best = 0.0
        for hit in hits[: self.params.hits_read]:
            text = " ".join([hit.chunk.title, hit.chunk.text, *(c.text for c in hit.extra)])
            have = q_terms & set(self.terms(text))
            best = max(best, sum(weight[t] for t in have) / total)
        return best

    def refuse(self, hits: Sequence[Hit]) -> Answer:
        """Say plainly that the corpus does not answer; offer the closest articles."""
        closest = [citation_for(i + 1, h.chunk) for i, h in enumerate(hits[: self.params.closest])]
        return Answer(
            text=REFUSAL,
            citations=closest,
            refused=True,
            note="The closest articles I have are listed, but they do not answer this.",
        )


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
        parts.append(f"{cand.sentence} [{numbers[aid]}]")
    return Answer(text=" ".join(parts), citations=citations, refused=False)


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


def strip_markers(text: str) -> str:
    """Remove [n] markers: the answer body as a reader sees it without references."""
    return re.sub(r"\s*\[\d+\]", "", text).strip()
