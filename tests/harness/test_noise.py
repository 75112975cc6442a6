"""Noisy question copies: each kind on handwritten questions, and the copies' ids and fields."""

from __future__ import annotations

import random
import re

import pytest

from newsbot.harness.noise import (
    KINDS,
    british,
    count_by_kind,
    dehyphen,
    greeting,
    lowercase,
    noisy_copies,
    numbered,
    preamble,
    thanks,
    typo,
)

PROBE = "What did the XR-17 probe find near Harbor City?"
ROWS = [
    {
        "id": "q1",
        "question": PROBE,
        "asked_on": "2022-06-20",
        "answer": "ice",
        "gold_urls": ["https://example.org/xr17"],
    },
    {
        "id": "q2",
        "question": "Who won the spelling bee on Thursday?",
        "asked_on": "2022-06-21",
        "answer": "Harini Logan",
        "gold_urls": [],
    },
]


def rng(n: int = 0) -> random.Random:
    return random.Random(n)


def test_greeting_opens_with_a_greeting_and_lowercases_only_a_question_word():
    seen = {greeting(PROBE, rng(n)) for n in range(40)}
    assert any("newsbot" in q for q in seen if q)
    assert all(q and q.endswith("what did the XR-17 probe find near Harbor City?") for q in seen)
    named = greeting("Joey Chestnut won again. How many franks?", rng())
    assert named and named.endswith("Joey Chestnut won again. How many franks?")


def test_numbered_prefixes_a_list_number():
    prefixes = {str(numbered(PROBE, rng(n))).removesuffix(PROBE) for n in range(60)}
    assert all(re.fullmatch(r"Q\d: |\d\) |Question \d - ", p) for p in prefixes)
    assert len({p[0] for p in prefixes}) > 1


def test_typo_changes_one_inner_letter_of_the_longest_word():
    question = "Which organisation audited the budget?"
    for n in range(30):
        noisy = typo(question, rng(n))
        assert noisy and noisy != question
        word = noisy.split()[1]
        assert word[0] == "o" and word[-1] == "n"
        assert abs(len(word) - len("organisation")) <= 1
        assert noisy.split()[0] == "Which" and noisy.split()[2:] == question.split()[2:]
    assert typo("Who is he?", rng()) is None


def test_typo_is_deterministic_per_seed():
    assert typo(PROBE, rng(7)) == typo(PROBE, rng(7))


def test_dehyphen_joins_hyphenated_tokens_but_not_scores():
    assert dehyphen(PROBE, rng()) == "What did the XR17 probe find near Harbor City?"
    assert dehyphen("Who led the counter-terror unit?", rng()) == "Who led the counterterror unit?"
    assert dehyphen("Who won 8-0 on Monday?", rng()) is None
    assert dehyphen("Who won on Monday?", rng()) is None


def test_british_respells_listed_words_keeping_case():
    assert british(PROBE, rng()) == "What did the XR-17 probe find near Harbour City?"
    assert (
        british("Which organization will recognize the color of the defense program?", rng())
        == "Which organisation will recognise the colour of the defence programme?"
    )
    assert british("Who centered the CENTER?", rng()) == "Who centred the CENTRE?"
    assert british("Who won the race?", rng()) is None


def test_preamble_thanks_and_lowercase():
    wrapped = preamble(PROBE, rng())
    assert wrapped and PROBE in wrapped and wrapped.index(PROBE) > 0
    assert not wrapped.endswith(PROBE)
    thanked = thanks(PROBE, rng())
    assert thanked and thanked.startswith(PROBE + " ") and "thank" in thanked.lower()
    assert lowercase(PROBE, rng()) == "what did the xr-17 probe find near harbor city"


def test_noisy_copies_suffix_ids_tag_the_kind_and_keep_other_fields():
    copies = list(noisy_copies(ROWS, list(KINDS)))
    by_id = {c["id"]: c for c in copies}
    assert by_id["q1-clean"]["question"] == PROBE
    assert by_id["q1-dehyphen"]["noise"] == "dehyphen"
    assert by_id["q1-typo"]["gold_urls"] == ["https://example.org/xr17"]
    assert by_id["q1-typo"]["asked_on"] == "2022-06-20"
    # q2 has no hyphen and no American spelling: those kinds skip it.
    assert "q2-dehyphen" not in by_id and "q2-british" not in by_id
    counts = count_by_kind(copies)
    assert counts["clean"] == 2 and counts["dehyphen"] == 1 and counts["british"] == 1
    assert ROWS[0]["id"] == "q1" and "noise" not in ROWS[0]


def test_noisy_copies_are_deterministic_and_seeded():
    first = list(noisy_copies(ROWS, ["typo", "greeting"], seed=3))
    assert first == list(noisy_copies(ROWS, ["typo", "greeting"], seed=3))
    alone = list(noisy_copies(ROWS[:1], ["typo"], seed=3))
    assert alone[0] == first[0]
    others = [list(noisy_copies(ROWS, ["typo", "greeting"], seed=s)) for s in range(4, 10)]
    assert any(o != first for o in others)


def test_noisy_copies_rejects_an_unknown_kind():
    with pytest.raises(ValueError, match="unknown noise kind"):
        list(noisy_copies(ROWS, ["shouting"]))
