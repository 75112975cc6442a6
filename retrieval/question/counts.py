"""Whether a story holds the count a "how many" follow-up asks for, of that thing and act."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from newsbot.retrieval.question.answer_kinds import QUESTION_WORDS, WORD

_HOW_MANY = re.compile(r"\bhow (?P<much>many|much)\b(?P<rest>.*)", re.IGNORECASE)
# The verb that ends what is counted: "how many police | were killed".
_VERB = re.compile(
    r"\b(?:are|were|was|is|did|does|do|have|has|had|will|would|can|could|should|been|be|got)\b",
    re.IGNORECASE,
)
# Words too common to say what was done: "so far", "in total", "get back".
_PLAIN = frozenset(
    (
        *("have", "been", "with", "from", "that", "this", "they", "them", "their", "there"),
        *("than", "then", "also", "still", "ever", "only", "just", "some", "more", "most"),
        *("other", "others", "total", "overall", "already", "about", "into", "over"),
        *("back", "away", "down", "along", "around", "again"),  # "get back", "turn down"
    )
)
# A question asks "did they take", the story says "took": the forms of irregular verbs.
_IRREGULAR = (
    "arise arose arisen|bear bore borne|beat beaten|become became|begin began begun"
    "|bet|bid|bind bound|bite bit bitten|blow blew blown|break broke broken|bring brought"
    "|build built|burn burnt|buy bought|catch caught|choose chose chosen|come came"
    "|cost|cut|deal dealt|dig dug|do did done|draw drew drawn|drink drank drunk"
    "|drive drove driven|eat ate eaten|fall fell fallen|feed fed|feel felt|fight fought"
    "|find found|flee fled|fly flew flown|forbid forbade forbidden|forget forgot forgotten"
    "|freeze froze frozen|get got gotten|give gave given|go went gone|grow grew grown"
    "|hang hung|have had|hear heard|hide hid hidden|hit|hold held|hurt|keep kept|know knew known"
    "|lay laid|lead led|leave left|lend lent|let|lie lay lain|light lit|lose lost|make made"
    "|mean meant|meet met|pay paid|put|quit|read|ride rode ridden|ring rang rung|rise rose risen"
    "|run ran|say said|see saw seen|seek sought|sell sold|send sent|set|shake shook shaken"
    "|shoot shot|show showed shown|shut|sing sang sung|sink sank sunk|sit sat|sleep slept"
    "|speak spoke spoken|spend spent|spread|stand stood|steal stole stolen|stick stuck"
    "|strike struck|swear swore sworn|sweep swept|swim swam swum|take took taken|teach taught"
    "|tear tore torn|tell told|think thought|throw threw thrown|understand understood"
    "|wake woke woken|wear wore worn|win won|withdraw withdrew withdrawn|write wrote written"
)
_FORMS = {form: group.split() for group in _IRREGULAR.split("|") for form in group.split()}
_FIGURE = re.compile(r"[$£€]?\d[\d,.]*(?:%|m|bn|k|s)?")
_NUMBER_WORDS = frozenset(
    (
        *("one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"),
        *("eleven", "twelve", "twenty", "thirty", "forty", "fifty", "hundred", "hundreds"),
        *("thousand", "thousands", "million", "millions", "billion", "dozen", "dozens", "half"),
    )
)
# Things counted that a story may count in other words ("1,524 fatalities" are people).
_ANYONE = ("people", "persons", "individuals", "others")


def asks_how_many(question: str) -> bool:
    """Say whether a question asks "how many" or "how much"."""
    return bool(_HOW_MANY.search(question))


def count_missing(
    question: str, sentences: Iterable[str], terms: Callable[[str], list[str]]
) -> bool:
    """Say whether no sentence of a story gives the count a "how many" question asks for.

    "How many police were killed?" asks for a number of police and for the act: a story
    whose only count of police is of those "trained" does not hold it, nor does one that
    never names what is counted ("How many rebounds did she have?" of a story that counts
    points and assists). The act is the question's plain words after its verb (names are
    the subject, said before); a sentence holds the count when it has a number and one of
    them, in any of their forms ("did it take": "took"). "How many cockroaches?" asks
    nothing more than the number.
    """
    asked = _HOW_MANY.search(question)
    if asked is None:
        return False
    rest = asked["rest"]
    verb = _VERB.search(rest)
    # Without a helping verb the thing counted is the first word: "how many bridges collapsed";
    # "how much went on the book" counts money, and names none.
    if verb:
        split = (verb.start(), verb.end())
    else:
        split = (0, 0) if asked["much"].lower() == "much" else _after_first_word(rest)
    skip = {t for w in QUESTION_WORDS for t in terms(w)}
    counted = set(terms(rest[: split[0]])) - skip
    done = _plain_words(rest[split[1] :])
    act = set(terms(" ".join(form for w in done for form in _FORMS.get(w, [w])))) - skip
    told = [(sentence, set(terms(sentence))) for sentence in sentences]
    if counted and not counted & {t for _, have in told for t in have}:
        anyone = {t for w in _ANYONE for t in terms(w)}
        return not counted <= anyone
    if not act:
        return False
    return not any(act & have and _counts(s) for s, have in told)


def _counts(sentence: str) -> bool:
    """Say whether a sentence holds a count: a figure or a number word, not a name ("BZ4X")."""
    words = WORD.findall(sentence)
    return any(_FIGURE.fullmatch(w.rstrip(".,")) or w.lower() in _NUMBER_WORDS for w in words)


def _after_first_word(text: str) -> tuple[int, int]:
    first = WORD.search(text)
    return (first.end(), first.end()) if first else (len(text), len(text))


def _plain_words(text: str) -> list[str]:
    """Words that say what was done: not names (capitalised), nor short or common words."""
    return [w for w in WORD.findall(text) if w[:1].islower() and len(w) > 3 and w not in _PLAIN]
