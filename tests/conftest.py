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

# Fixtures that load the real embedding model: a test using one, even indirectly, is `model`.
MODEL_FIXTURES = {"embedder", "samples_newsbot", "torch_embedder"}
# Marks for tests in tests/bot, kept here while that folder is being reworked; elsewhere a test
# file carries its own. A renamed test only drops out of its tier: the full suite runs it all.
BOT_TEST_MARKS = {
    # `newsbot ingest` in a child process loads the model.
    "test_cli.py": {"test_stats_and_ingest_counts": "model"},
    # Each waits seconds on a real clock by design: Telegram's 30 calls a second, the typing
    # interval, a retry-after, a model writing a few words a second.
    "test_telegram_delivery.py": {
        "test_a_burst_of_200_messages_from_20_users_gets_every_reply_in_order": "slow",
        "test_typing_is_repeated_while_a_slow_answer_is_made": "slow",
        "test_a_429_with_retry_after_is_honoured": "slow",
        "test_a_streamed_answer_is_drafted_then_replaced_by_the_checked_answer": "slow",
    },
}


@pytest.hookimpl(tryfirst=True)  # before -m deselects by marker
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark tests that load the model or wait on a clock; leave out `live` unless -m names it."""
    for item in items:
        if MODEL_FIXTURES.intersection(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.model)
        if item.path.parent.name == "bot":
            name = getattr(item, "originalname", item.name)
            mark = BOT_TEST_MARKS.get(item.path.name, {}).get(name)
            if mark:
                item.add_marker(mark)
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
