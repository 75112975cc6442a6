"""The extractive composer's small parts: what a question asks for, and how a long sentence
is cut without losing it."""

from __future__ import annotations

import pytest

from newsbot.core.sentences import split_sentences
from newsbot.core.tokenizer import Tokenizer
from newsbot.core.types import Chunk
from newsbot.retrieval.answer.extractive import ExtractiveComposer, answer_first
from newsbot.retrieval.answer.quotes import Candidate, shorten
from newsbot.retrieval.question.answer_kinds import (
    WORD,
    answer_kind,
    dates_named,
    holds_kind,
    is_kind_word,
)
from newsbot.retrieval.search.hybrid import Hit


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
        # A score or a vote is two numbers, a rank an ordinal.
        ("What was the final score?", "score"),
        ("What was the vote on the budget?", "score"),
        ("What rank did the school reach?", "rank"),
        ("How hot did it get in Kessler Valley?", "number"),
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


def test_a_score_is_two_numbers_and_a_rank_an_ordinal():
    assert is_kind_word("2-1", "score", set()) and not is_kind_word("11,400", "score", set())
    assert is_kind_word("2nd", "rank", set()) and not is_kind_word("2021", "rank", set())


def test_a_reason_may_be_a_purpose():
    words = {w.lower() for w in WORD.findall("Why did the team move to Kessler Valley?")}
    assert holds_kind("They moved to Kessler Valley to train at altitude.", "reason", words)
    assert holds_kind("It paid them as part of a study.", "reason", words)
    # "to" before a place or a thing is no purpose.
    assert not holds_kind("They moved to Kessler Valley to the north.", "reason", words)


def test_a_sentence_quoted_again_is_cut_from_the_new_answer():
    sentence = (
        "The family of the new chairman of the board emigrated to the country from East "
        "Africa in the 1970s, the mayor said."
    )
    q_words = {w.lower() for w in WORD.findall("Where did the chairman's family emigrate from?")}

    def focus(word: str) -> bool:
        return word.lower().strip(",.") in {"family", "chairman", "emigrated"}

    def keep(word: str) -> bool:
        return is_kind_word(word, "place", q_words)

    # The window holds the whole answer, from just before its first word.
    cut = shorten(sentence, focus, 8, keep, from_answer=True)
    assert "East Africa" in cut
    assert cut.startswith("… country from East")


def test_the_days_and_years_a_question_names():
    assert dates_named("How big was the fire on Thursday, and in May 2021?") == [
        "Thursday",
        "May",
        "2021",
    ]
    assert dates_named("What may happen this week?") == []


def _hit(article: str, title: str, text: str, rank_score: float = 0.5) -> Hit:
    chunk = Chunk(f"{article}:0", article, text, 0, {"title": title, "article_id": article})
    return Hit(chunk=chunk, score=rank_score, dense=0.5)


def _composer() -> ExtractiveComposer:
    return ExtractiveComposer(terms=Tokenizer(), split=split_sentences)


def test_a_headline_that_holds_no_answer_comes_after_the_sentence_that_does():
    hit = _hit(
        "ferries",
        "Harbor City ferry project cost revealed by council",
        "Council papers show the ferry project cost $38.5 million, paid by the city. "
        "The ferries carry commuters across Gull Bay every morning.",
    )
    answer = _composer().compose("How much did the Harbor City ferry project cost?", [hit])
    assert not answer.refused
    assert answer.text.startswith("Council papers show the ferry project cost $38.5 million")


def test_a_headline_that_holds_the_answer_may_come_first():
    first, _ = answer_first(
        [
            Candidate(
                "Ferries cost $38.5 million", 0, _hit("a", "t", "x").chunk, 2.0, 0, 0, True, True
            ),
            Candidate("The city paid 12 builders", 0, _hit("a", "t", "x").chunk, 1.0, 0, 0, True),
        ]
    )
    assert first.sentence == "Ferries cost $38.5 million"
    plain = answer_first(
        [
            Candidate("Ferry project cost revealed", 0, _hit("a", "t", "x").chunk, 2.0, title=True),
            Candidate("It cost $38.5 million", 0, _hit("a", "t", "x").chunk, 1.0, answers=True),
        ]
    )
    assert plain[0].sentence == "It cost $38.5 million"


def test_an_article_about_something_else_adds_nothing_to_the_answer():
    other = _hit(
        "drone",
        "Drone project cost: maker tests deliveries",
        "The city drone project cost $95,000 per aircraft to build, and the project cost more "
        "than planned.",
    )
    ferries = _hit(
        "ferries",
        "Harbor City ferry project",
        "The Harbor City ferry project cost $38.5 million, including both vessels. "
        "The ferry project was approved by the Harbor City council in 2021.",
    )
    question = "How much did the Harbor City ferry project cost?"
    answer = _composer().compose(question, [other, ferries])
    assert not answer.refused
    # The drone article shares "city", "project" and "cost", but not what the question is about.
    assert [c.article_id for c in answer.citations] == ["ferries"]
    assert "drone" not in answer.text.lower()


def test_a_quoted_headline_is_marked_as_a_title_not_passed_off_as_a_sentence():
    hit = _hit(
        "cup",
        "Valley United Win First Regional Cup With Late Penalty",
        "Midfielder Kofi Adjei-Brandt scored the winning penalty in the 88th minute. "
        "Valley United fans celebrated the regional cup win late into the night.",
    )
    answer = _composer().compose("Who scored the winning penalty for Valley United?", [hit])
    headline = "Valley United Win First Regional Cup With Late Penalty"
    assert "Midfielder Kofi Adjei-Brandt scored the winning penalty" in answer.text
    assert answer.text.count(headline) == answer.text.count(f"“{headline}” [1]") == 1


def test_a_story_s_first_sentence_is_quoted_without_its_dateline():
    hit = _hit(
        "nato",
        "NATO invites two countries",
        "Madrid CNN — NATO formalized its invitation to Sweden and Finland on Wednesday. "
        "The alliance met in Madrid.",
    )
    answer = _composer().compose("Which two countries did NATO invite to join?", [hit])
    assert answer.text.startswith("NATO formalized its invitation to Sweden and Finland")
    assert "CNN —" not in answer.text
    assert "Madrid CNN —" in answer.citations[0].quote  # the source keeps the article's words


def test_a_heading_inside_the_text_is_never_quoted_as_a_sentence():
    # Chunks keep a heading a paragraph of its own (ingest/chunking.py); a link to another
    # story ("TIMELINE: ...") names the question's words and answers nothing.
    hit = _hit(
        "ferries",
        "Harbor news",
        "The council met on Monday to hear residents about the harbor budget.\n\n"
        "TIMELINE: When the Gull Bay ferries stopped running\n\n"
        "Ferry service across Gull Bay will resume in June after a two-year pause, officials said.",
    )
    answer = _composer().compose("When did the Gull Bay ferries stop running?", [hit])
    assert answer.text.startswith("Ferry service across Gull Bay will resume in June")
    assert "TIMELINE" not in answer.text
