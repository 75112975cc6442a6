"""Who the bot answers, and when: allow lists, groups, busy users, rate limits, odd updates."""

from __future__ import annotations

import asyncio
import logging

from pydantic import SecretStr

from newsbot.bot.access import REFUSAL
from newsbot.bot.handlers import BUSY, EDITED, HELP, NOT_TEXT
from newsbot.bot.ratelimit import RateLimiter
from newsbot.bot.settings import BotSettings
from newsbot.bot.telegram import APOLOGY, build_application, redact_token_in_logs
from tests.support.fake_telegram import FakeTelegram, polling

CUP = "Who scored the winning penalty in the regional cup final?"
DRONE = "How much weight can the XR-17 drone carry?"
BOT = "@newsbot_test_bot"


def run_bot(tg: FakeTelegram, newsbot, body, **overrides) -> None:
    overrides.setdefault("telegram_open", True)  # public unless the test names who may ask
    settings = BotSettings(
        _env_file=None,
        telegram_token=SecretStr(tg.token),
        telegram_base_url=tg.base_url,
        **overrides,
    )
    asyncio.run(polling(build_application(settings, newsbot), body, post_init=False))


async def settle(tg: FakeTelegram) -> None:
    """Wait until the bot has fetched every queued update and finished with it."""
    await asyncio.to_thread(tg.wait_until_consumed, 30)
    await asyncio.sleep(0.3)


def test_only_allowed_users_and_chats_get_answers(samples_newsbot):
    with FakeTelegram() as tg:

        async def body():
            tg.send_text(CUP, chat_id=5, user_id=5, username="mallory")
            tg.send_text("/start", chat_id=5, user_id=5, username="mallory")
            tg.send_text(CUP, chat_id=42, user_id=42, username="carol")  # allowed by id
            tg.send_text(DRONE, chat_id=77, user_id=77, username="Bob")  # by @username
            # An allowed group lets anyone in it ask; another group does not.
            tg.send_text(f"{BOT} {DRONE}", chat_id=-100, user_id=5, chat_type="supergroup")
            tg.send_text(f"{BOT} {DRONE}", chat_id=-200, user_id=5, chat_type="supergroup")
            tg.send_text("just chatting", chat_id=-200, user_id=5, chat_type="supergroup")
            await tg.async_wait_for("sendMessage", count=6, timeout=60)
            await settle(tg)

        run_bot(
            tg,
            samples_newsbot,
            body,
            telegram_allowed_users="42,@bob",
            telegram_allowed_chats="-100",
            telegram_open=False,
        )
        assert tg.sent_texts(chat_id=5) == [REFUSAL, REFUSAL]  # not even the article count
        assert "Kofi Adjei-Brandt" in tg.sent_texts(chat_id=42)[0]
        assert "4.5 kilograms" in tg.sent_texts(chat_id=77)[0]
        assert "4.5 kilograms" in tg.sent_texts(chat_id=-100)[0]
        assert tg.sent_texts(chat_id=-200) == [REFUSAL]  # silent where it was not addressed
        typing = {c.params["chat_id"] for c in tg.calls_to("sendChatAction")}
        assert typing == {42, 77, -100}, "nothing was looked up for strangers"


def test_groups_answer_mentions_and_replies_only(samples_newsbot):
    group = {"chat_id": -300, "user_id": 8, "username": "dave", "chat_type": "group"}
    with FakeTelegram() as tg:
        asked = tg.send_text(f"{BOT} {CUP}", **group)["message"]
        human = {
            "message_id": asked["message_id"],
            "date": asked["date"],
            "chat": asked["chat"],
            "from": asked["from"],
            "text": asked["text"],
        }
        tg.send_text(DRONE, **group)  # not addressed
        tg.send_text(f"@otherbot {DRONE}", **group)
        tg.send_text("/start@otherbot", **group)
        # A reply to someone else's message needs a mention; a reply to the bot does not.
        tg.send_text("And who is the head coach?", reply_to=human, **group)
        tg.send_text("And who is the head coach?", reply_to=asked["message_id"] + 1, **group)
        tg.send_text(BOT, **group)  # a bare mention: nothing left to ask
        mid = tg.send_text(f"What can the XR-17 drone carry, {BOT.upper()}?", **group)
        tg.send_text("/help@newsbot_test_bot", **group)

        async def body():
            await tg.async_wait_for("sendMessage", count=5, timeout=60)
            await settle(tg)

        run_bot(tg, samples_newsbot, body)
        sent = tg.sent_messages(chat_id=-300)
        texts = [p["text"] for p in sent]
        assert len(sent) == 5, texts
        assert "Kofi Adjei-Brandt" in texts[0]
        assert sent[0]["reply_parameters"]["message_id"] == asked["message_id"]
        assert "Renata Salgado" in texts[1]  # the reply to the bot, with the chat's memory
        assert texts[2] == HELP  # "@newsbot_test_bot" alone, stripped to nothing
        assert "4.5 kilograms" in texts[3]
        assert sent[3]["reply_parameters"]["message_id"] == mid["message"]["message_id"]
        assert texts[4] == HELP


