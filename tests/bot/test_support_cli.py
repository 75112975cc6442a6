"""`newsbot ask`, `ask --json` and `chat` print only what the cited articles support."""

from __future__ import annotations

import json

import pytest

from tests.bot.test_cli import newsbot
from tests.support.fake_openai import FakeOpenAI, Reply
from tests.support.misstatements import (
    BAD,
    DRONE,
    DRONE_FILE,
    GOOD_SHOWN,
    LEAKS,
    all_cases,
    reply,
)

pytestmark = pytest.mark.model  # every test here loads the real embedding model

CHECKED = "Checked answer (only what the articles support):"
ALL_LEFT_OUT = (
    "Left out 6 sentences that the cited articles do not support. "
    "Removed 2 links to pages other than the cited articles."
)


def drone_number(samples_newsbot) -> int:
    hits = samples_newsbot.retrieve(DRONE)
    return next(
        n for n, h in enumerate(hits, 1) if h.chunk.metadata.get("path", "").endswith(DRONE_FILE)
    )


def with_model(server: FakeOpenAI) -> dict[str, str]:
    return {"NEWSBOT_LLM": "openai:fake-model", "NEWSBOT_LLM_BASE_URL": server.url}


def test_ask_streams_only_what_is_supported(samples_newsbot, samples_dir):
    n = drone_number(samples_newsbot)
    with FakeOpenAI(Reply(all_cases(n))) as server:
        result = newsbot("ask", DRONE, data_dir=samples_dir, **with_model(server))
    assert result.returncode == 0, result.stderr
    assert CHECKED not in result.stdout  # nothing unchecked was printed, so nothing to replace
    assert result.stdout.startswith(GOOD_SHOWN + "\n\n" + ALL_LEFT_OUT + "\n\nSources:\n[1] ")
    assert not any(leak in result.stdout for leak in LEAKS.values())
    assert DRONE_FILE in result.stdout and "Traceback" not in result.stderr


def test_ask_json_gives_only_what_is_supported(samples_newsbot, samples_dir):
    n = drone_number(samples_newsbot)
    with FakeOpenAI(Reply(all_cases(n))) as server:
        result = newsbot("ask", DRONE, "--json", data_dir=samples_dir, **with_model(server))
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert answer["text"] == GOOD_SHOWN
    assert answer["note"] == ALL_LEFT_OUT
    assert [c["n"] for c in answer["citations"]] == [1]
    assert answer["citations"][0]["path"].endswith(DRONE_FILE)
    assert "TESTTOKEN" not in result.stdout and "evil.example" not in result.stdout


def test_chat_never_prints_a_misstatement(samples_newsbot, samples_dir):
    n = drone_number(samples_newsbot)
    cases = list(BAD)
    lines = "".join(f"{DRONE}\nreset\n" for _ in cases) + "quit\n"
    with FakeOpenAI(*(Reply(reply(case, n)) for case in cases)) as server:
        result = newsbot("chat", data_dir=samples_dir, input=lines, **with_model(server))
    assert result.returncode == 0, result.stderr
    turns = result.stdout.split("Forgotten. Ask a new question.")[: len(cases)]
    for case, turn in zip(cases, turns, strict=True):
        assert CHECKED not in turn, case
        answer = turn.split("> ")[1]  # the model's words begin right after the prompt
        assert answer.startswith(GOOD_SHOWN + "\n\nLeft out "), (case, turn)
        assert LEAKS[case] not in turn, case
        assert "that the cited articles do not support." in turn
    assert len(server.requests) == len(cases)
