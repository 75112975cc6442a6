"""Generated sentences that misstate what they cite: the real chain, a scripted model server."""

from __future__ import annotations

import pytest

from newsbot.retrieval.answer.generative import Final, GenerativeComposer, Token
from tests.retrieval.answer.test_generative import (
    DAY,
    extractive_text,
    fake_model,
    llm_newsbot,
    number_of,
)
from tests.support.fake_openai import FakeOpenAI, Reply
from tests.support.misstatements import BAD, DRONE, DRONE_FILE, GOOD_SHOWN, LEAKS, reply

pytestmark = pytest.mark.model  # every test here loads the real embedding model


@pytest.mark.parametrize("case", list(BAD))
def test_the_supported_sentence_stays_and_the_misstatement_goes(samples_newsbot, case):
    n = number_of(samples_newsbot.retrieve(DRONE, as_of=DAY), DRONE_FILE)
    with FakeOpenAI(Reply(reply(case, n))) as server:
        events = list(llm_newsbot(samples_newsbot, server.url).stream(DRONE, as_of=DAY))
    streamed = "".join(e.text for e in events if isinstance(e, Token))
    final = events[-1]
    assert isinstance(final, Final)
    assert streamed == GOOD_SHOWN  # only the checked sentence was ever streamed
    assert not final.changed
    answer = final.answer
    assert answer.text == GOOD_SHOWN
    assert LEAKS[case] not in answer.text
    assert "that the cited articles do not support" in answer.note
    assert [c.n for c in answer.citations] == [1]
    assert answer.citations[0].path.endswith(DRONE_FILE)
    if "evil.example" in BAD[case]:
        assert "Removed 1 link to pages other than the cited articles." in answer.note


def test_a_supported_answer_is_unchanged(samples_newsbot):
    hits = samples_newsbot.retrieve(DRONE, as_of=DAY)
    n = number_of(hits, DRONE_FILE)
    text = (
        f"The XR-17 can carry 4.5 kilograms in a temperature-controlled pod [{n}]. "
        f"Its maximum range is 68 kilometers [{n}]."
    )
    composer = GenerativeComposer(fake_model(text), samples_newsbot.extractive)
    final = list(composer.stream(DRONE, hits, as_of=DAY))[-1]
    assert not final.changed and final.answer.note is None
    assert final.answer.text == text.replace(f"[{n}]", "[1]")


def test_a_link_to_the_cited_article_stays(samples_newsbot):
    question = "How long is the cold-water coral reef found off the Calder Shelf?"
    hits = samples_newsbot.retrieve(question, as_of=DAY)
    [n] = [i for i, h in enumerate(hits, 1) if h.chunk.metadata.get("url", "").endswith("reef")]
    url = hits[n - 1].chunk.metadata["url"]
    text = (
        f"The reef stretches about 4.2 kilometers along the Calder Shelf, as {url} reports [{n}]. "
        f"See http://example.net/reef for more [{n}]."
    )
    composer = GenerativeComposer(fake_model(text), samples_newsbot.extractive)
    answer = composer.compose(question, hits, as_of=DAY)
    assert answer.text == (
        f"The reef stretches about 4.2 kilometers along the Calder Shelf, as {url} reports [1]."
    )
    assert "example.net" not in answer.text
    assert "Removed 1 link" in answer.note


def test_nothing_supported_gives_the_extractive_answer_with_a_note(samples_newsbot):
    n = number_of(samples_newsbot.retrieve(DRONE, as_of=DAY), DRONE_FILE)
    bad = " ".join(BAD.values()).format(n=n)
    with FakeOpenAI(Reply(bad)) as server:
        answer = llm_newsbot(samples_newsbot, server.url).answer(DRONE)
    assert answer.text == extractive_text(samples_newsbot, DRONE)
    assert answer.note.startswith(
        "The language model's answer said things the cited articles do not; "
        "this is the extractive answer."
    )
    assert not any(leak in answer.text for leak in LEAKS.values())
