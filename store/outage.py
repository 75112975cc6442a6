"""A serving process's record of its store server not answering, so that it is logged once."""

from __future__ import annotations

import logging
import threading
import time

from newsbot.store.chroma_client import unreachable

log = logging.getLogger("newsbot.store.outage")


class Outage:
    """One warning when the store stops answering, whoever meets it first; a note when it is back.

    The freshness thread, the questions and the alert loop of one process all meet the same
    outage: the first to fail says so, the others log their failures at debug level only.
    """

    def __init__(self, where: str) -> None:
        self.where = where
        self._since: float | None = None
        self._lock = threading.Lock()

    @property
    def ongoing(self) -> bool:
        return self._since is not None

    def failed(self, what: str, error: BaseException) -> bool:
        """Note a failure to reach the store; return whether it starts an outage."""
        with self._lock:
            started = self._since is None
            if started:
                self._since = time.monotonic()
        if started:
            log.warning(
                "the article store at %s is not reachable (%s, first met by %s); retrying "
                "quietly until it answers",
                self.where,
                unreachable(error) or error,
                what,
            )
        else:
            log.debug("%s failed again (%s)", what, error)
        return started

    def worked(self) -> None:
        """Note that the store answered: an outage, if any, is over."""
        with self._lock:
            since, self._since = self._since, None
        if since is not None:
            log.info("the store answers again after %.0fs", time.monotonic() - since)
