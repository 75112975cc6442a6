"""The story log and the search hook alerts use (hashing embedder, real stores)."""

from __future__ import annotations

from newsbot.retrieval.alerts import leads_with
from newsbot.retrieval.search.hybrid import HybridSearcher
from newsbot.store.story_log import StoryLog
from newsbot.store.writer import catch_up
from tests.support.stores import EXAMPLES, ingest_into, make_settings


def test_search_among_articles_ranks_only_those(tmp_path, hashing_embedder):
    settings = make_settings(tmp_path)
    store, _ = ingest_into(settings, hashing_embedder, EXAMPLES)
    catch_up(store)
    store.reopen()
    searcher = HybridSearcher(store, hashing_embedder)
    [best] = searcher.search("XR-17 drone deliveries", k=1)
    others = [a for a in store.articles() if a != best.chunk.article_id][:3]
    hits = searcher.search("XR-17 drone deliveries", k=5, among=others)
    assert {h.chunk.article_id for h in hits} <= set(others) and hits
    assert searcher.search("XR-17 drone deliveries", among=[]) == []
    assert leads_with({"xr", "17", "drone"}, best, searcher.terms)
    assert not leads_with({"xr", "17", "drone"}, hits[0], searcher.terms)


def test_the_log_goes_only_as_far_as_it_is_told(tmp_path, hashing_embedder):
    settings = make_settings(tmp_path / "data")
    store, _ = ingest_into(
        settings, hashing_embedder, EXAMPLES / "01_harbor-city-electric-ferries.txt"
    )
    stories = StoryLog(settings.data_dir)
    assert stories.read_feed(store, store.feed.length()) == 0  # the first one: old news
    assert stories.last_seq() == 1 and stories.since(0)[0].lead.source == "Harbor City Gazette"
    ingest_into(settings, hashing_embedder, EXAMPLES / "02_millbrook-budget-vote.txt")
    at = store.feed.length()
    ingest_into(settings, hashing_embedder, EXAMPLES / "03_lake-tarrow-algae-bloom.txt")
    assert stories.read_feed(store, at) == 1  # not the article written past `at`
    assert [s.lead.source for s in stories.since(1)] == ["Millbrook Herald"]
    assert stories.read_feed(store, store.feed.length()) == 1
    assert StoryLog(settings.data_dir).cursor() == store.feed.length()
