"""The local Telegram Bot API server, now part of the harness (the soak run uses it too)."""

from newsbot.harness.fake_telegram import (
    BOT_USER,
    DEFAULT_TOKEN,
    Call,
    FakeTelegram,
    UploadedFile,
    decode_params,
    polling,
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
