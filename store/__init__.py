"""The shared kernel: Chroma, the embedding model, the keyword index, the feed, the write path.

Package-level names load their modules on first use, so `newsbot --help` stays light.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from newsbot.core.lazy import lazy_names

if TYPE_CHECKING:
    from newsbot.store.chroma_client import unreachable
    from newsbot.store.freshness import refresh_vectors
    from newsbot.store.sqlite_file import SqliteFile
    from newsbot.store.story_log import LoggedStory, StoryLog
    from newsbot.store.writer import keyword_index, open_writer, reindex

_HOMES = {
    "LoggedStory": "newsbot.store.story_log",
    "SqliteFile": "newsbot.store.sqlite_file",
    "StoryLog": "newsbot.store.story_log",
    "keyword_index": "newsbot.store.writer",
    "open_writer": "newsbot.store.writer",
    "refresh_vectors": "newsbot.store.freshness",
    "reindex": "newsbot.store.writer",
    "unreachable": "newsbot.store.chroma_client",
}
__all__ = [
    "LoggedStory",
    "SqliteFile",
    "StoryLog",
    "keyword_index",
    "open_writer",
    "refresh_vectors",
    "reindex",
    "unreachable",
]


__getattr__ = lazy_names(__name__, _HOMES)
