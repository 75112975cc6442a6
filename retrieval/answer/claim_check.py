"""Check that a sentence says only what the passages it cites say: figures, names and words."""

from __future__ import annotations

import calendar
import functools
import operator
import re
from collections import Counter
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache

from newsbot.core.sentences import split_sentences
from newsbot.core.tokenizer import Tokenizer
from newsbot.retrieval.answer.citations import tidy
from newsbot.retrieval.answer.figures import compounds, figure_spans, figures, passage_figures

# The share of a sentence's content words (stemmed) that its passages must contain. This and
# the two below were chosen on the checker evaluation (`newsbot eval-support`; docs/TUNING.md).
MIN_OVERLAP = 0.5
# A figure must stand in a passage sentence that holds this share of the words near it in the
# claim: the same number may count something else there ("45 km per hour" for "45 kilograms").
FIGURE_OVERLAP = 0.3
# The content words either side of a figure that say what it counts, in the claim.
NEAR_WORDS = 4

URL = re.compile(r"(?:https?://|www\.)[^\s<>\"'\[\]()]+", re.IGNORECASE)
_MARKER = re.compile(r"\[\d+\]")
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
_POSSESSIVE = re.compile(r"['’]s?$", re.IGNORECASE)
# Words that start a clause, so that a capital there says nothing about a name.
_OPENERS = re.compile(r"(?:^|[:;\"“‘(]|[.!?]\s)\s*$")
# One spelling for the names of two countries written many ways.
_ALIASES = [
    (re.compile(r"\bU\.S\.A?\.?(?=\W|$)|\bUSA\b|\bUnited States(?: of America)?\b"), "US"),
    (re.compile(r"\bU\.K\.?(?=\W|$)|\bUnited Kingdom\b|\bBritain\b"), "UK"),
]
_STOPWORDS = """
    a about above after again against all also although am an and any are as at be because been
    before being below between both but by can could did do does doing down during each few for
    from further had has have having he her here hers herself him himself his how i if in into
    is it its itself just me more most my myself no nor not now of off on once only or other
    our ours ourselves out over own same she should so some such than that the their theirs
    them themselves then there these they this those through to too under until up very was we
    were what when where which while who whom why will with would you your yours yourself
    however meanwhile according while though yet still since per via among amid mr mrs ms dr"""
STOPWORDS = frozenset(_STOPWORDS.split())
MONTHS = list(calendar.month_name)[1:]
WEEKDAYS = list(calendar.day_name)


@cache
def _tokenizer() -> Tokenizer:
    return Tokenizer()


def normalise_names(text: str) -> str:
    """Write "U.S.", "USA" and "United States" (and the UK's names) one way."""
    for pattern, name in _ALIASES:
        text = pattern.sub(name, text)
    return text


def stems(text: str) -> set[str]:
    """Return the stems of a text's content words (no function words, no numbers)."""
    words = [w for w in _WORD.findall(text.lower()) if w not in STOPWORDS]
    return set(_tokenizer()(" ".join(words)))


def published_day_words(day: date) -> str:
    """Spell a passage's publication date the ways a sentence may cite it."""
    return f"{WEEKDAYS[day.weekday()]} {MONTHS[day.month - 1]} {day.day}, {day.year}"


@dataclass(frozen=True)
class Evidence:
    """What one or more passages can support: figures, the sentences they stand in, words."""

    figures: dict[Decimal, tuple[frozenset[str], ...]]  # value -> stems of sentences stating it
    compounds: frozenset[str]  # "3-2", "9:30", "24/7", "xr-17": figures read as one
    words: frozenset[str]
    stems: frozenset[str]
    # The publication date's day and year, which a sentence naming its month or weekday may
    # cite without a passage sentence stating them.
    dated: frozenset[Decimal] = frozenset()
    date_words: frozenset[str] = frozenset()

    @classmethod
    def of(cls, text: str, published: date | None = None) -> Evidence:
        """Read a passage (and its publication date, if known) once for every claim on it."""
        text = normalise_names(text)
        where: dict[Decimal, list[frozenset[str]]] = {}
        for sentence in split_sentences(text.replace("\n", "\n\n")):
            context = frozenset(stems(sentence))
            for value, _, _ in passage_figures(sentence):
                where.setdefault(value, []).append(context)
        dated: frozenset[Decimal] = frozenset()
        named: frozenset[str] = frozenset()
        if published:
            day = published_day_words(published)
            dated = frozenset(figures(day))
            named = frozenset(stems(day))
            text = f"{text}\n{day}"
        words = {_POSSESSIVE.sub("", w.lower()) for w in _WORD.findall(text)}
        stated = {value: tuple(contexts) for value, contexts in where.items()}
        return cls(
            stated,
            frozenset(compounds(text)),
            frozenset(words),
            frozenset(stems(text)),
            dated,
            named,
        )

    def __or__(self, other: Evidence) -> Evidence:
        stated = dict(self.figures)
        for value, contexts in other.figures.items():
            stated[value] = stated.get(value, ()) + contexts
        return Evidence(
            stated,
            self.compounds | other.compounds,
            self.words | other.words,
            self.stems | other.stems,
            self.dated | other.dated,
            self.date_words | other.date_words,
        )

    def states(self, value: Decimal, claim: set[str]) -> int:
        """Count the times passage sentences about the claim's subject state the value."""
        dated = int(value in self.dated and bool(claim & self.date_words))
        return dated + sum(
            not claim or len(claim & context) / len(claim) >= FIGURE_OVERLAP
            for context in self.figures.get(value, ())
        )


@dataclass(frozen=True)
class Verdict:
    """Whether a sentence stands, and if not the first reason why."""

    supported: bool
    reason: str = ""
    overlap: float = 1.0


