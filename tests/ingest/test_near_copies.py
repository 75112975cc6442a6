"""Stories: copies of a sample article join its story, are cited once, and outlive its original."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from newsbot.bot.render import to_html, to_terminal
from newsbot.ingest.indexer import Indexer
from newsbot.ingest.near_copies import is_copy, shingles
from newsbot.retrieval.newsbot import Newsbot
from newsbot.store.chroma_store import Store
from newsbot.store.copies import story_id
from tests.support.stores import EXAMPLES, make_settings

FERRIES = EXAMPLES / "01_harbor-city-electric-ferries.txt"
FERRIES_YEAR = EXAMPLES / "12_harbor-city-ferries-first-year.txt"
QUESTION = "How much did Harbor City's electric ferry project cost?"
DAY = date(2024, 3, 10)


def body_of(path: Path) -> tuple[str, list[str]]:
    """A sample's headline and its body's paragraphs (without date, source and footer)."""
    paragraphs = [p.strip() for p in path.read_text("utf-8").split("\n\n") if p.strip()]
    end = next(i for i, p in enumerate(paragraphs) if p.startswith("March 3, 2024"))
    return paragraphs[0], paragraphs[1:end]


def edited(kind: str) -> tuple[str, list[str]]:
    """The ferries article as another outlet ran it, changed one way."""
    title, body = body_of(FERRIES)
    if kind == "headline":
        title = "Electric ferries take over the Gull Bay crossing"
    elif kind == "boilerplate_added":
        body = [*body, "This article was republished with permission from the Harbor City Gazette."]
    elif kind == "boilerplate_removed":
        body = body[:-1]  # the outlet's closing colour paragraph
    elif kind == "paragraph":
        body = [
            *body[:3],
            "In Saltry, shipyard managers said a second order for two more ferries was likely.",
            *body[3:],
        ]
    elif kind == "editors_note":
        body = ["Editor's note: this story was updated to correct the fare for adults.", *body]
    elif kind == "quotes":
        body = [p.replace('"', "“", 1).replace(',"', ",”").replace('."', ".”") for p in body]
    return title, body


KINDS = [
    "headline",
    "boilerplate_added",
    "boilerplate_removed",
    "paragraph",
    "editors_note",
    "quotes",
]


def write_copy(folder: Path, kind: str, outlet: str, day: str = "March 4, 2024") -> Path:
    title, body = edited(kind)
    path = folder / f"{kind}.txt"
    path.write_text("\n\n".join([title, *body, day, f"Source: {outlet}"]) + "\n", "utf-8")
    return path


@pytest.fixture
def store(tmp_path, hashing_embedder):
    return Store(make_settings(tmp_path / "data"), hashing_embedder, fresh=True)


def originals(tmp_path: Path) -> Path:
    folder = tmp_path / "originals"
    folder.mkdir()
    shutil.copy(FERRIES, folder)
    shutil.copy(FERRIES_YEAR, folder)
    return folder


def newsbot(store: Store) -> Newsbot:
    return Newsbot(store.settings, embedder=store.embedder, store=store, today=lambda: DAY)


def test_every_kind_of_copy_is_a_near_copy_and_other_ferry_news_is_not():
    _, body = body_of(FERRIES)
    original = shingles("\n\n".join(body))
    for kind in KINDS:
        assert is_copy(original, shingles("\n\n".join(edited(kind)[1]))), kind
    _, later = body_of_any(FERRIES_YEAR)
    assert not is_copy(original, shingles("\n\n".join(later)))


def body_of_any(path: Path) -> tuple[str, list[str]]:
    paragraphs = [p.strip() for p in path.read_text("utf-8").split("\n\n") if p.strip()]
    return paragraphs[0], paragraphs[1:-3]


@pytest.mark.parametrize("same_run", [False, True])
def test_copies_of_each_kind_form_one_story_cited_once(tmp_path, store, same_run):
    folder = originals(tmp_path)
    copies = tmp_path / ("originals" if same_run else "copies")
    copies.mkdir(exist_ok=True)
    outlets = [f"Outlet {n}" for n in range(len(KINDS))]
    for kind, outlet in zip(KINDS, outlets, strict=True):
        write_copy(copies, kind, outlet)
    first = Indexer(store).ingest([folder])
    reports = [first] if same_run else [first, Indexer(store).ingest([copies])]
    assert sum(r.copies for r in reports) == len(KINDS)
    assert sum(r.added for r in reports) == 2  # the two ferry stories, stored once each
    stored = store.articles()
    assert len(stored) == 2
    ferries = next(a for a, s in stored.items() if "electric" in str(s.origin).lower())
    story = store.stories([ferries])[ferries]
    assert story.id == ferries and story.stored == ferries
    assert {c.source for c in story.copies} == {"Harbor City Gazette", *outlets}
    assert store.copies.count() == len(KINDS)

    bot = newsbot(store)
    stats = bot.stats()
    assert (stats["articles"], stats["stories"]) == (2 + len(KINDS), 2)
    # Hashed vectors are too weak to answer; the closest articles are cited all the same.
    answer = bot.answer(QUESTION)
    cited = [c for c in answer.citations if c.article_id in {c.article_id for c in story.copies}]
    assert len(cited) == 1 and cited[0].article_id == ferries
    assert {o.source for o in cited[0].also} == set(outlets)
    assert "also in: Outlet" in to_terminal(answer)
    assert "also in: Outlet" in to_html(answer)
    # Nothing of a copy was embedded: a hit is never a copy.
    hits = bot.retrieve(QUESTION, as_of=DAY, k=10)
    assert len({story_id(h.chunk.metadata, h.chunk.article_id) for h in hits}) == len(hits)
    assert all(h.chunk.article_id in stored for h in hits)


def test_unchanged_copies_embed_nothing_and_a_changed_copy_updates_its_story(tmp_path, store):
    folder = originals(tmp_path)
    copies = tmp_path / "copies"
    copies.mkdir()
    path = write_copy(copies, "headline", "Gull Bay Times")
    Indexer(store).ingest([folder, copies])
    again = Indexer(store).ingest([folder, copies])
    assert (again.unchanged, again.chunks_embedded, again.copies) == (3, 0, 0)
    ferries = store.stories([a for a in store.articles()])
    copy_id = next(iter(store.copies.get([r.article_id for r in store.copies])))
    correction = "Correction: the adult fare is $3.50, not $3.25 as first reported."
    text = path.read_text("utf-8").replace("March 4, 2024", f"{correction}\n\nMarch 5, 2024")
    path.write_text(text, "utf-8")
    changed = Indexer(store).ingest([folder, copies])
    assert (changed.updated, changed.chunks_embedded, changed.copies) == (1, 0, 0)
    story = store.stories([copy_id])[copy_id]
    assert story.is_copy(copy_id) and story.id in ferries
    copy = next(c for c in story.copies if c.article_id == copy_id)
    assert copy.published_at == "2024-03-05"
    assert correction in store.copies.get([copy_id], text=True)[copy_id].text
    # Changed beyond a copy: stored as a story of its own.
    title = text.split("\n", 1)[0]
    path.write_text(f"{title}\n\n" + "The presses of the Gull Bay Times were sold. " * 20, "utf-8")
    own = Indexer(store).ingest([folder, copies])
    assert own.updated == 1 and own.chunks_embedded > 0
    assert not store.stories([copy_id])[copy_id].is_copy(copy_id)
    assert store.copies.count() == 0


def test_prune_of_the_original_keeps_the_copy_answerable(tmp_path, store):
    folder = originals(tmp_path)
    copies = tmp_path / "copies"
    copies.mkdir()
    write_copy(copies, "boilerplate_added", "Gull Bay Times")
    write_copy(copies, "quotes", "Saltry Shore News", day="March 5, 2024")
    Indexer(store).ingest([folder, copies])
    ferries = next(a for a, s in store.articles().items() if "electric" in s.origin)
    (folder / FERRIES.name).unlink()
    report = Indexer(store).ingest([folder, copies], prune=True)
    assert report.pruned == 1
    story = store.stories([ferries])
    assert ferries not in story  # gone from the store
    heir = next(iter(store.stories([r.article_id for r in store.copies]).values()))
    assert heir.id == ferries  # the story keeps its id
    assert heir.stored and heir.stored != ferries
    assert [c.source for c in heir.copies] == ["Gull Bay Times", "Saltry Shore News"]
    answer = newsbot(store).answer(QUESTION)
    cited = next(c for c in answer.citations if c.article_id == heir.stored)
    assert cited.source == "Gull Bay Times"
    assert [o.source for o in cited.also] == ["Saltry Shore News"]
    # Every version gone: nothing of the story is left.
    for path in copies.iterdir():
        path.unlink()
    Indexer(store).ingest([folder, copies], prune=True)
    assert store.copies.count() == 0 and len(store.articles()) == 1


def test_copies_are_in_the_change_feed_and_shared_by_other_processes(tmp_path, store):
    folder = originals(tmp_path)
    Indexer(store).ingest([folder])
    start = store.feed.length()
    copies = tmp_path / "copies"
    copies.mkdir()
    write_copy(copies, "editors_note", "Gull Bay Times")
    Indexer(store).ingest([copies])
    named = {aid for change in store.feed.read(start) for aid in change.article_ids}
    (copy_id,) = named
    other = Store(store.settings, store.embedder, fresh=True)  # as another process opens it
    story = other.stories([copy_id])[copy_id]
    assert story.is_copy(copy_id) and story.stored == story.id


def test_a_text_republished_weeks_later_is_a_story_of_its_own(tmp_path, store):
    folder = originals(tmp_path)
    copies = tmp_path / "copies"
    copies.mkdir()
    write_copy(copies, "headline", "Gull Bay Times", day="May 4, 2024")
    report = Indexer(store).ingest([folder, copies])
    assert (report.added, report.copies) == (3, 0)


def test_stories_off_stores_every_copy(tmp_path, store):
    folder = originals(tmp_path)
    write_copy(folder, "headline", "Gull Bay Times")
    report = Indexer(store, stories=False).ingest([folder])
    assert (report.added, report.copies) == (3, 0)
    assert all(s.story == a for a, s in store.articles().items())


def test_a_store_from_before_stories_reads_each_article_as_its_own_story():
    assert story_id({"article_id": "a1"}) == "a1"
    assert story_id(None, "a2") == "a2"
    assert story_id({"article_id": "a3", "story": "a1"}) == "a1"


def test_the_answer_cites_the_story_once_with_the_model(tmp_path, embedder):
    store = Store(make_settings(tmp_path / "data"), embedder, fresh=True)
    folder = originals(tmp_path)
    for n, kind in enumerate(KINDS):
        write_copy(folder, kind, f"Outlet {n}")
    Indexer(store).ingest([folder])
    answer = newsbot(store).answer(QUESTION)
    assert not answer.refused and "$38.5 million" in answer.text
    (cited,) = [c for c in answer.citations if "Electric" in c.title or c.also]
    assert len(cited.also) == len(KINDS)
    assert f"[{cited.n}]" in answer.text
    assert "also in: Outlet " in to_terminal(answer) and "and 1 more" in to_terminal(answer)


def test_stories_work_through_a_chroma_server(tmp_path, chroma_server, hashing_embedder):
    settings = make_settings(tmp_path / "data", chroma_url=chroma_server, collection="stories")
    store = Store(settings, hashing_embedder)
    folder = originals(tmp_path)
    copies = tmp_path / "copies"
    copies.mkdir()
    write_copy(copies, "headline", "Gull Bay Times")
    write_copy(copies, "paragraph", "Saltry Shore News")
    report = Indexer(store).ingest([folder, copies])
    assert (report.added, report.copies) == (2, 2)
    # Another client (another process, another machine) sees the copies in the server.
    other = Store(
        make_settings(tmp_path / "other", chroma_url=chroma_server, collection="stories"),
        hashing_embedder,
    )
    ids = [r.article_id for r in other.copies]
    stories = other.stories(ids)
    assert len({s.id for s in stories.values()}) == 1
    (folder / FERRIES.name).unlink()
    assert Indexer(store).ingest([folder, copies], prune=True).pruned == 1
    heir = other.stories(ids)
    assert len(heir) == 2 and {s.stored for s in heir.values()} <= set(ids)
