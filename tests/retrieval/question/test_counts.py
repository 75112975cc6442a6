"""A "how many" follow-up is answered only with a count of that thing and that act."""

from __future__ import annotations

from newsbot.core.tokenizer import Tokenizer
from newsbot.retrieval.question.counts import count_missing

terms = Tokenizer()
PAKISTAN = [
    "Since March 2023, the US has trained over 300 police and frontline responders.",
    "Pakistan saw 1,524 violence-related fatalities and 1,463 injuries from 789 attacks.",
]


def test_a_count_of_the_thing_for_another_act_is_missing():
    assert count_missing("How many police were killed?", PAKISTAN, terms)
    assert not count_missing("How many police were trained?", PAKISTAN, terms)


def test_a_thing_the_story_never_counts_is_missing():
    story = ["In her final game, she finished with 8 points and 8 assists."]
    assert count_missing("How many rebounds did she have in her final game?", story, terms)
    assert not count_missing("How many assists did she have in her final game?", story, terms)


def test_without_a_helping_verb_the_first_word_is_what_is_counted():
    story = ["Infrastructure was damaged, including more than 400 homes and several bridges."]
    assert count_missing("How many bridges collapsed?", story, terms)
    assert not count_missing("How many homes were damaged?", story, terms)


def test_people_may_be_counted_in_other_words_and_plain_counts_are_not_judged():
    assert not count_missing("How many people died?", PAKISTAN, terms)
    assert not count_missing("How many cockroaches?", ["They released 100 cockroaches."], terms)
    assert not count_missing("How much went on the book?", ["The book cost £12m."], terms)
    assert not count_missing("When did it happen?", PAKISTAN, terms)
    # "so far", "get back": words that say nothing of what was done.
    story = ["The Archives got 15 boxes of records back in January."]
    assert not count_missing("How many boxes did the Archives get back so far?", story, terms)


def test_an_act_is_found_in_any_of_its_forms():
    story = ["The restoration cost 84,000 pounds and took three years."]
    assert not count_missing("How many years did it take?", story, terms)
    assert count_missing("How many Super Bowls did he lose?", ["He won four Super Bowls."], terms)
    assert not count_missing(
        "How many Super Bowls did he lose?", ["He lost two Super Bowls."], terms
    )
