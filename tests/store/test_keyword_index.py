"""The tantivy keyword index: article writes, commits other readers see, windows, idf, stats."""

from __future__ import annotations

import json
from datetime import date

import pytest

from newsbot.core.date_window import DateWindow
from newsbot.core.tokenizer import Tokenizer
from newsbot.core.types import Chunk
from newsbot.retrieval.search.hybrid import HybridSearcher
from newsbot.store.keyword_index import KeywordIndex
from newsbot.store.keyword_schema import FOLDER
from newsbot.store.keyword_writer import KeywordWriter, rebuild
from tests.support.stores import ingest_into, make_settings

TERMS = Tokenizer()


def article(aid: str, day: date | None, *texts: str, source: str = "Example", digest: str = "h"):
    meta = {"title": aid.title(), "source": source, "content_hash": digest, "n_chunks": len(texts)}
    meta["published_day"] = day.toordinal() if day else -1
    return [
        Chunk(f"{aid}:{n}", aid, text, n, {**meta, "position": n}) for n, text in enumerate(texts)
    ]


FERRY = article("ferry", date(2024, 5, 1), "The harbor ferry Osprey retired.", "Its crew wept.")
BUDGET = article("budget", date(2024, 5, 3), "The council passed a budget.", source="Gazette")
UNDATED = article("undated", None, "A ferry timetable with no date.")


@pytest.fixture
def folder(tmp_path):
    return tmp_path / FOLDER


def ids(pairs):
    return [c.id for c, _ in pairs]


def test_a_commit_is_seen_by_another_reader_after_its_next_view(folder):
    reader = KeywordIndex(folder, TERMS)
    assert not reader.exists()
    assert reader.view().search("ferry", 5) == [] and reader.view().count() == 0
    with KeywordWriter(folder, TERMS) as writer:
        writer.put_article("ferry", FERRY)
        writer.put_article("budget", BUDGET)
        assert reader.view().count() == 0  # nothing before the commit
        writer.commit(cursor=5)
        assert reader.exists()
        before = reader.view()
        assert (before.cursor, before.count()) == (5, 3)
        assert ids(before.search("Osprey ferry", 5)) == ["ferry:0", "ferry:1"]  # title too
        assert reader.view() is before  # no commit since: the same view

        writer.put_article("ferry", FERRY[:1])  # replaced by a shorter version
        writer.delete_article("budget")
        writer.commit(cursor=9)
    after = reader.view()
    assert (after.cursor, after.count()) == (9, 1)
    assert [c.id for c in after.article_chunks("ferry")] == ["ferry:0"]
    assert after.search("budget", 5) == [] and after.article_chunks("budget") == []
    # The view taken before keeps answering from its own state.
    assert before.count() == 3 and ids(before.search("budget", 5)) == ["budget:0"]


def test_put_with_no_chunks_deletes_and_uncommitted_work_is_lost(folder):
    with KeywordWriter(folder, TERMS) as writer:
        writer.put_article("ferry", FERRY)
        writer.commit(cursor=1)
        writer.put_article("ferry", [])
        writer.commit(cursor=2)
        writer.put_article("budget", BUDGET)  # never committed
    view = KeywordIndex(folder, TERMS).view()
    assert (view.count(), view.cursor) == (0, 2)
    # Another writer may open the folder once the first has closed.
    with KeywordWriter(folder, TERMS) as writer:
        writer.put_article("budget", BUDGET)
        writer.commit(cursor=3)
    assert KeywordIndex(folder, TERMS).view().count() == 1


def test_lookups_by_id_article_and_hash(folder):
    rebuild(folder, [*BUDGET, *reversed(FERRY)], TERMS, cursor=0)
    view = KeywordIndex(folder, TERMS).view()
    assert [c.id for c in view.chunks(["budget:0", "nope:0", "ferry:1"])] == [
        "budget:0",
        "ferry:1",
    ]
    assert view.chunks(["ferry:1"])[0] == FERRY[1]  # text and metadata come back whole
    assert [c.id for c in view.article_chunks("ferry")] == ["ferry:0", "ferry:1"]
    assert view.days(["ferry:1", "nope:0", "budget:0"]) == {
        "ferry:1": date(2024, 5, 1).toordinal(),
        "budget:0": date(2024, 5, 3).toordinal(),
    }
    rebuild(folder, [*FERRY, *article("budget", None, "x", digest="h2")], TERMS, cursor=0)
    assert KeywordIndex(folder, TERMS).view().hashes(["ferry", "budget", "gone"]) == {
        "ferry": "h",
        "budget": "h2",
    }


