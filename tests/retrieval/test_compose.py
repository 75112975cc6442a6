"""The extractive composer's small parts: what a question asks for, and how a long sentence
is cut without losing it."""

from __future__ import annotations

import pytest

from newsbot.retrieval.answer_kinds import WORD, answer_kind, is_kind_word
from newsbot.retrieval.compose import shorten


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("How many ferries does Gull Bay run?", "number"),
        ("When will the bridge open?", "date"),
        ("Which country bought the ferries?", "place"),
        ("Who runs the harbour authority?", "name"),
        ("The ferries are:", None),
        # The last sentence is the question; its first question word counts.
        ("When she retired, the mayor left two dogs. Who will care for them?", "name"),
        ("He was sent from which country to the UK when he was eight?", "place"),
        # "How many" always asks for a number, even after a clause's "which".
        ("After a search during which police got how many calls?", "number"),
        # Abbreviations do not end the question's sentence.
        ("What share of adults backed Roe v. Wade?", "number"),
    ],
)
def test_answer_kind(question, kind):
    assert answer_kind(question) == kind


def test_a_cut_sentence_keeps_the_number_next_to_the_question_words():
    question = "How many fires have there been in England and Wales since the start of the year?"
    sentence = (
        "Officials said on Tuesday that 420 fires had burned across England and Wales since "
        "the start of the year, far more than they had expected when the season began, "
        "as in 2019."
    )
    q_words = {w.lower() for w in WORD.findall(question)}
    focus_words = {"fires", "england", "wales", "start", "year"}

    def focus(word: str) -> bool:
        return word.lower().strip(",.") in focus_words

    def keep(word: str) -> bool:
        return is_kind_word(word, "number", q_words)

    cut = shorten(sentence, focus, 12, keep)
    assert cut == "… 420 fires had burned across England and Wales since the start of …"
    # Without the kind of answer to keep, the window centres on the question's words.
    assert "420" not in shorten(sentence, focus, 12)
