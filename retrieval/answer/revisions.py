"""Figures a later report revised: a toll of 14, then 23. The answer leads with the newer one."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal

from newsbot.core.calendar import CALENDAR_NAMES, MONTHS
from newsbot.core.types import Answer
from newsbot.retrieval.answer.figures import compounds, figure_spans, figures
from newsbot.retrieval.answer.quotes import Candidate, cited
from newsbot.retrieval.question.answer_kinds import QUESTION_WORDS
from newsbot.retrieval.question.chat import FUNCTION_WORDS

Terms = Callable[[str], list[str]]

# Words either side of a figure that say what it counts ("14 people were killed").
_REACH = 3
# Candidates (best first) searched for another report of the same figure.
_SEARCHED = 8
# Share of their words two sentences need in common to report the same thing: a revised toll
# is reported in the same frame ("at least 14 people were killed in …", "… 23 …").
_SAME_FRAME = 0.4
_WORD = re.compile(r"[\w’'-]+")
_YEAR = re.compile(r"\b(?:1[89]|20)\d\d\b")
_NAME = re.compile(r"(?<=\s)[A-Z][\w’'-]+")  # a capital after the first word: a name
# Words for persons: "14 people" says what it counts only with what happened to them.
_PERSONS = frozenset(
    {
        "people",
        "persons",
        "children",
        "adults",
        "men",
        "women",
        "residents",
        "students",
        "civilians",
        "victims",
        "passengers",
        "migrants",
        "workers",
        "soldiers",
        "troops",
    }
)
# Ages, spans and tallies of a career ("3,500 years old", "a 20-time champion") are claims
# about someone or something, not figures a later report revises.
_TIME = frozenset(
    {"years", "year", "months", "weeks", "days", "hours", "minutes", "decades", "time", "times"}
)
# A figure that says how far something moved over a span ("rose 11 cents", "the Dow fell 1,063
# points", "lost 970,000 subscribers") is a change, not a level a later report revises; a
# level follows "to", "from" or "at" ("rose to $3.84", "up from $3.73").
_MOVES = frozenset({
    "up", "down", "rose", "rise", "rises", "rising", "fell", "fall", "falls", "falling",
    "gained", "gain", "gains", "gaining", "lost", "lose", "loses", "losing", "shed", "sheds",
    "dropped", "drop", "drops", "dropping", "jumped", "jump", "jumps", "jumping", "climbed",
    "climb", "climbs", "climbing", "slid", "slides", "sliding", "slipped", "sank", "sinks",
    "tumbled", "plunged", "plunges", "surged", "surges", "soared", "soars", "declined",
    "declines", "increased", "decreased", "added", "add", "adds", "adding", "saves",
})  # fmt: skip
_LEVEL = frozenset({"to", "from", "at"})
_MOVE_REACH = 4
# "the 74th Emmys" and "No. 3 seed" name which one, not how many.
_ORDINAL = re.compile(r"(?:st|nd|rd|th)\b", re.IGNORECASE)
_RANK = frozenset({"no", "number"})
# What happened to the persons counted (each line one family): "killing 306 people" and
# "nearly 400 people have died" count one thing; "arrested 31 people" and "20 people wearing
# masks" do not.
_FATES = """
    killed killing kill dead died die dies death deaths toll fatalities lives
    injured injuring injuries wounded hurt hospitalized
    missing unaccounted
    arrested arrests detained custody
    evacuated evacuate evacuations displaced fled
    infected infections cases positive
"""


@dataclass(frozen=True)
class Figure:
    """A figure a sentence states, with what it counts."""

    value: Decimal
    phrase: str
    """The figure as written with the words that follow it ("14 people")."""
    counts: frozenset[str]
    """Terms standing beside it, which say what it counts."""
    unit: str
    """"$", "%" or "" (a plain count): figures of different units are different things."""
    noun: str = ""
    """The word it counts, as written after it ("people"), if any: "98-meter" is no "322-foot"."""


@dataclass(frozen=True)
class Revision:
    """One report's figure and a later report's different value for the same thing."""

    newer: Candidate
    older: Candidate
    new: Figure
    old: Figure


def _day(cand: Candidate) -> str:
    return str(cand.chunk.metadata.get("published_at") or "")[:10]


def _years(sentence: str) -> set[str]:
    return set(_YEAR.findall(sentence))


def _words(sentence: str, terms: Terms) -> set[str]:
    """A sentence's terms without its figures: what two reports of one fact share."""
    return {t for t in terms(sentence) if not any(ch.isdigit() for ch in t)}


