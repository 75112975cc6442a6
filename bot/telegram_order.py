"""Handle each chat's updates in the order they came, different chats at the same time."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

# PTB's own bound is taken before an update waits for its turn, so one flooded chat could fill
# it with waiting updates and stall every other chat; the real bound is applied after the wait.
_UNBOUNDED = 2**31 - 1


class PerChatOrder(BaseUpdateProcessor):
    """Run one chat's updates one after another, so its replies keep the questions' order."""

    def __init__(self, max_concurrent_updates: int = 256):
        super().__init__(_UNBOUNDED)
        self.limit = max_concurrent_updates
        self._running: asyncio.Semaphore | None = None
        self._last: dict[Any, asyncio.Future[None]] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        chat = update.effective_chat if isinstance(update, Update) else None
        key = chat.id if chat is not None else object()  # no chat: nothing to wait for
        previous = self._last.get(key)
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._last[key] = done
        started = False
        try:
            if previous is not None:
                await asyncio.shield(previous)
            if self._running is None:
                self._running = asyncio.Semaphore(self.limit)
            async with self._running:
                started = True
                await coroutine
        finally:
            if not started:  # cancelled while waiting (shutdown): the handler never ran
                getattr(coroutine, "close", lambda: None)()
            done.set_result(None)
            if self._last.get(key) is done:
                del self._last[key]

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to tear down."""
