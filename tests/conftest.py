"""Shared fixtures: the real embedding model, real Chroma stores, a real `chroma run`."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.stores import EXAMPLES, free_port, ingest_into, make_settings, wait_for_heartbeat

# PTB 22 warns about RetryAfter's int type unless told to use timedelta (our code handles both).
os.environ.setdefault("PTB_TIMEDELTA", "1")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


@pytest.fixture(scope="session")
def embedder():
    from newsbot.retrieval.embeddings import Embedder

    return Embedder()


@pytest.fixture(scope="session")
def samples_dir(tmp_path_factory) -> Path:
    """A data dir holding the bundled samples, ingested once per test session."""
    path = tmp_path_factory.mktemp("samples-store")
    return path


@pytest.fixture(scope="session")
def samples_newsbot(samples_dir, embedder):
    """The real chain over a real Chroma store of the bundled sample articles."""
    from newsbot.retrieval.chain import Newsbot

    settings = make_settings(samples_dir)
    store, report = ingest_into(settings, embedder, EXAMPLES)
    assert report.failed == 0 and report.added >= 12
    return Newsbot(settings, embedder=embedder, store=store)


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
