"""`newsbot timeline` as a user runs it, over the sample articles."""

from __future__ import annotations

import json

import pytest

from tests.bot.test_cli import newsbot
from tests.support.stores import EXAMPLES

pytestmark = pytest.mark.model  # the command loads the model in a process of its own


def test_the_ferries_timeline_lists_the_two_ferry_articles_in_order(tmp_path):
    data = tmp_path / "data"
    assert newsbot("ingest", str(EXAMPLES), data_dir=data).returncode == 0
    done = newsbot("timeline", "Harbor City ferries", "--json", data_dir=data)
    assert done.returncode == 0, done.stderr
    steps = json.loads(done.stdout)
    assert [s["title"] for s in steps] == [
        "Harbor City Launches First Battery-Electric Ferries on Gull Bay Route",
        "Electric Ferries Carry 2.1 Million Riders in First Year, "
        "but Kittiwake Sidelined by Charger Fault",
    ]
    assert steps[0]["date"] == "2024-03-02"
    assert set(steps[0]) == {"date", "text", "title", "url", "source", "also"}
    early = newsbot("timeline", "Harbor", "City", "ferries", "--as-of", "2024-06-01", data_dir=data)
    assert early.returncode == 0 and early.stdout.count("[1]") == 2  # the line and its source
    assert "[2]" not in early.stdout


def test_ask_and_chat_answer_what_happened_with_a_timeline(samples_newsbot, samples_dir):
    question = "What happened with the Harbor City ferries?"
    asked = newsbot("ask", question, data_dir=samples_dir)
    assert asked.returncode == 0, asked.stderr
    assert "2024-03-02" in asked.stdout and "2025-09-12" in asked.stdout, asked.stdout
    assert asked.stdout.index("2024-03-02") < asked.stdout.index("2025-09-12")
    chatted = newsbot("chat", data_dir=samples_dir, input=f"{question}\nquit\n")
    assert chatted.returncode == 0, chatted.stderr
    assert chatted.stdout.index("2024-03-02") < chatted.stdout.index("2025-09-12")
