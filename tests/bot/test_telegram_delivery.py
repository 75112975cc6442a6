"""Delivery: long answers, source pages, a 200-message burst, flood control, webhook mode."""

from __future__ import annotations

import asyncio
import html
import re
import socket
import threading

import httpx
import pytest
from pydantic import SecretStr
from telegram import Update
from telegram.ext import ApplicationBuilder, ContextTypes, MessageHandler, filters

from newsbot.bot.render import TELEGRAM_LIMIT
from newsbot.bot.settings import BotSettings
from newsbot.bot.telegram import build_application, webhook_options
from newsbot.bot.telegram_answer import TYPING_EVERY
from newsbot.bot.telegram_order import PerChatOrder
from newsbot.core.types import Answer, Citation
from newsbot.retrieval.answer.generative import Final, Token
from tests.support.fake_telegram import FakeTelegram, polling


class RetrievalStandIn:
    """A stand-in for the retrieval boundary (the Newsbot), NOT for any bot code.

    These tests are about what the bot delivers, so answers are instant and predictable:
    "Answer to: <question>" with one citation, or whatever `make` returns. The real chain
    answers in tests/test_telegram_bot.py and test_telegram_access.py.
    """

    def __init__(self, make=None, tokens=None):
        self.make = make or (lambda q: Answer(f"Answer to: {q} [1]", [citation(1)]))
        self.tokens = tokens or (lambda q: [])  # words a chat model would stream first
        self.questions: list[str] = []

    def answer(self, question, history=(), as_of=None) -> Answer:
        self.questions.append(question)
        return self.make(question)

    def stream(self, question, history=(), as_of=None):
        for text in self.tokens(question):
            yield Token(text)
        yield Final(self.answer(question, history, as_of))

    def stats(self) -> dict:
        return {"articles": 1, "chunks": 1, "sources": ["Wire"], "store": "-"}

    def warm_up(self) -> None:
        pass


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def citation(n: int) -> Citation:
    return Citation(
        n=n,
        title=f"Story {n} & more",
        source="Wire",
        published_at="2024-05-14",
        url=f"https://example.org/{n}?a=1&b=2",
        path=None,
        quote=f"Quote {n}.",
    )


def bot_settings(tg: FakeTelegram, **overrides) -> BotSettings:
    overrides.setdefault("telegram_open", True)  # public unless the test names who may ask
    return BotSettings(
        _env_file=None,
        telegram_token=SecretStr(tg.token),
        telegram_base_url=tg.base_url,
        **overrides,
    )


def delivered(tg: FakeTelegram, method: str = "sendMessage") -> list[dict]:
    """Params of the calls Telegram accepted (injected failures left out)."""
    failed = {id(c) for c in tg.failed_calls}
    return [c.params for c in tg.calls_to(method) if id(c) not in failed]


def test_a_10000_character_answer_is_split_on_paragraphs_with_the_sources_whole():
    paragraphs = [f"Paragraph {i}: " + "word & <tag> " * 55 + f"[{i % 7 + 1}]" for i in range(14)]
    text = "\n\n".join(paragraphs)
    assert len(text) >= 10_000
    citations = [citation(n) for n in range(1, 8)]
    newsbot = RetrievalStandIn(lambda q: Answer(text, citations))
    with FakeTelegram() as tg:

        async def body():
            tg.send_text("Tell me everything", chat_id=2)
            await tg.async_wait_for("sendMessage", predicate=lambda p: "Sources" in p["text"])
            await asyncio.sleep(0.3)

        asyncio.run(polling(build_application(bot_settings(tg), newsbot), body))
    messages = [p["text"] for p in delivered(tg)]
    assert len(messages) == 5, [len(m) for m in messages]  # 13,000 characters once escaped
    assert all(len(m) <= TELEGRAM_LIMIT for m in messages)
    *body_parts, last = messages
    # Every paragraph arrives whole and in order; nothing is cut inside an entity or a tag.
    received = "\n\n".join([*body_parts, last.split("\n\n<b>Sources:</b>")[0]])
    assert html.unescape(received) == text
    assert "&lt;tag&gt;" in messages[0] and "<tag>" not in "".join(messages)
    sources = last[last.index("<b>Sources:</b>") :]
    assert sources.count("\n[") == 7  # the source list is kept whole, in the last message
    assert '<a href="https://example.org/1?a=1&amp;b=2">Story 1 &amp; more</a>' in sources


