"""Paths, settings and real stores that many tests share (imported, not fixtures)."""

from __future__ import annotations

import os
import socket
import subprocess
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples" / "articles"
# CI lays a copy of shared/ beside the clone; a user's clone has none (tests needing it skip).
SHARED = Path(os.environ.get("NEWSBOT_SHARED_DIR", ROOT.parent / "shared"))


def make_settings(data_dir: Path, **overrides):
    from newsbot.retrieval.settings import RetrievalSettings

    return RetrievalSettings(_env_file=None, data_dir=data_dir, **overrides)


def ingest_into(settings, embedder, *paths):
    from newsbot.ingest.indexer import Indexer
    from newsbot.store.chroma_store import Store

    store = Store(settings, embedder)
    report = Indexer(store).ingest([str(p) for p in paths])
    return store, report


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_heartbeat(url: str, process: subprocess.Popen, timeout: float = 60) -> None:
    import httpx

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"chroma run exited with code {process.returncode}")
        try:
            if httpx.get(f"{url}/api/v2/heartbeat", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    pytest.fail(f"chroma server at {url} did not answer within {timeout}s")
