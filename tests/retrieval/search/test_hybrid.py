"""Hybrid search over a tiny real store: names, paraphrases, dates, recency, one hit per article."""

from __future__ import annotations

import json
from datetime import date

import pytest

from newsbot.core.date_window import DateWindow
from newsbot.retrieval.newsbot import Newsbot
from newsbot.retrieval.search.hybrid import HybridSearcher, SearchParams
from tests.support.stores import ingest_into, make_settings

pytestmark = pytest.mark.model  # every test here loads the real embedding model

CLOCK = date(2024, 6, 1)


def article(slug: str, title: str, day: str, text: str) -> dict:
    return {
        "id": slug,
        "url": f"https://news.example/{slug}",
        "title": title,
        "source": "Example News",
        "published_at": day,
        "text": text,
    }


ARTICLES = [
    article(
        "library-hours",
        "Eastfield library extends weekend opening hours",
        "2024-05-20",
        "The Eastfield public library will open on Sundays from June, the library board said. "
        "Board member Ysolde Quarrington proposed the change after a survey of readers. "
        "The branch will stay open until 6 p.m. on Saturdays.",
    ),
    article(
        "council-budget",
        "Council leader says budget protects services",
        "2024-05-21",
        "The council leader said the budget would protect libraries, parks and buses. "
        '"We made hard choices," she said. Opposition members said the plan raised fees.',
    ),
    article(
        "mayor-speech",
        "Mayor says new homes plan will go ahead",
        "2024-05-22",
        'The mayor said the housing plan would go ahead despite objections. "Families need '
        'homes," he said at the town hall, where residents said they feared more traffic.',
    ),
    article(
        "flu-admissions",
        "Physicians report surge in influenza admissions",
        "2024-05-24",
        "Physicians at the Riverside medical centre reported a sharp rise in influenza cases. "
        "Wards admitted twice as many people with severe respiratory illness as in April.",
    ),
    article(
        "bike-lanes",
        "Council approves protected bike lanes on Mill Road",
        "2024-05-27",
        "The council voted 7 to 2 to build protected bike lanes along Mill Road this summer. "
        "Construction starts in July and will cost 1.2 million euros.",
    ),
    article(
        "bike-lanes-reversed",
        "Council reverses Mill Road bike lane decision",
        "2024-06-20",
        "The council reversed its decision on the Mill Road bike lanes after a petition. "
        "The lanes will now be painted rather than protected.",
    ),
    article(
        "harbour-fair-2023",
        "Harbour fair draws record crowds",
        "2023-08-12",
        "The summer harbour fair drew a record 40,000 visitors over the weekend.",
    ),
    article(
        "harbour-fair-2024",
        "Harbour fair draws record crowds",
        "2024-05-12",
        "The summer harbour fair drew a record 40,000 visitors over the weekend, organisers said.",
    ),
]


@pytest.fixture(scope="module")
def newsbot(tmp_path_factory, embedder):
    folder = tmp_path_factory.mktemp("search-corpus")
    path = folder / "articles.jsonl"
    path.write_text("\n".join(json.dumps(a) for a in ARTICLES) + "\n", encoding="utf-8")
    settings = make_settings(folder / "store")
    store, report = ingest_into(settings, embedder, path)
    assert report.added == len(ARTICLES) and report.failed == 0
    return Newsbot(settings, embedder=embedder, store=store, today=lambda: CLOCK)


def slug(chunk) -> str:
    """The test's own name for a chunk's article (the store's ids come from URLs)."""
    return chunk.metadata["url"].rsplit("/", 1)[-1]


def article_ids(hits) -> list[str]:
    return [slug(h.chunk) for h in hits]


def dense_ids(newsbot, query: str, window: DateWindow) -> list[str]:
    vector = newsbot.embedder.encode_query(query)
    found = newsbot.store.query(vector, 20, where=window.chroma_where())
    return list(dict.fromkeys(slug(chunk) for chunk, _ in found))


def keyword_ids(newsbot, query: str) -> list[str]:
    view = newsbot.searcher.keyword
    return list(dict.fromkeys(slug(chunk) for chunk, _ in view.search(query, 20)))


def test_hybrid_finds_an_exact_name_that_dense_search_misses(newsbot):
    query = "What did Quarrington propose?"
    window = DateWindow(as_of=CLOCK)
    assert dense_ids(newsbot, query, window)[0] != "library-hours"
    assert keyword_ids(newsbot, query)[0] == "library-hours"
    assert article_ids(newsbot.searcher.search(query, window, k=3))[0] == "library-hours"


def test_hybrid_finds_a_paraphrase_that_keyword_search_misses(newsbot):
    query = "doctors warn of flu outbreak"  # shares no word with any article
    window = DateWindow(as_of=CLOCK)
    assert keyword_ids(newsbot, query) == []
    assert dense_ids(newsbot, query, window)[0] == "flu-admissions"
    assert article_ids(newsbot.searcher.search(query, window, k=3))[0] == "flu-admissions"


