"""The quote style: the model names the answer, the bot quotes the article sentence holding it.

The real chain and store; the model is tests/support/fake_openai.py, a real HTTP server
speaking the OpenAI chat-completions protocol with scripted replies.
"""

from __future__ import annotations

import pytest

from newsbot.core.errors import ConfigError
from newsbot.retrieval.answer.generative import Final, Token, composer_for
from newsbot.retrieval.answer.quote_style import QuoteComposer, read_reply
from newsbot.retrieval.newsbot import Newsbot
from tests.bot.test_cli import newsbot as run_newsbot
from tests.retrieval.answer.test_generative import DAY, extractive_text, number_of
from tests.support.fake_openai import FakeOpenAI, Reply
from tests.support.stores import make_settings

pytestmark = pytest.mark.model  # every test here loads the real embedding model

FOUNDER = "Who founded Quillfeather Aeronautics?"
DRONE_FILE = "06_xr17-island-drone-deliveries.txt"
FOUNDER_SENTENCE = (
    "Company founder Ottoline Brackenridge, an aerospace engineer who previously designed "
    "agricultural survey drones, said the aircraft flew in winds of up to 45 kilometers per "
    "hour without a missed delivery"
)
FOUNDER_QUOTED = f"Ottoline Brackenridge — {FOUNDER_SENTENCE} [1]."


def quote_newsbot(base: Newsbot, url: str, timeout: float = 10.0) -> Newsbot:
    settings = base.settings.model_copy(
        update={
            "llm": "openai:fake-model",
            "llm_base_url": url,
            "llm_timeout": timeout,
            "llm_style": "quote",
        }
    )
    return Newsbot(settings, embedder=base.embedder, store=base.store, today=lambda: DAY)


def test_read_reply_takes_the_answer_and_the_passage_numbers():
    assert read_reply('Answer: "Ottoline Brackenridge" [2].') == ("Ottoline Brackenridge", [2])
    assert read_reply("$1.4 million [Passage 3]\nBecause the article says so.") == (
        "$1.4 million",
        [3],
    )
    assert read_reply("[1]") == ("", [1])


def test_the_named_answer_is_quoted_from_its_article_answer_first(samples_newsbot):
    n = number_of(samples_newsbot.retrieve(FOUNDER, as_of=DAY), DRONE_FILE)
    with FakeOpenAI(Reply(f"Ottoline Brackenridge [{n}]")) as server:
        events = list(quote_newsbot(samples_newsbot, server.url).stream(FOUNDER))
    assert not any(isinstance(e, Token) for e in events)  # nothing shown before it is found
    final = events[-1]
    assert isinstance(final, Final) and final.generated == 1 and not final.dropped
    assert final.answer.text == FOUNDER_QUOTED
    [source] = final.answer.citations
    assert source.n == 1 and source.path.endswith(DRONE_FILE)
    assert source.quote.startswith("Company founder Ottoline Brackenridge")
    system = server.requests[0]["messages"][0]["content"]
    assert "short answer only" in system and "Today is 2025-10-01" in system


def test_a_whole_uncited_sentence_is_read_for_its_new_words(samples_newsbot):
    with FakeOpenAI(Reply("Ottoline Brackenridge founded Quillfeather Aeronautics.")) as server:
        answer = quote_newsbot(samples_newsbot, server.url).answer(FOUNDER)
    assert answer.text == FOUNDER_QUOTED


def test_a_figure_is_shown_as_the_article_writes_it(samples_newsbot):
    question = "How big was the grant funding the XR-17 drone trial?"
    with FakeOpenAI(Reply("1.4 million.")) as server:
        answer = quote_newsbot(samples_newsbot, server.url).answer(question)
    assert answer.text == (
        "$1.4 million — The trial is funded by a $1.4 million regional health innovation grant [1]."
    )
    assert answer.citations[0].path.endswith(DRONE_FILE)


@pytest.mark.parametrize(
    ("reply", "note"),
    [
        ("Elon Musk [1]", "The language model's answer is not in the articles"),
        ("not stated", "The language model found no answer in the articles"),
        ("", "The language model's answer is not in the articles"),
    ],
    ids=["invented", "not stated", "empty"],
)
def test_an_answer_not_in_the_articles_gives_the_extractive_answer(samples_newsbot, reply, note):
    with FakeOpenAI(Reply(reply)) as server:
        events = list(quote_newsbot(samples_newsbot, server.url).stream(FOUNDER))
    final = events[-1]
    assert final.answer.text == extractive_text(samples_newsbot, FOUNDER)
    assert final.answer.note.startswith(f"{note}; this is the extractive answer.")
    assert final.dropped and final.dropped[0][0] == reply
    assert "Musk" not in final.answer.text


def test_a_failing_server_gives_the_extractive_answer(samples_newsbot):
    with FakeOpenAI(Reply(status=500)) as server:
        answer = quote_newsbot(samples_newsbot, server.url).answer(FOUNDER)
    assert answer.text == extractive_text(samples_newsbot, FOUNDER)
    assert answer.note.startswith(
        "The language model server answered with an error (HTTP 500); this is the extractive"
    )


def test_a_rambling_reader_is_cut_off(samples_newsbot):
    with FakeOpenAI(Reply("Ottoline Brackenridge " + "and so on " * 200)) as server:
        composer = quote_newsbot(samples_newsbot, server.url).composer
        assert isinstance(composer, QuoteComposer)
        answer = composer.compose(FOUNDER, samples_newsbot.retrieve(FOUNDER, as_of=DAY))
    assert answer.text == FOUNDER_QUOTED


def test_an_unknown_style_is_one_clear_config_error(tmp_path):
    settings = make_settings(tmp_path, llm="openai:x", llm_base_url="http://127.0.0.1:9/v1")
    settings = settings.model_copy(update={"llm_style": "poetry"})
    with pytest.raises(ConfigError) as raised:
        composer_for(settings, fallback=None)
    assert str(raised.value) == "NEWSBOT_LLM_STYLE='poetry' is not one of: generative, quote"


def test_ask_in_the_quote_style(samples_newsbot, samples_dir):
    with FakeOpenAI(Reply("Ottoline Brackenridge")) as server:
        result = run_newsbot(
            "ask",
            FOUNDER,
            data_dir=samples_dir,
            NEWSBOT_LLM="openai:fake-model",
            NEWSBOT_LLM_BASE_URL=server.url,
            NEWSBOT_LLM_STYLE="quote",
        )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Ottoline Brackenridge — Company founder Ottoline")
    assert "Sources:\n[1] " in result.stdout and DRONE_FILE in result.stdout
    assert len(server.requests) == 1
