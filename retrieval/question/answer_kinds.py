"""What kind of thing a question asks for (a number, a person, a place, a date), and where."""

from __future__ import annotations

import re

from newsbot.core.calendar import (
    MONTH_ABBREVIATIONS,
    MONTH_NAMES,
    WEEKDAY_NAMES,
    WEEKDAY_WORDS,
)

WORD = re.compile(r"[\w'’.-]+")
# How a question is asked, not what it is about: never evidence of a topic.
QUESTION_WORDS = frozenset(
    (
        "how",
        "what",
        "which",
        "who",
        "whom",
        "whose",
        "when",
        "where",
        "why",
        "did",
        "does",
        "do",
        "is",
        "are",
        "was",
        "were",
        "will",
        "would",
        "can",
        "could",
        "should",
        "has",
        "have",
        "had",
        "been",
        "much",
        "many",
        "according",
    )
)

_KINDS: list[tuple[str, re.Pattern[str]]] = [
    # A score or a vote is two numbers ("6-3"); any other number is not the answer.
    (
        "score",
        re.compile(
            r"\bwhat (?:was|is|were) the (?:final )?(?:score|vote|tally|margin)\b"
            r"|\bby what (?:score|margin)\b",
            re.IGNORECASE,
        ),
    ),
    # A rank is an ordinal ("2nd"), not a count.
    (
        "rank",
        re.compile(
            r"\b(?:what|which) (?:rank|ranking|position|place)\b"
            r"|\bwhere (?:did|does|do|will|was|is) \w+(?: \w+)? (?:rank|finish|place)",
            re.IGNORECASE,
        ),
    ),
    (
        "number",
        re.compile(
            r"\bhow (many|much|old|long|far|high|tall|big|large|fast|often|deep|hot|cold|warm"
            r"|heavy|wide|low|small)\b"
            r"|\bwhat (percentage|percent|share|number|amount|age|proportion|price|rate|sum)\b"
            r"|\bwhat (?:was|is|were) the (?:final )?count\b",
            re.IGNORECASE,
        ),
    ),
    ("date", re.compile(r"\bwhen\b|\bwhat (year|date|day|month|decade)\b", re.IGNORECASE)),
    (
        "place",
        re.compile(
            r"\bwhere\b|\b(which|what) (\w+ )?(country|countries|city|cities|state|states|"
            r"continent|nation|region|town|island|park|county|province|capital)\b",
            re.IGNORECASE,
        ),
    ),
    (
        "reason",
        re.compile(
            r"\bwhy\b|\bhow come\b|\bfor what reason\b"
            r"|\bwhat (caused|causes|led to|leads to|prompted|made)\b",
            re.IGNORECASE,
        ),
    ),
    ("name", re.compile(r"\b(who|whom|whose|which|what)\b", re.IGNORECASE)),
]
# Where one sentence of a question ends and the next begins.
# (after a word of three or more small letters, so "Roe v. Wade" and "Mr. Happy" hold).
_SENTENCE_END = re.compile(r"(?:(?<=[a-z]{3}[.!?])|(?<=\d[.!?]))\s+(?=[A-Z“\"])")
_NUMBER_WORDS = (
    "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|"
    "hundred|hundreds|thousand|thousands|million|millions|billion|billions|trillion|dozen|half"
)
_NUMBER = re.compile(rf"\d|\b(?:{_NUMBER_WORDS})\b", re.IGNORECASE)
_SCORE = re.compile(r"\d+[-–]\d+")
_ORDINAL = re.compile(r"\d+(?:st|nd|rd|th)", re.IGNORECASE)
# A month by its first three letters, whatever follows them ("Sept.", "June").
_MONTH_STEMS = "|".join(name[:3].lower() for name in MONTH_NAMES)
_DATE = re.compile(
    rf"\b(1[89]\d\d|20\d\d)\b|\b({_MONTH_STEMS})[a-z]*\.? \d|\b({WEEKDAY_WORDS})\b",
    re.IGNORECASE,
)

# Words that give a cause or a purpose, where the answer to "why" sits.
_REASON_WORDS = frozenset(
    {
        *("because", "due", "owing", "caused", "cause", "causes", "reason", "reasons", "blamed"),
        *("amid", "following", "after", "since", "response", "protest", "result", "aimed"),
        *("part", "effort", "bid", "hope", "hopes", "intended", "meant", "order"),
    }
)
_REASON = re.compile(
    r"\b(?:because|due to|owing to|as a result|in order to|so that|so as to|caused by|"
    r"the cause|reasons?|blamed|amid|in response to|in protest|following|after|since|"
    r"aimed at|to protest|as part of|in an effort to|in a bid to|in hopes? (?:of|to)|"
    r"intended to|meant to)\b",
    re.IGNORECASE,
)

