"""The keyword index is saved beside the embedded store and never read once the store changed."""

from __future__ import annotations

import json
import logging

from newsbot.retrieval.keyword_cache import FOLDER, store_state
from newsbot.retrieval.search import HybridSearcher
from tests.support.stores import ingest_into, make_settings


def write_articles(path, *bodies):
    records = [
        {
            "url": f"https://news.example/{n}",
            "title": f"Story {n}",
            "published_at": f"2024-05-0{n + 1}",
            "text": body,
        }
        for n, body in enumerate(bodies)
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")


def keyword_titles(searcher, query):
    index = searcher.keyword
    return [index.chunks[p].title for p, _ in index.search(query, 5)]


def test_a_new_process_loads_the_saved_index_until_a_write_changes_the_store(
    tmp_path, hashing_embedder, caplog
):
    corpus = tmp_path / "news.jsonl"
    write_articles(corpus, "The harbor ferry Osprey retired.", "The council passed a budget.")
    settings = make_settings(tmp_path / "data")
    store, _ = ingest_into(settings, hashing_embedder, corpus)
    first = HybridSearcher(store, hashing_embedder)
    assert keyword_titles(first, "Osprey") == ["Story 0"]
    saved = tmp_path / "data" / FOLDER / store_state(store)
    assert (saved / "chunks.json").is_file()

    # Another searcher (as a new process would) reads the saved copy, not the store.
    (saved / "chunks.json").write_text(
        (saved / "chunks.json").read_text().replace("Osprey", "Pelican"), encoding="utf-8"
    )
    second = HybridSearcher(store, hashing_embedder)
    assert any("Pelican" in c.text for c in second.keyword.chunks)

    # A same-size rewrite of an article changes the state: the copy is stale, rebuilt, replaced.
    write_articles(corpus, "The harbor ferry Tern retired.", "The council passed a budget.")
    _, report = ingest_into(settings, hashing_embedder, corpus)
    assert report.updated == 1 and store.count() == 2
    assert keyword_titles(second, "Tern") == ["Story 0"]
    assert [p.name for p in (tmp_path / "data" / FOLDER).iterdir()] == [store_state(store)]

    # A damaged copy is rebuilt with one warning, never fatal.
    (tmp_path / "data" / FOLDER / store_state(store) / "chunks.json").write_text("{", "utf-8")
    with caplog.at_level(logging.WARNING):
        assert keyword_titles(HybridSearcher(store, hashing_embedder), "Tern") == ["Story 0"]
    assert "rebuilding the keyword index" in caplog.text
    assert json.loads((tmp_path / "data" / FOLDER / store_state(store) / "chunks.json").read_text())
