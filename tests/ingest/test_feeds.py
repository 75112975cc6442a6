"""Feeds: an item's own text when its page cannot be had; unchanged feeds answer 304 in --watch."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from newsbot.ingest.fetch import FeedCache
from newsbot.ingest.indexer import Indexer
from newsbot.ingest.readers import ReadOptions
from newsbot.store.chroma_store import Store
from tests.ingest.test_ingest_formats import PAGE, read_all
from tests.support.stores import ROOT, make_settings

DESCRIPTION = (
    "The Gull Bay harbour authority voted on Tuesday to cut ferry fares by a fifth from June, "
    "after a year in which its electric ferries carried more passengers than expected. Running "
    "costs fell sharply as diesel bills disappeared, the authority said, and commuters told the "
    "meeting that the crossing is now cheaper than driving around the bay. Fares will be "
    "reviewed again next spring, when a third ferry joins the fleet and the timetable changes."
)


class FeedSite:
    """A local web server for one feed: counts requests and honours ETag / Last-Modified."""

    ETAG = '"v1"'
    MODIFIED = "Tue, 14 May 2024 10:00:00 GMT"

    def __init__(self) -> None:
        self.pages: dict[str, tuple[str, bytes]] = {}
        self.hits: list[tuple[str, int]] = []
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                page = site.pages.get(self.path)
                if page is None:
                    site.hits.append((self.path, 404))
                    self.send_error(404)
                    return
                if self.path.endswith(".rss") and (
                    self.headers.get("If-None-Match") == site.ETAG
                    or self.headers.get("If-Modified-Since") == site.MODIFIED
                ):
                    site.hits.append((self.path, 304))
                    self.send_response(304)
                    self.end_headers()
                    return
                site.hits.append((self.path, 200))
                self.send_response(200)
                self.send_header("Content-Type", page[0])
                self.send_header("Content-Length", str(len(page[1])))
                if self.path.endswith(".rss"):
                    self.send_header("ETag", site.ETAG)
                    self.send_header("Last-Modified", site.MODIFIED)
                self.end_headers()
                self.wfile.write(page[1])

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def feed(self, items: list[tuple[str, str, str]]) -> str:
        """Serve an RSS 2.0 feed of (title, link path, description) items; return its URL."""
        entries = "".join(
            f"<item><title>{title}</title><link>{self.url}{link}</link>"
            f"<pubDate>Tue, 14 May 2024 10:00:00 GMT</pubDate>"
            f"<description>{description}</description></item>"
            for title, link, description in items
        )
        rss = (
            '<?xml version="1.0"?><rss version="2.0"><channel><title>Gull Bay Wire</title>'
            f"<link>{self.url}/</link><description>news</description>{entries}</channel></rss>"
        )
        self.pages["/feed.rss"] = ("application/rss+xml", rss.encode())
        return f"{self.url}/feed.rss"

    def requests(self, path: str) -> list[int]:
        return [status for hit, status in self.hits if hit == path]


@pytest.fixture
def site() -> Iterator[FeedSite]:
    running = FeedSite()
    running.thread.start()
    yield running
    running.server.shutdown()
    running.server.server_close()


def test_a_description_is_the_text_when_the_page_fails_or_adds_nothing(site):
    assert len(DESCRIPTION) > 400  # the 511-character description was "a teaser"
    paywall = "<html><head><title>Subscribe</title></head><body><p>Subscribe to read.</p></body>"
    site.pages["/paywall.html"] = ("text/html", paywall.encode())
    site.pages["/full.html"] = ("text/html", PAGE.encode())
    url = site.feed(
        [
            ("Fares cut by a fifth", "/gone.html", DESCRIPTION),
            (
                "Fares cut, says authority",
                "/paywall.html",
                DESCRIPTION.replace("Tuesday", "Monday"),
            ),
            ("Ferry fares drop", "/full.html", "Fares drop."),
            ("Teaser of a gone page", "/gone2.html", "Short teaser."),
        ]
    )
    articles, problems = read_all(url, fetch_timeout=5)
    by_title = {a.title: a for a in articles}
    assert by_title["Fares cut by a fifth"].text == DESCRIPTION
    assert "Monday" in by_title["Fares cut, says authority"].text
    assert "cheaper than driving" in by_title["Ferry fares drop"].text  # the page holds more
    # Two words point at a page; they are no article of their own.
    (problem,) = problems
    assert "entry 4" in str(problem) and "HTTP 404" in str(problem)


def test_an_unchanged_feed_costs_one_request_and_is_not_pruned(tmp_path, site, hashing_embedder):
    url = site.feed([("Fares cut by a fifth", "/gone.html", DESCRIPTION)])
    store = Store(make_settings(tmp_path / "data"), hashing_embedder, fresh=True)
    cache = FeedCache()
    options = ReadOptions(fetch_timeout=5, feed_cache=cache)
    first = Indexer(store, options=options).ingest([url], prune=True)
    assert (first.added, first.failed, first.feeds_unchanged) == (1, 0, 0)
    for _ in range(2):
        again = Indexer(store, options=options).ingest([url], prune=True)
        assert (again.added, again.pruned, again.feeds_unchanged) == (0, 0, 1)
        assert "feeds unchanged 1" in again.summary()
    assert site.requests("/feed.rss") == [200, 304, 304]
    assert site.requests("/gone.html") == [404]
    assert len(store.articles()) == 1
    # Without the cache (a plain `newsbot ingest`), the feed is read whole as before.
    Indexer(store, options=ReadOptions(fetch_timeout=5)).ingest([url])
    assert site.requests("/feed.rss")[-1] == 200


def test_a_feed_whose_item_failed_is_read_whole_next_pass(tmp_path, site, hashing_embedder):
    url = site.feed([("Teaser", "/gone.html", "Short teaser.")])
    store = Store(make_settings(tmp_path / "data"), hashing_embedder, fresh=True)
    options = ReadOptions(fetch_timeout=5, feed_cache=FeedCache())
    for _ in range(2):
        assert Indexer(store, options=options).ingest([url]).failed == 1
    assert site.requests("/feed.rss") == [200, 200]


@pytest.mark.model  # a real `newsbot ingest --watch` in a child process loads the model
def test_watch_asks_an_unchanged_feed_with_one_request_per_pass(tmp_path, site):
    url = site.feed(
        [
            ("Fares cut by a fifth", "/gone.html", DESCRIPTION),
            ("Ferry fares drop", "/full.html", "Fares drop."),
        ]
    )
    site.pages["/full.html"] = ("text/html", PAGE.encode())
    env = {**os.environ, "NEWSBOT_DATA_DIR": str(tmp_path / "data")}
    command = ["ingest", "--watch", url, "--interval", "0.5", "--json"]
    watch = subprocess.Popen(
        [sys.executable, "-m", "newsbot.bot.cli", *command],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    passes: list[dict[str, object]] = []
    try:
        assert watch.stdout is not None
        deadline = time.monotonic() + 300
        while len(passes) < 4 and time.monotonic() < deadline:
            line = watch.stdout.readline()
            if not line:
                break
            passes.append(json.loads(line))
    finally:
        watch.send_signal(signal.SIGTERM)
        _, stderr = watch.communicate(timeout=60)
    assert len(passes) == 4, stderr
    assert (passes[0]["added"], passes[0]["failed"]) == (2, 0)
    assert all(p["feeds_unchanged"] == 1 and p["added"] == 0 for p in passes[1:])
    feed = site.requests("/feed.rss")
    assert feed[0] == 200 and feed[1:4] == [304, 304, 304]
    # The items' pages were fetched once, on the pass that read the feed.
    assert site.requests("/gone.html") == [404] and site.requests("/full.html") == [200]
    assert watch.returncode == 0 and "Traceback" not in stderr