def test_date_windows_filter_search_counts_and_ids(folder):
    rebuild(folder, [*FERRY, *BUDGET, *UNDATED], TERMS, cursor=0)
    view = KeywordIndex(folder, TERMS).view()
    as_of = DateWindow(as_of=date(2024, 5, 2))
    since = DateWindow(as_of=date(2024, 6, 1), start=date(2024, 5, 2))
    assert view.count() == 4 and view.count(DateWindow()) == 4
    # An unknown day passes a window with no start, never one with a start (as in dates.py).
    assert view.count(as_of) == 3
    assert sorted(view.ids_inside(as_of)) == ["ferry:0", "ferry:1", "undated:0"]
    assert view.ids_inside(since) == ["budget:0"]
    assert view.ids_inside(DateWindow(as_of=date(2024, 1, 1), start=date(2023, 1, 1))) == []
    assert sorted(ids(view.search("ferry", 5, as_of))) == ["ferry:0", "ferry:1", "undated:0"]
    assert view.search("ferry", 5, since) == []
    # The window adds nothing to the scores.
    assert dict((c.id, s) for c, s in view.search("ferry", 5)) == pytest.approx(
        dict((c.id, s) for c, s in view.search("ferry", 5, as_of))
    )


def test_idf_counts_articles_not_chunks_and_stats_come_from_the_index(folder):
    rebuild(folder, [*FERRY, *BUDGET, *UNDATED], TERMS, cursor=4)
    view = KeywordIndex(folder, TERMS).view()
    ferry, crew, unseen = (TERMS(w)[0] for w in ("ferry", "crew", "zeppelin"))
    assert view.articles == 3 and view.cursor == 4
    assert view.idf(unseen) > view.idf(crew) > view.idf(ferry) > 0
    assert view.idf(crew) == pytest.approx(view.idf(TERMS("council")[0]))  # one article each
    assert KeywordIndex(folder, TERMS).idf(ferry) == view.idf(ferry)
    assert view.stats() == {
        "articles": 3,
        "chunks": 4,
        "sources": ["Example", "Gazette"],
        "first_day": date(2024, 5, 1),
        "last_day": date(2024, 5, 3),
    }


def test_an_updated_article_counts_once_among_the_articles_holding_a_word(folder):
    # An update deletes the old documents, which tantivy's doc_freq counts until a merge;
    # a share of the articles held (alerts' common names) must count the live ones.
    with KeywordWriter(folder, TERMS) as writer:
        writer.put_article("ferry", FERRY)
        writer.put_article("budget", BUDGET)
        writer.commit(cursor=1)
        for cursor in (2, 3):
            writer.put_article("ferry", FERRY)
            writer.commit(cursor=cursor)
    view = KeywordIndex(folder, TERMS).view()
    ferry = TERMS("ferry")[0]
    assert view.articles == 2
    assert view.article_counts([ferry]) == {ferry: 1}
    assert view.doc_freqs([ferry])[ferry] > 1  # why article_counts exists


def test_rebuild_swaps_the_folder_under_an_open_reader(folder):
    rebuild(folder, FERRY, TERMS, cursor=1)
    reader = KeywordIndex(folder, TERMS)
    old = reader.view()
    rebuild(folder, BUDGET, TERMS, cursor=7)
    assert ids(old.search("ferry", 5))  # still readable
    new = reader.view()
    assert (new.cursor, new.count(), ids(new.search("budget", 5))) == (7, 1, ["budget:0"])
    assert sorted(p.name for p in folder.parent.iterdir()) == [FOLDER]  # nothing left aside


def test_a_folder_of_another_format_does_not_exist_and_is_never_written(folder):
    rebuild(folder, FERRY, TERMS, cursor=0)
    (folder / "newsbot.format").write_text("0", encoding="utf-8")
    assert not KeywordIndex(folder, TERMS).exists()
    assert KeywordIndex(folder, TERMS).view().count() == 0  # empty, not an error
    with pytest.raises(ValueError, match="another format"):
        KeywordWriter(folder, TERMS)
    rebuild(folder, FERRY, TERMS, cursor=0)
    assert KeywordIndex(folder, TERMS).exists()