def test_sources_are_paged_with_inline_buttons():
    newsbot = RetrievalStandIn(
        lambda q: Answer("Many sources [1].", [citation(n) for n in range(1, 8)])
    )
    with FakeTelegram() as tg:

        async def body():
            tg.send_text("Anything?", chat_id=3)
            await tg.async_wait_for("sendMessage", timeout=30)
            tg.send_text("/sources", chat_id=3)
            calls = await tg.async_wait_for("sendMessage", count=2, timeout=30)
            first = calls[1].params
            assert "(page 1 of 3)" in first["text"]
            assert "Story 3" in first["text"] and "Story 4" not in first["text"]
            [[next_button]] = first["reply_markup"]["inline_keyboard"]
            assert next_button == {"text": "Next ▶", "callback_data": "sources:1"}

            tg.press_button("sources:2", chat_id=3)
            [edit] = await tg.async_wait_for("editMessageText", timeout=30)
            assert "(page 3 of 3)" in edit.params["text"]
            assert "Story 7" in edit.params["text"] and "Story 6" not in edit.params["text"]
            assert "“Quote 7.”" in edit.params["text"]
            [[back]] = edit.params["reply_markup"]["inline_keyboard"]
            assert back["callback_data"] == "sources:1"
            await tg.async_wait_for("answerCallbackQuery", timeout=30)

        asyncio.run(polling(build_application(bot_settings(tg), newsbot), body))


@pytest.mark.slow  # waits seconds on a real clock by design
def test_a_burst_of_200_messages_from_20_users_gets_every_reply_in_order():
    newsbot = RetrievalStandIn()
    users = range(1, 21)
    with FakeTelegram() as tg:
        # Telegram pushes back in the middle of the burst: those sends must be retried.
        tg.fail_next("sendMessage", 429, retry_after=1, times=3)

        async def body():
            for k in range(10):
                for user in users:
                    tg.send_text(f"question {k} from {user}", chat_id=user, user_id=user)
            await tg.async_wait_for(
                "sendMessage", count=203, timeout=120, predicate=lambda p: "Answer" in p["text"]
            )
            await asyncio.to_thread(tg.wait_until_consumed, 10)
            await asyncio.sleep(0.5)

        # The default per-user limit (10 a minute) lets each user's ten questions through.
        asyncio.run(polling(build_application(bot_settings(tg), newsbot), body))
    sent = delivered(tg)
    assert len(tg.failed_calls) == 3
    assert len(sent) == 200, "exactly one reply per message, none lost"
    for user in users:
        firsts = [p["text"].split("\n\n")[0] for p in sent if p["chat_id"] == user]
        expected = [f"Answer to: question {k} from {user} [1]" for k in range(10)]
        assert firsts == expected, f"replies to user {user} lost or out of order"


@pytest.mark.slow  # waits seconds on a real clock by design
def test_typing_is_repeated_while_a_slow_answer_is_made():
    ready = threading.Event()

    def slow(question: str) -> Answer:
        ready.wait(30)  # until the test has seen the typing status sent twice
        return Answer(f"Answer to: {question}", [])

    with FakeTelegram() as tg:

        async def body():
            tg.send_text("Slow one", chat_id=8)
            await tg.async_wait_for("sendChatAction", count=2, timeout=15)
            assert not tg.calls_to("sendMessage")
            ready.set()
            [answer] = await tg.async_wait_for("sendMessage", timeout=15)
            assert answer.params["text"] == "Answer to: Slow one"
            await asyncio.sleep(TYPING_EVERY + 0.5)

        try:
            asyncio.run(polling(build_application(bot_settings(tg), RetrievalStandIn(slow)), body))
        finally:
            ready.set()
    assert len(tg.calls_to("sendChatAction")) == 2, "typing stops once the answer is made"


@pytest.mark.slow  # waits seconds on a real clock by design
def test_a_429_with_retry_after_is_honoured():
    newsbot = RetrievalStandIn()
    with FakeTelegram() as tg:
        tg.fail_next("sendMessage", 429, retry_after=2)

        async def body():
            tg.send_text("Quick one", chat_id=4)
            await tg.async_wait_for("sendMessage", count=2, timeout=30)
            await asyncio.sleep(0.3)

        asyncio.run(polling(build_application(bot_settings(tg), newsbot), body))
    (t_failed, failed), (t_retried, retried) = tg.timed_calls("sendMessage")
    assert failed in tg.failed_calls
    assert retried.params == failed.params
    assert t_retried - t_failed >= 2.0, "the retry waited for retry_after"
    assert len(delivered(tg)) == 1


