"""Date expressions in questions, resolved against a fixed clock."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from newsbot.retrieval.chain import plan_query
from newsbot.retrieval.dates import DateWindow, asks_after, resolve_dates
from newsbot.retrieval.store import day_number
from newsbot.retrieval.types import Turn

# A Wednesday.
CLOCK = date(2024, 5, 15)


@pytest.mark.parametrize(
    ("question", "start", "end"),
    [
        ("What happened yesterday in Millbrook?", date(2024, 5, 14), date(2024, 5, 15)),
        ("What did the council decide last week?", date(2024, 5, 6), date(2024, 5, 13)),
        ("Which bills passed since Monday?", date(2024, 5, 13), CLOCK),
        ("What happened on Monday?", date(2024, 5, 13), CLOCK),
        ("Who won the cup in May 2024?", date(2024, 5, 1), CLOCK),
        ("Who won the cup in March 2024?", date(2024, 3, 1), date(2024, 3, 31)),
        ("What was the inflation rate in 2023?", date(2023, 1, 1), date(2023, 12, 31)),
        ("What did the mayor say on 14 May?", date(2024, 5, 14), date(2024, 5, 15)),
        ("What did the mayor say on May 2, 2023?", date(2023, 5, 2), date(2023, 5, 3)),
        ("What changed this week?", date(2024, 5, 8), CLOCK),
        ("Any news in the past 3 days?", date(2024, 5, 12), CLOCK),
        ("What happened last month?", date(2024, 4, 1), date(2024, 5, 1)),
        ("Who won in December?", date(2023, 12, 1), date(2023, 12, 31)),
        ("What has changed since June 2022?", date(2022, 6, 1), None),
    ],
)
def test_expressions_become_windows(question, start, end):
    window = resolve_dates(question, CLOCK)
    assert window.as_of == CLOCK
    assert (window.start, window.end) == (start, end)
    assert window.narrowed


@pytest.mark.parametrize(
    "question",
    [
        "How much did the ferry project cost?",
        "Who recently bought the dairy?",  # "recently" ranks newer first; it filters nothing
        "What will happen in 2030?",  # a period that has not begun names nothing published
        "Which band plays in Mayfield?",  # a month name inside a word is no month
    ],
)
def test_questions_without_a_usable_period_keep_only_as_of(question):
    window = resolve_dates(question, CLOCK)
    assert window == DateWindow(as_of=CLOCK)
    assert not window.narrowed


def test_the_window_hides_articles_outside_it():
    window = resolve_dates("What happened last week?", CLOCK)
    days = np.array(
        [day_number(date(2024, 5, d)) for d in (5, 6, 10, 13, 14)] + [-1], dtype=np.int64
    )
    assert window.mask(days).tolist() == [False, True, True, True, False, False]
    where = window.chroma_where()
    assert where == {
        "$and": [
            {"published_day": {"$lte": day_number(date(2024, 5, 13))}},
            {"published_day": {"$gte": day_number(date(2024, 5, 6))}},
        ]
    }


def test_as_of_alone_hides_only_the_future():
    window = DateWindow(as_of=CLOCK)
    days = np.array([day_number(CLOCK), day_number(date(2024, 5, 16)), -1], dtype=np.int64)
    assert window.mask(days).tolist() == [True, False, True]


def test_the_date_phrase_becomes_a_filter_not_search_words():
    query = plan_query("What did the council decide last week?", [], CLOCK)
    assert "week" not in query.text
    assert query.window.start == date(2024, 5, 6)


def test_a_follow_up_keeps_the_earlier_turns_period():
    history = [Turn("Who won the regional cup in 2023?", "Valley United [1]")]
    query = plan_query("Who scored?", history, CLOCK)
    assert (query.window.start, query.window.end) == (date(2023, 1, 1), date(2023, 12, 31))
    assert "regional cup" in query.text and "Who scored?" in query.text


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("Who won the 2026 World Cup final?", True),
        ("Which band headlined the 2027 festival?", True),
        ("When is the 2026 World Cup scheduled to start?", False),  # a plan, not an outcome
        ("Who won the 2023 World Cup final?", False),  # already past on the clock
        ("What did 2,500 protesters demand?", False),  # a number, not a year
    ],
)
def test_outcomes_of_years_yet_to_come_are_recognised(question, expected):
    assert asks_after(question, CLOCK) is expected