def test_a_busy_user_is_told_to_wait_and_others_are_not(samples_newsbot):
    with FakeTelegram() as tg:
        release = tg.hold("sendMessage", lambda p: p.get("chat_id") == 5)

        async def body():
            tg.send_text(CUP, chat_id=5, user_id=5)
            await tg.async_wait_for("sendMessage", timeout=60)  # answer made, delivery slow
            tg.send_text(f"{BOT} {DRONE}", chat_id=-400, user_id=5, chat_type="group")
            tg.send_text(f"{BOT} {DRONE}", chat_id=-400, user_id=6, chat_type="group")
            await tg.async_wait_for("sendMessage", count=3, timeout=60)
            release.set()
            await settle(tg)

        run_bot(tg, samples_newsbot, body)
        group = tg.sent_texts(chat_id=-400)
        assert group[0] == BUSY
        assert "4.5 kilograms" in group[1]
        assert len(group) == 2
        assert "Kofi Adjei-Brandt" in tg.sent_texts(chat_id=5)[0]


def test_per_user_rate_limit_replies_politely(samples_newsbot):
    with FakeTelegram() as tg:

        async def body():
            for _ in range(3):
                tg.send_text(DRONE, chat_id=11, user_id=11)
            tg.send_text(DRONE, chat_id=12, user_id=12)  # someone else is not limited
            await tg.async_wait_for("sendMessage", count=4, timeout=60)
            await settle(tg)

        run_bot(tg, samples_newsbot, body, telegram_rate_limit=2, telegram_rate_window=60)
        mine = tg.sent_texts(chat_id=11)
        assert len(mine) == 3
        assert all("4.5 kilograms" in t for t in mine[:2])
        assert mine[2].startswith("You're asking faster than I can read. Please wait ")
        assert "4.5 kilograms" in tg.sent_texts(chat_id=12)[0]


def test_photos_stickers_voice_and_edits_get_a_hint_or_silence(samples_newsbot):
    with FakeTelegram() as tg:
        photo = [{"file_id": "p1", "file_unique_id": "u1", "width": 90, "height": 90}]
        sticker = {
            "file_id": "s1",
            "file_unique_id": "u2",
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
        }
        voice = {"file_id": "v1", "file_unique_id": "u3", "duration": 2}

        async def body():
            tg.enqueue({"message": tg.make_message(None, chat_id=21, photo=photo)})
            tg.enqueue({"message": tg.make_message(None, chat_id=21, sticker=sticker)})
            tg.enqueue({"message": tg.make_message(None, chat_id=21, voice=voice)})
            edited = tg.make_message(DRONE, chat_id=21, edit_date=1)
            tg.enqueue({"edited_message": edited})
            group = {"chat_id": -500, "chat_type": "group"}
            tg.enqueue({"message": tg.make_message(None, sticker=sticker, **group)})
            tg.enqueue({"edited_message": tg.make_message(f"{BOT} {DRONE}", **group)})
            tg.send_text("/nonsense", chat_id=21)
            tg.send_text(DRONE, chat_id=21)
            await tg.async_wait_for("sendMessage", count=6, timeout=60)
            await settle(tg)

        run_bot(tg, samples_newsbot, body)
        texts = tg.sent_texts(chat_id=21)
        assert texts[:4] == [NOT_TEXT, NOT_TEXT, NOT_TEXT, EDITED]
        assert "/help" in texts[4]
        assert "4.5 kilograms" in texts[5]
        assert tg.sent_texts(chat_id=-500) == []


def test_errors_are_logged_reported_to_admins_and_apologised_for(samples_newsbot, caplog):
    caplog.set_level(logging.INFO)
    with FakeTelegram() as tg:
        redact_token_in_logs(tg.token)  # what `run` does for the entry point's handlers
        tg.fail_next("sendMessage", 400, "Bad Request: chat not found")

        async def body():
            tg.send_text(DRONE, chat_id=31)
            await tg.async_wait_for("sendMessage", count=3, timeout=60)
            tg.send_text(CUP, chat_id=31)  # and the bot keeps running
            await tg.async_wait_for("sendMessage", count=4, timeout=60)

        try:
            run_bot(tg, samples_newsbot, body, telegram_admin_chat="999")
        finally:
            for handler in logging.getLogger().handlers:
                handler.filters.clear()
        [report] = tg.sent_texts(chat_id=999)
        assert report == "newsbot error: BadRequest: Chat not found"
        texts = tg.sent_texts(chat_id=31)
        assert texts[1] == APOLOGY
        assert "Traceback" not in "".join(texts) and "Traceback" not in report
        assert "Kofi Adjei-Brandt" in texts[2]
    errors = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert errors and errors[0].exc_info, "the traceback goes to the log"
    assert "Traceback" in caplog.text
    assert "<token>" in caplog.text, "httpx logged request URLs, redacted"
    assert tg.token not in caplog.text
    assert tg.token.split(":")[1] not in caplog.text


def test_settings_read_comma_separated_lists(monkeypatch):
    monkeypatch.setenv("NEWSBOT_TELEGRAM_ALLOWED_USERS", " 42, @Bob ,")
    monkeypatch.setenv("NEWSBOT_INGEST_PATHS", "examples/articles,https://example.org/feed.xml")
    settings = BotSettings(_env_file=None)
    assert settings.telegram_allowed_users == ["42", "@Bob"]
    assert settings.ingest_paths == ["examples/articles", "https://example.org/feed.xml"]
    assert settings.telegram_allowed_chats == []
    assert not settings.telegram_open  # closed unless opened


def test_rate_limit_window_slides():
    now = [0.0]
    limiter = RateLimiter(limit=2, window=60, clock=lambda: now[0])
    assert limiter.wait_time("u") == 0 and limiter.wait_time("u") == 0
    now[0] = 45.0
    assert limiter.wait_time("u") == 15.0
    assert limiter.wait_time("v") == 0  # per user
    now[0] = 60.0
    assert limiter.wait_time("u") == 0  # the first question left the window
    assert RateLimiter(limit=0, window=60).wait_time("u") == 0  # 0: no limit
