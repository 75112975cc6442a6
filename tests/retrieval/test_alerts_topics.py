"""What a followed topic means (retrieval/topics.py), read with the real tokenizer."""

from __future__ import annotations

from datetime import date

import pytest

from newsbot.core.tokenizer import Tokenizer
from newsbot.retrieval.topics import Lead, Story, Topic, is_roundup


@pytest.fixture(scope="module")
def terms():
    return Tokenizer()


def lead(title: str, opening: str = "", day: date = date(2022, 9, 20)) -> Lead:
    return Lead("a1", title, opening, day)


def test_round_ups_and_newsletters_are_never_about_a_topic(terms):
    ian = Topic("Hurricane Ian", terms)
    assert is_roundup("5 things to know for Sept. 26: Hurricane Ian, Ukraine, Covid", "")
    assert is_roundup("Ukraine, R. Kelly, long COVID, Queen Elizabeth, hot zip codes ...", "")
    assert is_roundup("Senate passes a bill", "Hello, OnPolitics readers! Hurricane Ian ...")
    assert not ian.about(lead("Hurricane Ian, Ukraine, Emmys: It's Monday's news"))
    assert not is_roundup("Queen Elizabeth II dies at 96: A timeline of her life, royal reign", "")
    assert not is_roundup("Serena Williams, other stars improve women's sports - CNN", "")
    assert ian.about(lead("Hurricane Ian makes landfall in Florida"))


def test_every_distinctive_word_or_an_equivalent_must_be_said(terms):
    funeral = Topic("Queen Elizabeth funeral", terms)
    assert not funeral.about(lead("Queen Elizabeth's corgis find a new home", "The dogs ..."))
    assert funeral.about(
        lead("Inside Westminster Hall, where the Queen lies", "Elizabeth's coffin awaits burial.")
    )
    death = Topic("Queen Elizabeth's death", terms)
    assert death.about(lead("Queen Elizabeth II dies at 96", "She died Thursday at Balmoral."))
    # The headline must name the topic at all: the event said only in the opening is backdrop.
    assert not death.about(lead("King Charles III's reign begins", "Queen Elizabeth II died."))


def test_an_earlier_or_another_event_of_the_same_kind_is_not_the_story(terms):
    ian = Topic("Hurricane Ian", terms)
    assert not ian.about(lead("Hurricane Nicole makes landfall", "Weeks after Hurricane Ian ..."))
    funeral = Topic("Queen Elizabeth funeral", terms)
    philip = lead("Prince Philip's funeral: Queen Elizabeth sits alone", "The funeral ...")
    assert not funeral.about(philip)
    series = Topic("Astros Phillies World Series", terms)
    assert not series.about(lead("The 2017 Astros and Phillies: World Series greats", ""))
    death = Topic("Queen Elizabeth death", terms)
    # The event word in a sentence about 1952 says nothing of this story.
    old = lead(
        "Queen Elizabeth II took the throne", "When her father died in 1952, she became Queen."
    )
    assert not death.about(old)
    thai = lead(
        "Queen Elizabeth becomes longest-serving monarch", "After the death of Thailand's King."
    )
    assert not death.about(thai)


def test_first_matches_teach_the_story(terms):
    topic = Topic("FBI search of Mar-a-Lago", terms)
    first = [
        lead(
            "FBI searches Mar-a-Lago",
            "Agents searched Donald Trump's Palm Beach club.",
            date(2022, 8, 8),
        ),
        lead(
            "FBI search of Mar-a-Lago: what next", "Trump's Palm Beach home ...", date(2022, 8, 9)
        ),
    ]
    story = topic.learn(Story(), first)
    assert story.began == "2022-08-09" and {"palm", "beach"} <= story.known_names()
    # One name unsaid is carried by the story's own names; without them it is not enough.
    judge = lead("Judge names special master in Mar-a-Lago case", "Search: Palm Beach papers ...")
    assert topic.about(judge, story) and not topic.about(judge)
    # The event itself may never go unsaid.
    no_event = lead("Mar-a-Lago guests", "FBI agents were at Trump's Palm Beach club.")
    assert not topic.about(no_event, story)
    # Published long before the story began: an earlier event.
    old = lead("FBI search of Mar-a-Lago", "Palm Beach ...", date(2021, 1, 5))
    assert not topic.about(old, story) and Story.from_json(story.to_json()) == story
