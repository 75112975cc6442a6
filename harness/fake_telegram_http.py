"""The HTTP side of the fake Telegram Bot API: decoding PTB's requests, the server and handler.

See fake_telegram.py for the fake itself.
"""

from __future__ import annotations

import email.parser
import email.policy
import json
import sys
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from newsbot.harness.fake_telegram import FakeTelegram

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
TEXT_PARAMS = frozenset(
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

FAR_FUTURE = 30.0  # upper bound (s) for blocking helpers when no timeout is given


class Call(NamedTuple):
    """One API request as the fake saw it.  Unpacks as ``(method, params)``."""

    method: str
    params: dict[str, Any]


class UploadedFile(NamedTuple):
    """A file part of a multipart request (stored in ``params`` under its field name)."""

    filename: str | None
    content_type: str
    data: bytes


class Failure(NamedTuple):
    error_code: int
    description: str
    retry_after: int | None


def decode_params(params: dict[str, Any]) -> dict[str, Any]:
    """Undo PTB's "JSON-encode every non-string value" for a flat parameter mapping."""
    out: dict[str, Any] = {}
    for key, value in params.items():
        if isinstance(value, str) and key not in TEXT_PARAMS:
            try:
                out[key] = json.loads(value)
            except ValueError:
                out[key] = value
        else:
            out[key] = value
    return out


def parse_body(content_type: str, body: bytes) -> dict[str, Any]:
    mime = content_type.split(";", 1)[0].strip().lower()
    if not body:
        return {}
    if mime == "application/json":
        data = json.loads(body.decode("utf-8"))
        if not isinstance(data, dict):
            raise ValueError("JSON body must be an object")
        return data
    if mime == "multipart/form-data":
        return parse_multipart(content_type, body)
    # application/x-www-form-urlencoded, or anything unlabelled
    pairs = urllib.parse.parse_qsl(body.decode("utf-8"), keep_blank_values=True)
    return dict(pairs)


def parse_multipart(content_type: str, body: bytes) -> dict[str, Any]:
    header = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode()
    msg = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(header + body)
    out: dict[str, Any] = {}
    for part in msg.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if not isinstance(name, str) or not name:
            continue
        filename = part.get_filename()
        payload = part.get_payload(decode=True) or b""
        if not isinstance(payload, bytes):
            continue
        if filename is not None:
            out[name] = UploadedFile(filename, part.get_content_type(), payload)
        else:
            charset = part.get_content_charset() or "utf-8"
            out[name] = payload.decode(charset)
    return out


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    fake: FakeTelegram

    def handle_error(self, request: Any, client_address: Any) -> None:
        # The client hung up (e.g. PTB cancelled a long poll on shutdown): not worth a traceback.
        exc = sys.exc_info()[1]
        if isinstance(exc, ConnectionError | TimeoutError):
            return
        super().handle_error(request, client_address)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = 10  # idle keep-alive connections give up after this many seconds
    server: Server

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
            params.update(parse_body(self.headers.get("Content-Type", ""), body))
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
