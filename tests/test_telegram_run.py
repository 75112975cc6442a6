"""The `newsbot telegram` entry point in its own process: start-up, an answer, SIGTERM."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

from fake_telegram import FakeTelegram

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
        }
        process = subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "-v", "telegram"],
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
    assert "Telegram bot stopped" in log
    assert "/bot<token>/sendMessage" in log, "httpx logged the request URLs, redacted"
    assert tg.token not in log and tg.token.split(":")[1] not in log
    assert "Traceback" not in log
