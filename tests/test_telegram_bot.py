"""The real python-telegram-bot Application against a local server speaking the Bot API."""

from __future__ import annotations

import asyncio

import pytest
from fake_telegram import FakeTelegram
from pydantic import SecretStr

from bot.settings import BotSettings
from bot.telegram import build_application
from retrieval.errors import ConfigError


def bot_settings(tg: FakeTelegram) -> BotSettings:
    return BotSettings(
        _env_file=None, telegram_token=SecretStr(tg.token), telegram_base_url=tg.base_url
    )


async def run_bot(tg: FakeTelegram, newsbot, body) -> None:
    application = build_application(bot_settings(tg), newsbot)
    async with application:
        await application.start()
        await application.updater.start_polling(poll_interval=0, timeout=1)
        try:
            await body()
        finally:
            await application.updater.stop()
            await application.stop()


def test_a_question_gets_the_cited_html_answer(samples_newsbot):
    with FakeTelegram() as tg:

        async def body():
            tg.send_text("Who scored the winning penalty in the regional cup final?", chat_id=7)
            [call] = await tg.async_wait_for("sendMessage", timeout=60)
            params = call.params
            assert params["chat_id"] == 7
            assert params["parse_mode"] == "HTML"
            assert "Kofi Adjei-Brandt" in params["text"]
            assert "[1]" in params["text"]
            assert "<b>Sources:</b>" in params["text"]
            assert "Valley Tribune" in params["text"]

        asyncio.run(run_bot(tg, samples_newsbot, body))
        assert tg.calls_to("sendChatAction"), "the bot shows that it is typing"


def test_start_and_help(samples_newsbot):
    with FakeTelegram() as tg:

        async def body():
            tg.send_text("/start", chat_id=3)
            [start] = await tg.async_wait_for("sendMessage", timeout=30)
            assert "articles" in start.params["text"]
            tg.send_text("/help", chat_id=3)
            calls = await tg.async_wait_for("sendMessage", count=2, timeout=30)
            assert "Ask me a question" in calls[1].params["text"]

        asyncio.run(run_bot(tg, samples_newsbot, body))


def test_html_rejected_falls_back_to_plain_text(samples_newsbot):
    with FakeTelegram() as tg:
        tg.fail_next("sendMessage", error_code=400)  # "can't parse entities"

        async def body():
            tg.send_text("What is the payload of the XR-17 drone?", chat_id=9)
            calls = await tg.async_wait_for("sendMessage", count=2, timeout=60)
            plain = calls[1].params
            assert "parse_mode" not in plain
            assert "4.5 kilograms" in plain["text"] and "Sources:" in plain["text"]

        asyncio.run(run_bot(tg, samples_newsbot, body))


def test_missing_token_is_a_clear_error():
    with pytest.raises(ConfigError, match="NEWSBOT_TELEGRAM_TOKEN"):
        build_application(BotSettings(_env_file=None, telegram_token=SecretStr("")), None)
