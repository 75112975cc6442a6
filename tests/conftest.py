"""Shared fixtures: the real embedding model or its stand-in, real Chroma stores, `chroma run`.

Tests that load the real model are marked `model`, those that wait seconds on a clock `slow`:
`pytest -m "not model and not slow"` is the quick tier, plain `pytest` runs everything.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.embedder import HashingEmbedder
from tests.support.stores import EXAMPLES, free_port, ingest_into, make_settings, wait_for_heartbeat

# PTB 22 warns about RetryAfter's int type unless told to use timedelta (our code handles both).
os.environ.setdefault("PTB_TIMEDELTA", "1")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

# Fixtures that load the real embedding model: a test using one, even indirectly, is `model`
# (a safety net; files and tests mark their own tier with `pytestmark` or a decorator).
MODEL_FIXTURES = {"embedder", "samples_newsbot", "torch_embedder"}


@pytest.hookimpl(tryfirst=True)  # before -m deselects by marker
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark tests that load the model; leave out `live` unless -m names it."""
    for item in items:
        if MODEL_FIXTURES.intersection(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.model)
    # Here rather than in addopts: a `-m` given on the command line would replace that one.
    if "live" in (config.option.markexpr or ""):
        return
    live = [item for item in items if item.get_closest_marker("live")]
    if live:
        config.hook.pytest_deselected(items=live)
        items[:] = [item for item in items if not item.get_closest_marker("live")]


@pytest.fixture(scope="session")
def hashing_embedder() -> HashingEmbedder:
    """Vectors from hashed words, for tests that need a store but not the model's meaning."""
    return HashingEmbedder()


@pytest.fixture(scope="session")
def embedder():
    from newsbot.store.embeddings import Embedder

    return Embedder()


@pytest.fixture(scope="session")
def samples_dir(tmp_path_factory) -> Path:
    """A data dir holding the bundled samples, ingested once per test session."""
    path = tmp_path_factory.mktemp("samples-store")
    return path


@pytest.fixture(scope="session")
def samples_newsbot(samples_dir, embedder):
    """The real chain over a real Chroma store of the bundled sample articles."""
    from newsbot.retrieval.newsbot import Newsbot

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
