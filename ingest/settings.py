"""Settings of the ingest pipeline (env: NEWSBOT_*), read by entry points and passed in."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic_settings import BaseSettings, SettingsConfigDict

if TYPE_CHECKING:
    from newsbot.ingest.fetch import FeedCache
    from newsbot.ingest.indexer import Indexer
    from newsbot.store.chroma_store import Store


class IngestSettings(BaseSettings):
    """How articles are read, fetched and written."""

    model_config = SettingsConfigDict(
        env_prefix="NEWSBOT_", env_file=".env", extra="ignore", populate_by_name=True
    )

    ingest_batch_chunks: int = 256  # chunks embedded and written together
    max_article_mb: float = 5.0  # a text/HTML/Markdown file or record larger than this fails
    fetch_timeout: float = 20.0  # seconds for one feed or page download
    watch_interval: float = 60.0  # seconds between passes of `ingest --watch`
    stories: bool = True  # a copy of a stored article joins its story instead of being embedded

    def indexer(self, store: Store, feed_cache: FeedCache | None = None) -> Indexer:
        """An Indexer writing into store with these settings (every entry point uses this).

        feed_cache: kept across the passes of `--watch`, so unchanged feeds answer 304.
        """
        from newsbot.ingest.indexer import Indexer
        from newsbot.ingest.readers import ReadOptions

        options = ReadOptions(
            max_bytes=int(self.max_article_mb * 2**20),
            fetch_timeout=self.fetch_timeout,
            feed_cache=feed_cache,
        )
        return Indexer(store, self.ingest_batch_chunks, options=options, stories=self.stories)
