"""What `newsbot ingest` prints: each failure once, and how far a big file's embedding is."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
import time

import pytest

from newsbot.bot.cli_ingest import counts
from newsbot.ingest.indexer import Indexer, IngestReport
from newsbot.store.chroma_store import Store
from tests.bot.test_cli import newsbot
from tests.support.stores import ROOT, make_settings


def big_article(sentences: int) -> str:
    body = " ".join(
        f"Crews on the harbour bridge reached milestone {i} after the council approved "
        f"{i * 3} more workers and a budget of {i * 7} million dollars for stage {i}."
        for i in range(sentences)
    )
    return f"Harbour bridge works\n\n{body}\n\nMay 14, 2024\n\nSource: Test Gazette\n"


def test_each_failure_is_one_line_and_no_log_warning(tmp_path):
    news = tmp_path / "news"
    news.mkdir()
    (news / "empty.txt").write_text("")
    (news / "title-only.txt").write_text("A headline and nothing else\n")
    result = newsbot("ingest", str(news), data_dir=tmp_path / "data")
    assert result.returncode == 2, result.stderr
    lines = result.stderr.splitlines()
    assert lines.count(f"failed: {news / 'empty.txt'}: empty file") == 1
    assert lines.count(f"failed: {news / 'title-only.txt'}: no article text after the title") == 1
    assert "WARNING" not in result.stderr and "empty file" not in result.stdout
    assert len(lines) == 2, result.stderr


def test_a_big_file_is_embedded_in_parts_that_report_progress(tmp_path, hashing_embedder):
    path = tmp_path / "big.txt"
    path.write_text(big_article(400))
    store = Store(make_settings(tmp_path / "data"), hashing_embedder, fresh=True)
    seen: list[tuple[int, int]] = []

    def on_article(report: IngestReport) -> None:
        if report.embedding[1]:
            seen.append(report.embedding)

    report = Indexer(store, batch_chunks=8, on_article=on_article).ingest([path])
    total = report.chunks_embedded
    assert total > 16 and report.added == 1
    assert seen == [(done, total) for done in range(0, total, 8)]
    assert report.embedding == (0, 0)
    assert "embedding 24/400 chunks" in counts(IngestReport(embedding=(24, 400)))
    assert "embedding" not in counts(report)


@pytest.mark.model  # the child process loads the model
def test_a_terminal_sees_the_embedding_progress_of_a_big_file(tmp_path):
    path = tmp_path / "big.txt"
    path.write_text(big_article(600))
    env = {
        **os.environ,
        "NEWSBOT_DATA_DIR": str(tmp_path / "data"),
        "NEWSBOT_INGEST_BATCH_CHUNKS": "8",
        "COLUMNS": "200",
    }
    leader, follower = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "newsbot.bot.cli", "ingest", str(path)],
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=follower,
    )
    os.close(follower)
    screen = b""
    deadline = time.monotonic() + 400
    while time.monotonic() < deadline:
        ready, _, _ = select.select([leader], [], [], 1.0)
        if ready:
            try:
                data = os.read(leader, 65536)
            except OSError:  # the child closed the terminal
                break
            if not data:
                break
            screen += data
        elif process.poll() is not None:
            break
    os.close(leader)
    out, _ = process.communicate(timeout=60)
    assert process.returncode == 0, screen.decode(errors="replace")[-2000:]
    shown = screen.decode(errors="replace")
    assert "embedding 8/" in shown and "chunks" in shown
    assert out.decode().startswith("added 1, ")
