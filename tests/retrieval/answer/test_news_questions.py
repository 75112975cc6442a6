"""Questions asked of the news itself, answered from the samples' stories: the latest on a
topic, and who wrote, which outlet ran, and when a story was published."""

from __future__ import annotations

import re
from datetime import date

import pytest

from newsbot.core.types import Copy, Turn
from newsbot.retrieval.answer.news_questions import news_answer
from newsbot.retrieval.newsbot import Newsbot
from tests.support.stores import EXAMPLES, SHARED, ingest_into, make_settings

FIRST_YEAR = "12_harbor-city-ferries-first-year.txt"
LAUNCH = "01_harbor-city-electric-ferries.txt"


def ask(newsbot, question, history=(), as_of=None):
    """Answer as the composer does before anything else: from the hits for the question."""
    hits = newsbot.retrieve(question, history, as_of)[: newsbot.settings.top_k]
    return news_answer(question, hits, history, as_of, newsbot.extractive.scorer)


def body_words(text: str) -> int:
    return len(re.sub(r"\s*\[\d+\]", "", text).split())


def test_the_latest_on_a_topic_is_its_newest_story_with_the_older_ones_after(samples_newsbot):
    answer = ask(samples_newsbot, "What is the latest news on the Harbor City ferries?")
    assert answer is not None and not answer.refused
    newest, older = answer.citations[0], answer.citations[1]
    assert newest.path.endswith(FIRST_YEAR) and older.path.endswith(LAUNCH)
    # Dated, by its outlet, its headline, then what it reports: its sentence naming the topic.
    assert answer.text.startswith("On 2025-09-14, Harbor City Gazette reported: “Electric Ferries")
    assert "Harbor City's battery-electric ferries have proved more popular" in answer.text
    assert answer.text.index("[1]") < answer.text.index("2024-03-03") < answer.text.index("[2]")
    assert body_words(answer.text) <= samples_newsbot.extractive.params.max_words


def test_the_latest_as_of_a_day_is_the_newest_story_out_by_then(samples_newsbot):
    answer = ask(
        samples_newsbot, "What's the latest on the Harbor City ferries?", (), date(2024, 6, 1)
    )
    assert answer is not None
    assert [c.path.rsplit("/", 1)[-1] for c in answer.citations] == [LAUNCH]
    assert answer.text.startswith("On 2024-03-03, Harbor City Gazette reported")


def test_the_latest_on_a_topic_no_story_names_is_left_to_the_composer(samples_newsbot):
    assert ask(samples_newsbot, "What's the latest on the Mars colony?") is None
    # The composer then refuses, as it does for any question the news does not cover.
    assert samples_newsbot.answer("What's the latest on the Mars colony?").refused


def test_the_author_comes_from_the_story(samples_newsbot):
    answer = ask(samples_newsbot, "Which reporter covered the Regional Cup final?")
    assert answer is not None
    assert answer.text.startswith("Curtis Mbeki wrote “Valley United Win First Regional Cup")
    assert "(Valley Tribune, 2024-05-19) [1]" in answer.text
    assert answer.citations[0].path.endswith("04_valley-united-regional-cup.txt")


def test_every_story_about_the_topic_is_named_with_its_author(samples_newsbot):
    answer = ask(samples_newsbot, "Who wrote the article about the Kittiwake?")
    assert answer is not None
    assert answer.text.startswith("Marisol Ventura wrote")
    assert {c.path.rsplit("/", 1)[-1] for c in answer.citations} == {FIRST_YEAR, LAUNCH}


def test_a_wire_story_names_its_authors_and_agency(samples_newsbot):
    answer = ask(
        samples_newsbot, "Who wrote the article about the coral reef off the Calder Shelf?"
    )
    assert answer is not None
    assert answer.text.startswith("Tobias Grell wrote “Deep-Sea Survey Finds Cold-Water Coral Reef")
    assert "Continental Wire Service, 2023-09-28" in answer.text


def test_the_outlet_and_the_day_come_from_the_story(samples_newsbot):
    outlet = ask(samples_newsbot, "Which paper reported the Kittiwake charger fault?")
    assert outlet is not None
    assert outlet.text.startswith("Harbor City Gazette ran “Electric Ferries Carry 2.1 Million")
    assert outlet.citations[0].path.endswith(FIRST_YEAR)
    published = ask(samples_newsbot, "When was the Wren-1 article published?")
    assert published is not None
    assert published.text == (
        "On 2024-07-15, Highland Courier published “Student-Built Satellite Wren-1 Reaches Orbit"
        " and Phones Home” [1]."
    )


def test_it_is_the_story_the_last_answer_cited(samples_newsbot):
    question = "How much did Harbor City's electric ferry project cost?"
    first = samples_newsbot.answer(question)
    history = [Turn.of(question, first)]
    answer = ask(samples_newsbot, "When was it published?", history)
    assert answer is not None
    assert answer.text.startswith("On 2024-03-03, Harbor City Gazette published")
    assert answer.citations[0].path.endswith(LAUNCH)
    # With nothing discussed before, "it" names no story: the composer answers.
    assert ask(samples_newsbot, "When was it published?") is None


def test_questions_about_what_the_news_says_are_left_to_the_composer(samples_newsbot):
    assert ask(samples_newsbot, "How much did Harbor City's electric ferry project cost?") is None
    assert ask(samples_newsbot, "Who founded the company that makes the XR-17?") is None


