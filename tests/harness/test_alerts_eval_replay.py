"""`alerts-eval --replay` and `eval-timeline` over a store built from the sample articles."""

from __future__ import annotations

import json

import pytest

from newsbot.harness.alerts_replay import replay
from newsbot.harness.timeline_eval import run as run_timeline_eval
from tests.support.stores import EXAMPLES

pytestmark = pytest.mark.model  # the real model embeds the store and the topics


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The samples as a jsonl of rows, a store built from it, and a judged topics file."""
    from newsbot.ingest.indexer import Indexer
    from newsbot.retrieval.settings import RetrievalSettings
    from newsbot.store.chroma_store import Store

    folder = tmp_path_factory.mktemp("replay")
    rows = [json.loads(line) for line in (EXAMPLES / "wire.jsonl").read_text().splitlines()]
    ferries = [
        ("ferry-1", "2024-03-03", "01_harbor-city-electric-ferries.txt"),
        ("ferry-2", "2025-09-14", "12_harbor-city-ferries-first-year.txt"),
        ("budget", "2024-03-05", "02_millbrook-budget-vote.txt"),
    ]
    for rid, day, name in ferries:
        title, _, text = (EXAMPLES / name).read_text().partition("\n")
        url = f"https://samples.example/{rid}"
        rows.append({"id": rid, "url": url, "title": title, "published_at": day, "text": text})
    roundup = "Harbor City ferries: the Tern sailed. Millbrook budget: passed. Frost: apples lost."
    rows.append(
        {
            "id": "roundup",
            "url": "https://samples.example/roundup",
            "title": "5 things to know for March 4: Harbor City ferries, Millbrook budget, frost",
            "published_at": "2024-03-04",
            "text": roundup,
        }
    )
    articles = folder / "articles.jsonl"
    articles.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    topics = folder / "topics.jsonl"
    judged = [
        {"topic": "Harbor City ferries", "stories": ["ferry-1", "ferry-2", "ferry-3"]},
        {"topic": "Millbrook budget vote", "stories": ["budget"]},
    ]
    topics.write_text("".join(json.dumps(t) + "\n" for t in judged), encoding="utf-8")
    settings = RetrievalSettings(_env_file=None, data_dir=folder / "store", llm="none")
    Indexer(Store(settings, settings.embedder())).ingest([str(articles)])
    return folder, articles, topics


def test_replay_scores_the_new_rule_and_the_old(built):
    folder, articles, topics = built
    new = replay(folder / "store", articles, topics, folder / "new", rule="new", min_batch=1)
    ferries = new["topics"]["Harbor City ferries"]
    assert (
        ferries["right"] == 2 and ferries["false_alerts"] == [] and ferries["missed"] == ["ferry-3"]
    )
    assert new["topics"]["Millbrook budget vote"]["false_alerts"] == []  # never the round-up
    old = replay(folder / "store", articles, topics, folder / "old", rule="old", min_batch=1)
    assert "roundup" in old["topics"]["Harbor City ferries"]["false_alerts"]
    with pytest.raises(SystemExit):  # a replay starts from a fresh copy
        replay(folder / "store", articles, topics, folder / "new")


def test_a_replay_followed_on_a_day_offers_only_what_is_published_from_it(built):
    from datetime import date

    folder, articles, topics = built
    later = replay(
        folder / "store",
        articles,
        topics,
        folder / "later",
        min_batch=1,
        followed_on=date(2025, 1, 1),
    )
    ferries = later["topics"]["Harbor City ferries"]
    # The 2024 launch was in the store before the follow: never new, so not counted either.
    assert (ferries["judged"], ferries["right"], ferries["false_alerts"]) == (2, 1, [])
    assert later["topics"]["Millbrook budget vote"]["judged"] == 0
    assert (later["followed_on"], later["judged_in_archive"]) == ("2025-01-01", 2)


def test_timeline_eval_scores_precision_recall_order_and_time(built):
    folder, articles, topics = built
    report = run_timeline_eval(folder / "store", articles, topics, folder / "timeline")
    [(topic, scored)] = report["topics"].items()  # only topics with 3 judged stories
    assert topic == "Harbor City ferries"
    assert (scored["steps"], scored["right"], scored["order"]) == (2, 2, 1.0)
    assert report["precision"] == 1.0 and report["recall"] == round(2 / 3, 3)
    assert report["ms_p95"] is not None and report["ms_p95"] > 0
