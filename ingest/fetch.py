"""Download feeds and pages; every failure becomes an InputError naming the URL."""

from __future__ import annotations

import logging
from dataclasses import dataclass

import httpx

from newsbot.core.errors import InputError

log = logging.getLogger(__name__)

USER_AGENT = "newsbot/0.1 (+https://github.com/; feed reader)"
MAX_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class Fetched:
    """A downloaded document: its final URL, bytes and content type."""

    url: str
    content: bytes
    content_type: str


def is_url(value: str) -> bool:
    return value.startswith(("http://", "https://"))


def fetch(url: str, timeout: float = 20.0) -> Fetched:
    """Download one URL (redirects followed) or raise an InputError that says why not."""
    log.info("fetching %s", url)
    try:
        with httpx.stream(
            "GET",
            url,
            timeout=timeout,
            follow_redirects=True,
            headers={"User-Agent": USER_AGENT},
        ) as response:
            if response.status_code >= 400:
                raise InputError(url, f"download failed: HTTP {response.status_code}")
            chunks, size = [], 0
            for part in response.iter_bytes():
                size += len(part)
                if size > MAX_BYTES:
                    raise InputError(url, f"download larger than {MAX_BYTES // 2**20} MB")
                chunks.append(part)
            return Fetched(
                str(response.url), b"".join(chunks), response.headers.get("content-type", "")
            )
    except httpx.HTTPError as error:
        raise InputError(url, f"download failed: {error}") from error
