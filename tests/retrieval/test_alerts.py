"""The story log, the search hook alerts use, and matching (hashing embedder, real stores)."""

from __future__ import annotations

import shutil

from newsbot.retrieval.alerts import match, meaning
from newsbot.retrieval.newsbot import Newsbot
from newsbot.retrieval.search.hybrid import HybridSearcher
from newsbot.retrieval.topics import Lead, Topic
from newsbot.store.story_log import StoryLog
from newsbot.store.writer import catch_up
from tests.support.stores import EXAMPLES, ingest_into, make_settings

ROUNDUP = """5 things to know for March 4: Harbor City ferries, Millbrook budget, frost

If your day doesn't start until you're up to speed on the latest headlines, read on.

Harbor City ferries: the Tern and the Kittiwake carried their first riders on Gull Bay.

Millbrook budget: the council voted on its budget. Frost: apple growers counted losses.

March 4, 2024
"""


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
    drones = Topic("XR-17 drone deliveries", searcher.terms)
    assert drones.about(Lead.of((best.chunk, *best.extra)))
    assert not drones.about(Lead.of((hits[0].chunk, *hits[0].extra)))


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


def test_round_ups_never_spend_the_cap_and_first_matches_teach_the_topic(
    tmp_path, hashing_embedder
):
    folder = tmp_path / "news"
    folder.mkdir()
    (folder / "00_five-things.txt").write_text(ROUNDUP, encoding="utf-8")
    for name in ("01_harbor-city-electric-ferries.txt", "02_millbrook-budget-vote.txt"):
        shutil.copy(EXAMPLES / name, folder)
    settings = make_settings(tmp_path / "data")
    store, report = ingest_into(settings, hashing_embedder, folder)
    assert report.added == 3
    catch_up(store)
    store.reopen()
    newsbot = Newsbot(settings, embedder=hashing_embedder, store=store)
    log = StoryLog(settings.data_dir)
    log.read_feed(store, store.feed.length())
    stories = log.since(0)
    assert len(stories) == 3
    found = match(newsbot, "Harbor City ferries", stories, most=1)
    assert [f.story.lead.title for f in found] == [
        "Harbor City Launches First Battery-Electric Ferries on Gull Bay Route"
    ]
    assert log.learned("harbor city ferries")["days"] == ["2024-03-03"]
    [roundup] = [s for s in stories if s.lead.title.startswith("5 things")]
    assert match(newsbot, "Millbrook budget", [roundup], most=5) == []
    said = meaning(newsbot, "Harbor City ferries").line()
    assert said.startswith("stories like “Harbor City Launches First Battery-Electric Ferries")
    assert said.endswith("” (2024-03-03)")
    assert not meaning(newsbot, "ferries").too_common  # a small store says nothing of shares
