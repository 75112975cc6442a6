"""A tiny OpenAI-compatible chat-completions server on 127.0.0.1 that replies from a script.

Each request takes the next scripted Reply (the last one repeats). It speaks plain JSON and
streaming SSE, records every request body, and can be slow, fail, or send garbage.
"""

from __future__ import annotations

import json
import re
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Reply:
    """What the server does for one request."""

    text: str = ""
    delay: float = 0.0  # seconds before the first byte
    token_delay: float = 0.0  # seconds between streamed pieces
    status: int = 200
    garbage: bool = False  # a 200 response whose body is not JSON
    pieces: list[str] | None = None  # streamed exactly so (a marker split over tokens); else words


class FakeOpenAI:
    """Serve /v1/chat/completions from scripted replies; `url` is the base URL to configure."""

    def __init__(self, *replies: Reply):
        self.replies = list(replies) or [Reply("")]
        self.requests: list[dict[str, Any]] = []
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.server.block_on_close = False  # a scripted slow reply must not hold up the test
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/v1"

    def __enter__(self) -> FakeOpenAI:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def next_reply(self, body: dict[str, Any]) -> Reply:
        with self.lock:
            self.requests.append(body)
            return self.replies.pop(0) if len(self.replies) > 1 else self.replies[0]

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                self.send_json(200, {"object": "list", "data": [{"id": "fake", "object": "model"}]})

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length) or b"{}")
                if not self.path.rstrip("/").endswith("/chat/completions"):
                    self.send_json(404, {"error": {"message": f"no route {self.path}"}})
                    return
                reply = fake.next_reply(body)
                try:
                    time.sleep(reply.delay)
                    if reply.status != 200:
                        self.send_json(reply.status, {"error": {"message": "scripted failure"}})
                    elif reply.garbage:
                        self.send_raw(200, "text/html", b"<html>502 Bad Gateway</html>")
                    elif body.get("stream"):
                        self.send_stream(body, reply)
                    else:
                        text = "".join(reply.pieces) if reply.pieces else reply.text
                        self.send_json(200, completion(body, text))
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (its timeout); nothing left to do

            def send_json(self, status: int, payload: dict[str, Any]) -> None:
                self.send_raw(status, "application/json", json.dumps(payload).encode())

            def send_raw(self, status: int, kind: str, data: bytes) -> None:
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def send_stream(self, body: dict[str, Any], reply: Reply) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.send_header("Connection", "close")
                self.end_headers()
                pieces = reply.pieces or re.findall(r"\S+\s*|\s+", reply.text)
                for i, piece in enumerate(pieces):
                    if i and reply.token_delay:
                        time.sleep(reply.token_delay)
                    self.event(chunk(body, {"content": piece}))
                self.event(chunk(body, {}, finish="stop"))
                self.wfile.write(b"data: [DONE]\n\n")
                self.wfile.flush()
                self.close_connection = True

            def event(self, payload: dict[str, Any]) -> None:
                self.wfile.write(b"data: " + json.dumps(payload).encode() + b"\n\n")
                self.wfile.flush()

        return Handler


def completion(body: dict[str, Any], text: str) -> dict[str, Any]:
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": body.get("model", "fake"),
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": text},
                "finish_reason": "stop",
            }
        ],
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
    }


def chunk(body: dict[str, Any], delta: dict[str, Any], finish: str | None = None) -> dict:
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": body.get("model", "fake"),
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }


def prompt_text(body: dict[str, Any]) -> str:
    """Join the text of a recorded request's messages, for assertions about the prompt."""
    parts = []
    for message in body.get("messages", []):
        content = message.get("content")
        if isinstance(content, list):
            content = " ".join(p.get("text", "") for p in content if isinstance(p, dict))
        parts.append(f"{message.get('role')}: {content}")
    return "\n".join(parts)
