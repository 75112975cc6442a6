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
    from newsbot.core import StoreError
    from newsbot.retrieval import Newsbot, RetrievalSettings, tell_timelines

    settings = RetrievalSettings()
    # Only a writer makes a data dir: a reader that made one would answer from an empty
    # folder (a mistyped NEWSBOT_DATA_DIR) as if the news were gone.
    if not settings.chroma_server and not settings.data_dir.is_dir():
        raise StoreError(f"no article store at {settings.data_dir}; run `newsbot ingest` first")
    newsbot = tell_timelines(Newsbot(settings))
    if live:
        newsbot.start_freshness()
    return newsbot


def unreachable(error: BaseException) -> bool:
    """Tell whether an error, or one it was raised from, is a store server that did not answer."""
    from newsbot.store import unreachable as transport_failure

    return transport_failure(error) is not None
