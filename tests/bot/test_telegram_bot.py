"""The real Application and the real chain over the samples, against a local Bot API server."""

from __future__ import annotations

import asyncio

import pytest
from pydantic import SecretStr

from newsbot.bot.settings import BotSettings
from newsbot.bot.telegram import build_application
from newsbot.core.errors import ConfigError
from tests.support.fake_telegram import FakeTelegram, polling

CUP = "Who scored the winning penalty in the regional cup final?"


def bot_settings(tg: FakeTelegram, **overrides) -> BotSettings:
    overrides.setdefault("telegram_open", True)  # public unless the test names who may ask
    return BotSettings(
        _env_file=None,
        telegram_token=SecretStr(tg.token),
        telegram_base_url=tg.base_url,
        **overrides,
    )


def run_bot(tg: FakeTelegram, newsbot, body, **overrides) -> None:
    asyncio.run(polling(build_application(bot_settings(tg, **overrides), newsbot), body))


def test_start_up_registers_the_command_menu_for_private_chats_and_groups(samples_newsbot):
    with FakeTelegram() as tg:

        async def body():
            pass

        run_bot(tg, samples_newsbot, body)
        calls = tg.calls_to("setMyCommands")
        assert sorted(c.params["scope"]["type"] for c in calls) == [
            "all_group_chats",
            "all_private_chats",
        ]
        for call in calls:
            names = [c["command"] for c in call.params["commands"]]
            assert names == [
                "start",
                "help",
                "sources",
                "reset",
                "stats",
                "ingest",
                "follow",
                "following",
                "unfollow",
                "digest",
                "timeline",
            ]


def test_a_question_gets_the_cited_html_answer(samples_newsbot):
    with FakeTelegram() as tg:

        async def body():
            tg.send_text(CUP, chat_id=7)
            [call] = await tg.async_wait_for("sendMessage", timeout=60)
            params = call.params
            assert params["chat_id"] == 7
            assert params["parse_mode"] == "HTML"
            assert "Kofi Adjei-Brandt" in params["text"]
            assert "[1]" in params["text"]
            assert "<b>Sources:</b>" in params["text"]
            assert "Valley Tribune" in params["text"]
            # The file name only: the server's folders are not shown to chat users.
            assert "<code>04_valley-united-regional-cup.txt</code>" in params["text"]
            assert "/examples/" not in params["text"]

        run_bot(tg, samples_newsbot, body)
        assert tg.calls_to("sendChatAction"), "the bot shows that it is typing"
        assert tg.calls_to("sendChatAction")[0].params["action"] == "typing"


def test_start_help_and_stats_describe_the_corpus(samples_newsbot):
    with FakeTelegram() as tg:

        async def body():
            tg.send_text("/start", chat_id=3)
            [start] = await tg.async_wait_for("sendMessage", timeout=30)
            text = start.params["text"]
            assert "15 news articles" in text
            assert "2023-06-07 to 2025-09-14" in text
            assert "Valley Tribune" in text and "Harbor City Gazette" in text
            assert "/sources" in text  # the help follows the greeting
            for command in ("/follow ", "/following", "/unfollow", "/digest"):
                assert command in text, f"/start tells of {command}"

            tg.send_text("/help", chat_id=3)
            calls = await tg.async_wait_for("sendMessage", count=2, timeout=30)
            assert "Ask me a question" in calls[1].params["text"]
            assert "for example" in calls[1].params["text"]

            tg.send_text("/stats", chat_id=3)
            calls = await tg.async_wait_for("sendMessage", count=3, timeout=30)
            assert "15 news articles" in calls[2].params["text"]
            assert "Chunks in the store: " in calls[2].params["text"]
            assert "Answered since start: 0 questions" in calls[2].params["text"]

        run_bot(tg, samples_newsbot, body)


def test_sources_follow_up_and_reset(samples_newsbot):
    with FakeTelegram() as tg:

        async def body():
            tg.send_text("/sources", chat_id=4)
            [none_yet] = await tg.async_wait_for("sendMessage", timeout=30)
            assert "ask me a question first" in none_yet.params["text"]

            tg.send_text(CUP, chat_id=4)
            await tg.async_wait_for("sendMessage", count=2, timeout=60)
            tg.send_text("/sources", chat_id=4)
            calls = await tg.async_wait_for("sendMessage", count=3, timeout=30)
            listing = calls[2].params
            assert listing["parse_mode"] == "HTML"
            assert "Sources of the last answer" in listing["text"]
            assert "Valley Tribune" in listing["text"]
            assert "\n“Valley United Win" in listing["text"]  # the quote the answer rests on
            assert "reply_markup" not in listing  # one page: no buttons

            # A follow-up leans on the remembered question.
            tg.send_text("And who is the head coach?", chat_id=4)
            calls = await tg.async_wait_for("sendMessage", count=4, timeout=60)
            assert "Renata Salgado" in calls[3].params["text"]

            tg.send_text("/reset", chat_id=4)
            calls = await tg.async_wait_for("sendMessage", count=5, timeout=30)
            assert "Forgotten" in calls[4].params["text"]
            tg.send_text("/sources", chat_id=4)
            calls = await tg.async_wait_for("sendMessage", count=6, timeout=30)
            assert "ask me a question first" in calls[5].params["text"]

        run_bot(tg, samples_newsbot, body)


def test_html_rejected_falls_back_to_plain_text(samples_newsbot):
    with FakeTelegram() as tg:
        tg.fail_next("sendMessage", error_code=400)  # "can't parse entities"

        async def body():
            tg.send_text("What is the payload of the XR-17 drone?", chat_id=9)
            calls = await tg.async_wait_for("sendMessage", count=2, timeout=60)
            html, plain = calls[0].params, calls[1].params
            assert html["parse_mode"] == "HTML"
            assert "parse_mode" not in plain
            assert "4.5 kilograms" in plain["text"] and "Sources:" in plain["text"]
            assert "<b>" not in plain["text"]

        run_bot(tg, samples_newsbot, body)
        assert len(tg.calls_to("sendMessage")) == 2, "the fallback is sent once, not repeated"


def test_missing_token_is_a_clear_error():
    with pytest.raises(ConfigError, match="NEWSBOT_TELEGRAM_TOKEN"):
        build_application(BotSettings(_env_file=None, telegram_token=SecretStr("")), None)
