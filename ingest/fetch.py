"""Download feeds and pages; every failure becomes an InputError naming the URL."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field

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


class NotModified(InputError):
    """A feed the server says has not changed since the pass that last read it."""


@dataclass
class FeedCache:
    """Feeds' ETag and Last-Modified, sent back so an unchanged feed costs one 304 request.

    A feed's validators count only once the pass that read it has written its articles
    (`commit`): a pass that fails midway reads the feed whole again next time.
    """

    known: dict[str, dict[str, str]] = field(default_factory=dict)
    fresh: dict[str, dict[str, str]] = field(default_factory=dict)

    def conditions(self, url: str) -> dict[str, str]:
        held = self.known.get(url, {})
        asks = {"If-None-Match": held.get("etag"), "If-Modified-Since": held.get("last-modified")}
        return {k: v for k, v in asks.items() if v}

    def note(self, url: str, headers: httpx.Headers) -> None:
        held = {k: headers[k] for k in ("etag", "last-modified") if headers.get(k)}
        self.fresh[url] = held

    def commit(self, failed: Iterable[str] = ()) -> None:
        """Keep what this pass read, except from the feeds whose items failed (retried whole)."""
        for url in failed:
            self.fresh.pop(url, None)
            self.known.pop(url, None)
        self.known.update(self.fresh)
        self.fresh = {}


def is_url(value: str) -> bool:
    return value.startswith(("http://", "https://"))


def fetch(url: str, timeout: float = 20.0, cache: FeedCache | None = None) -> Fetched:
    """Download one URL (redirects followed) or raise an InputError that says why not.

    With a cache, the request is conditional: an unchanged document raises NotModified.
    """
    log.info("fetching %s", url)
    headers = {"User-Agent": USER_AGENT, **(cache.conditions(url) if cache else {})}
    try:
        with httpx.stream(
            "GET", url, timeout=timeout, follow_redirects=True, headers=headers
        ) as response:
            if response.status_code == 304 and cache is not None:
                raise NotModified(url, "not modified since the last pass")
            if response.status_code >= 400:
                raise InputError(url, f"download failed: HTTP {response.status_code}")
            chunks, size = [], 0
            for part in response.iter_bytes():
                size += len(part)
                if size > MAX_BYTES:
                    raise InputError(url, f"download larger than {MAX_BYTES // 2**20} MB")
                chunks.append(part)
            if cache is not None:
                cache.note(url, response.headers)
            return Fetched(
                str(response.url), b"".join(chunks), response.headers.get("content-type", "")
            )
    except httpx.HTTPError as error:
        raise InputError(url, f"download failed: {error}") from error
