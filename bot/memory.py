"""Per-chat conversation memory, bounded, shared by the CLI chat and the Telegram bot."""

from __future__ import annotations

from collections import OrderedDict, deque
from collections.abc import Hashable

from newsbot.core import Answer, Turn


class ChatMemory:
    """Remembers the last few turns of each chat; forgets the least recent chats first."""

    def __init__(self, max_turns: int = 6, max_chats: int = 10_000):
        self.max_turns = max_turns
        self.max_chats = max_chats
        self._chats: OrderedDict[Hashable, deque[Turn]] = OrderedDict()
        self._last: dict[Hashable, Answer] = {}  # for /sources; evicted with the chat

    def history(self, chat: Hashable) -> list[Turn]:
        return list(self._chats.get(chat, ()))

    def remember(self, chat: Hashable, question: str, answer: Answer) -> None:
        # Every step leaves the memory whole (no pop and put back): a Ctrl-C in the CLI chat
        # may stop this half way, and must not lose the turns before.
        turns = self._chats.setdefault(chat, deque(maxlen=self.max_turns))
        self._chats.move_to_end(chat)
        turns.append(Turn.of(question, answer))
        self._last[chat] = answer
        while len(self._chats) > self.max_chats:
            gone, _ = self._chats.popitem(last=False)
            self._last.pop(gone, None)

    def last_answer(self, chat: Hashable) -> Answer | None:
        return self._last.get(chat)

    def reset(self, chat: Hashable) -> None:
        self._chats.pop(chat, None)
        self._last.pop(chat, None)
