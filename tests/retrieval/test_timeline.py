"""Timelines (retrieval/timeline.py) over the sample articles, with real stores."""

from __future__ import annotations

from datetime import date

import pytest

from newsbot.core.tokenizer import Tokenizer
from newsbot.retrieval.newsbot import Newsbot
from newsbot.retrieval.timeline import (
    TimelineStep,
    asked_topic,
    build_timeline,
    dated_after_told,
    day_said,
    timeline_answer,
    timeline_answer_of,
    without_earlier_events,
)
from newsbot.retrieval.topics import Lead, Topic
from newsbot.store.writer import catch_up
from tests.support.stores import EXAMPLES, ingest_into, make_settings

FERRIES = [
    "Harbor City Launches First Battery-Electric Ferries on Gull Bay Route",
    "Electric Ferries Carry 2.1 Million Riders in First Year, "
    "but Kittiwake Sidelined by Charger Fault",
]


@pytest.fixture(scope="module")
def samples(tmp_path_factory):
    from tests.support.embedder import HashingEmbedder

    embedder = HashingEmbedder()
    settings = make_settings(tmp_path_factory.mktemp("timeline") / "data")
    store, _ = ingest_into(settings, embedder, EXAMPLES)
    catch_up(store)
    store.reopen()
    return Newsbot(settings, embedder=embedder, store=store)


def test_the_ferries_timeline_is_the_two_ferry_articles_oldest_first(samples):
    steps = build_timeline(samples, "Harbor City ferries")
    assert [s.title for s in steps] == FERRIES
    first = steps[0]
    # "on Saturday morning" in an article of Sunday 2024-03-03: the day it happened.
    assert (first.date, first.dated_from, first.published_at) == (
        "2024-03-02",
        "text",
        "2024-03-03",
    )
    assert first.text.startswith("Harbor City's two new battery-electric ferries")
    assert set(first.to_json()) == {"date", "text", "title", "url", "source", "also"}
    assert [
        s.title for s in build_timeline(samples, "Harbor City ferries", as_of=date(2024, 6, 1))
    ] == FERRIES[:1]
    assert [
        s.title for s in build_timeline(samples, "Harbor City ferries", since=date(2025, 1, 1))
    ] == FERRIES[1:]
    assert build_timeline(samples, "Gull Bay tulips") == []


def test_what_happened_with_a_topic_is_answered_with_its_timeline(samples):
    assert asked_topic("What happened with the Harbor City ferries?") == "the Harbor City ferries"
    assert asked_topic("timeline of Harbor City ferries") == "Harbor City ferries"
    assert asked_topic("Who runs the Harbor City ferries?") is None
    answer = timeline_answer(samples, "what happened with Harbor City ferries?")
    assert answer is not None and [c.title for c in answer.citations] == FERRIES
    assert answer.text.splitlines()[0].startswith("2024-03-02  “Harbor City's two new")
    assert answer.text.splitlines()[1].endswith("[2]")
    steps = build_timeline(samples, "Harbor City ferries")
    trimmed = timeline_answer_of([*steps] * 5, most=3)  # how it began, then the latest
    assert len(trimmed.citations) == 3 and trimmed.text.count("\n") == 2


def test_the_day_a_step_reports():
    monday = date(2022, 5, 16)
    assert day_said("Musk said on Friday he would pause the deal.", monday) == (
        date(2022, 5, 13),
        "text",
    )
    # A day still to come, or "Tuesday" in Monday's paper, is not the day it reports.
    assert day_said("NASA will launch on Saturday.", monday) == (monday, "published")
    assert day_said("Musk escalated the feud early Tuesday.", monday) == (monday, "published")
    assert day_said("The council voted May 12 to approve it.", monday) == (
        date(2022, 5, 12),
        "text",
    )
    assert day_said("The plan dates from March 3.", monday) == (monday, "published")


def _step(day: str, published: str, how: str = "published", name: str = "") -> TimelineStep:
    return TimelineStep(
        date=day,
        dated_from=how,
        text="",
        title=name or f"{day} {published}",
        url=None,
        source=None,
        also=(),
        article_id=name or f"{day}-{published}",
        published_at=published,
    )


