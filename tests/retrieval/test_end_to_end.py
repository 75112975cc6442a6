"""The whole path on the bundled samples with the real model and a real Chroma store."""

import pytest

from newsbot.retrieval.newsbot import Newsbot
from tests.support.stores import EXAMPLES, SHARED, ingest_into, make_settings

pytestmark = pytest.mark.model  # every test here loads the real embedding model


def test_question_answered_with_a_correct_citation(samples_newsbot):
    answer = samples_newsbot.answer("How much did Harbor City's electric ferry project cost?")
    assert not answer.refused
    assert "$38.5 million" in answer.text
    assert "[1]" in answer.text
    cited = answer.citations[0]
    assert cited.path.endswith("01_harbor-city-electric-ferries.txt")
    assert cited.source == "Harbor City Gazette"
    assert cited.published_at == "2024-03-03"


@pytest.mark.parametrize(
    ("question", "first"),
    [
        # The figure first, not the launch story the article opens with.
        (
            "How much did Harbor City's electric ferry project cost?",
            "The project cost $38.5 million",
        ),
        # The name beside the role the question names ("founder" for "founded").
        ("Who founded the company that makes the XR-17?", "Company founder Ottoline Brackenridge"),
    ],
)
def test_the_first_sentence_states_the_fact_asked_for(samples_newsbot, question, first):
    answer = samples_newsbot.answer(question)
    assert not answer.refused
    assert answer.text.startswith(first)


def test_a_when_question_gets_the_hour_the_article_gives(samples_newsbot):
    answer = samples_newsbot.answer("When did the Wren-1 team hear the satellite's first signal?")
    assert not answer.refused
    assert "early Saturday" in answer.text and "At 4:17 a.m." in answer.text


def test_every_marker_names_a_listed_source(samples_newsbot):
    import re

    answer = samples_newsbot.answer("What is the payload of the XR-17 drone?")
    markers = {int(n) for n in re.findall(r"\[(\d+)\]", answer.text)}
    assert markers and markers == {c.n for c in answer.citations}
    assert "4.5 kilograms" in answer.text


def test_question_the_corpus_does_not_cover_is_refused(samples_newsbot):
    answer = samples_newsbot.answer("What is the price of Bitcoin today?")
    assert answer.refused
    assert "couldn't find" in answer.text
    assert "[1]" not in answer.text


def test_reingesting_the_samples_embeds_nothing(samples_newsbot, embedder):
    from newsbot.ingest.indexer import Indexer

    report = Indexer(samples_newsbot.store).ingest([str(EXAMPLES)])
    assert report.added == report.updated == report.chunks_embedded == 0
    assert report.unchanged >= 15


@pytest.mark.skipif(not (SHARED / "seeds").is_dir(), reason="../shared/seeds is not present")
def test_seed_article_answer_cites_dawn(tmp_path, embedder):
    settings = make_settings(tmp_path)
    store, report = ingest_into(settings, embedder, EXAMPLES, SHARED / "seeds")
    assert report.failed == 0
    newsbot = Newsbot(settings, embedder=embedder, store=store)
    answer = newsbot.answer(
        "How many police and frontline responders has the US trained in Pakistan?"
    )
    assert not answer.refused and "300" in answer.text
    dawn = answer.citations[0]
    assert dawn.source == "Dawn"
    assert dawn.published_at == "2024-05-14"
    assert dawn.title == "Pak-US renew pact on counter-terrorism"
    footer = ("Related Post", "Leave a Reply", "email address will not be published", "By Editor")
    for chunk in store.iter_chunks():
        assert not any(junk in chunk.text for junk in footer), chunk.id