def test_articles_published_after_as_of_do_not_exist(newsbot):
    question = "What did the council decide about the Mill Road bike lanes?"
    before = newsbot.retrieve(question, as_of=CLOCK, k=8)
    after = newsbot.retrieve(question, as_of=date(2024, 7, 1), k=8)
    assert "bike-lanes-reversed" not in article_ids(before)
    assert all(h.chunk.published_at <= CLOCK for h in before)
    assert article_ids(after)[0] == "bike-lanes-reversed"
    answer = newsbot.answer(question, as_of=CLOCK)
    assert all(c.published_at <= CLOCK.isoformat() for c in answer.citations)


def test_a_date_expression_filters_by_publication_day(newsbot):
    # As of 2024-06-01 (a Saturday), "last week" is Monday 20 to Sunday 26 May (+1 day).
    hits = newsbot.retrieve("What did the council say last week?", k=8)
    days = {h.chunk.published_at for h in hits}
    assert days and all(date(2024, 5, 20) <= d <= date(2024, 5, 27) for d in days)
    assert "harbour-fair-2024" not in article_ids(hits)


def test_a_period_with_no_articles_falls_back_to_all_dates(newsbot):
    hits = newsbot.retrieve("How many visitors came to the harbour fair in 2019?", k=3)
    assert {"harbour-fair-2023", "harbour-fair-2024"} <= set(article_ids(hits))


def test_newer_articles_win_near_ties(newsbot):
    hits = newsbot.retrieve("How many visitors did the harbour fair draw?", k=3)
    ids = article_ids(hits)
    assert ids.index("harbour-fair-2024") < ids.index("harbour-fair-2023")
    # A question about 2023 ranks the story published in 2023 first; one published after the
    # period may still answer it, below.
    about_2023 = article_ids(
        newsbot.retrieve("How many visitors did the harbour fair draw in 2023?", k=3)
    )
    assert about_2023[0] == "harbour-fair-2023"
    assert about_2023.index("harbour-fair-2023") < about_2023.index("harbour-fair-2024")


def test_each_article_appears_once_with_its_other_chunks(samples_newsbot):
    hits = samples_newsbot.retrieve("Harbor City electric ferries", k=5)
    ids = [h.chunk.article_id for h in hits]
    assert len(ids) == len(set(ids)) == 5
    for hit in hits:
        assert all(c.article_id == hit.chunk.article_id for c in hit.extra)
        assert hit.chunk.id not in {c.id for c in hit.extra}


@pytest.mark.parametrize(
    ("overfetch", "max_overfetch"),
    [
        (1.5, 1000),  # neighbours fetched unfiltered, the window applied here
        (1.5, 0),  # a narrow window: search among the window's ids at once
        (0.01, 1000),  # too few neighbours fell inside: among the window's ids after all
    ],
)
def test_dense_neighbours_in_a_window_are_found_whichever_way(newsbot, overfetch, max_overfetch):
    params = SearchParams(dense_k=3, overfetch=overfetch, max_overfetch=max_overfetch)
    searcher = HybridSearcher(newsbot.store, newsbot.embedder, params)
    vector = newsbot.embedder.encode_query("council budget and bike lanes")
    window = DateWindow(as_of=date(2024, 5, 23), start=date(2024, 5, 21))
    expected = newsbot.store.query(vector, 3, where=window.chroma_where())  # Chroma filters
    found = searcher._dense(vector, window, searcher.keyword)
    assert [c.id for c, _ in found] == [c.id for c, _ in expected]
    assert [round(s, 5) for _, s in found] == [round(s, 5) for _, s in expected]
    assert all(date(2024, 5, 21) <= c.published_at <= date(2024, 5, 23) for c, _ in found)


def test_dense_search_survives_an_index_that_holds_a_deleted_chunk(newsbot, tmp_path):
    """Chroma refuses ids it does not have; the searcher then lets Chroma filter on dates."""
    from newsbot.core.types import Chunk
    from newsbot.store.keyword_index import KeywordIndex
    from newsbot.store.keyword_writer import rebuild

    params = SearchParams(dense_k=3, max_overfetch=0)
    searcher = HybridSearcher(newsbot.store, newsbot.embedder, params)
    vector = newsbot.embedder.encode_query("council budget and bike lanes")
    window = DateWindow(as_of=date(2024, 5, 23), start=date(2024, 5, 21))
    gone = Chunk(
        "deleted:0", "deleted", "gone", 0, {"published_day": date(2024, 5, 22).toordinal()}
    )
    rebuild(tmp_path / "keyword", [*newsbot.store.iter_chunks(), gone], searcher.terms, cursor=0)
    view = KeywordIndex(tmp_path / "keyword", searcher.terms).view()
    assert "deleted:0" in view.ids_inside(window)
    found = searcher._dense(vector, window, view)
    expected = newsbot.store.query(vector, 3, where=window.chroma_where())
    assert [c.id for c, _ in found] == [c.id for c, _ in expected] and found