def test_a_day_named_before_news_already_published_is_the_backdrop():
    # "The FBI search on Monday was prompted by a tip", published Wednesday, after Tuesday's
    # news: dated by its publication, it comes after Tuesday's step.
    steps = dated_after_told(
        [
            _step("2022-08-08", "2022-08-08", name="search"),
            _step("2022-08-09", "2022-08-09", "text", name="white house on tuesday"),
            _step("2022-08-08", "2022-08-10", "text", name="tip about monday's search"),
            _step("2022-08-08", "2022-08-09", "text", name="next day on monday's search"),
        ]
    )
    assert [(s.article_id, s.date, s.dated_from) for s in steps] == [
        ("search", "2022-08-08", "published"),
        ("next day on monday's search", "2022-08-08", "text"),
        ("white house on tuesday", "2022-08-09", "text"),
        ("tip about monday's search", "2022-08-10", "published"),
    ]
    published = [s.published_at or "" for s in steps]
    assert published == sorted(published)


def test_a_first_step_long_before_a_story_told_three_times_is_an_earlier_event():
    later = [_step(d, d) for d in ("2022-09-15", "2022-09-15", "2022-09-16")]
    earlier = _step("2021-07-08", "2021-07-08")
    assert without_earlier_events([earlier, *later]) == later
    # Two steps a year apart (a launch, then its first-year results) are one story told twice.
    assert without_earlier_events([earlier, later[0]]) == [earlier, later[0]]
    near = _step("2022-08-20", "2022-08-20")
    assert without_earlier_events([near, *later]) == [near, *later]


def test_a_photo_gallery_is_no_step():
    # Timelines keep what the relevance test keeps; that test leaves galleries out.
    abe = Topic("Shinzo Abe", Tokenizer())
    opening = "Shinzo Abe was shot at a campaign event in Nara on Friday."
    day = date(2022, 7, 8)
    gallery = Lead("a1", "Photos: Former Japanese Prime Minister Shinzo Abe", opening, day)
    this_week = Lead("a2", "Photos this week: Shinzo Abe and the heat wave", opening, day)
    news = Lead("a3", "Photos of Shinzo Abe's last speech show a small crowd", opening, day)
    assert not abe.about(gallery) and not abe.about(this_week)
    assert abe.about(news)


FED = {
    "fed-april.txt": (
        "Fed raises interest rates to fight inflation",
        "The Federal Reserve raised interest rates on Wednesday. Chair Jerome Powell said more"
        " hikes would follow, and Lael Brainard agreed.",
        "April 27, 2022",
    ),
    "fed-may.txt": (
        "Fed hikes interest rates by half a point",
        "The Federal Reserve hiked interest rates again on Wednesday. Jerome Powell said"
        " inflation was too high; Lael Brainard backed the move.",
        "May 4, 2022",
    ),
    "fed-june.txt": (
        "Fed rate hike: key interest rate raised 0.75 points",
        "The Federal Reserve raised its key interest rate by 0.75 points. Jerome Powell spoke"
        " after the meeting, and an economist at Bank Street Advisors said more would come.",
        "June 15, 2022",
    ),
    "boe-june.txt": (
        "Bank of England hikes interest rates again",
        "The Bank of England raised interest rates on Thursday, a day after Jerome Powell and"
        " Lael Brainard's Federal Reserve did.",
        "June 16, 2022",
    ),
}


def test_a_timeline_learns_the_names_its_first_matches_share(tmp_path):
    from tests.support.embedder import HashingEmbedder

    folder = tmp_path / "fed"
    folder.mkdir()
    for name, (title, body, day) in FED.items():
        (folder / name).write_text(f"{title}\n\n{body}\n\n{day}\n\nSource: Wire\n", "utf-8")
    embedder = HashingEmbedder()
    settings = make_settings(tmp_path / "data")
    store, _ = ingest_into(settings, embedder, EXAMPLES, folder)
    catch_up(store)
    store.reopen()
    newsbot = Newsbot(settings, embedder=embedder, store=store)
    # "Bank" is a name one of the Fed's three stories gives (Bank Street Advisors), not one
    # they share: the Bank of England raising rates is another story.
    steps = build_timeline(newsbot, "Fed interest rate hikes")
    assert [s.title for s in steps] == [t for t, _, _ in list(FED.values())[:3]]
