"""Closed unless opened: who may use the bot is settled before it starts; a public bot says so."""

from __future__ import annotations

import logging
import os
import shutil
import signal
import threading

import pytest
from pydantic import SecretStr
from telegram import Chat, User

from newsbot.bot import alerting
from newsbot.bot.access import BOTH, CLOSED, PUBLIC, Access, decide_access
from newsbot.bot.cli import main
from newsbot.bot.settings import BotSettings
from newsbot.bot.telegram import run
from newsbot.core import ConfigError
from newsbot.retrieval.newsbot import Newsbot
from tests.support.fake_telegram import FakeTelegram
from tests.support.stores import EXAMPLES, ingest_into, make_settings

STRANGER = User(id=77, first_name="", is_bot=False, username="stranger")
ADMIN = User(id=1, first_name="", is_bot=False, username="root")
PRIVATE = Chat(id=77, type=Chat.PRIVATE)


def settings(**overrides) -> BotSettings:
    return BotSettings(_env_file=None, telegram_token=SecretStr("1:abc"), **overrides)


def test_newsbot_telegram_refuses_to_start_when_nobody_may_use_it(tmp_path, monkeypatch, capsys):
    for name in list(os.environ):
        if name.startswith("NEWSBOT_"):
            monkeypatch.delenv(name)
    (tmp_path / "data").mkdir()
    monkeypatch.chdir(tmp_path)  # no .env here
    monkeypatch.setenv("NEWSBOT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("NEWSBOT_TELEGRAM_TOKEN", "1:abc")
    monkeypatch.setenv("NEWSBOT_TELEGRAM_BASE_URL", "http://127.0.0.1:9/bot")  # never reached
    assert main(["telegram"]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err == f"newsbot: {CLOSED}\n", "one line saying how to open it"
    assert "NEWSBOT_TELEGRAM_OPEN=true" in err and "NEWSBOT_TELEGRAM_ALLOWED_USERS" in err


def test_a_public_bot_with_allow_lists_is_refused_as_contradictory():
    with pytest.raises(ConfigError) as refused:
        decide_access(settings(telegram_open=True, telegram_allowed_chats="-100"))
    assert str(refused.value) == BOTH


def test_who_gets_in_lists_admins_only_or_everyone():
    listed = decide_access(settings(telegram_allowed_users="@stranger"))
    admins_only = decide_access(settings(telegram_admins="@root"))
    public = decide_access(settings(telegram_open=True, telegram_admins="@root"))
    assert listed.allows(STRANGER, PRIVATE) and not listed.is_admin(STRANGER)
    assert admins_only.allows(ADMIN, PRIVATE)
    assert not admins_only.allows(STRANGER, PRIVATE), "admins alone do not open the bot"
    assert public.allows(STRANGER, PRIVATE) and public.is_admin(ADMIN)
    assert not Access().allows(STRANGER, PRIVATE), "closed unless opened"


@pytest.fixture
def hashing_newsbot(tmp_path, hashing_embedder):
    folder = tmp_path / "news"
    folder.mkdir()
    shutil.copy(EXAMPLES / "01_harbor-city-electric-ferries.txt", folder)
    store_settings = make_settings(tmp_path / "data")
    store, _ = ingest_into(store_settings, hashing_embedder, folder)
    yield Newsbot(store_settings, embedder=hashing_embedder, store=store)
    alerting._open.cache_clear()


def test_a_public_bot_starts_answers_anyone_and_warns_at_start(hashing_newsbot, caplog):
    caplog.set_level(logging.INFO)
    results: dict[str, str] = {}
    with FakeTelegram() as tg:
        public = BotSettings(
            _env_file=None,
            telegram_token=SecretStr(tg.token),
            telegram_base_url=tg.base_url,
            telegram_open=True,
        )

        def drive() -> None:
            try:
                tg.wait_for("setMyCommands", count=2, timeout=60)
                tg.send_text("/help", chat_id=77, user_id=77, username="stranger")
                results["help"] = str(tg.wait_for("sendMessage", timeout=30)[0].params["text"])
            finally:
                os.kill(os.getpid(), signal.SIGINT)  # what Ctrl-C sends

        driver = threading.Thread(target=drive)
        driver.start()
        try:
            run(public, hashing_newsbot)  # returns once the signal has stopped it
        finally:
            driver.join(10)
            for handler in logging.getLogger().handlers:
                handler.filters.clear()
    assert results["help"].startswith("Ask me a question")
    for command in ("/follow ", "/following", "/unfollow", "/digest"):
        assert command in results["help"], f"/help tells of {command}"
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert PUBLIC in warnings
    assert "Telegram bot stopped" in caplog.text
