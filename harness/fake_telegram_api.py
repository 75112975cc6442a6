"""The Bot API methods the fake answers, and the failures and holds a test puts in their way."""

from __future__ import annotations

import itertools
import json
import threading
import time
from collections import deque
from collections.abc import Callable
from http import HTTPStatus
from typing import Any

from newsbot.harness.fake_telegram_http import FAR_FUTURE, Call, Failure, UploadedFile


class BotApi:
    """Answers each request as Telegram would; FakeTelegram holds the state it reads."""

    token: str
    bot_user: dict[str, Any]
    record_get_updates: bool
    get_updates_count: int
    _lock: threading.Lock
    _cond: threading.Condition
    _calls: list[Call]
    _call_times: list[float]
    _failed: list[Call]
    _updates: list[dict[str, Any]]
    _message_ids: itertools.count[int]
    _failures: dict[str, deque[Failure]]
    _holds: list[tuple[str, Callable[[dict[str, Any]], bool] | None, threading.Event]]
    _chats: dict[int | str, dict[str, Any]]
    _commands: dict[str, list[dict[str, Any]]]
    _webhook: dict[str, Any]
    _files: dict[str, bytes]
    _closed: bool

    def next_message_id(self) -> int:
        with self._lock:
            return next(self._message_ids)

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
                queue.append(Failure(error_code, description, retry_after))

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
            release.wait(FAR_FUTURE)

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
