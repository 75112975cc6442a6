"""The `newsbot` command as a user runs it: exit codes, JSON shapes, one-line errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.support.stores import EXAMPLES


def newsbot(
    *args: str, data_dir, timeout: float = 300, input: str | None = None, **env: str
) -> subprocess.CompletedProcess:
    """Run the command as a user would; extra keywords are environment variables."""
    env = {**os.environ, "NEWSBOT_DATA_DIR": str(data_dir), **env}
    return subprocess.run(
        [sys.executable, "-m", "newsbot.bot.cli", *args],
        input=input,
        capture_output=True,
        text=True,
        env=env,
        timeout=timeout,
    )


def test_ask_json_shape(samples_newsbot, samples_dir):
    result = newsbot(
        "ask", "How many teaching vacancies did Pinebrook have?", "--json", data_dir=samples_dir
    )
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert set(answer) >= {"text", "refused", "citations"}
    assert not answer["refused"]
    assert "27" in answer["text"]
    assert set(answer["citations"][0]) >= {"n", "title", "source", "published_at", "url", "path"}


def test_as_of_hides_later_articles(samples_newsbot, samples_dir):
    # The ferries' first-year report is dated 2025-09-14; a day before, it does not exist.
    question = "How many passengers did the electric ferries carry in their first year?"
    later = json.loads(newsbot("ask", question, "--json", data_dir=samples_dir).stdout)
    earlier = json.loads(
        newsbot("ask", question, "--json", "--as-of", "2025-09-13", data_dir=samples_dir).stdout
    )
    assert any(c["published_at"] == "2025-09-14" for c in later["citations"])
    assert all(c["published_at"] < "2025-09-14" for c in earlier["citations"])


@pytest.mark.model  # `newsbot ingest` in a child process loads the model
def test_stats_and_ingest_counts(tmp_path):
    result = newsbot("ingest", str(EXAMPLES), "--json", data_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    counts = json.loads(result.stdout)
    assert counts["added"] >= 15 and counts["failed"] == 0
    again = json.loads(newsbot("ingest", str(EXAMPLES), "--json", data_dir=tmp_path).stdout)
    assert again["added"] == 0 and again["unchanged"] == counts["added"]
    stats = json.loads(newsbot("stats", "--json", data_dir=tmp_path).stdout)
    assert stats["articles"] == counts["added"]
    assert stats["first_published"] <= stats["last_published"]


def test_errors_are_one_clear_line(tmp_path):
    result = newsbot("ingest", str(tmp_path / "nope"), data_dir=tmp_path)
    assert result.returncode != 0
    assert "nope: no such file or folder" in result.stderr
    assert "Traceback" not in result.stderr
    bad = newsbot("ask", "anything", "--as-of", "yesterday", data_dir=tmp_path)
    assert bad.returncode == 2 and "not a date" in bad.stderr


def test_chat_answers_and_prints_nothing_but_the_chat(samples_newsbot, samples_dir):
    question = "How many teaching vacancies did Pinebrook have?"
    result = newsbot("chat", data_dir=samples_dir, input=f"{question}\nquit\n")
    assert result.returncode == 0, result.stderr
    assert "27" in result.stdout and "[1]" in result.stdout and "Sources:" in result.stdout
    # No library's log lines (bm25s sets its own logger to DEBUG when imported).
    assert "DEBUG" not in result.stdout + result.stderr
    assert "Traceback" not in result.stderr


def test_default_onnx_backend_answers_like_torch(samples_newsbot, samples_dir, tmp_path):
    """The default (onnx on a CPU) and NEWSBOT_EMBEDDING_BACKEND=torch read one store alike."""
    question = "How many teaching vacancies did Pinebrook have?"
    cache = {"XDG_CACHE_HOME": str(tmp_path)}  # the one-time export lands here
    onnx = newsbot("ask", question, "--json", data_dir=samples_dir, **cache)
    assert onnx.returncode == 0, onnx.stderr
    assert list((tmp_path / "newsbot" / "onnx").glob("*/model.onnx"))
    assert "once" in onnx.stderr and "Traceback" not in onnx.stderr  # one notice, then quiet
    assert "Loading weights" not in onnx.stderr  # no progress bar from the export
    torch = newsbot(
        "ask", question, "--json", data_dir=samples_dir, NEWSBOT_EMBEDDING_BACKEND="torch"
    )
    assert torch.returncode == 0, torch.stderr
    assert json.loads(onnx.stdout) == json.loads(torch.stdout)

    bad = newsbot("ask", question, data_dir=samples_dir, NEWSBOT_EMBEDDING_BACKEND="tensorflow")
    assert bad.returncode != 0
    assert bad.stderr.strip().count("\n") == 0 and "tensorflow" in bad.stderr


def test_a_model_that_cannot_load_is_one_line_even_when_loaded_in_the_background(
    samples_newsbot, samples_dir, tmp_path
):
    """The chain starts loading the model on a thread; its failure reaches the user once."""
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x", encoding="utf-8")
    result = newsbot(
        "ask",
        "How many teaching vacancies did Pinebrook have?",
        data_dir=samples_dir,
        XDG_CACHE_HOME=str(blocker),
        NEWSBOT_EMBEDDING_BACKEND="onnx",
    )
    assert result.returncode == 1
    assert result.stderr.startswith("newsbot: cannot prepare the ONNX model")
    assert result.stderr.strip().count("\n") == 0 and "Traceback" not in result.stderr
