"""Articles in: readers for each format, cleaning, chunking, the incremental indexer.

Package-level names load their modules on first use, so `newsbot --help` stays light.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from newsbot.ingest.fetch import is_url
    from newsbot.ingest.indexer import IngestReport, Shard
    from newsbot.ingest.settings import IngestSettings
    from newsbot.ingest.sources import expand
    from newsbot.ingest.watch import watch

_HOMES = {
    "IngestReport": "newsbot.ingest.indexer",
    "IngestSettings": "newsbot.ingest.settings",
    "Shard": "newsbot.ingest.indexer",
    "expand": "newsbot.ingest.sources",
    "is_url": "newsbot.ingest.fetch",
    "watch": "newsbot.ingest.watch",
}
__all__ = [
    "IngestReport",
    "IngestSettings",
    "Shard",
    "expand",
    "is_url",
    "watch",
]


def __getattr__(name: str) -> object:
    """Import a package-level name from the module that defines it, on first use."""
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(home), name)