# Words after "to" that begin a place or a thing, not a purpose ("to the UK").
_NOT_VERBS = frozenset(
    ("the", "a", "an", "his", "her", "their", "its", "our", "my", "this", "that")
)

# One word of a date: a year, or a month or weekday by its capitalised name ("may" is a verb).
_MONTH_FORMS = "|".join(
    [*MONTH_NAMES, *(short.capitalize() for shorts in MONTH_ABBREVIATIONS for short in shorts)]
)
_DATE_WORD = re.compile(
    rf"^\W*(?:1[89]\d\d|20\d\d|(?:{_MONTH_FORMS})\.?|{'|'.join(WEEKDAY_NAMES)})\W*$"
)


def answer_kind(question: str) -> str | None:
    """Name the kind of answer a question wants, or None when it does not say.

    The question is its last sentence ("When she died, the Queen left four dogs. Who will
    take care of them?"). "What was the score" asks for a score, "what rank" for a rank and
    "how many" and its kin for a number, wherever they stand; otherwise the
    first question word counts, since a later "when" or "which" often opens a clause:
    "from which country ... when he was eight" asks for a place.
    """
    sentences = [s for s in _SENTENCE_END.split(question) if s.strip()]
    asked = sentences[-1] if sentences else question
    found = [(m.start(), i, kind) for i, (kind, p) in enumerate(_KINDS) if (m := p.search(asked))]
    for counted in ("score", "rank", "number"):
        if any(kind == counted for *_, kind in found):
            return counted
    return min(found)[2] if found else None


def _new_words(sentence: str, question_words: set[str]) -> list[str]:
    """Words of a sentence, after its first, that the question does not contain."""
    words = WORD.findall(sentence)[1:]
    return [w for w in words if w.lower().strip(".'’") not in question_words]


def anchor_words(question: str) -> list[str]:
    """Names and numbers of a question: capitalised words after the first, and digits."""
    words = WORD.findall(question)
    return [
        w for i, w in enumerate(words) if (i and w[:1].isupper()) or any(c.isdigit() for c in w)
    ]


def dates_named(text: str) -> list[str]:
    """The words of a text that name a day, a month or a year ("Thursday", "2021")."""
    return [w for w in WORD.findall(text) if _DATE_WORD.search(w)]


def is_kind_word(word: str, kind: str, question_words: set[str]) -> bool:
    """Say whether one word could be (part of) an answer of that kind the question lacks."""
    word = word.strip(".,;:!?'’\"“”‘()[]")
    if word.lower() in question_words:
        return False
    if kind == "number":
        return bool(_NUMBER.search(word))
    if kind == "score":
        return bool(_SCORE.fullmatch(word))
    if kind == "rank":
        return bool(_ORDINAL.fullmatch(word))
    if kind == "date":
        return bool(_DATE_WORD.search(word))
    if kind == "reason":
        return word.lower() in _REASON_WORDS
    return word[:1].isupper() and len(word) > 1


def _purpose(sentence: str, question_words: set[str]) -> bool:
    """Say whether a purpose follows what the question names: "he moved to Kabul to see"."""
    words: list[str] = WORD.findall(sentence)
    return any(
        len(before) > 3
        and before.lower().strip(".'’") in question_words
        and to == "to"
        and verb.islower()
        and verb not in _NOT_VERBS
        for before, to, verb in zip(words, words[1:], words[2:], strict=False)
    )


def holds_kind(sentence: str, kind: str, question_words: set[str]) -> bool:
    """Say whether a sentence holds something of that kind the question does not already say."""
    if kind == "date":  # a date may take two words ("May 14")
        return bool(_DATE.search(" ".join(_new_words(sentence, question_words))))
    if kind == "reason":  # a cause may take two words ("due to")
        new = " ".join(_new_words(sentence, question_words))
        return bool(_REASON.search(new)) or _purpose(sentence, question_words)
    # Not the first word: a capital there only starts the sentence.
    return any(is_kind_word(w, kind, question_words) for w in WORD.findall(sentence)[1:])
