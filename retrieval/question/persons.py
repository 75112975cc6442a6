"""Who a follow-up's "he" or "she" means: the person the conversation is about, by name."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from newsbot.core.types import Turn
from newsbot.retrieval.question.followups import (
    answered_name,
    condense,
    looks_like_headline,
    names_something,
    split_answer,
)

_PERSONAL = re.compile(r"\b(?:he|him|his|she|her|hers)\b", re.IGNORECASE)
# "her" before one of these is an object ("Who beat her in the final?"), not a possessive.
_AFTER_OBJECT = frozenset(
    (
        *("to", "in", "on", "at", "for", "with", "from", "about", "and", "or", "as", "by"),
        *("into", "over", "after", "before", "during", "since", "up", "out", "off", "back"),
        *("down", "first", "last", "most", "again", "yet", "so", "then", "there", "now"),
    )
)
_PUNCT = "…\"'“”‘’()[],;:!?"
# A word of a name: "Gronkowski", "Adjei-Brandt", "O’Neill", "E.", "Jr.", "III".
_NAME = re.compile(r"[A-Z][A-Za-z'’-]*\.?")
_SUFFIXES = frozenset(("Jr", "Sr", "II", "III", "IV"))
# What follows a surname used alone: a verb of saying or being, an age, a possessive.
_AS_PERSON = re.compile(
    r"['’]s\b|,\s\d{1,3},|\s(?:said|says|told|tells|was|is|has|had|will|would|who|added"
    r"|wrote|announced|noted|explained|argued|also|later|previously|became|died|won)\b"
)
_PERSON_ASKS = re.compile(r"^\W*(?:and\s+|so\s+)?(?:who|whom|whose)\b", re.IGNORECASE)
# Capitalised words that begin a sentence or a title rather than a name.
_NOT_NAMES = frozenset(
    (
        *("a", "an", "the", "he", "she", "it", "they", "we", "i", "his", "her", "its", "their"),
        *("this", "that", "these", "those", "but", "and", "or", "so", "if", "in", "on", "at"),
        *("as", "by", "for", "to", "of", "with", "after", "before", "when", "while", "cnn"),
    )
)


def person_meant(
    question: str, history: Sequence[Turn], story: Callable[[Sequence[str]], str]
) -> str:
    """The name a follow-up's "he" or "she" stands for, or "" when that is not clear.

    After "Who ...?" it is who answered it: the name the answer gave beside the question's
    words, or else the first person the answer names (by name or by surname: "Truss, 47,
    became ...") whom no question named. Otherwise (after "Which tight end ...?", or "Who
    beat them?" answered by a team) it is the person the story is about: of the people the
    conversation named, the one the story (the articles it cited, as `story` gives their
    text) names most. A person is a name of two to four words whose last word is also
    used alone, as news writes a surname (see `is_person`).
    """
    if not history or names_something(question) or not _PERSONAL.search(question):
        return ""
    cited = list(dict.fromkeys(aid for turn in reversed(history) for aid in turn.articles))
    text = " ".join([story(cited), *(f"{t.question} {t.answer}" for t in history)])
    # The user's own spelling of a name first ("King Charles III", not a caption's words).
    named = [run for turn in reversed(history) for run in _name_runs(turn.question)]
    named += [run for turn in reversed(history) for run in _answer_runs(turn.answer)]
    people = [n for n in dict.fromkeys(named) if is_person(n, text)]
    if not people:
        return ""
    last = history[-1]
    if _PERSON_ASKS.match(last.question):
        answered = answered_name(last, condense(last.question, history[:-1]))
        if is_person(answered, text):
            return answered
        # Whoever answers "who" is someone the questions have not named yet.
        asked = {w for turn in history for run in _name_runs(turn.question) for w in run.split()}
        pieces = [p for p in split_answer(last.answer) if not looks_like_headline(p)]
        for word in (w.strip(_PUNCT) for piece in pieces for w in piece.split()):
            found = [p for p in people if word in p.split() and not asked & set(p.split())]
            if word[:1].isupper() and found:
                return found[0]
    return max(people, key=lambda n: (mentions(n, text), -people.index(n)))


def with_person(question: str, name: str) -> str:
    """The question with its first "he", "him", "his" or "her" replaced by the person's name.

    A later one is left as it is: "How old was Charles when he became heir?"
    """
    if not name:
        return question
    words = question.split(" ")
    for i, word in enumerate(words):
        bare = word.strip("?!.,;:").lower()
        if bare not in ("he", "him", "his", "she", "her", "hers"):
            continue
        tail = word[len(word.rstrip("?!.,;:")) :]
        following = words[i + 1].strip("?!.,;:").lower() if i + 1 < len(words) else ""
        possessive = bare in ("his", "hers") or (
            bare == "her" and bool(following) and following not in _AFTER_OBJECT
        )
        words[i] = f"{name}'s{tail}" if possessive else f"{name}{tail}"
        break
    return " ".join(words)


def is_person(name: str, text: str) -> bool:
    """Say whether a name is a person's, as news writes one.

    Two to four capitalised words, the last of which the text also uses alone the way news
    uses a surname: "Gronkowski, 33,", "Truss said", "Bird's career"; never after "the"
    (the Aces, the Storm) nor as in "the Fourth of July" or "City officials".
    """
    words = name.split()
    if not 2 <= len(words) <= 4 or words[0].lower() in _NOT_NAMES:
        return False
    if not all(_NAME.fullmatch(word) for word in words):
        return False
    surname = _surname(words)
    for found in re.finditer(rf"(?<![\w'’-]){re.escape(surname)}(?![\w-])", text):
        before = text[: found.start()].split()[-1:]
        previous = before[0].strip("\"'“”‘’(") if before else ""
        if previous.lower() == "the" or previous in words[:-1]:
            continue
        if _AS_PERSON.match(text, found.end()):
            return True
    return False


def mentions(name: str, text: str) -> int:
    """How often a text names someone, by surname."""
    surname = _surname(name.split())
    return len(re.findall(rf"(?<![\w'’-]){re.escape(surname)}(?![\w-])", text))


def _surname(words: Sequence[str]) -> str:
    """The last word of a name that is not "Jr." or "III"."""
    named = [w for w in words if w.rstrip(".") not in _SUFFIXES] or list(words)
    return named[-1].rstrip(".") if len(named[-1]) > 2 else named[-1]


def _answer_runs(answer: str) -> list[str]:
    return [run for piece in split_answer(answer) for run in _name_runs(piece)]


def _name_runs(text: str) -> list[str]:
    """Runs of capitalised words in a text; its first word only if a capitalised word follows.

    A comma, a possessive or a slash ends a run: "Rob Gronkowski, a tight end" holds one
    name, and "Britain's King Charles" two.
    """
    runs = []
    run: list[str] = []
    words = text.split()
    for i, raw in enumerate([*words, ""]):
        word = raw.strip(_PUNCT)
        ends = raw.rstrip("\"'”’)").endswith((",", ";", ":")) or word.endswith(("'s", "’s"))
        word = word.removesuffix("'s").removesuffix("’s")
        if len(word) > 4:
            word = word.rstrip(".")  # a sentence's end, not an initial's ("Jr.")
        # A first word is a name's only when a capitalised word follows ("Liz Truss met").
        starts = i > 0 or _NAME.fullmatch(words[1].strip(_PUNCT) if len(words) > 1 else "")
        if starts and word[:1].isupper() and word.lower() not in _NOT_NAMES and "/" not in word:
            run.append(word)
            if ends:
                runs.append(" ".join(run))
                run = []
            continue
        if run:
            runs.append(" ".join(run))
        run = []
    return runs
