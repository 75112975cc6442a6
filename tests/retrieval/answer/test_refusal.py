"""Questions the news cannot answer are refused, with the closest sources offered."""

from __future__ import annotations

import re

import pytest

from newsbot.retrieval.answer.extractive import REFUSAL

pytestmark = pytest.mark.model  # every test here loads the real embedding model


@pytest.mark.parametrize(
    "question",
    [
        "What is the best way to grow tomatoes on a balcony?",
        "Who won the Eurovision Song Contest in 2025?",
        "How long should I boil an egg to get a soft yolk?",
    ],
)
def test_off_topic_questions_are_refused_with_closest_sources(samples_newsbot, question):
    answer = samples_newsbot.answer(question)
    assert answer.refused
    assert answer.text == REFUSAL
    assert not re.search(r"\[\d+\]", answer.text), "a refusal must not quote anything"
    assert 1 <= len(answer.citations) <= 3
    assert answer.note and "closest" in answer.note


def test_a_covered_question_is_not_refused(samples_newsbot):
    answer = samples_newsbot.answer("Who is the founder of Quillfeather Aeronautics?")
    assert not answer.refused
    assert "Ottoline Brackenridge" in answer.text


def test_an_answer_body_stays_short_and_every_sentence_is_cited(samples_newsbot):
    answer = samples_newsbot.answer("How many passengers did the electric ferries carry?")
    assert not answer.refused
    body = re.sub(r"\s*\[\d+\]", "", answer.text)
    assert len(body.split()) <= 75
    pieces = [p for p in re.split(r"\[\d+\]", answer.text) if p.strip()]
    assert len(pieces) == len(re.findall(r"\[\d+\]", answer.text))
    numbers = [int(n) for n in re.findall(r"\[(\d+)\]", answer.text)]
    # Sources are numbered in order of first citation.
    assert sorted(set(numbers)) == list(range(1, max(numbers) + 1))
    assert numbers[0] == 1


def test_a_role_asked_of_that_no_sentence_names_is_refused(samples_newsbot):
    # The clinic article names no head of the health department; "clinics run on Saturdays"
    # is no one's name beside a role.
    answer = samples_newsbot.answer("Who heads the Dorrance County health department?")
    assert answer.refused and answer.text == REFUSAL
