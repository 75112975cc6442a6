"""The entry points: `newsbot telegram` in its own process, and `run` in webhook mode."""

from __future__ import annotations

import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time

import httpx
import pytest
from pydantic import SecretStr

from newsbot.bot.settings import BotSettings
from newsbot.bot.telegram import run
from tests.support.fake_telegram import FakeTelegram

pytestmark = pytest.mark.model  # every test here loads the real embedding model

DRONE = "How much weight can the XR-17 drone carry?"


def test_newsbot_telegram_answers_then_stops_cleanly_on_sigterm(
    samples_dir, samples_newsbot, tmp_path
):
    with FakeTelegram() as tg:
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("NEWSBOT_")},
            "NEWSBOT_DATA_DIR": str(samples_dir),
            "NEWSBOT_TELEGRAM_TOKEN": tg.token,
            "NEWSBOT_TELEGRAM_BASE_URL": tg.base_url,
            "NEWSBOT_TELEGRAM_OPEN": "true",
        }
        process = subprocess.Popen(
            [sys.executable, "-m", "newsbot.bot.cli", "-v", "telegram"],
            cwd=tmp_path,  # no .env here
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            tg.wait_for("setMyCommands", count=2, timeout=180)
            tg.send_text(DRONE, chat_id=5)
            [answer] = tg.wait_for("sendMessage", timeout=60)
            process.send_signal(signal.SIGTERM)
            _, log = process.communicate(timeout=60)
        finally:
            if process.poll() is None:
                process.kill()
                process.communicate()
    assert "4.5 kilograms" in answer.params["text"]
    assert process.returncode == 0, log[-2000:]
    assert "Telegram bot polling for updates" in log
    assert "WARNING newsbot.bot.telegram: this bot is public" in log, "said at every start"
    assert "Telegram bot stopped" in log
    assert "/bot<token>/sendMessage" in log, "httpx logged the request URLs, redacted"
    assert tg.token not in log and tg.token.split(":")[1] not in log
    assert "Traceback" not in log


def post_when_listening(url: str, update: dict, headers: dict[str, str]) -> int:
    """POST the update the way Telegram does: it retries while the server is not up yet.

    PTB calls setWebhook before its web server starts listening, so the first try can
    be refused on a busy machine.
    """
    deadline = time.monotonic() + 30
    while True:
        try:
            return httpx.post(url, json=update, headers=headers).status_code
        except httpx.ConnectError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def test_run_serves_a_webhook_and_stops_on_sigint(samples_newsbot):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"http://127.0.0.1:{port}/newsbot"
    results: dict[str, object] = {}
    with FakeTelegram() as tg:
        settings = BotSettings(
            _env_file=None,
            telegram_token=SecretStr(tg.token),
            telegram_base_url=tg.base_url,
            telegram_webhook_url=url,
            telegram_webhook_port=port,
            telegram_webhook_secret=SecretStr("s3cret"),
            telegram_allowed_users="6",
        )
        update = {"update_id": 1, "message": tg.make_message(DRONE, chat_id=6, user_id=6)}

        def drive() -> None:
            try:
                tg.wait_for("setWebhook", timeout=120)
                headers = {"X-Telegram-Bot-Api-Secret-Token": "s3cret"}
                results["status"] = post_when_listening(url, update, headers)
                results["answer"] = tg.wait_for("sendMessage", timeout=60)[0].params["text"]
            finally:
                os.kill(os.getpid(), signal.SIGINT)  # what Ctrl-C sends

        driver = threading.Thread(target=drive)
        driver.start()
        try:
            run(settings, samples_newsbot)  # returns once the signal has stopped it
        finally:
            driver.join(10)
            for handler in logging.getLogger().handlers:
                handler.filters.clear()
    assert results["status"] == 200
    assert "4.5 kilograms" in str(results["answer"])
    [hook] = tg.calls_to("setWebhook")
    assert hook.params["url"] == url and hook.params["secret_token"] == "s3cret"
