"""`newsbot telegram` and `newsbot ask` on a `chroma run` server that stops and comes back.

Real processes throughout: a server of our own (stopped and started again on the same port
and path), `newsbot ingest` into it, `newsbot telegram` against the local Bot API server, and
`newsbot ask` while the server is down.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time

import pytest

from newsbot.bot.telegram import UNREACHABLE
from tests.bot.test_chat_outage import ARTICLES, ChromaServer
from tests.support.fake_telegram import FakeTelegram
from tests.support.stores import EXAMPLES

pytestmark = pytest.mark.model  # the bot, the ingests and `ask` load the real embedding model

DRONE = "How much weight can the XR-17 drone carry?"
LATER = "12_harbor-city-ferries-first-year.txt"  # ingested after the outage: a followed story


def newsbot(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "newsbot.bot.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )


@pytest.fixture
def server(tmp_path):
    server = ChromaServer(tmp_path / "chroma")
    server.start()
    yield server
    server.stop()


def test_the_bot_and_ask_ride_out_a_stopped_server(server, tmp_path):
    corpus = tmp_path / "articles"
    corpus.mkdir()
    for name in ARTICLES:
        shutil.copy(EXAMPLES / name, corpus / name)
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("NEWSBOT_")},
        "NEWSBOT_DATA_DIR": str(tmp_path / "data"),
        "NEWSBOT_CHROMA_URL": server.url,
        "NEWSBOT_ALERT_INTERVAL": "0.3",  # the alert loop meets the outage many times over
    }
    ingest = newsbot("ingest", str(corpus), env=env)
    assert ingest.returncode == 0, ingest.stderr

    with FakeTelegram() as tg:
        bot_env = {
            **env,
            "NEWSBOT_TELEGRAM_TOKEN": tg.token,
            "NEWSBOT_TELEGRAM_BASE_URL": tg.base_url,
            "NEWSBOT_TELEGRAM_OPEN": "true",
        }
        # No -v: stderr is what an operator's console shows (warnings and errors).
        bot = subprocess.Popen(
            [sys.executable, "-m", "newsbot.bot.cli", "telegram"],
            cwd=tmp_path,  # no .env here
            env=bot_env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            tg.wait_for("setMyCommands", count=2, timeout=180)
            tg.send_text("/follow electric ferries", chat_id=7, user_id=7)
            tg.wait_for("sendMessage", predicate=lambda p: p["chat_id"] == 7, timeout=60)
            tg.send_text(DRONE, chat_id=5, user_id=5)
            tg.wait_for("sendMessage", predicate=lambda p: p["chat_id"] == 5, timeout=60)
            assert "4.5 kilograms" in tg.sent_texts(5)[-1]

            server.stop()
            time.sleep(3)  # freshness checks and alert passes fail many times meanwhile
            for n, chat in enumerate((5, 6, 5), start=1):
                tg.send_text(f"{DRONE} ({n})", chat_id=chat, user_id=chat)
                tg.wait_for(
                    "sendMessage",
                    count=n,
                    predicate=lambda p: p["text"] == UNREACHABLE,
                    timeout=60,
                )
            ask = newsbot("ask", DRONE, env=env)
            time.sleep(2)
            assert bot.poll() is None, "the bot keeps running through the outage"

            server.start()
            tg.send_text(DRONE, chat_id=6, user_id=6)
            tg.wait_for(
                "sendMessage",
                predicate=lambda p: p["chat_id"] == 6 and "4.5 kilograms" in p["text"],
                timeout=60,
            )

            # Stories added after the outage still reach their followers, once.
            shutil.copy(EXAMPLES / LATER, corpus / LATER)
            later = newsbot("ingest", str(corpus), env=env)
            assert later.returncode == 0, later.stderr
            tg.wait_for(
                "sendMessage",
                predicate=lambda p: p["chat_id"] == 7 and "New on" in p["text"],
                timeout=60,
            )
            time.sleep(2)  # a second alert of the story would come within a few passes
            bot.send_signal(signal.SIGTERM)
            _, console = bot.communicate(timeout=60)
        finally:
            if bot.poll() is None:
                bot.kill()
                bot.communicate()

    assert bot.returncode == 0, console[-3000:]
    assert tg.sent_texts(5).count(UNREACHABLE) == 2 and tg.sent_texts(6).count(UNREACHABLE) == 1
    alerts = [t for t in tg.sent_texts(7) if t.startswith("New on")]
    assert len(alerts) == 1, alerts
    # The freshness thread, the questions and the alert loop met the same outage: one line.
    said = [line for line in console.splitlines() if "WARNING" in line or "ERROR" in line]
    outage_lines = [line for line in said if "this bot is public" not in line]
    assert len(outage_lines) == 1, console[-3000:]
    assert f"the article store at {server.url} is not reachable" in outage_lines[0], console
    assert "Traceback" not in console, console[-3000:]

    assert ask.returncode == 1 and ask.stdout == "", ask
    assert ask.stderr.startswith(f"newsbot: the article store at {server.url} is not reachable")
    assert ask.stderr.count("\n") == 1 and "Traceback" not in ask.stderr, ask.stderr
