"""kill -9 at a random point of a real `newsbot ingest`, run it again, count what both stores hold.

Chroma and the keyword index beside it must end in step: the same chunks, of the same versions.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from newsbot.ingest.indexer import content_hash
from newsbot.ingest.sources import Problem, iter_articles
from newsbot.store.writer import ingest_lock
from tests.support.stores import ROOT

# Each test runs a real `newsbot ingest` in a child process, which loads the model.
pytestmark = pytest.mark.model


def article(title: str, sentences: int, word: str = "milestone") -> str:
    # Words drawn per title: articles of one template would be near-copies of one story.
    pick = random.Random(title).choice
    body = " ".join(
        f"{pick(WHO)} on the {title.lower()} {pick(SITES)} reached {word} {i} {pick(WHEN)} "
        f"after the {pick(BODIES)} approved {i * 3} more {pick(MEANS)} and a {pick(SIZES)} "
        f"budget of {i * 7} million {pick(FUNDS)} for the {pick(STAGES)} stage of work."
        for i in range(sentences)
    )
    return f"{title}\n\n{body}\n\nMay 14, 2024\n\nSource: Test Gazette"


WHO = ["Crews", "Engineers", "Volunteers", "Officials", "Contractors", "Residents", "Surveyors"]
SITES = ["bridge", "tunnel", "school", "clinic", "harbor", "library", "depot", "canal", "museum"]
BODIES = ["council", "board", "mayor", "agency", "assembly", "trust", "committee"]
MEANS = ["workers", "trucks", "cranes", "inspectors", "barges", "pumps", "surveys"]
STAGES = ["next", "final", "second", "third", "coming", "last", "early"]
WHEN = ["today", "early", "quietly", "again", "safely", "finally", "yesterday"]
SIZES = ["new", "larger", "revised", "modest", "record", "separate", "joint"]
FUNDS = ["dollars", "euros", "pounds", "francs", "kroner", "rand", "pesos"]


def start_ingest(data_dir: Path, *args: str) -> subprocess.Popen:
    env = {
        **os.environ,
        "NEWSBOT_DATA_DIR": str(data_dir),
        # One article per embed-and-write batch: many moments to be killed in.
        "NEWSBOT_INGEST_BATCH_CHUNKS": "1",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "newsbot.bot.cli", "-v", "ingest", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def kill_mid_write(process: subprocess.Popen, delay: float) -> bool:
    """SIGKILL the ingest `delay` s after its first write; say whether it was still running."""
    wrote = threading.Event()

    def watch_log() -> None:
        for line in process.stderr:
            if " wrote " in line or " pruned " in line:
                wrote.set()
        wrote.set()  # the log ended: the process is gone

    reader = threading.Thread(target=watch_log, daemon=True)
    reader.start()
    assert wrote.wait(timeout=300), "the ingest never wrote anything"
    time.sleep(delay)
    alive = process.poll() is None
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=60)
    reader.join(timeout=60)
    process.stdout.close()
    process.stderr.close()
    return alive and process.returncode == -signal.SIGKILL


def finish(data_dir: Path, *args: str) -> None:
    process = start_ingest(data_dir, *args)
    _, err = process.communicate(timeout=600)
    assert process.returncode == 0, err


def chroma_rows(data_dir: Path) -> list[tuple[str, dict]]:
    """Read the collection with chromadb itself, not through our Store."""
    import chromadb
    from chromadb.config import Settings

    client = chromadb.PersistentClient(
        path=str(data_dir / "chroma"), settings=Settings(anonymized_telemetry=False)
    )
    got = client.get_collection("newsbot").get(include=["metadatas"])
    return list(zip(got["ids"], got["metadatas"], strict=True))


def assert_keyword_index_matches(data_dir: Path, rows: list[tuple[str, dict]]) -> None:
    """The keyword index holds exactly Chroma's chunks, each with the version Chroma holds."""
    from newsbot.core.tokenizer import Tokenizer
    from newsbot.store.keyword_index import KeywordIndex
    from newsbot.store.keyword_schema import FOLDER

    view = KeywordIndex(data_dir / FOLDER, Tokenizer()).view()
    held = {
        chunk.id: chunk.metadata["content_hash"]
        for aid in {meta["article_id"] for _, meta in rows}
        for chunk in view.article_chunks(aid)
    }
    assert held == {cid: meta["content_hash"] for cid, meta in rows}
    assert view.count() == len(rows), "the keyword index holds chunks Chroma does not"


