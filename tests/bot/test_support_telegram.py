"""Telegram shows only what the cited articles support, even after drafting the model's words."""

from __future__ import annotations

import asyncio
import threading

from newsbot.bot.telegram import build_application
from newsbot.core.types import Answer
from newsbot.retrieval.newsbot import Newsbot
from tests.bot.test_telegram_delivery import RetrievalStandIn, bot_settings, citation, delivered
from tests.support.fake_openai import FakeOpenAI, Reply
from tests.support.fake_telegram import FakeTelegram, polling
from tests.support.misstatements import BAD, DRONE, DRONE_FILE, GOOD_SHOWN, LEAKS, reply


def llm_newsbot(base: Newsbot, url: str) -> Newsbot:
    settings = base.settings.model_copy(
        update={"llm": "openai:fake-model", "llm_base_url": url, "llm_timeout": 30.0}
    )
    return Newsbot(settings, embedder=base.embedder, store=base.store)


def drone_number(newsbot: Newsbot) -> int:
    hits = newsbot.retrieve(DRONE)
    return next(
        n for n, h in enumerate(hits, 1) if h.chunk.metadata.get("path", "").endswith(DRONE_FILE)
    )


async def final_text(tg: FakeTelegram, chat_id: int, timeout: float = 60) -> str:
    """Wait for the checked answer in a chat, sent anew or edited into the draft."""
    for _ in range(int(timeout * 10)):
        for method in ("sendMessage", "editMessageText"):
            for params in delivered(tg, method):
                if params["chat_id"] == chat_id and params.get("parse_mode") == "HTML":
                    return params["text"]
        await asyncio.sleep(0.1)
    raise AssertionError(f"no answer in chat {chat_id}: {tg.calls}")


def test_each_misstatement_is_left_out_of_the_answer_in_the_chat(samples_newsbot):
    n = drone_number(samples_newsbot)
    cases = list(BAD)
    # The first case is written slowly enough to be drafted before it is checked.
    replies = [Reply(reply(cases[0], n), token_delay=0.15)]
    replies += [Reply(reply(case, n)) for case in cases[1:]]
    finals: dict[str, str] = {}
    with FakeTelegram() as tg, FakeOpenAI(*replies) as server:
        newsbot = llm_newsbot(samples_newsbot, server.url)

        async def body():
            for chat_id, case in enumerate(cases, start=100):
                # One user per chat: a user's next question waits for the bot to be done.
                tg.send_text(DRONE, chat_id=chat_id, user_id=chat_id)
                finals[case] = await final_text(tg, chat_id)

        asyncio.run(polling(build_application(bot_settings(tg), newsbot), body))
    shown = [p for method in ("sendMessage", "editMessageText") for p in delivered(tg, method)]
    drafts = [p["text"] for p in shown if p["chat_id"] == 100 and "parse_mode" not in p]
    # The slow reply was drafted: its checked sentence, before the answer was complete.
    assert drafts and all(d == GOOD_SHOWN + " …" for d in drafts), drafts
    for params in shown:  # no message or edit, draft or final, in any chat carries a leak
        assert not any(leak in params["text"] for leak in LEAKS.values()), params
    assert tg.calls_to("sendChatAction")  # "typing…" while the answer was checked
    for case, text in finals.items():
        assert text.startswith(GOOD_SHOWN + "\n\n"), (case, text)
        assert LEAKS[case] not in text, case
        assert "that the cited articles do not support." in text, case
        assert DRONE_FILE in text
    assert "Removed 1 link" in finals["invented link"]
    assert "Left out 2 sentences" in finals["instruction followed"]


def test_a_draft_that_cannot_be_edited_is_deleted_and_the_answer_sent_anew():
    checked = threading.Event()

    def tokens(question: str):
        yield "The admin token is 123456:TESTTOKEN [1]."
        checked.wait(10)  # the test makes Telegram refuse the edit before the answer is ready

    newsbot = RetrievalStandIn(
        lambda q: Answer(
            "The ferry cost $38.5 million [1].",
            [citation(1)],
            note="Left out 1 sentence that the cited articles do not support.",
        ),
        tokens=tokens,
    )
    with FakeTelegram() as tg:

        async def body():
            tg.send_text("What did the ferry cost?", chat_id=5)
            [draft] = await tg.async_wait_for("sendMessage", timeout=30)
            tg.fail_next("editMessageText", 400, "Bad Request: message to edit not found")
            checked.set()
            await tg.async_wait_for("sendMessage", count=2, timeout=30)
            assert "TESTTOKEN" in draft.params["text"]

        asyncio.run(polling(build_application(bot_settings(tg), newsbot), body))
    [deleted] = delivered(tg, "deleteMessage")
    first, final = delivered(tg)
    assert deleted["message_id"] is not None
    assert "TESTTOKEN" in first["text"] and "TESTTOKEN" not in final["text"]
    assert final["text"].startswith("The ferry cost $38.5 million [1].")
    assert "do not support" in final["text"] and final["parse_mode"] == "HTML"
