"""What the `newsbot` commands share: exit codes, the empty-store hint, days, the chain, outages."""

from __future__ import annotations

import argparse
from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from newsbot.retrieval import Newsbot

EXIT_OK, EXIT_ERROR, EXIT_PARTIAL = 0, 1, 2

NO_ARTICLES = (
    "No articles yet: add some with `newsbot ingest PATH` (e.g. newsbot ingest examples/articles)"
)


def parse_day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date like 2024-05-14") from error


def open_newsbot(live: bool = False) -> Newsbot:
    """Open the chain; `live` for long-running front ends, which follow others' writes."""
    from newsbot.retrieval import Newsbot, RetrievalSettings

    newsbot = Newsbot(RetrievalSettings())
    if live:
        newsbot.start_freshness()
    return newsbot


def unreachable(error: BaseException) -> bool:
    """Tell whether an error, or one it was raised from, is a store server that did not answer."""
    import httpx

    seen: set[int] = set()
    cause: BaseException | None = error
    while cause is not None and id(cause) not in seen:
        if isinstance(cause, ConnectionError | TimeoutError | httpx.TransportError):
            return True
        seen.add(id(cause))
        cause = cause.__cause__ or cause.__context__
    return False