@pytest.mark.skipif(not (SHARED / "seeds").is_dir(), reason="../shared/seeds is not present")
def test_the_seed_story_answers_for_its_outlet_and_day(tmp_path, embedder):
    settings = make_settings(tmp_path)
    store, report = ingest_into(settings, embedder, EXAMPLES, SHARED / "seeds")
    assert report.failed == 0
    newsbot = Newsbot(settings, embedder=embedder, store=store)
    outlet = ask(newsbot, "Which paper reported the Pakistan-US counterterrorism dialogue?")
    assert outlet is not None
    assert outlet.text == "Dawn ran “Pak-US renew pact on counter-terrorism” on 2024-05-14 [1]."
    latest = ask(
        newsbot, "What's the latest on Pakistan's counter-terrorism cooperation with the US?"
    )
    assert latest is not None
    assert latest.text.startswith("On 2024-05-14, Dawn reported: “Pak-US renew pact")
    assert "Quillfeather" not in latest.text  # nothing of a story the question does not concern


# Through the whole chain: these hold once the composer asks news_answer first.


def test_the_chain_answers_the_latest_from_the_newest_story(samples_newsbot):
    answer = samples_newsbot.answer("What is the latest news on the Harbor City ferries?")
    assert not answer.refused
    assert answer.citations[0].path.endswith(FIRST_YEAR)
    assert answer.citations[1].path.endswith(LAUNCH)


def test_the_chain_answers_who_wrote_it_after_a_question(samples_newsbot):
    question = "When did the Wren-1 team hear the satellite's first signal?"
    history = [Turn.of(question, samples_newsbot.answer(question))]
    answer = samples_newsbot.answer("Who wrote it?", history)
    assert not answer.refused
    assert answer.citations[0].path.endswith("10_wren-1-student-satellite.txt")
    assert " wrote “Student-Built Satellite Wren-1" in answer.text


# On stories made here: what the samples do not show (no date, no outlet, copies, credits).


def make_scorer():
    from newsbot.core.sentences import split_sentences
    from newsbot.core.tokenizer import Tokenizer
    from newsbot.retrieval.answer.params import ComposeParams
    from newsbot.retrieval.answer.scoring import SentenceScorer

    return SentenceScorer(Tokenizer(), split_sentences, lambda term: 1.0, ComposeParams())


def story(article_id: str, title: str, text: str, **meta):
    from newsbot.core.types import Chunk
    from newsbot.retrieval.search.hybrid import Hit

    chunk = Chunk(f"{article_id}-0", article_id, text, 0, {"title": title, **meta})
    return Hit(chunk=chunk, score=1.0, dense=0.5)


LOCK = story(
    "lock",
    "Canal Lock Reopens After Repairs",
    "The Brindle Canal lock reopened on Monday after four months of repairs. Boats queued.",
    source="Canal Times",
    published_at="2025-03-02",
    author="Ada Quill",
    also=[Copy("lock-2", "Lock reopens", source="Towpath Weekly", published_at="2025-03-03")],
)
UNDATED = story(
    "undated", "Brindle Canal Lock Closes", "The Brindle Canal lock closed for repairs in winter."
)


def test_a_story_without_date_or_outlet_says_so():
    scorer = make_scorer()
    latest = news_answer(
        "What's the latest on the Brindle Canal lock?", [UNDATED, LOCK], (), None, scorer
    )
    assert latest is not None
    assert latest.text.startswith("On 2025-03-02, Canal Times reported: “Canal Lock Reopens")
    assert "Earlier, undated: “Brindle Canal Lock Closes” [2]." in latest.text
    author = news_answer(
        "Who wrote the article about the Brindle Canal lock?", [UNDATED], (), None, scorer
    )
    assert author is not None
    assert author.text == "“Brindle Canal Lock Closes” names no author [1]."
    day = news_answer(
        "When was the article about the Brindle Canal lock published?", [UNDATED], (), None, scorer
    )
    assert day is not None
    assert day.text == "“Brindle Canal Lock Closes” (no outlet named) carries no date [1]."


def test_the_outlets_of_a_storys_copies_are_named_too():
    answer = news_answer(
        "Which paper reported the Brindle Canal lock reopening?", [LOCK], (), None, make_scorer()
    )
    assert answer is not None
    assert answer.text == (
        "Canal Times ran “Canal Lock Reopens After Repairs” on 2025-03-02 [1]."
        " It also ran in Towpath Weekly."
    )


def test_a_story_published_after_the_day_asked_about_is_not_news_yet():
    answer = news_answer(
        "What's the latest on the Brindle Canal lock?",
        [LOCK, UNDATED],
        (),
        date(2025, 1, 1),
        make_scorer(),
    )
    assert answer is not None
    assert [c.article_id for c in answer.citations] == ["undated"]


def test_which_paper_reported_it_names_the_outlet_a_story_credits():
    claim = story(
        "claim",
        "Tycoon Denies Feud With Rival",
        "The tycoon denied any feud with his rival on Monday. Over the weekend, the Harbour"
        " Daily Journal reported that the tycoon and his rival had quarrelled at a party."
        " According to the Canal Times, the two had not spoken since.",
        source="wire.example",
    )
    question = "Did the tycoon deny a feud with his rival?"
    history = [
        Turn(question, "The tycoon denied any feud with his rival on Monday. [1]", ("claim",))
    ]
    answer = news_answer("Which newspaper reported it?", [claim], history, None, make_scorer())
    assert answer is not None
    assert answer.text.startswith("Harbour Daily Journal: Over the weekend, the Harbour Daily")
    # "Who wrote it?" asks for the writer, not whoever broke the news.
    assert news_answer("Who wrote it?", [claim], history, None, make_scorer()).text == (
        "“Tycoon Denies Feud With Rival” (wire.example) names no author [1]."
    )
