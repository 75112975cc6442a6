"""/ingest for admins, and article text that looks like markup, through the real chain."""

from __future__ import annotations

import asyncio
import json

import pytest
from pydantic import SecretStr

from newsbot.bot.settings import BotSettings
from newsbot.bot.telegram import build_application
from tests.support.fake_telegram import FakeTelegram, polling
from tests.support.stores import ingest_into, make_settings

pytestmark = pytest.mark.model  # every test here loads the real embedding model

ARTICLE = {
    "id": "tarn-001",
    "url": "https://example.org/news?id=7&lang=en",
    "title": "Smith & Sons <Hardware> Opens in Tarn Valley",
    "source": "Tarn Valley Post & Wire",
    "published_at": "2024-05-14",
    "text": (
        "The hardware store Smith & Sons opened on Monday in Tarn Valley. "
        'Its front window showed a prank banner reading <script>alert("hi")</script> '
        "painted by the owner's nephew.\n\n"
        "The shop stocks 4,000 kinds of screws & bolts and employs nine people."
    ),
}
QUESTION = "What banner was in the front window of the Smith & Sons hardware store?"


@pytest.fixture
def articles(tmp_path):
    folder = tmp_path / "feeds"
    folder.mkdir()
    (folder / "tarn.jsonl").write_text(json.dumps(ARTICLE) + "\n", encoding="utf-8")
    return folder


def fresh_newsbot(data_dir, embedder):
    from newsbot.retrieval.newsbot import Newsbot

    settings = make_settings(data_dir)
    store, _ = ingest_into(settings, embedder)  # an empty store
    return Newsbot(settings, embedder=embedder, store=store)


def bot_settings(tg: FakeTelegram, **overrides) -> BotSettings:
    overrides.setdefault("telegram_open", True)  # public unless the test names who may ask
    return BotSettings(
        _env_file=None,
        telegram_token=SecretStr(tg.token),
        telegram_base_url=tg.base_url,
        **overrides,
    )


def test_ingest_is_for_admins_and_reports_the_counts(tmp_path, embedder, articles):
    newsbot = fresh_newsbot(tmp_path / "store", embedder)
    settings = dict(telegram_admins="@root,1", ingest_paths=str(articles))
    with FakeTelegram() as tg:

        async def body():
            tg.send_text("/ingest", chat_id=2, user_id=2, username="bob")
            [refused] = await tg.async_wait_for("sendMessage", timeout=30)
            assert refused.params["text"] == "Only the bot's admins can run /ingest."
            assert newsbot.store.count() == 0

            tg.send_text("/ingest", chat_id=1, user_id=1, username="admin")
            calls = await tg.async_wait_for("sendMessage", count=3, timeout=120)
            assert calls[1].params["text"] == "Ingesting 1 configured path(s)…"
            assert (
                calls[2]
                .params["text"]
                .startswith("added 1, updated 0, unchanged 0, skipped 0, failed 0")
            )
            assert newsbot.store.count() > 0

            tg.send_text("/ingest", chat_id=1, user_id=9, username="Root")  # admin by name
            calls = await tg.async_wait_for("sendMessage", count=5, timeout=120)
            assert calls[4].params["text"].startswith("added 0, updated 0, unchanged 1")

            tg.send_text("/stats", chat_id=2, user_id=2, username="bob")
            calls = await tg.async_wait_for("sendMessage", count=6, timeout=30)
            assert "I know 1 news articles" in calls[5].params["text"]

        asyncio.run(polling(build_application(bot_settings(tg, **settings), newsbot), body))


def test_article_text_is_escaped_in_the_html_answer(tmp_path, embedder, articles):
    newsbot = fresh_newsbot(tmp_path / "store", embedder)
    ingest_into(newsbot.settings, embedder, articles)
    with FakeTelegram() as tg:

        async def body():
            tg.send_text(QUESTION, chat_id=3)
            [call] = await tg.async_wait_for("sendMessage", timeout=60)
            text = call.params["text"]
            assert call.params["parse_mode"] == "HTML"
            assert "&lt;script&gt;alert(&quot;hi&quot;)&lt;/script&gt;" in text
            assert "Smith &amp; Sons" in text
            assert "<script>" not in text and "& " not in text
            assert (
                '<a href="https://example.org/news?id=7&amp;lang=en">'
                "Smith &amp; Sons &lt;Hardware&gt; Opens in Tarn Valley</a>"
            ) in text
            assert "Tarn Valley Post &amp; Wire" in text

        asyncio.run(polling(build_application(bot_settings(tg), newsbot), body))


def test_ingest_reads_with_the_ingest_settings(tmp_path, embedder, articles, monkeypatch):
    """/ingest honours NEWSBOT_MAX_ARTICLE_MB like `newsbot ingest` does."""
    (articles / "big.txt").write_text(
        "A very long article\n\n" + "The council met again today. " * 400, encoding="utf-8"
    )
    monkeypatch.setenv("NEWSBOT_MAX_ARTICLE_MB", "0.005")  # about 5 KB
    newsbot = fresh_newsbot(tmp_path / "store", embedder)
    settings = dict(telegram_admins="1", ingest_paths=str(articles), telegram_open=False)
    with FakeTelegram() as tg:

        async def body():
            tg.send_text("/ingest", chat_id=1, user_id=1)
            calls = await tg.async_wait_for("sendMessage", count=2, timeout=120)
            report = calls[1].params["text"]
            assert report.startswith("added 1, updated 0, unchanged 0, skipped 0, failed 1")
            assert "big.txt" in report and "limit" in report

        asyncio.run(polling(build_application(bot_settings(tg, **settings), newsbot), body))
