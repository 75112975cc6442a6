"""Settings of the ingest pipeline (env: NEWSBOT_*), read by entry points and passed in."""

from __future__ import annotations

from pydantic_settings import BaseSettings, SettingsConfigDict


class IngestSettings(BaseSettings):
    """How articles are read, fetched and written."""

    model_config = SettingsConfigDict(
        env_prefix="NEWSBOT_", env_file=".env", extra="ignore", populate_by_name=True
    )

    ingest_batch_chunks: int = 256  # chunks embedded and written together
    max_article_mb: float = 5.0  # a text/HTML/Markdown file or record larger than this fails
    fetch_timeout: float = 20.0  # seconds for one feed or page download
    watch_interval: float = 60.0  # seconds between passes of `ingest --watch`
