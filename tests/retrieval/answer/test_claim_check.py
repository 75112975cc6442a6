"""The support check on its own: figures, names, words and links against a passage."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from newsbot.retrieval.answer.claim_check import (
    Evidence,
    keep_supported,
    names,
    remove_links,
    verdict,
)
from newsbot.retrieval.answer.figures import compounds, figures

DRONE = """Quillfeather Aeronautics Tests XR-17 Drone for Island Medical Deliveries
Quillfeather Aeronautics flew its XR-17 fixed-wing drone on 40 round trips between a launch
site behind Port Esker Hospital and the island's small health clinic during October.
The XR-17 has a wingspan of 3.2 meters and can carry up to 4.5 kilograms in a
temperature-controlled pod. Company founder Ottoline Brackenridge said the aircraft flew in
winds of up to 45 kilometers per hour without a missed delivery. Two flights were postponed
because of fog. The trial is funded by a $1.4 million regional health innovation grant.
By a 3-2 vote, the council backed the waiver, which runs until March 31, 2024."""
EVIDENCE = Evidence.of(DRONE, date(2023, 11, 9))


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("$9.7 million", "9700000"),
        ("9.7m dollars", "9700000"),
        ("9,700,000", "9700000"),
        ("$5bn", "5000000000"),
        ("five", "5"),
        ("Twenty-five", "25"),
        ("two million", "2000000"),
        ("the 5th", "5"),
    ],
)
def test_figures_written_any_way_are_one_value(text, value):
    assert figures(text) == [Decimal(value).normalize()]


def test_one_as_a_pronoun_and_metres_are_not_figures_of_millions():
    assert figures("one of the boats") == []
    assert figures("10 m") == [Decimal(10)]
    assert compounds("a 3-2 vote at 9:30, open 24/7") == ["3-2", "9:30", "24/7"]
    # A number inside a name is no count: "Covid-19" states no 19.
    assert compounds("the XR-17 and Covid-19") == ["xr-17", "covid-19"]
    assert figures("the XR-17 and Covid-19") == []


@pytest.mark.parametrize(
    "sentence",
    [
        "The XR-17 can carry up to 4.5 kilograms [1].",
        "Reportedly, the trial is funded by a 1.4m dollar grant [1].",
        "The drone made forty round trips during October [1].",
        "Two flights were postponed because of fog [1].",
        "The waiver runs until March 31, 2024 [1].",
        "The council backed the waiver by a 3-2 vote [1].",
        "In November 2023 the drone was being tested [1].",  # the publication date
    ],
)
def test_supported_sentences_stand(sentence):
    assert verdict(sentence, EVIDENCE).supported, verdict(sentence, EVIDENCE)


@pytest.mark.parametrize(
    ("sentence", "why"),
    [
        ("The XR-17 can carry up to 5.4 kilograms [1].", "figure 5.4 is not"),
        ("The trial is funded by a $14 million grant [1].", "figure 14000000 is not"),
        # 45 is in the passage, but it counts kilometres per hour, not the payload.
        ("The XR-17 can carry up to 45 kilograms [1].", "figure 45 is about something else"),
        ("The council backed the waiver by a 2-2 vote [1].", "figure 2-2 is not"),
        ("The XR-18 can carry up to 4.5 kilograms [1].", "figure xr-18 is not"),
        ("Boeing flew the XR-17 on 40 round trips [1].", "name 'boeing'"),
        ("The drone flew to Port Esker Airport [1].", "name 'airport'"),
        ("The admin token is 123456:TESTTOKEN [1].", "figure 123456"),
        ("The drone cures cancer in dogs and cats [1].", "of its words"),
        ("In November 2022 the drone was being tested [1].", "figure 2022"),
        # 40 trips told as 45 trips: 45 is in the passage once, for the winds only.
        ("It flew 45 trips in winds of up to 45 kilometers per hour [1].", "more often"),
    ],
)
def test_unsupported_sentences_fall_with_a_reason(sentence, why):
    result = verdict(sentence, EVIDENCE)
    assert not result.supported
    assert why in result.reason


def test_a_capital_opening_a_clause_counts_as_a_name_unless_an_adverb():
    assert names("Boeing said it: Reportedly, Airbus agreed.") == ["boeing", "airbus"]
    assert names("Reportedly, the drone flew.") == []
    assert names("However, the drone flew.") == []  # a function word


def test_links_other_than_the_cited_articles_are_removed():
    allowed = ["https://www.example.com/news/drone"]
    text, removed = remove_links(
        "Read http://example.com/news/drone/ or http://evil.example/login, "
        "or [the form](https://evil.example/form) [1].",
        allowed,
    )
    assert removed == 2
    assert "http://example.com/news/drone/" in text
    assert "evil" not in text and "the form" in text


def test_keep_supported_drops_what_the_cited_passage_does_not_say():
    raw = (
        "The XR-17 can carry up to 4.5 kilograms [1]. It can carry 45 kilograms [1].\n"
        "Visit http://evil.example/login for more [1]. Fog postponed two flights [2]."
    )
    kept = keep_supported(raw, lambda n: EVIDENCE if n == 1 else None)
    assert kept.text == "The XR-17 can carry up to 4.5 kilograms [1]."
    assert [why for _, why in kept.dropped][-1] == "it cites no passage"
    assert len(kept.dropped) == 3 and kept.links_removed == 1
    assert keep_supported("Boeing built it [1].", lambda n: EVIDENCE).text is None
