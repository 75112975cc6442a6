"""A local, in-process fake of the Telegram Bot API for end-to-end tests.

Point a real python-telegram-bot ``Application`` at it::

    with FakeTelegram() as tg:
        app = (
            ApplicationBuilder()
            .token(tg.token)
            .base_url(f"{tg.url}/bot")
            .base_file_url(f"{tg.url}/file/bot")
            .build()
        )
        ...
        tg.send_text("hello")
        (call,) = tg.wait_for("sendMessage")
        assert call.params["text"] == "hello"

PTB builds request URLs as ``base_url + token + "/" + method`` and posts the parameters
``application/x-www-form-urlencoded`` (``multipart/form-data`` when a file is uploaded) with
every non-string value JSON-encoded, so ``chat_id`` arrives as ``"1"`` and ``reply_markup`` as a
JSON string.  The server decodes those back (see :func:`decode_params`); ``application/json``
bodies are accepted as well.

Errors are answered with the HTTP status equal to ``error_code``: PTB picks the exception class
from the HTTP status (400 -> ``BadRequest``, 403 -> ``Forbidden``, ...) and raises ``RetryAfter``
whenever the body carries ``parameters.retry_after``.

Pure stdlib; the server runs in a background thread on 127.0.0.1 with an ephemeral port.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections import deque
from collections.abc import Callable
from typing import Any

from newsbot.harness.fake_telegram_api import BotApi
from newsbot.harness.fake_telegram_http import (
    BOT_USER,
    DEFAULT_TOKEN,
    FAR_FUTURE,
    Call,
    Failure,
    Handler,
    Server,
    UploadedFile,
    decode_params,
)

__all__ = [
    "BOT_USER",
    "DEFAULT_TOKEN",
    "Call",
    "FakeTelegram",
    "UploadedFile",
    "decode_params",
    "polling",
]


class FakeTelegram(BotApi):
    """A fake Telegram Bot API server; see the module docstring."""

    def __init__(self, token: str = DEFAULT_TOKEN, *, record_get_updates: bool = False) -> None:
        self.token = token
        self.bot_user: dict[str, Any] = dict(BOT_USER)
        self.bot_user["id"] = int(token.split(":", 1)[0]) if token[:1].isdigit() else 123456
        #: Record getUpdates calls in :attr:`calls` too (off by default: they are just noise).
        self.record_get_updates = record_get_updates

        self._lock = threading.Lock()
        self._cond = threading.Condition(self._lock)
        self._calls: list[Call] = []
        self._call_times: list[float] = []  # time.monotonic() of each call in _calls
        self._failed: list[Call] = []
        self._updates: list[dict[str, Any]] = []
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1)
        self._failures: dict[str, deque[Failure]] = {}
        self._holds: list[tuple[str, Callable[[dict[str, Any]], bool] | None, threading.Event]] = []
        self._chats: dict[int | str, dict[str, Any]] = {}
        self._commands: dict[str, list[dict[str, Any]]] = {}
        self._webhook: dict[str, Any] = {"url": "", "has_custom_certificate": False}
        self._files: dict[str, bytes] = {}
        self._files_by_path: dict[str, bytes] = {}
        self.get_updates_count = 0
        self._closed = False

        self._server: Server | None = None
        self._thread: threading.Thread | None = None

    # ------------------------------------------------------------------ lifecycle

    def start(self) -> FakeTelegram:
        if self._server is not None:
            return self
        server = Server(("127.0.0.1", 0), Handler)
        server.fake = self
        self._server = server
        self._closed = False
        self._thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="FakeTelegram",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        server, self._server = self._server, None
        if server is None:
            return
        with self._cond:
            self._closed = True
            self._cond.notify_all()  # release long polls
            for _, _, release in self._holds:
                release.set()  # and held answers
        server.shutdown()
        server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    close = stop

    def __enter__(self) -> FakeTelegram:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("FakeTelegram is not running")
        return self._server.server_address[1]

    @property
    def url(self) -> str:
        """``http://127.0.0.1:PORT`` (no trailing slash)."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def base_url(self) -> str:
        """What to pass to ``ApplicationBuilder().base_url(...)``."""
        return f"{self.url}/bot"

    @property
    def base_file_url(self) -> str:
        """What to pass to ``ApplicationBuilder().base_file_url(...)``."""
        return f"{self.url}/file/bot"

    # ------------------------------------------------------------------ test helpers: input

    def enqueue(self, update: dict[str, Any]) -> dict[str, Any]:
        """Queue an arbitrary update for getUpdates; assigns ``update_id`` if missing."""
        update = dict(update)
        with self._cond:
            if "update_id" in update:
                # keep the counter ahead of explicit ids so later auto ids stay increasing
                nxt = next(self._update_ids)
                if update["update_id"] >= nxt:
                    self._update_ids = itertools.count(update["update_id"] + 1)
                else:
                    self._update_ids = itertools.count(nxt)
            else:
                update["update_id"] = next(self._update_ids)
            self._updates.append(update)
            self._updates.sort(key=lambda u: u["update_id"])
            self._cond.notify_all()
        return update

    def make_chat(
        self,
        chat_id: int = 1,
        *,
        chat_type: str = "private",
        username: str | None = "alice",
        title: str | None = None,
        first_name: str | None = None,
    ) -> dict[str, Any]:
        """Build (and remember) a chat dict; replies to it will carry the same chat."""
        chat: dict[str, Any] = {"id": chat_id, "type": chat_type}
        if chat_type == "private":
            chat["first_name"] = first_name or (username or "User").capitalize()
            if username:
                chat["username"] = username
        else:
            chat["title"] = title or f"Test {chat_type} {chat_id}"
        with self._lock:
            self._chats[chat_id] = chat
        return chat

    def make_user(
        self, user_id: int = 1, username: str | None = "alice", first_name: str | None = None
    ) -> dict[str, Any]:
        user: dict[str, Any] = {
            "id": user_id,
            "is_bot": False,
            "first_name": first_name or (username or "User").capitalize(),
            "language_code": "en",
        }
        if username:
            user["username"] = username
        return user

    def make_message(
        self,
        text: str | None = None,
        *,
        chat_id: int = 1,
        user_id: int = 1,
        username: str | None = "alice",
        chat_type: str = "private",
        title: str | None = None,
        reply_to: int | dict[str, Any] | None = None,
        entities: list[dict[str, Any]] | None = None,
        **extra: Any,
    ) -> dict[str, Any]:
        """Build a realistic incoming Message dict (not queued)."""
        chat = self.make_chat(chat_id, chat_type=chat_type, username=username, title=title)
        msg: dict[str, Any] = {
            "message_id": self.next_message_id(),
            "from": self.make_user(user_id, username),
            "chat": chat,
            "date": int(time.time()),
        }
        if text is not None:
            msg["text"] = text
        if entities is not None:
            msg["entities"] = entities
        elif text is not None and text.startswith("/"):
            command = text.split(maxsplit=1)[0]
            msg["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
        if reply_to is not None:
            if isinstance(reply_to, dict):
                msg["reply_to_message"] = reply_to
            else:
                msg["reply_to_message"] = {
                    "message_id": reply_to,
                    "from": self.bot_user,
                    "chat": chat,
                    "date": int(time.time()),
                    "text": "",
                }
        msg.update(extra)
        return msg

    def send_text(
        self,
        text: str,
        chat_id: int = 1,
        user_id: int = 1,
        username: str | None = "alice",
        chat_type: str = "private",
        reply_to: int | dict[str, Any] | None = None,
        entities: list[dict[str, Any]] | None = None,
        *,
        title: str | None = None,
    ) -> dict[str, Any]:
        """Queue a ``message`` update as if ``username`` typed ``text``; returns the update.

        Texts starting with "/" get a ``bot_command`` entity automatically (so
        ``CommandHandler`` matches) unless ``entities`` is given.  For ``chat_type`` "group" /
        "supergroup" the chat gets a ``title``.  ``reply_to`` is a message id (of a bot
        message) or a full message dict.
        """
        msg = self.make_message(
            text,
            chat_id=chat_id,
            user_id=user_id,
            username=username,
            chat_type=chat_type,
            title=title,
            reply_to=reply_to,
            entities=entities,
        )
        return self.enqueue({"message": msg})

    def press_button(
        self,
        data: str,
        message: dict[str, Any] | None = None,
        *,
        chat_id: int = 1,
        user_id: int = 1,
        username: str | None = "alice",
    ) -> dict[str, Any]:
        """Queue a ``callback_query`` update (as if an inline button was pressed)."""
        if message is None:
            with self._lock:
                known = self._chats.get(chat_id)
            chat = known or self.make_chat(chat_id, username=username)
            message = {
                "message_id": self.next_message_id(),
                "from": self.bot_user,
                "chat": chat,
                "date": int(time.time()),
                "text": "",
            }
        query = {
            "id": f"cbq-{time.monotonic_ns()}",
            "from": self.make_user(user_id, username),
            "chat_instance": str(message["chat"]["id"]),
            "message": message,
            "data": data,
        }
        return self.enqueue({"callback_query": query})

    def add_file(self, file_id: str, data: bytes) -> None:
        """Make ``getFile(file_id)`` succeed and the file downloadable via base_file_url."""
        with self._lock:
            self._files[file_id] = data
            self._files_by_path[f"files/{file_id}"] = data

    # ------------------------------------------------------------------ test helpers: output

    @property
    def calls(self) -> list[Call]:
        """Snapshot of all recorded calls, in order (getUpdates only if record_get_updates)."""
        with self._lock:
            return list(self._calls)

    @property
    def failed_calls(self) -> list[Call]:
        """Calls that were answered with an injected failure (they are in :attr:`calls` too)."""
        with self._lock:
            return list(self._failed)

    @property
    def pending_updates(self) -> list[dict[str, Any]]:
        """Updates queued but not yet confirmed by a getUpdates offset."""
        with self._lock:
            return list(self._updates)

    def timed_calls(self, method: str) -> list[tuple[float, Call]]:
        """Calls of ``method`` with the ``time.monotonic()`` at which each arrived."""
        with self._lock:
            timed = zip(self._call_times, self._calls, strict=True)
            return [(t, c) for t, c in timed if c.method == method]

    def calls_to(self, method: str) -> list[Call]:
        with self._lock:
            return [c for c in self._calls if c.method == method]

    def sent_messages(self, chat_id: int | str | None = None) -> list[dict[str, Any]]:
        """Params of every sendMessage call (optionally for one chat), failed ones included."""
        return [
            c.params
            for c in self.calls_to("sendMessage")
            if chat_id is None or c.params.get("chat_id") == chat_id
        ]

    def sent_texts(self, chat_id: int | str | None = None) -> list[str]:
        return [p.get("text", "") for p in self.sent_messages(chat_id)]

    def clear_calls(self) -> None:
        with self._lock:
            self._calls.clear()
            self._call_times.clear()
            self._failed.clear()

    def wait_for(
        self,
        method: str,
        count: int = 1,
        timeout: float = 30,
        predicate: Callable[[dict[str, Any]], bool] | None = None,
    ) -> list[Call]:
        """Block until at least ``count`` calls of ``method`` (matching ``predicate`` on params,
        if given) have been recorded since start / the last :meth:`clear_calls`; return them all.

        Raises AssertionError listing every call seen if that does not happen within
        ``timeout`` seconds.
        """

        def matching() -> list[Call]:
            return [
                c
                for c in self._calls
                if c.method == method and (predicate is None or predicate(c.params))
            ]

        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                found = matching()
                if len(found) >= count:
                    return found
                left = deadline - time.monotonic()
                if left <= 0:
                    seen = "\n".join(f"  {c.method} {c.params!r}" for c in self._calls)
                    raise AssertionError(
                        f"timed out after {timeout}s waiting for {count} x {method}"
                        f" (got {len(found)}); calls seen:\n{seen or '  (none)'}"
                    )
                self._cond.wait(left)

    async def async_wait_for(
        self,
        method: str,
        count: int = 1,
        timeout: float = 30,
        predicate: Callable[[dict[str, Any]], bool] | None = None,
    ) -> list[Call]:
        """:meth:`wait_for` for use inside a running event loop (does not block the loop)."""
        import asyncio

        return await asyncio.to_thread(self.wait_for, method, count, timeout, predicate)

    def wait_until_consumed(self, timeout: float = FAR_FUTURE) -> None:
        """Block until every queued update has been confirmed by the client's next offset."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while self._updates:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"{len(self._updates)} update(s) never consumed")
                self._cond.wait(left)


async def polling(application: Any, body: Callable[[], Any], *, post_init: bool = True) -> None:
    """Run a PTB Application by long polling while ``await body()`` runs, then stop it.

    Calls the application's ``post_init`` the way ``run_polling`` would.
    """
    async with application:
        if post_init and application.post_init:
            await application.post_init(application)
        await application.start()
        await application.updater.start_polling(poll_interval=0, timeout=1)
        try:
            await body()
        finally:
            await application.updater.stop()
            await application.stop()
