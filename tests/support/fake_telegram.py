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

import email.parser
import email.policy
import itertools
import json
import threading
import time
import urllib.parse
from collections import deque
from collections.abc import Callable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, NamedTuple

__all__ = [
    "BOT_USER",
    "DEFAULT_TOKEN",
    "Call",
    "FakeTelegram",
    "UploadedFile",
    "decode_params",
    "polling",
]

DEFAULT_TOKEN = "123456:TEST-TOKEN"

BOT_USER: dict[str, Any] = {
    "id": 123456,
    "is_bot": True,
    "first_name": "NewsBot",
    "username": "newsbot_test_bot",
    "can_join_groups": True,
    "can_read_all_group_messages": False,
    "supports_inline_queries": False,
}

# Parameters that carry free text: never JSON-decoded, so a message text of "42" or "[1]"
# stays a string.  Everything else is JSON-decoded when it parses (chat_id, reply_markup,
# allowed_updates, entities, link_preview_options, ...), and left as-is when it does not.
_TEXT_PARAMS = frozenset(
    {
        "text",
        "caption",
        "parse_mode",
        "caption_parse_mode",
        "action",
        "url",
        "secret_token",
        "ip_address",
        "callback_query_id",
        "inline_query_id",
        "inline_message_id",
        "business_connection_id",
        "message_effect_id",
        "language_code",
        "scope_type",
        "title",
        "description",
        "short_description",
        "name",
        "emoji",
        "query",
        "question",
        "explanation",
        "first_name",
        "last_name",
        "phone_number",
        "address",
        "vcard",
        "file_id",
        "file_unique_id",
        "custom_emoji_id",
        "sticker",
        "photo",
        "document",
        "audio",
        "video",
        "voice",
        "animation",
        "video_note",
        "thumbnail",
        "certificate",
    }
)

_FAR_FUTURE = 30.0  # upper bound (s) for blocking helpers when no timeout is given


class Call(NamedTuple):
    """One API request as the fake saw it.  Unpacks as ``(method, params)``."""

    method: str
    params: dict[str, Any]


class UploadedFile(NamedTuple):
    """A file part of a multipart request (stored in ``params`` under its field name)."""

    filename: str | None
    content_type: str
    data: bytes


class _Failure(NamedTuple):
    error_code: int
    description: str
    retry_after: int | None


def decode_params(params: dict[str, Any]) -> dict[str, Any]:
    """Undo PTB's "JSON-encode every non-string value" for a flat parameter mapping."""
    out: dict[str, Any] = {}
    for key, value in params.items():
        if isinstance(value, str) and key not in _TEXT_PARAMS:
            try:
                out[key] = json.loads(value)
            except ValueError:
                out[key] = value
        else:
            out[key] = value
    return out


def _parse_body(content_type: str, body: bytes) -> dict[str, Any]:
    mime = content_type.split(";", 1)[0].strip().lower()
    if not body:
        return {}
    if mime == "application/json":
        data = json.loads(body.decode("utf-8"))
        if not isinstance(data, dict):
            raise ValueError("JSON body must be an object")
        return data
    if mime == "multipart/form-data":
        return _parse_multipart(content_type, body)
    # application/x-www-form-urlencoded, or anything unlabelled
    pairs = urllib.parse.parse_qsl(body.decode("utf-8"), keep_blank_values=True)
    return dict(pairs)


