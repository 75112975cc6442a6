"""Articles in: readers for each format, cleaning, chunking, the incremental indexer.

Package-level names load their modules on first use, so `newsbot --help` stays light.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from newsbot.core.lazy import lazy_names

if TYPE_CHECKING:
    from newsbot.ingest.fetch import FeedCache, is_url
    from newsbot.ingest.indexer import IngestReport, Shard
    from newsbot.ingest.settings import IngestSettings
    from newsbot.ingest.sources import expand
    from newsbot.ingest.watch import watch_roots

_HOMES = {
    "FeedCache": "newsbot.ingest.fetch",
    "IngestReport": "newsbot.ingest.indexer",
    "IngestSettings": "newsbot.ingest.settings",
    "Shard": "newsbot.ingest.indexer",
    "expand": "newsbot.ingest.sources",
    "is_url": "newsbot.ingest.fetch",
    # Not "watch": `from newsbot.ingest import watch` would find the module of that name.
    "watch_roots": "newsbot.ingest.watch",
}
__all__ = [
    "FeedCache",
    "IngestReport",
    "IngestSettings",
    "Shard",
    "expand",
    "is_url",
    "watch_roots",
]


__getattr__ = lazy_names(__name__, _HOMES)
