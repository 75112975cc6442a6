"""Follow-up questions ("What did they agree on?") read in the light of the earlier turns."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from newsbot.retrieval.answer_kinds import answer_kind
from newsbot.retrieval.types import Turn

# Words that lean on an earlier turn: "What did they agree on?", "When was that?"
_ANAPHORA = re.compile(
    r"\b(they|them|their|theirs|it|its|that|this|those|these|he|him|his|she|her|there|then|"
    r"the same|the deal|the agreement|the company|the country|the city|the team|the project|"
    r"the plan|the law|the bill|the event)\b",
    re.IGNORECASE,
)
# A short question with none of these is a new topic only if it names something itself.
_SHORT = 6
# "Tell me more", "go on", "anything else?": the next facts about the same thing.
_MORE = re.compile(
    r"^\W*(?:(?:ok|okay|thanks|and|so)\W+)?(?:please\W+)?"
    r"(?:tell me more|more|go on|continue|keep going|what else|anything else|and then"
    r"|(?:any |more |further )?(?:details|info|information))"
    r"(?:\s+(?:about|on)\s+(?:it|that|this|them|him|her|the \w+))?"
    r"(?:\W+please)?\W*$",
    re.IGNORECASE,
)
# An elliptical question asks what the earlier one asked, of something else: "And for diesel?"
_ELLIPSIS = re.compile(r"^\W*(?:and|what about|how about)\b", re.IGNORECASE)
_ASKS = re.compile(r"\b(?:who|whom|whose|what|when|where|which|why|how)\b", re.IGNORECASE)
_MARKER = re.compile(r"\s*\[\d+\]\s*")
_ELLIPSIS_MARK = re.compile(r"…|\.\.\.")


def leans_on_history(question: str) -> bool:
    """Say whether a question needs an earlier turn to be understood."""
    if _ANAPHORA.search(question) or is_elliptical(question) or asks_for_more(question):
        return True
    return len(question.split()) <= _SHORT and not names_something(question)


def names_something(question: str) -> bool:
    """Say whether a question names a thing of its own: a capitalised word past the first, or
    a word with a digit in it ("What can the XR-17 drone carry?")."""
    words = [w.strip("?!.,;:\"'()") for w in question.split()[1:]]
    return any(w[:1].isupper() or any(c.isdigit() for c in w) for w in words if w)


def asks_for_more(question: str) -> bool:
    """Say whether a question only asks for more about what was discussed ("tell me more")."""
    return bool(_MORE.match(question))


def is_elliptical(question: str) -> bool:
    """Say whether a question repeats the earlier one's ask of something new ("And for X?").

    "And when did they start?" asks a question of its own: a question word after the opener
    makes it an ordinary follow-up.
    """
    return bool(_ELLIPSIS.match(question)) and not _ASKS.search(without_ellipsis(question))


def without_ellipsis(question: str) -> str:
    """What an elliptical question asks itself, without its "and"/"what about" opener."""
    return _ELLIPSIS.sub("", question, count=1)


def condense(question: str, history: Sequence[Turn]) -> str:
    """Prefix a follow-up with the (itself condensed) earlier question it leans on."""
    if not history or not leans_on_history(question):
        return question
    earlier = condense(history[-1].question, history[:-1])
    if asks_for_more(question):
        return earlier  # "tell me more" names nothing to search for but the earlier topic
    return f"{earlier} {question}"


def fold(text: str) -> str:
    """Lower case with the quoting marks and spacing of an answer folded away, for matching."""
    text = _ELLIPSIS_MARK.sub(" ", _MARKER.sub(" ", text))
    return " ".join(text.lower().split())


def shown_pieces(history: Iterable[Turn], min_words: int = 4) -> list[str]:
    """The sentences (or cut pieces of them) the earlier answers quoted, folded."""
    pieces = []
    for turn in history:
        for piece in _MARKER.split(turn.answer):
            folded = fold(piece)
            if len(folded.split()) >= min_words:
                pieces.append(folded)
    return pieces


def was_shown(sentence: str, pieces: Sequence[str]) -> bool:
    """Say whether an earlier answer quoted this sentence, whole or cut."""
    folded = fold(sentence)
    return any(piece in folded or folded in piece for piece in pieces)


def asked_kinds(sentence: str, history: Iterable[Turn]) -> set[str | None]:
    """The kinds of answer asked for by the earlier turns whose answers quoted this sentence.

    Words of another kind in a quoted sentence were not what those turns answered with, so
    they may answer a new question without repeating an earlier answer.
    """
    turns = list(history)
    return {
        turn_kind(turn.question, turns[:i])
        for i, turn in enumerate(turns)
        if was_shown(sentence, shown_pieces([turn]))
    }


def turn_kind(question: str, history: Sequence[Turn]) -> str | None:
    """The kind of answer a turn asked for; an elliptical one asks what the turn before did."""
    if is_elliptical(question):
        question = without_ellipsis(question)
    kind = answer_kind(question)
    if kind is None and history and leans_on_history(question):
        return turn_kind(history[-1].question, history[:-1])
    return kind


def without_repeats(question: str, history: Sequence[Turn]) -> list[Turn]:
    """Drop earlier turns that asked this very question: asked again, it is answered in full."""
    asked = question.casefold().split()
    return [turn for turn in history if turn.question.casefold().split() != asked]