def _parse_multipart(content_type: str, body: bytes) -> dict[str, Any]:
    header = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode()
    msg = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(header + body)
    out: dict[str, Any] = {}
    for part in msg.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if not name:
            continue
        filename = part.get_filename()
        payload = part.get_payload(decode=True) or b""
        if filename is not None:
            out[name] = UploadedFile(filename, part.get_content_type(), payload)
        else:
            charset = part.get_content_charset() or "utf-8"
            out[name] = payload.decode(charset)
    return out


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    fake: FakeTelegram

    def handle_error(self, request: Any, client_address: Any) -> None:
        # The client hung up (e.g. PTB cancelled a long poll on shutdown): not worth a traceback.
        import sys

        exc = sys.exc_info()[1]
        if isinstance(exc, ConnectionError | TimeoutError):
            return
        super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = 10  # idle keep-alive connections give up after this many seconds
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:  # silence stderr access log
        pass

    def do_GET(self) -> None:
        self._dispatch(b"")

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        self._dispatch(body)

    def _dispatch(self, body: bytes) -> None:
        fake = self.server.fake
        split = urllib.parse.urlsplit(self.path)
        path = urllib.parse.unquote(split.path)

        file_prefix = f"/file/bot{fake.token}/"
        if self.command == "GET" and path.startswith(file_prefix):
            data = fake._files_by_path.get(path[len(file_prefix) :])
            if data is None:
                self._send_json(404, {"ok": False, "error_code": 404, "description": "Not Found"})
            else:
                self._send_bytes(200, data, "application/octet-stream")
            return

        prefix = f"/bot{fake.token}/"
        if not path.startswith(prefix) or "/" in path[len(prefix) :]:
            self._send_json(
                401 if path.startswith("/bot") else 404,
                {"ok": False, "error_code": 401, "description": "Unauthorized"},
            )
            return
        method = path[len(prefix) :]

        try:
            params = dict(urllib.parse.parse_qsl(split.query, keep_blank_values=True))
            params.update(_parse_body(self.headers.get("Content-Type", ""), body))
            params = decode_params(params)
        except (ValueError, UnicodeDecodeError) as exc:
            self._send_json(
                400, {"ok": False, "error_code": 400, "description": f"Bad Request: {exc}"}
            )
            return

        status, payload = fake._handle(method, params)
        self._send_json(status, payload)

    def _send_json(self, status: int, payload: dict[str, Any]) -> None:
        self._send_bytes(status, json.dumps(payload).encode("utf-8"), "application/json")

    def _send_bytes(self, status: int, data: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


class FakeTelegram:
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
        self._failures: dict[str, deque[_Failure]] = {}
        self._holds: list[tuple[str, Callable[[dict[str, Any]], bool] | None, threading.Event]] = []
        self._chats: dict[int | str, dict[str, Any]] = {}
        self._commands: dict[str, list[dict[str, Any]]] = {}
        self._webhook: dict[str, Any] = {"url": "", "has_custom_certificate": False}
        self._files: dict[str, bytes] = {}
        self._files_by_path: dict[str, bytes] = {}
        self.get_updates_count = 0
        self._closed = False

        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # ------------------------------------------------------------------ lifecycle

    def start(self) -> FakeTelegram:
        if self._server is not None:
            return self
        server = _Server(("127.0.0.1", 0), _Handler)
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

    def next_message_id(self) -> int:
        with self._lock:
            return next(self._message_ids)

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

    def wait_until_consumed(self, timeout: float = _FAR_FUTURE) -> None:
        """Block until every queued update has been confirmed by the client's next offset."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while self._updates:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"{len(self._updates)} update(s) never consumed")
                self._cond.wait(left)

    # ------------------------------------------------------------------ failure injection

    def fail_next(
        self,
        method: str,
        error_code: int = 400,
        description: str | None = None,
        retry_after: int | None = None,
        *,
        times: int = 1,
    ) -> None:
        """Answer the next ``times`` calls of ``method`` with an error (queued FIFO).

        The HTTP status equals ``error_code`` (that is what PTB looks at).  ``description``
        defaults to "Too Many Requests: retry after N" for 429 and to a "can't parse
        entities" Bad Request otherwise.  ``parameters.retry_after`` is sent only when
        ``retry_after`` is given.
        """
        if description is None:
            if error_code == 429:
                description = f"Too Many Requests: retry after {retry_after or 1}"
            else:
                description = (
                    "Bad Request: can't parse entities: Can't find end of the entity "
                    "starting at byte offset 0"
                )
        with self._lock:
            queue = self._failures.setdefault(method, deque())
            for _ in range(times):
                queue.append(_Failure(error_code, description, retry_after))

    def hold(
        self, method: str, predicate: Callable[[dict[str, Any]], bool] | None = None
    ) -> threading.Event:
        """Keep answers to matching calls waiting until the returned event is set.

        The call is recorded at once (so :meth:`wait_for` sees it); only the reply is delayed,
        as if Telegram were slow.  :meth:`stop` releases every hold.
        """
        release = threading.Event()
        with self._lock:
            self._holds.append((method, predicate, release))
        return release

    # ------------------------------------------------------------------ request handling

    def _handle(self, method: str, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        is_poll = method == "getUpdates"
        with self._cond:
            call = Call(method, params)
            if not is_poll or self.record_get_updates:
                self._calls.append(call)
                self._call_times.append(time.monotonic())
            if is_poll:
                self.get_updates_count += 1
            queue = self._failures.get(method)
            failure = queue.popleft() if queue else None
            if failure is not None:
                self._failed.append(call)
            holds = [
                release
                for held, predicate, release in self._holds
                if held == method and (predicate is None or predicate(params))
            ]
            self._cond.notify_all()
        for release in holds:
            release.wait(_FAR_FUTURE)

        if failure is not None:
            body: dict[str, Any] = {
                "ok": False,
                "error_code": failure.error_code,
                "description": failure.description,
            }
            if failure.retry_after is not None:
                body["parameters"] = {"retry_after": failure.retry_after}
            try:
                status = HTTPStatus(failure.error_code).value
            except ValueError:
                status = 400
            return status, body

        handler = getattr(self, f"_api_{method.lower()}", None)
        result = handler(params) if handler is not None else True
        return 200, {"ok": True, "result": result}

    def _chat_for(self, chat_id: Any) -> dict[str, Any]:
        with self._lock:
            chat = self._chats.get(chat_id)
        if chat is not None:
            return chat
        if isinstance(chat_id, str):  # "@channelusername"
            return {"id": -1000000000001, "type": "channel", "title": chat_id.lstrip("@")}
        if isinstance(chat_id, int) and chat_id < 0:
            return {"id": chat_id, "type": "supergroup", "title": f"Group {chat_id}"}
        return {"id": chat_id, "type": "private", "first_name": "User"}

    def _bot_message(self, params: dict[str, Any], **fields: Any) -> dict[str, Any]:
        msg: dict[str, Any] = {
            "message_id": self.next_message_id(),
            "from": self.bot_user,
            "chat": self._chat_for(params.get("chat_id")),
            "date": int(time.time()),
        }
        reply_id = params.get("reply_to_message_id")
        reply_params = params.get("reply_parameters")
        if isinstance(reply_params, dict):
            reply_id = reply_params.get("message_id", reply_id)
        if reply_id is not None:
            msg["reply_to_message"] = {
                "message_id": reply_id,
                "chat": msg["chat"],
                "date": msg["date"],
            }
        markup = params.get("reply_markup")
        if isinstance(markup, dict) and "inline_keyboard" in markup:
            msg["reply_markup"] = markup
        msg.update(fields)
        return msg

    # --- individual methods (looked up as _api_<lowercased method>) ---

    def _api_getme(self, params: dict[str, Any]) -> Any:
        return self.bot_user

    def _api_getupdates(self, params: dict[str, Any]) -> Any:
        offset = params.get("offset")
        limit = int(params.get("limit") or 100)
        try:
            timeout = float(params.get("timeout") or 0)
        except (TypeError, ValueError):
            timeout = 0.0
        deadline = time.monotonic() + min(max(timeout, 0.0), 1.0)

        with self._cond:
            if isinstance(offset, int) and offset > 0:
                # a positive offset confirms (drops) every earlier update, as Telegram does
                before = len(self._updates)
                self._updates = [u for u in self._updates if u["update_id"] >= offset]
                if len(self._updates) != before:
                    self._cond.notify_all()
            while True:
                if isinstance(offset, int) and offset < 0:
                    ready = self._updates[offset:]
                else:
                    ready = list(self._updates)
                if ready or self._closed:
                    break
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                self._cond.wait(left)
            return ready[:limit]

    def _api_deletewebhook(self, params: dict[str, Any]) -> Any:
        with self._lock:
            self._webhook = {"url": "", "has_custom_certificate": False}
            if params.get("drop_pending_updates"):
                self._updates.clear()
        return True

    def _api_setwebhook(self, params: dict[str, Any]) -> Any:
        with self._lock:
            self._webhook = {"url": params.get("url", ""), "has_custom_certificate": False}
        return True

    def _api_getwebhookinfo(self, params: dict[str, Any]) -> Any:
        with self._lock:
            return {**self._webhook, "pending_update_count": len(self._updates)}

    @staticmethod
    def _commands_key(params: dict[str, Any]) -> str:
        return json.dumps([params.get("scope"), params.get("language_code")], sort_keys=True)

    def _api_setmycommands(self, params: dict[str, Any]) -> Any:
        commands = params.get("commands") or []
        with self._lock:
            self._commands[self._commands_key(params)] = list(commands)
        return True

    def _api_getmycommands(self, params: dict[str, Any]) -> Any:
        with self._lock:
            return self._commands.get(self._commands_key(params), [])

    def _api_deletemycommands(self, params: dict[str, Any]) -> Any:
        with self._lock:
            self._commands.pop(self._commands_key(params), None)
        return True

    def _api_sendmessage(self, params: dict[str, Any]) -> Any:
        fields: dict[str, Any] = {"text": params.get("text", "")}
        if params.get("entities"):
            fields["entities"] = params["entities"]
        return self._bot_message(params, **fields)

    def _api_editmessagetext(self, params: dict[str, Any]) -> Any:
        if params.get("inline_message_id"):
            return True
        msg = self._bot_message(params, text=params.get("text", ""))
        msg["message_id"] = params.get("message_id", msg["message_id"])
        msg["edit_date"] = msg["date"]
        return msg

    def _api_editmessagereplymarkup(self, params: dict[str, Any]) -> Any:
        if params.get("inline_message_id"):
            return True
        msg = self._bot_message(params, text="")
        msg["message_id"] = params.get("message_id", msg["message_id"])
        msg["edit_date"] = msg["date"]
        return msg

    def _api_senddocument(self, params: dict[str, Any]) -> Any:
        doc = params.get("document")
        name = doc.filename if isinstance(doc, UploadedFile) else "document"
        file_id = f"doc{time.monotonic_ns()}"
        fields: dict[str, Any] = {
            "document": {"file_id": file_id, "file_unique_id": f"u-{file_id}", "file_name": name}
        }
        if params.get("caption"):
            fields["caption"] = params["caption"]
        return self._bot_message(params, **fields)

    def _api_sendchataction(self, params: dict[str, Any]) -> Any:
        return True

    def _api_answercallbackquery(self, params: dict[str, Any]) -> Any:
        return True

    def _api_deletemessage(self, params: dict[str, Any]) -> Any:
        return True

    def _api_getfile(self, params: dict[str, Any]) -> Any:
        file_id = params.get("file_id", "")
        with self._lock:
            data = self._files.get(file_id)
        result: dict[str, Any] = {"file_id": file_id, "file_unique_id": f"u-{file_id}"}
        if data is not None:
            result["file_size"] = len(data)
            result["file_path"] = f"files/{file_id}"
        return result

    def _api_close(self, params: dict[str, Any]) -> Any:
        return True

    def _api_logout(self, params: dict[str, Any]) -> Any:
        return True


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