def test_the_searcher_builds_a_missing_index_from_the_store_once(tmp_path, hashing_embedder):
    corpus = tmp_path / "news.jsonl"
    rows = [
        {"url": "https://news.example/0", "title": "Ferry", "published_at": "2024-05-01",
         "text": "The harbor ferry Osprey retired."},
        {"url": "https://news.example/1", "title": "Budget", "published_at": "2024-05-02",
         "text": "The council passed a budget."},
    ]  # fmt: skip
    corpus.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    settings = make_settings(tmp_path / "data")
    store, _ = ingest_into(settings, hashing_embedder, corpus)
    searcher = HybridSearcher(store, hashing_embedder)
    assert searcher.keyword.count() == 2
    assert searcher.keywords.exists() and (tmp_path / "data" / FOLDER).is_dir()
    hits = searcher.search("Osprey", DateWindow(as_of=date(2024, 6, 1)), k=1)
    assert hits[0].chunk.metadata["title"] == "Ferry" and hits[0].keyword > 0
    assert searcher.last_keyword.idf(TERMS("osprey")[0]) > 0


def test_a_refreshed_index_hands_out_a_new_commit_only_after_refresh_and_warmed(folder):
    reader = KeywordIndex(folder, TERMS)
    with KeywordWriter(folder, TERMS) as writer:
        writer.put_article("ferry", FERRY)
        writer.commit(cursor=1)
        reader.refreshed_elsewhere = True  # as under a serving process's freshness thread
        first = reader.view()
        first.idf("ferri")
        writer.put_article("budget", BUDGET)
        writer.commit(cursor=2)
    assert reader.view() is first  # questions keep the installed view...
    assert reader.refresh() and not reader.refresh()  # ...until the thread loads the commit
    second = reader.view()
    assert second is not first and second.cursor == 2
    assert "ferri" in second._df and second.articles == 2  # counted before questions come


def test_a_name_typed_without_its_accents_finds_the_article_that_prints_them(folder):
    album = article("album", date(2022, 7, 21), "Beyoncé releases Renaissance, her new album.")
    cafe = article("cafe", date(2022, 7, 22), "The cafe on Main Street closed.")
    rebuild(folder, [*album, *cafe], TERMS, cursor=1)
    view = KeywordIndex(folder, TERMS).view()
    assert ids(view.search("beyonce album", 5)) == ["album:0"]
    assert ids(view.search("Café", 5)) == ["cafe:0"]
    assert TERMS("Beyoncé naïve") == TERMS("Beyonce naive")
    assert TERMS("Ærø") == ["ærø"]  # letters with no accent to drop stay as they are


def test_initials_with_dots_are_one_word(folder):
    final = article("final", date(2022, 9, 11), "Carlos Alcaraz wins the U.S. Open title.")
    rebuild(folder, final, TERMS, cursor=1)
    assert ids(KeywordIndex(folder, TERMS).view().search("Alcaraz US Open", 5)) == ["final:0"]
    assert TERMS("U.S. Open in Washington, D.C.") == TERMS("US Open in Washington, DC")


def test_a_code_of_letters_and_numbers_is_one_word(folder):
    ba5 = article("ba5", date(2022, 7, 14), "Why the Omicron offshoot BA.5 is a big deal.")
    ba2 = article("ba2", date(2022, 2, 17), "The BA.2 subvariant of Omicron is rising.")
    rebuild(folder, [*ba5, *ba2], TERMS, cursor=1)
    assert ids(KeywordIndex(folder, TERMS).view().search("BA.5", 5)) == ["ba5:0"]
    assert TERMS("BA.5 and XBB.1.5") == ["ba5", "xbb15"]


def test_kids_are_children(folder):
    clinic = article("clinic", date(2024, 3, 1), "Nine children caught measles at the school.")
    rebuild(folder, clinic, TERMS, cursor=1)
    assert ids(KeywordIndex(folder, TERMS).view().search("how many kids got measles", 5)) == [
        "clinic:0"
    ]
