"""Ingest and answers through a real `chroma run` server (chromadb.HttpClient), not on disk."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from newsbot.ingest.indexer import Indexer
from newsbot.retrieval.newsbot import Newsbot
from newsbot.store.chroma_store import Store
from tests.support.stores import ROOT, make_settings

pytestmark = pytest.mark.model  # every test here loads the real embedding model

FERRY = """Gull Bay ferry fares fall by a fifth

Fares on the Gull Bay ferry will fall by 20 percent from June 1, the harbour authority said on
Tuesday, after the electric ferries carried 1.2 million passengers in their first year.

The authority said running costs had dropped because the boats no longer burn diesel.

May 14, 2024

Source: Gull Bay Times
"""

LIBRARY = """Elmfield opens its new library

The town of Elmfield opened its new library on Saturday after two years of building. The
library holds 40,000 books and a maker space, the mayor said.

June 2, 2023

Source: Elmfield Echo
"""


def test_ingest_and_answer_round_trip_through_a_chroma_server(tmp_path, chroma_server, embedder):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "ferry.txt").write_text(FERRY, "utf-8")
    (corpus / "library.txt").write_text(LIBRARY, "utf-8")
    # data_dir is empty and stays so: every chunk goes to the server.
    settings = make_settings(
        tmp_path / "data", chroma_url=chroma_server, collection="server-round-trip"
    )
    store = Store(settings, embedder)
    report = Indexer(store).ingest([corpus])
    assert (report.added, report.failed) == (2, 0)
    assert not (tmp_path / "data" / "chroma").exists()

    import chromadb

    client = chromadb.HttpClient(host="127.0.0.1", port=int(chroma_server.rsplit(":", 1)[1]))
    held = client.get_collection("server-round-trip").get(include=["metadatas"])
    assert {m["title"] for m in held["metadatas"]} == {
        "Gull Bay ferry fares fall by a fifth",
        "Elmfield opens its new library",
    }
    assert len(held["ids"]) == report.chunks_embedded

    again = Indexer(Store(settings, embedder)).ingest([corpus])
    assert (again.unchanged, again.chunks_embedded) == (2, 0)

    answer = Newsbot(settings, embedder=embedder, store=store).answer(
        "How many passengers did the Gull Bay electric ferries carry in their first year?"
    )
    assert not answer.refused and "1.2 million" in answer.text
    assert answer.citations[0].source == "Gull Bay Times"

    # The command a user runs, pointed at the server by the environment alone (host and port).
    host, port = chroma_server.removeprefix("http://").rsplit(":", 1)
    env = {
        **os.environ,
        "NEWSBOT_CHROMA_HOST": host,
        "NEWSBOT_CHROMA_PORT": port,
        "NEWSBOT_COLLECTION": "server-round-trip",
        "NEWSBOT_DATA_DIR": str(tmp_path / "cli-data"),
    }
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "newsbot.bot.cli",
            "ask",
            "How many books does the library hold?",
            "--json",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    cli_answer = json.loads(result.stdout)
    assert "40,000" in cli_answer["text"]
    assert cli_answer["citations"][0]["source"] == "Elmfield Echo"
