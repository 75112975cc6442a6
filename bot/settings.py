"""Settings of the front ends (env: NEWSBOT_*); secrets are SecretStr and never logged."""

from __future__ import annotations

from typing import Annotated

from pydantic import SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

# Lists are written comma-separated in the environment ("42,@alice"), not as JSON.
CommaList = Annotated[list[str], NoDecode]


class BotSettings(BaseSettings):
    """How the Telegram bot connects and whom it answers."""

    model_config = SettingsConfigDict(env_prefix="NEWSBOT_", env_file=".env", extra="ignore")

    telegram_token: SecretStr = SecretStr("")
    # Point at a self-hosted Bot API server (or a test server); the token is appended.
    telegram_base_url: str = "https://api.telegram.org/bot"
    history_turns: int = 6  # earlier exchanges a chat remembers for follow-up questions

    # Who may use the bot: user ids or @usernames, and chat ids.
    telegram_allowed_users: CommaList = []
    telegram_allowed_chats: CommaList = []
    # User ids or @usernames that may run /ingest (and are always allowed).
    telegram_admins: CommaList = []
    # A public bot: anyone may use it. Without this, lists or admins, the bot will not start.
    telegram_open: bool = False
    # A chat that hears about errors (one line each, never a traceback); empty: none.
    telegram_admin_chat: str = ""

    # Questions a user may ask per window; 0 turns the limit off.
    telegram_rate_limit: int = 10
    telegram_rate_window: float = 60.0

    # Webhook mode when a URL is set (Telegram posts updates to it); polling otherwise.
    telegram_webhook_url: str = ""
    telegram_webhook_listen: str = "127.0.0.1"
    telegram_webhook_port: int = 8443
    # Checked on every webhook request; a random one is made at start-up when empty.
    telegram_webhook_secret: SecretStr = SecretStr("")

    # What /ingest re-reads: files, folders, globs or feed URLs.
    ingest_paths: CommaList = []

    # Topics one person may follow (/follow), over all chats; 0 turns the limit off.
    follow_limit: int = 20
    # Seconds between looks for new stories to alert followers of.
    alert_interval: float = 5.0
    # Most new stories one topic alerts of per look (a bulk ingest would flood a chat).
    alerts_per_topic: int = 5
    # Stories a /digest lists.
    digest_size: int = 10

    @field_validator(
        "telegram_allowed_users",
        "telegram_allowed_chats",
        "telegram_admins",
        "ingest_paths",
        mode="before",
    )
    @classmethod
    def split_commas(cls, value: object) -> object:
        """Split a comma-separated string into its trimmed, non-empty items."""
        if isinstance(value, str):
            return [item.strip() for item in value.split(",") if item.strip()]
        if isinstance(value, list | tuple):
            return [str(item).strip() for item in value if str(item).strip()]
        return value
