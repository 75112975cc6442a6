"""Self-tests for tests/fake_telegram.py, including a real PTB Application polling it."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

import pytest
from telegram import Update
from telegram.error import BadRequest, RetryAfter
from telegram.ext import Application, ApplicationBuilder, ContextTypes, MessageHandler, filters

from tests.support.fake_telegram import FakeTelegram


def _post(tg: FakeTelegram, method: str, body: bytes, content_type: str) -> tuple[int, Any]:
    req = urllib.request.Request(
        f"{tg.base_url}{tg.token}/{method}",
        data=body,
        headers={"Content-Type": content_type},
        method="POST",
    )
    try:
        with urllib.request.urlopen(req, timeout=5) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read())


def _build_app(tg: FakeTelegram) -> Application:
    return (
        ApplicationBuilder()
        .token(tg.token)
        .base_url(f"{tg.url}/bot")
        .base_file_url(f"{tg.url}/file/bot")
        .build()
    )


async def _run_polling(app: Application, body) -> None:
    async with app:
        await app.start()
        await app.updater.start_polling(poll_interval=0, timeout=1)
        try:
            await body()
        finally:
            await app.updater.stop()
            await app.stop()


def test_echo_bot_end_to_end() -> None:
    with FakeTelegram() as tg:
        app = _build_app(tg)

        async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
            await update.effective_chat.send_action("typing")
            await update.effective_message.reply_text(f"echo: {update.effective_message.text}")

        app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))

        async def body() -> None:
            tg.send_text("hello there", chat_id=42, user_id=7, username="bob")
            calls = await tg.async_wait_for("sendMessage", timeout=10)
            assert calls[0].params["text"] == "echo: hello there"
            assert calls[0].params["chat_id"] == 42  # decoded from the form value "42"

            tg.send_text("in a group", chat_id=-100123, chat_type="supergroup")
            await tg.async_wait_for("sendMessage", count=2, timeout=10)

        started = time.monotonic()
        asyncio.run(_run_polling(app, body))
        elapsed = time.monotonic() - started

        assert tg.sent_texts() == ["echo: hello there", "echo: in a group"]
        assert tg.sent_messages(chat_id=-100123)[0]["text"] == "echo: in a group"
        methods = [c.method for c in tg.calls]
        assert methods[0] == "getMe"
        assert "deleteWebhook" in methods
        assert methods.count("sendChatAction") == 2
        assert "getUpdates" not in methods  # polls are counted, not recorded
        assert tg.get_updates_count >= 2
        assert tg.pending_updates == []  # final offset confirmed everything
        assert elapsed < 5, f"start/echo/shutdown took {elapsed:.1f}s"


def test_ptb_sees_injected_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    # PTB 22.2+ warns (PTBDeprecationWarning) when *constructing* RetryAfter unless
    # PTB_TIMEDELTA is set, and this project turns warnings into errors.
    monkeypatch.setenv("PTB_TIMEDELTA", "1")
    with FakeTelegram() as tg:
        app = _build_app(tg)

        async def main() -> None:
            async with app:
                tg.fail_next("sendMessage", 429, retry_after=3)
                with pytest.raises(RetryAfter) as exc_info:
                    await app.bot.send_message(1, "x")
                assert exc_info.value.retry_after == dt.timedelta(seconds=3)

                tg.fail_next("sendMessage")  # default: HTML parse failure
                # PTB strips "Bad Request: " and capitalises the rest: "Can't parse entities: ..."
                with pytest.raises(BadRequest, match=r"(?i)can't parse entities"):
                    await app.bot.send_message(1, "<b>x", parse_mode="HTML")
                msg = await app.bot.send_message(1, "<b>x")
                assert msg.text == "<b>x"

        asyncio.run(main())
        assert [c.params.get("parse_mode") for c in tg.calls_to("sendMessage")] == [
            None,
            "HTML",
            None,
        ]
        assert len(tg.failed_calls) == 2


def test_fail_next_wire_shape() -> None:
    with FakeTelegram() as tg:
        tg.fail_next("sendMessage", error_code=429, description="Too Many Requests", retry_after=7)
        status, body = _post(
            tg, "sendMessage", b"chat_id=1&text=hi", "application/x-www-form-urlencoded"
        )
        assert status == 429
        assert body == {
            "ok": False,
            "error_code": 429,
            "description": "Too Many Requests",
            "parameters": {"retry_after": 7},
        }
        # one-shot: the next call succeeds
        status, body = _post(
            tg, "sendMessage", b"chat_id=1&text=hi", "application/x-www-form-urlencoded"
        )
        assert status == 200
        assert body["ok"] is True
        assert body["result"]["text"] == "hi"

        tg.fail_next("editMessageText", description="Bad Request: can't parse entities")
        status, body = _post(tg, "editMessageText", b"{}", "application/json")
        assert status == 400
        assert "parameters" not in body


def test_body_encodings_and_unknown_methods() -> None:
    with FakeTelegram() as tg:
        markup = {"inline_keyboard": [[{"text": "a", "callback_data": "1"}]]}
        form = urllib.parse.urlencode(
            {"chat_id": "5", "text": "123", "reply_markup": json.dumps(markup)}
        ).encode()
        status, body = _post(tg, "sendMessage", form, "application/x-www-form-urlencoded")
        assert status == 200 and body["result"]["text"] == "123"

        status, _ = _post(
            tg,
            "sendMessage",
            json.dumps({"chat_id": 6, "text": "[1]"}).encode(),
            "application/json",
        )
        assert status == 200

        boundary = "XyZ"
        multipart = (
            f"--{boundary}\r\n"
            'Content-Disposition: form-data; name="chat_id"\r\n\r\n7\r\n'
            f"--{boundary}\r\n"
            'Content-Disposition: form-data; name="document"; filename="a.txt"\r\n'
            "Content-Type: text/plain\r\n\r\nfile body\r\n"
            f"--{boundary}--\r\n"
        ).encode()
        status, body = _post(
            tg, "sendDocument", multipart, f"multipart/form-data; boundary={boundary}"
        )
        assert status == 200 and body["result"]["document"]["file_name"] == "a.txt"

        status, body = _post(tg, "someFutureMethod", b"", "application/json")
        assert status == 200 and body == {"ok": True, "result": True}

        p1, p2, p3, p4 = (c.params for c in tg.calls)
        assert p1 == {"chat_id": 5, "text": "123", "reply_markup": markup}
        assert p2 == {"chat_id": 6, "text": "[1]"}
        assert p3["chat_id"] == 7 and p3["document"].data == b"file body"
        assert p4 == {}
        assert [c.method for c in tg.calls][-1] == "someFutureMethod"

        with pytest.raises(AssertionError, match="calls seen"):
            tg.wait_for("answerCallbackQuery", timeout=0.2)


def test_get_updates_long_poll_and_offset() -> None:
    with FakeTelegram() as tg:
        t0 = time.monotonic()
        status, body = _post(tg, "getUpdates", b"timeout=30", "application/x-www-form-urlencoded")
        assert status == 200 and body["result"] == []
        assert 0.8 < time.monotonic() - t0 < 3  # capped at 1 s

        u1 = tg.send_text("one")
        u2 = tg.enqueue({"edited_message": tg.make_message("two (edited)")})
        _, body = _post(tg, "getUpdates", b"timeout=1", "application/x-www-form-urlencoded")
        assert [u["update_id"] for u in body["result"]] == [u1["update_id"], u2["update_id"]]

        offset = f"offset={u2['update_id']}".encode()
        _, body = _post(tg, "getUpdates", offset, "application/x-www-form-urlencoded")
        assert [u["update_id"] for u in body["result"]] == [u2["update_id"]]
        assert len(tg.pending_updates) == 1


def test_hold_delays_only_matching_replies_and_calls_are_timed() -> None:
    with FakeTelegram() as tg:
        release = tg.hold("sendMessage", lambda p: p.get("chat_id") == 1)
        body = "application/x-www-form-urlencoded"
        held: dict[str, Any] = {}

        def send_held() -> None:
            held["reply"] = _post(tg, "sendMessage", b"chat_id=1&text=slow", body)

        sender = threading.Thread(target=send_held)
        sender.start()
        tg.wait_for("sendMessage", timeout=5)  # recorded at once
        status, _ = _post(tg, "sendMessage", b"chat_id=2&text=fast", body)
        assert status == 200 and "reply" not in held  # other chats are not held
        time.sleep(0.2)
        release.set()
        sender.join(5)
        assert held["reply"][0] == 200
        (t1, first), (t2, second) = tg.timed_calls("sendMessage")
        assert first.params["text"] == "slow" and second.params["text"] == "fast"
        assert 0 <= t2 - t1 < 5
