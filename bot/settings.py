"""Settings of the front ends (env: NEWSBOT_*); secrets are SecretStr and never logged."""

from __future__ import annotations

from pydantic import SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class BotSettings(BaseSettings):
    """How the Telegram bot connects and whom it answers."""

    model_config = SettingsConfigDict(env_prefix="NEWSBOT_", env_file=".env", extra="ignore")

    telegram_token: SecretStr = SecretStr("")
    # Point at a self-hosted Bot API server (or a test server); the token is appended.
    telegram_base_url: str = "https://api.telegram.org/bot"
    history_turns: int = 6  # earlier exchanges a chat remembers for follow-up questions