def sentence_figures(sentence: str, terms: Terms) -> list[Figure]:
    """The counts and sums a sentence states, each with the words that say what it counts.

    Years, days of a month, times, scores and names with a number in them ("XR-17") count
    nothing; nor do ordinals and ranks ("74th", "No. 3"), nor moves over a span ("rose 11
    cents"), which are no levels to revise.
    """
    joined = " ".join(compounds(sentence)).lower()
    found = []
    for value, start, end in figure_spans(sentence):
        written = sentence[start:end]
        if written.lower() in joined or _YEAR.fullmatch(written):
            continue
        preceding = _WORD.findall(sentence[:start])
        before = preceding[-_REACH:]
        if before and before[-1].lower() in MONTHS:
            continue  # "March 12" is a day
        if _ORDINAL.match(sentence, end) or (before and before[-1].lower() in _RANK):
            continue
        if _moved(preceding[-_MOVE_REACH:]):
            continue
        after = _WORD.findall(sentence[end:])[:_REACH]
        counts = frozenset(terms(" ".join([*before, *after])))
        if not counts:
            continue
        around = sentence[max(start - 1, 0) : end + 2]
        unit = next((u for u in "$£€%" if u in around), "")
        # The figure with what it counts: "$3 billion", "14 people" (not "14 were").
        following = sentence[end:].split()[:2]
        bare = following[0].strip(",.;:%") if following else ""
        if bare.lower() == "per" and len(following) > 1:
            bare = f"{bare} {following[1].strip(',.;:')}"  # "$5.56 per gallon", not per barrel
        counted = bool(terms(bare)) and bare.lower() not in FUNCTION_WORDS | QUESTION_WORDS
        currency = unit if unit in "$£€" and unit else ""
        figure = f"{currency}{written}{'%' if unit == '%' else ''}"
        attached = sentence[end : end + 1] == "-"  # "322-foot-tall"
        phrase = figure + bare if attached else " ".join([figure, *([bare] if counted else [])])
        # "98-meter-tall" is no revision of "322-foot-tall": the word counted must match.
        noun = bare.lower() if counted or attached else ""
        found.append(Figure(value, phrase, counts, unit, noun))
    return found


def _moved(before: Sequence[str]) -> bool:
    """Whether the words before a figure make it a move ("jumping an average of 8 cents")."""
    words = [w.lower() for w in before]
    at = max((i for i, w in enumerate(words) if w in _MOVES), default=-1)
    return at >= 0 and not _LEVEL & set(words[at + 1 :])


def _span(noun: str) -> bool:
    """Whether a figure's noun is a span of time: an age ("101-year-old"), "3 weeks"."""
    return noun.strip("-").split("-")[0] in _TIME


def find_revision(
    chosen: Sequence[Candidate], found: Sequence[Candidate], asked: set[str], terms: Terms
) -> Revision | None:
    """Find a figure the answer leads with that another dated report of the story gives
    differently, counting the same thing.

    The same thing: the same unit, and a word the question asks about beside both figures
    ("How many people were killed?": "14 people were killed", "killed 23 people"). Both
    sentences must hold the kind asked for; the reports must be different articles,
    published on different days.
    """
    for lead in (c for c in chosen if c.answers and _day(c)):
        revision = _revised(lead, found, asked, terms)
        if revision is not None:
            return revision
    return None


def _revised(
    lead: Candidate, found: Sequence[Candidate], asked: set[str], terms: Terms
) -> Revision | None:
    """The first other report (best scored first) giving one of lead's figures differently."""
    for other in found[:_SEARCHED]:
        if not other.answers or other.chunk.article_id == lead.chunk.article_id:
            continue
        if not _day(other) or _day(other) == _day(lead):
            continue
        pair = changed_figure(lead.sentence, other.sentence, terms, asked)
        if pair is not None:
            mine, theirs = pair
            if _day(other) > _day(lead):
                return Revision(other, lead, theirs, mine)
            return Revision(lead, other, mine, theirs)
    return None


@dataclass(frozen=True)
class Reported:
    """A sentence as read for its figures: its words, the years it names, its figures."""

    words: frozenset[str]
    years: frozenset[str]
    figures: tuple[Figure, ...]
    names: frozenset[str] = frozenset()
    """The names it gives (places, people, bodies), as terms."""


def reported(sentence: str, terms: Terms) -> Reported:
    named = " ".join(n for n in _NAME.findall(sentence) if n not in CALENDAR_NAMES)
    return Reported(
        frozenset(_words(sentence, terms)),
        frozenset(_years(sentence)),
        tuple(sentence_figures(sentence, terms)),
        frozenset(terms(named)),
    )