def assert_store_matches(data_dir: Path, corpus: Path) -> None:
    """The store holds exactly the corpus's articles, each once, each chunk exactly once."""
    expected = {}
    for item in iter_articles([str(corpus)]):
        assert not isinstance(item, Problem), item
        expected[item[0].id] = content_hash(item[0])
    rows = chroma_rows(data_dir)
    ids = [cid for cid, _ in rows]
    assert len(ids) == len(set(ids))
    per_article: dict[str, list[dict]] = {}
    for cid, meta in rows:
        assert cid == f"{meta['article_id']}:{meta['position']}"
        per_article.setdefault(meta["article_id"], []).append(meta)
    assert set(per_article) == set(expected), "orphan or missing articles"
    for aid, metas in per_article.items():
        assert {m["content_hash"] for m in metas} == {expected[aid]}, "stale chunks"
        assert sorted(m["position"] for m in metas) == list(range(metas[0]["n_chunks"]))
    assert_keyword_index_matches(data_dir, rows)


def test_kill_9_mid_ingest_then_rerun_leaves_exactly_the_articles(tmp_path):
    seed = random.randrange(1 << 30)
    rng = random.Random(seed)
    corpus, data_dir = tmp_path / "corpus", tmp_path / "data"
    corpus.mkdir()
    names = [f"story-{i}" for i in range(8)]
    for i, name in enumerate(names):
        (corpus / f"{name}.txt").write_text(article(name.title(), 6 + 4 * (i % 3)), "utf-8")
    killed = [kill_mid_write(start_ingest(data_dir, str(corpus)), rng.uniform(0, 0.8))]
    finish(data_dir, str(corpus))
    assert_store_matches(data_dir, corpus)

    # Second round: shorter, longer, gone and new articles, killed while replacing them.
    (corpus / "story-1.txt").write_text(article("Story-1", 1, "stage"), "utf-8")
    (corpus / "story-2.txt").write_text(article("Story-2", 16, "stage"), "utf-8")
    (corpus / "story-3.txt").unlink()
    (corpus / "story-9.txt").write_text(article("Story-9", 5), "utf-8")
    process = start_ingest(data_dir, str(corpus), "--prune")
    killed.append(kill_mid_write(process, rng.uniform(0, 0.4)))
    finish(data_dir, str(corpus), "--prune")
    assert_store_matches(data_dir, corpus)
    print(f"seed {seed}: killed while running: {killed}")
    assert any(killed), f"no run was still going when killed (seed {seed})"


def test_second_ingest_is_refused_or_waits_and_bad_items_set_the_exit_code(tmp_path):
    corpus, data_dir = tmp_path / "corpus", tmp_path / "data"
    corpus.mkdir()
    (corpus / "good.txt").write_text(article("Good", 2), "utf-8")
    (corpus / "broken.jsonl").write_text('{"title": "x", "text": \n', "utf-8")
    with ingest_lock(data_dir):
        refused = start_ingest(data_dir, str(corpus))
        _, err = refused.communicate(timeout=120)
        assert refused.returncode == 1
        assert "another ingest is writing to" in err and "Traceback" not in err
        waiting = start_ingest(data_dir, "--wait", str(corpus))
        time.sleep(2)
        assert waiting.poll() is None
    out, err = waiting.communicate(timeout=600)
    assert waiting.returncode == 2, err
    assert f"failed: {corpus / 'broken.jsonl'}:1: not valid JSON" in err
    assert "added 1, updated 0, unchanged 0, skipped 0, failed 1" in out
