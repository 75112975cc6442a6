"""Keep ingesting: re-run a pass whenever watched files change, or feeds are due."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from pathlib import Path

from newsbot.ingest.fetch import is_url
from newsbot.ingest.sources import expand

log = logging.getLogger(__name__)

Snapshot = dict[str, tuple[int, int]]


def snapshot(roots: Iterable[str]) -> Snapshot:
    """Stat every file under the roots: (mtime in ns, size) by path."""
    state: Snapshot = {}
    for item in expand(roots):
        if isinstance(item, Path):
            try:
                info = item.stat()
            except OSError:
                continue
            state[str(item)] = (info.st_mtime_ns, info.st_size)
    return state


def watch_roots(
    roots: list[str],
    ingest_pass: Callable[[], bool],
    interval: float,
    stop: threading.Event,
    max_passes: int | None = None,
) -> int:
    """Run ingest_pass now and again whenever files change (feeds: every interval).

    A pass that fails (the store down, the lock busy: ingest_pass returns False) runs again
    at the next interval, though nothing changed, so its files are not left out until another
    one changes.
    """
    has_feeds = any(is_url(r) for r in roots)
    files = [r for r in roots if not is_url(r)]
    last: Snapshot | None = None
    passes = 0
    while not stop.is_set():
        current = snapshot(files)
        if has_feeds or current != last:
            done = ingest_pass()
            passes += 1
            # Files touched during the pass are seen again next time, never missed.
            if done:
                last = current
            if max_passes is not None and passes >= max_passes:
                break
        stop.wait(interval)
    return passes