def revised_in_story(
    older: Sequence[Reported], newer: Sequence[Reported], terms: Terms
) -> tuple[Figure, Figure] | None:
    """The figure a newer report of one story gives differently from an older report of it,
    with the older value: (new, old); None when it revises none.

    Reports known to be of one story (a timeline's steps) word a revised figure freely ("the
    fire had burned through about 703 acres", "the fire grew to 2,000 acres Sunday"), so
    they need not share their frame as `changed_between` asks of any two sentences. The same
    figure: the same unit and word counted, a word beside both in common, the same years
    named, and the sentences sharing a word besides the one counted (a sum or a share, which
    names no word counted, needs their frame); of several, the older sentence most like the
    newer one. A value both reports give for that word is a fixed one (a grove of 248 acres
    beside a fire's acres) and is compared with nothing; ages, spans and tallies are never
    revised. A count of persons ("14 people") also needs the same fate in both sentences
    (killed / died) and, where both sentences name places or people, a name in common (a
    crash near Varo is not one near Kell).
    """
    given_by_older = {(f.noun, f.unit, f.value) for r in older for f in r.figures}
    given_by_newer = {(f.noun, f.unit, f.value) for r in newer for f in r.figures}
    fixed = given_by_older & given_by_newer
    fates = [set(terms(line)) for line in _FATES.strip().splitlines()]
    best: tuple[float, Figure, Figure] | None = None
    for mine in (r for r in newer if r.figures):
        for theirs in (r for r in older if r.figures):
            if mine.years != theirs.years:
                continue
            shared = mine.words & theirs.words
            alike = len(shared) / max(len(mine.words | theirs.words), 1)
            if best is not None and alike <= best[0]:
                continue  # the older sentence most like the newer one reports its figure
            persons_alike = _same_fate(mine, theirs, fates) and _same_place(mine, theirs)
            framed = len(shared) >= _SAME_FRAME * len(mine.words | theirs.words)
            for new, old in _pairs(mine.figures, theirs.figures, fixed):
                if new.noun in _PERSONS and not persons_alike:
                    continue
                if not new.noun and not framed:
                    continue  # a sum or a share names nothing counted: only its frame does
                if not shared - set(terms(new.noun)):
                    continue  # only the word counted in common: "248 acres" of a grove
                best = (alike, new, old)
                break
    return (best[1], best[2]) if best else None


def _pairs(
    new_figures: Sequence[Figure],
    old_figures: Sequence[Figure],
    fixed: set[tuple[str, str, Decimal]],
) -> list[tuple[Figure, Figure]]:
    """The (new, old) figures of two sentences that count the same thing with other values."""
    found = []
    for new in new_figures:
        if _span(new.noun) or (new.noun, new.unit, new.value) in fixed:
            continue
        for old in old_figures:
            same = (old.noun, old.unit) == (new.noun, new.unit) and bool(old.counts & new.counts)
            counted = bool(new.noun or new.unit)
            if (
                same
                and counted
                and old.value != new.value
                and (old.noun, old.unit, old.value) not in fixed
            ):
                found.append((new, old))
    return found


def _same_fate(one: Reported, other: Reported, fates: Sequence[set[str]]) -> bool:
    return any(family & one.words and family & other.words for family in fates)


def _same_place(one: Reported, other: Reported) -> bool:
    return not (one.names and other.names) or bool(one.names & other.names)


def changed_figure(
    one: str, other: str, terms: Terms, asked: set[str] | None = None
) -> tuple[Figure, Figure] | None:
    """The figure of `one` that `other` gives differently for the same thing, with its value
    there; None when the two sentences report no such figure."""
    return changed_between(reported(one, terms), reported(other, terms), asked)


def changed_between(
    one: Reported, other: Reported, asked: set[str] | None = None
) -> tuple[Figure, Figure] | None:
    """As `changed_figure`, for sentences read already.

    The same thing: the sentences share their frame (_SAME_FRAME of their words) and name
    the same years; the figures have one unit and a word beside both in common (one the
    question asks about, when `asked` is given); a count of persons needs a name in common
    where both sentences name someone or somewhere.
    """
    if not (one.figures and other.figures):
        return None
    if len(one.words & other.words) < _SAME_FRAME * len(one.words | other.words):
        return None
    if one.years != other.years:
        return None  # "since 2014" and "since the invasion" count different periods
    for mine in one.figures:
        for theirs in other.figures:
            shared = mine.counts & theirs.counts
            if asked is not None:
                shared &= asked
            same = mine.unit == theirs.unit and mine.noun == theirs.noun
            if mine.noun in _PERSONS and not _same_place(one, other):
                continue  # "14 people killed near Varo", "9 people killed near Kell"
            if same and shared and theirs.value != mine.value:
                return mine, theirs
    return None


def revised_answer(chosen: Sequence[Candidate], revision: Revision, max_words: int) -> Answer:
    """Lead with the newer report's sentence, then say what the earlier one gave, and where.

    The note stands as its own cited piece ("Up from 14 people reported on 2024-05-01 [2].")
    so a reader sees at once that the figure changed; the other sentences follow while
    they fit.
    """
    new, old = revision.new.value, revision.old.value
    direction = "Up" if new > old else "Down"
    note = f"{direction} from {revision.old.phrase} reported on {_day(revision.older)}."
    pieces = [revision.newer, replace(revision.older, sentence=note)]
    words = sum(len(p.sentence.split()) for p in pieces)
    older = revision.older.chunk.article_id
    for cand in chosen:
        if cand.sentence in (revision.newer.sentence, revision.older.sentence):
            continue
        if cand.chunk.article_id == older and old in figures(cand.sentence):
            continue  # the earlier figure again (its headline, say): the note has said it
        n = len(cand.sentence.split())
        if words + n <= max_words:
            pieces.append(cand)
            words += n
    answer = cited(pieces)
    # The earlier report is cited for its own sentence, not for the note that names it.
    citations = [
        replace(c, quote=revision.older.sentence) if c.article_id == older else c
        for c in answer.citations
    ]
    return replace(answer, citations=citations)