def names(sentence: str, openers: bool = True) -> list[str]:
    """Return the capitalised words that name someone or something, lower-cased.

    A capital that opens a clause may be grammar rather than a name. Such a word still counts,
    unless it is an adverb ("Reportedly, ..."); with `openers` False none counts, and each is
    left to the word overlap instead.
    """
    found = []
    for match in _WORD.finditer(sentence):
        word = match[0]
        if not word[0].isupper() or len(word) < 2:
            continue
        lower = _POSSESSIVE.sub("", word.lower())
        if lower in STOPWORDS:
            continue
        adverb = lower.endswith("ly") and len(lower) > 4
        opens = word.istitle() and _OPENERS.search(sentence[: match.start()])
        if opens and (adverb or not openers):
            continue
        found.append(lower)
    return found


def near(text: str, start: int, end: int, reach: int = NEAR_WORDS) -> set[str]:
    """Return the stems of the content words closest to a span: what a figure counts."""
    before = [w for w in _WORD.findall(text[:start]) if w.lower() not in STOPWORDS][-reach:]
    after = [w for w in _WORD.findall(text[end:]) if w.lower() not in STOPWORDS][:reach]
    return stems(" ".join(before + after))


def claim_text(sentence: str) -> str:
    """Take out what is not a claim about the passage: [n] markers and links."""
    return normalise_names(URL.sub(" ", _MARKER.sub(" ", sentence)))


def verdict(
    sentence: str, evidence: Evidence, min_overlap: float = MIN_OVERLAP, openers: bool = True
) -> Verdict:
    """Say whether the evidence supports every figure, name and most words of a sentence."""
    claim = claim_text(sentence)
    wanted = stems(claim)
    for compound in compounds(claim):
        if compound not in evidence.compounds:
            return Verdict(False, f"figure {compound} is not in the cited passage", 0.0)
    stated: dict[Decimal, set[str]] = {}
    times: Counter[Decimal] = Counter()
    for value, start, end in figure_spans(claim):
        stated.setdefault(value, set()).update(near(claim, start, end))
        times[value] += 1
    for value, context in stated.items():
        if value not in evidence.figures and value not in evidence.dated:
            return Verdict(False, f"figure {value:f} is not in the cited passage", 0.0)
        found = evidence.states(value, context)
        if not found:
            return Verdict(False, f"figure {value:f} is about something else there", 0.0)
        # "14 songs and 17 videos" told as "17 songs and 17 videos": each use needs its own.
        if times[value] > found:
            return Verdict(False, f"figure {value:f} is stated more often than there", 0.0)
    for name in names(claim, openers):
        if name not in evidence.words:
            return Verdict(False, f"name {name!r} is not in the cited passage", 0.0)
    if not wanted:
        return Verdict(True)
    overlap = len(wanted & evidence.stems) / len(wanted)
    if overlap < min_overlap:
        return Verdict(False, f"{overlap:.0%} of its words are in the cited passage", overlap)
    return Verdict(True, overlap=overlap)


_MARKDOWN_LINK = re.compile(r"\[([^\]\n]*)\]\(\s*((?:https?://|www\.)[^)\s]*)\s*\)", re.IGNORECASE)


def url_key(url: str) -> str:
    """Compare links without scheme, "www.", case of the host or a trailing slash."""
    url = re.sub(r"^(?:https?://)?(?:www\.)?", "", url.strip(), flags=re.IGNORECASE)
    host, _, rest = url.partition("/")
    return f"{host.lower()}/{rest}".rstrip("/.,;:!?")


def remove_links(sentence: str, allowed: Collection[str]) -> tuple[str, int]:
    """Remove every link that is not one of the allowed URLs; return the text and the count."""
    keys = {url_key(u) for u in allowed}
    removed = 0

    def unwrap(match: re.Match[str]) -> str:
        nonlocal removed
        if url_key(match[2]) in keys:
            return match[0]
        removed += 1
        return match[1]

    def drop(match: re.Match[str]) -> str:
        nonlocal removed
        url = match[0].rstrip(".,;:!?")
        if url_key(url) in keys:
            return match[0]
        removed += 1
        return match[0][len(url) :]

    sentence = _MARKDOWN_LINK.sub(unwrap, sentence)
    return URL.sub(drop, sentence), removed


@dataclass(frozen=True)
class Kept:
    """An answer's sentences that the passages they cite support, and what was taken out."""

    text: str | None  # None when no sentence stands
    dropped: list[tuple[str, str]]  # (sentence, why)
    links_removed: int


def keep_supported(
    text: str,
    evidence: Callable[[int], Evidence | None],
    allowed_urls: Collection[str] = (),
    min_overlap: float = MIN_OVERLAP,
) -> Kept:
    """Keep the sentences whose cited passages (`evidence` of a marker's number) support them."""
    lines: list[str] = []
    dropped: list[tuple[str, str]] = []
    links = 0
    for line in text.splitlines():
        kept = []
        for sentence in split_sentences(line):
            sentence, removed = remove_links(sentence, allowed_urls)
            links += removed
            sentence = tidy(sentence)
            cited = [evidence(int(n)) for n in re.findall(r"\[(\d+)\]", sentence)]
            found = [e for e in cited if e is not None]
            if not found:
                dropped.append((sentence, "it cites no passage"))
                continue
            judged = verdict(sentence, functools.reduce(operator.or_, found), min_overlap)
            if judged.supported:
                kept.append(sentence)
            else:
                dropped.append((sentence, judged.reason))
        if kept:
            lines.append(" ".join(kept))
    return Kept("\n".join(lines) if lines else None, dropped, links)