def test_webhook_answers_updates_with_the_right_secret_only(samples_newsbot):
    port = free_port()
    with FakeTelegram() as tg:
        settings = bot_settings(
            tg,
            telegram_webhook_url=f"http://127.0.0.1:{port}/newsbot-hook",
            telegram_webhook_port=port,
            telegram_webhook_secret=SecretStr("s3cret-token"),
        )
        options = webhook_options(settings)
        application = build_application(settings, samples_newsbot)

        def update(text: str) -> dict:
            return {"update_id": 1, "message": tg.make_message(text, chat_id=6, user_id=6)}

        async def main():
            async with application:
                await application.post_init(application)
                await application.updater.start_webhook(**options)
                await application.start()
                try:
                    url = f"http://127.0.0.1:{port}/newsbot-hook"
                    async with httpx.AsyncClient(timeout=10) as client:
                        secret = {"X-Telegram-Bot-Api-Secret-Token": "s3cret-token"}
                        wrong = {"X-Telegram-Bot-Api-Secret-Token": "guess"}
                        question = "How much weight can the XR-17 drone carry?"
                        good = await client.post(url, json=update(question), headers=secret)
                        bad = await client.post(url, json=update("Leak?"), headers=wrong)
                        missing = await client.post(url, json=update("Leak?"))
                    assert good.status_code == 200
                    assert bad.status_code == 403 and missing.status_code == 403
                    [answer] = await tg.async_wait_for("sendMessage", timeout=60)
                    assert "4.5 kilograms" in answer.params["text"]
                    await asyncio.sleep(0.5)
                finally:
                    await application.updater.stop()
                    await application.stop()

        asyncio.run(main())
        [hook] = tg.calls_to("setWebhook")
        assert hook.params["url"] == f"http://127.0.0.1:{port}/newsbot-hook"
        assert hook.params["secret_token"] == "s3cret-token"
        assert len(tg.calls_to("sendMessage")) == 1, "rejected updates were not answered"
        assert "getUpdates" not in [c.method for c in tg.calls]


def test_webhook_secret_is_never_empty():
    settings = BotSettings(_env_file=None, telegram_webhook_url="https://bot.example.org/hook")
    first, second = webhook_options(settings), webhook_options(settings)
    assert re.fullmatch(r"[A-Za-z0-9_-]{40,}", first["secret_token"])
    assert first["secret_token"] != second["secret_token"]
    assert first["url_path"] == "hook"


def test_a_flooded_chat_does_not_stall_the_others():
    gate: dict[str, asyncio.Event] = {}

    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        if update.effective_chat.id == 1:
            await gate["open"].wait()
        await update.effective_message.reply_text(f"echo {update.effective_message.text}")

    with FakeTelegram() as tg:
        app = (
            ApplicationBuilder()
            .token(tg.token)
            .base_url(tg.base_url)
            .concurrent_updates(PerChatOrder(max_concurrent_updates=2))
            .build()
        )
        app.add_handler(MessageHandler(filters.TEXT, echo))

        async def body():
            gate["open"] = asyncio.Event()
            for i in range(5):
                tg.send_text(f"m{i}", chat_id=1)  # more waiting updates than the bound
            tg.send_text("other", chat_id=2)
            try:
                first = await tg.async_wait_for("sendMessage", timeout=10)
                assert first[0].params["chat_id"] == 2, "chat 2 answered while chat 1 is stuck"
            finally:
                gate["open"].set()
            await tg.async_wait_for("sendMessage", count=6, timeout=10)

        asyncio.run(polling(app, body, post_init=False))
    assert tg.sent_texts(chat_id=1) == [f"echo m{i}" for i in range(5)]


@pytest.mark.slow  # waits seconds on a real clock by design
def test_a_streamed_answer_is_drafted_then_replaced_by_the_checked_answer():
    words = ["The ", "ferry ", "cost ", "$38.5 million ", "[1]."]

    def slow_tokens(question: str):
        for word in words:
            yield word
            threading.Event().wait(0.4)  # a model writing at a few words a second

    newsbot = RetrievalStandIn(
        lambda q: Answer("The ferry cost $38.5 million. [1]", [citation(1)]),
        tokens=slow_tokens,
    )
    with FakeTelegram() as tg:

        async def body():
            tg.send_text("What did the ferry cost?", chat_id=4)
            await tg.async_wait_for(
                "editMessageText", predicate=lambda p: "Sources" in p["text"], timeout=30
            )

        asyncio.run(polling(build_application(bot_settings(tg), newsbot), body))
    [draft] = delivered(tg)  # one message only: the draft, later edited in place
    assert "parse_mode" not in draft and draft["text"].endswith("…")
    edits = delivered(tg, "editMessageText")
    final = edits[-1]
    assert final["parse_mode"] == "HTML" and final["message_id"] is not None
    assert final["text"].startswith("The ferry cost $38.5 million. [1]")
    # Drafts are throttled to about one a second, never one per token.
    assert len(edits) < len(words)
