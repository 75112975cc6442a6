"""Articles in: readers for each format, cleaning, chunking, the incremental indexer.

Package-level names load their modules on first use, so `newsbot --help` stays light.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from newsbot.core.lazy import lazy_names

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


__getattr__ = lazy_names(__name__, _HOMES)
