"""`stats` lists the outlets of copies too: a copy's outlet ran the story."""

from __future__ import annotations

from newsbot.ingest.indexer import Indexer
from newsbot.retrieval.newsbot import Newsbot
from newsbot.store.chroma_store import Store
from tests.ingest.test_short_copies import HEADLINE, OTHER_HEADLINE, brief_file
from tests.support.stores import make_settings


def test_stats_sources_include_the_outlets_of_copies(tmp_path, hashing_embedder):
    store = Store(make_settings(tmp_path / "data"), hashing_embedder, fresh=True)
    brief_file(tmp_path / "a", "wire", HEADLINE, "Northern Wire")
    brief_file(tmp_path / "b", "copy", OTHER_HEADLINE, "Gull Bay Gazette")
    Indexer(store).ingest([tmp_path / "a"])
    assert Indexer(store).ingest([tmp_path / "b"]).copies == 1
    stats = Newsbot(store.settings, embedder=store.embedder, store=store).stats()
    assert (stats["articles"], stats["stories"]) == (2, 1)
    assert stats["sources"] == ["Gull Bay Gazette", "Northern Wire"]
