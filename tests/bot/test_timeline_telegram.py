"""/timeline and what /follow says it will match, through the local Bot API (real PTB app)."""

from __future__ import annotations

import asyncio
import html
import shutil

import pytest

from newsbot.bot import alerting
from newsbot.bot.telegram import build_application
from newsbot.retrieval.newsbot import Newsbot
from newsbot.store.writer import catch_up
from tests.bot.test_telegram_follow import bot_settings, texts_to
from tests.support.fake_telegram import FakeTelegram, polling
from tests.support.stores import EXAMPLES, ingest_into, make_settings

FERRIES = ("01_harbor-city-electric-ferries.txt", "12_harbor-city-ferries-first-year.txt")


@pytest.fixture
def served(tmp_path, hashing_embedder):
    folder = tmp_path / "news"
    folder.mkdir()
    for name in (*FERRIES, "02_millbrook-budget-vote.txt", "08_kessler-valley-apple-frost.txt"):
        shutil.copy(EXAMPLES / name, folder)
    settings = make_settings(tmp_path / "data")
    store, _ = ingest_into(settings, hashing_embedder, folder)
    catch_up(store)
    store.reopen()
    yield Newsbot(settings, embedder=hashing_embedder, store=store)
    alerting._open.cache_clear()


def test_timeline_and_follow_say_what_the_topic_means(served):
    with FakeTelegram() as tg:

        async def body():
            tg.send_text("/timeline Harbor City ferries", chat_id=5, user_id=5)
            tg.send_text("/timeline", chat_id=5, user_id=5)
            tg.send_text("/timeline Gull Bay tulips", chat_id=5, user_id=5)
            tg.send_text("/follow Harbor City ferries", chat_id=5, user_id=5)
            await tg.async_wait_for("sendMessage", count=4, timeout=30)
            told, usage, nothing, followed = map(html.unescape, texts_to(tg, 5))
            first, second = told.split("\n")[:2]
            assert first.startswith("2024-03-02  “Harbor City's two new battery-electric ferries")
            assert first.endswith("[1]") and second.startswith("2025-09-")
            assert "Sources:" in told and "Millbrook" not in told and "Kessler" not in told
            assert usage.startswith("/timeline WORDS lists the stories on a topic")
            assert nothing == "No stories on “Gull Bay tulips” yet."
            assert followed.startswith(
                "Following “Harbor City ferries”: I'll tell you of each new story about it"
                " (stories like “Harbor City Launches First Battery-Electric Ferries"
            )

        asyncio.run(polling(build_application(bot_settings(tg), served), body))
