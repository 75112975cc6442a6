"""Per-user limits: a sliding-window rate limit and one question in flight at a time."""

from __future__ import annotations

import time
from collections import defaultdict, deque
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager


class RateLimiter:
    """Allow each user `limit` questions per `window` seconds; 0 means no limit."""

    def __init__(self, limit: int, window: float, clock: Callable[[], float] = time.monotonic):
        self.limit = limit
        self.window = window
        self.clock = clock
        self._asked: defaultdict[Hashable, deque[float]] = defaultdict(deque)
        self.max_users = 10_000  # beyond this many tracked users, idle ones are forgotten

    def wait_time(self, user: Hashable) -> float:
        """Record a question and return 0, or return how long the user must wait first."""
        if self.limit <= 0:
            return 0.0
        now = self.clock()
        asked = self._asked[user]
        while asked and asked[0] <= now - self.window:
            asked.popleft()
        if len(asked) >= self.limit:
            return asked[0] + self.window - now
        asked.append(now)
        if len(self._asked) > self.max_users:
            self._forget_idle(now)
        return 0.0

    def _forget_idle(self, now: float) -> None:
        """Drop users with nothing inside the window, so memory stays bounded by activity."""
        idle = [
            u for u, times in self._asked.items() if not times or times[-1] <= now - self.window
        ]
        for user in idle:
            del self._asked[user]


class Busy:
    """The users whose question is being answered right now."""

    def __init__(self) -> None:
        self._users: set[Hashable] = set()

    @contextmanager
    def claim(self, user: Hashable) -> Iterator[bool]:
        """Yield True and hold the user until the block ends, or yield False if already held."""
        if user in self._users:
            yield False
            return
        self._users.add(user)
        try:
            yield True
        finally:
            self._users.discard(user)
