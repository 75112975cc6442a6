"""Date expressions in questions, resolved against a fixed clock."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from newsbot.core.calendar import day_number
from newsbot.core.date_window import DateWindow
from newsbot.core.types import Turn
from newsbot.retrieval.newsbot import plan_query
from newsbot.retrieval.question.date_windows import asks_after, resolve_dates

# A Wednesday.
CLOCK = date(2024, 5, 15)


@pytest.mark.parametrize(
    ("question", "start", "end"),
    [
        ("What happened yesterday in Millbrook?", date(2024, 5, 14), date(2024, 5, 15)),
        ("What did the council decide last week?", date(2024, 5, 6), CLOCK),
        ("Which bills passed since Monday?", date(2024, 5, 13), CLOCK),
        ("What happened on Monday?", date(2024, 5, 13), CLOCK),
        ("Who won the cup in May 2024?", date(2024, 5, 1), CLOCK),
        ("Who won the cup in March 2024?", date(2024, 3, 1), CLOCK),
        ("What was the inflation rate in 2023?", date(2023, 1, 1), CLOCK),
        ("What did the mayor say on 14 May?", date(2024, 5, 14), date(2024, 5, 15)),
        ("What did the mayor say on May 2, 2023?", date(2023, 5, 2), CLOCK),
        ("What changed this week?", date(2024, 5, 8), CLOCK),
        ("Any news in the past 3 days?", date(2024, 5, 12), CLOCK),
        ("What happened last month?", date(2024, 4, 1), CLOCK),
        ("Who won in December?", date(2023, 12, 1), CLOCK),
        ("What has changed since June 2022?", date(2022, 6, 1), None),
    ],
)
# A named period ("in 2023", "last month") is when something happened: articles published
# during it and after it, up to the as-of day, may report it. Relative ones ("this week",
# "yesterday", "past 3 days") ask for what is new.
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
    window = resolve_dates("What changed this week?", CLOCK)
    days = np.array(
        [day_number(date(2024, 5, d)) for d in (7, 8, 10, 15, 16)] + [-1], dtype=np.int64
    )
    assert window.mask(days).tolist() == [False, True, True, True, False, False]
    where = window.chroma_where()
    assert where == {
        "$and": [
            {"published_day": {"$lte": day_number(CLOCK)}},
            {"published_day": {"$gte": day_number(date(2024, 5, 8))}},
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
    assert (query.window.start, query.window.end) == (date(2023, 1, 1), CLOCK)
    assert "regional cup" in query.text and "Who scored?" in query.text


@pytest.mark.parametrize(
    ("question", "named"),
    [
        ("How many attacks did Pakistan see in 2023?", "2023"),
        ("What was the inflation rate last year?", "2023"),
        ("Who won in December?", "December"),
        ("Who won the cup in March 2024?", "March 2024"),
        ("What did the mayor say on 14 May?", "May 14"),
        ("What changed this week?", ""),
        ("What happened yesterday in Millbrook?", ""),
    ],
)
def test_a_named_period_stays_in_the_search_words_as_articles_write_it(question, named):
    query = plan_query(question, [], CLOCK)
    assert query.window.named == named
    assert query.text.endswith(named)
    assert "this week" not in query.text and "yesterday" not in query.text


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


# A yearly review published after the year it covers, and a report from inside that year.
PERIOD_ARTICLES = [
    {
        "id": "review",
        "url": "https://news.example/ridgeland-security-review",
        "title": "Think tank tallies a violent year in Ridgeland",
        "published_at": "2024-05-14",
        "text": "The Halvorsen Institute said in its annual security review that Ridgeland "
        "recorded 412 militant attacks and security raids in 2023, the highest count in six "
        "years. The border districts saw most of them, the institute said. It expects the "
        "count to fall this year as patrols grow.",
    },
    {
        "id": "spring",
        "url": "https://news.example/ridgeland-spring-raids",
        "title": "Ridgeland police step up raids after market attack",
        "published_at": "2023-04-02",
        "text": "Police in Ridgeland carried out raids in three border districts after a "
        "militant attack on a market killed four people, officials said on Sunday.",
    },
    {
        "id": "later",
        "url": "https://news.example/ridgeland-after-asof",
        "title": "Ridgeland attacks fell in early 2024",
        "published_at": "2024-07-01",
        "text": "Ridgeland counted 95 militant attacks and security raids in the first half "
        "of 2024, against 412 in 2023, the Halvorsen Institute said.",
    },
]


@pytest.fixture(scope="module")
def period_newsbot(tmp_path_factory, embedder):
    import json

    from newsbot.retrieval.newsbot import Newsbot
    from tests.support.stores import EXAMPLES, ingest_into, make_settings

    folder = tmp_path_factory.mktemp("period")
    articles = folder / "articles.jsonl"
    articles.write_text("\n".join(json.dumps(a) for a in PERIOD_ARTICLES) + "\n")
    settings = make_settings(folder / "store")
    # Among the samples, so that how rare a word is means what it means in a real store.
    store, report = ingest_into(settings, embedder, EXAMPLES, articles)
    assert report.failed == 0
    return Newsbot(settings, embedder=embedder, store=store)


@pytest.mark.parametrize(
    "question",
    [
        "How many militant attacks and security raids did Ridgeland see in 2023?",
        "How many militant attacks and security raids did Ridgeland see last year?",
    ],
)
def test_a_period_is_when_it_happened_not_when_it_was_published(period_newsbot, question):
    answer, hits = period_newsbot.respond(question, as_of=date(2024, 6, 1))
    assert not answer.refused
    assert "412" in answer.text
    assert answer.citations[0].url == "https://news.example/ridgeland-security-review"
    # Published after the as-of day, the later article does not exist yet.
    assert all(
        h.chunk.metadata.get("url") != "https://news.example/ridgeland-after-asof" for h in hits
    )
