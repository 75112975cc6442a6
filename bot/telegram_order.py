"""Handle each chat's updates in the order they came, different chats at the same time."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor


class PerChatOrder(BaseUpdateProcessor):
    """Run updates of one chat one after another; replies in a chat keep the questions' order.

    Chats do not wait for each other, so one slow answer delays only its own chat.
    """

    def __init__(self, max_concurrent_updates: int = 256):
        super().__init__(max_concurrent_updates)
        self._last: dict[Any, asyncio.Future[None]] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        chat = update.effective_chat if isinstance(update, Update) else None
        if chat is None:
            await coroutine
            return
        previous = self._last.get(chat.id)
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._last[chat.id] = done
        try:
            if previous is not None:
                try:
                    await asyncio.shield(previous)
                except BaseException:
                    # Cancelled while waiting (shutdown): the handler never started.
                    getattr(coroutine, "close", lambda: None)()
                    raise
            await coroutine
        finally:
            done.set_result(None)
            if self._last.get(chat.id) is done:
                del self._last[chat.id]

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to tear down."""
