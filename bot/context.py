"""What the Telegram handlers share: the chain, the settings and state kept across updates."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from telegram.ext import CallbackContext, ExtBot

from newsbot.bot.access import Access
from newsbot.bot.memory import ChatMemory
from newsbot.bot.ratelimit import Busy, RateLimiter

if TYPE_CHECKING:
    from newsbot.bot.settings import BotSettings
    from newsbot.retrieval import Newsbot


@dataclass
class BotData:
    """The Application's bot_data, made once at start-up and read by every handler.

    PTB creates it without arguments when the Application is built; `setup` fills it in
    before the first update arrives.
    """

    newsbot: Newsbot = field(init=False)
    settings: BotSettings = field(init=False)
    memory: ChatMemory = field(init=False)
    access: Access = field(init=False)
    rate_limiter: RateLimiter = field(init=False)
    ingest_paths: list[str] = field(default_factory=list)
    busy: Busy = field(default_factory=Busy)
    counters: Counter[str] = field(default_factory=Counter)

    def setup(self, settings: BotSettings, newsbot: Newsbot) -> None:
        """Share the chain and make the per-bot state the settings ask for."""
        self.newsbot = newsbot
        self.settings = settings
        self.memory = ChatMemory(settings.history_turns)
        self.access = Access.from_settings(settings)
        self.rate_limiter = RateLimiter(settings.telegram_rate_limit, settings.telegram_rate_window)
        self.ingest_paths = list(settings.ingest_paths)


# The `context` argument of every handler, its bot_data a BotData.
Context = CallbackContext[ExtBot[Any], dict[Any, Any], dict[Any, Any], BotData]
