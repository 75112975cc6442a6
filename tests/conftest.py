"""Shared fixtures: the real embedding model, real Chroma stores, paths to shared data."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples" / "articles"
# CI lays a copy of shared/ beside the clone; a user's clone has none (tests needing it skip).
SHARED = Path(os.environ.get("NEWSBOT_SHARED_DIR", ROOT.parent / "shared"))

# PTB 22 warns about RetryAfter's int type unless told to use timedelta (our code handles both).
os.environ.setdefault("PTB_TIMEDELTA", "1")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


def make_settings(data_dir: Path, **overrides):
    from retrieval.settings import RetrievalSettings

    return RetrievalSettings(_env_file=None, data_dir=data_dir, **overrides)


@pytest.fixture(scope="session")
def embedder():
    from retrieval.embeddings import Embedder

    return Embedder()


def ingest_into(settings, embedder, *paths):
    from ingest.indexer import Indexer
    from retrieval.store import Store

    store = Store(settings, embedder)
    report = Indexer(store).ingest([str(p) for p in paths])
    return store, report


@pytest.fixture(scope="session")
def samples_dir(tmp_path_factory) -> Path:
    """A data dir holding the bundled samples, ingested once per test session."""
    path = tmp_path_factory.mktemp("samples-store")
    return path


@pytest.fixture(scope="session")
def samples_newsbot(samples_dir, embedder):
    """The real chain over a real Chroma store of the bundled sample articles."""
    from retrieval.chain import Newsbot

    settings = make_settings(samples_dir)
    store, report = ingest_into(settings, embedder, EXAMPLES)
    assert report.failed == 0 and report.added >= 12
    return Newsbot(settings, embedder=embedder, store=store)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def chroma_server(tmp_path_factory) -> Iterator[str]:
    """A real `chroma run` server on a loopback port; yields its URL."""
    exe = shutil.which("chroma") or str(Path(sys.executable).parent / "chroma")
    if not Path(exe).exists():
        pytest.fail("the `chroma` command (from chromadb) is not installed")
    port = free_port()
    path = tmp_path_factory.mktemp("chroma-server")
    env = {**os.environ, "ANONYMIZED_TELEMETRY": "False"}
    process = subprocess.Popen(
        [exe, "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for_heartbeat(url, process)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


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
