"""The chat and `ask` on a `chroma run` server that stops and comes back, as a user sees them.

A real server of our own (stopped and started again on the same port and path), two sample
articles ingested into it by `newsbot ingest`, and `newsbot chat` on a pty (tests/bot/test_chat.py).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.bot.test_chat import DRONE, Terminal
from tests.support.stores import EXAMPLES, free_port, wait_for_heartbeat

pytestmark = pytest.mark.model  # the chat and the ingest load the real embedding model

ARTICLES = ("01_harbor-city-electric-ferries.txt", "06_xr17-island-drone-deliveries.txt")


class ChromaServer:
    """A `chroma run` server that a test stops and starts again on the same port and path."""

    def __init__(self, path: Path):
        self.path = path
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        exe = shutil.which("chroma") or str(Path(sys.executable).parent / "chroma")
        self.process = subprocess.Popen(
            [exe, "run", "--path", str(self.path), "--host", "127.0.0.1", "--port", str(self.port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env={**os.environ, "ANONYMIZED_TELEMETRY": "False"},
        )
        wait_for_heartbeat(self.url, self.process)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None


@pytest.fixture
def stoppable_server(tmp_path):
    server = ChromaServer(tmp_path / "chroma")
    server.start()
    yield server
    server.stop()


def test_the_chat_outlives_a_stopped_server_and_answers_when_it_is_back(stoppable_server, tmp_path):
    server = stoppable_server
    env = {"NEWSBOT_DATA_DIR": str(tmp_path / "data"), "NEWSBOT_CHROMA_URL": server.url}
    corpus = tmp_path / "articles"
    corpus.mkdir()
    for name in ARTICLES:
        shutil.copy(EXAMPLES / name, corpus / name)
    ingest = subprocess.run(
        [sys.executable, "-m", "newsbot.bot.cli", "ingest", str(corpus)],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        timeout=300,
    )
    assert ingest.returncode == 0, ingest.stderr

    chat = Terminal("chat", env=env)
    try:
        chat.expect(r"newsbot: 2 articles .*\n\n> ")
        chat.type(DRONE + "\n")
        chat.expect(r"4\.5 kilograms(.|\n)*Sources:(.|\n)*\n> ")

        server.stop()
        time.sleep(3)  # the freshness thread fails a few times meanwhile
        chat.type(DRONE + "\n")
        reply = chat.expect(r"\n(newsbot: [^\n]*)\n\n> ")
        assert reply.group(1) == (
            f"newsbot: the article store at {server.url} is not reachable; retrying"
        )
        time.sleep(2)
        assert chat.process.poll() is None, chat.seen
        # Background failures: at most one line for the whole outage.
        assert chat.seen.count("freshness check failed") <= 1, chat.seen

        ask = subprocess.run(
            [sys.executable, "-m", "newsbot.bot.cli", "ask", DRONE],
            capture_output=True,
            text=True,
            env={**os.environ, **env},
            timeout=300,
        )
        assert ask.returncode != 0 and ask.stdout == ""
        assert ask.stderr.count("\n") == 1 and server.url in ask.stderr, ask.stderr
        assert ask.stderr.startswith("newsbot: "), ask.stderr

        server.start()
        chat.type(DRONE + "\n")
        chat.expect(r"4\.5 kilograms(.|\n)*Sources:(.|\n)*\n> ")
        chat.type("quit\n")
        assert chat.wait() == 0
    finally:
        chat.close()
    assert "Traceback" not in chat.seen
