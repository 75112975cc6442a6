"""A serving store searches other writers' changes beside its loaded vector index, unreloaded.

The writer opens a Chroma System of its own (as another process would), so the serving
store's loaded vector index stays as it was; only the overlay can bring the changes in.
"""

from __future__ import annotations

import numpy as np

from tests.support.stores import EXAMPLES, make_settings


def stores(tmp_path, embedder):
    from newsbot.ingest.indexer import Indexer
    from newsbot.store.chroma_store import Store

    settings = make_settings(tmp_path / "data")
    serving = Store(settings, embedder)
    Indexer(serving).ingest([str(p) for p in sorted(EXAMPLES.glob("0[1-3]_*.txt"))])
    serving.nearest(embedder.encode(["warm"])[0], 3)
    # From here on the serving store's vector index stays as loaded, as in another process.
    return Store(settings, embedder, fresh=True), serving


def article(title: str, body: str) -> str:
    return f"{title}\n\n{body}\n\nMay 14, 2024\n\nSource: Quillfield Star\n"


def write(writer, path, text):
    from newsbot.ingest.indexer import Indexer

    path.write_text(text, "utf-8")
    return Indexer(writer).ingest([str(path)])


def articles_found(serving, vector, k=3, among=None):
    return [cid.rsplit(":", 1)[0] for cid, _ in serving.nearest(vector, k, among)]


def test_added_replaced_and_deleted_articles_are_searched_without_a_reopen(
    tmp_path, hashing_embedder
):
    from newsbot.store.freshness import cover_changes

    writer, serving = stores(tmp_path, hashing_embedder)
    path = tmp_path / "observatory.txt"
    old = "The Quillfield council approved telescopes for the hilltop observatory."
    before = set(writer.articles())
    write(writer, path, article("Quillfield observatory", old))
    (aid,) = set(writer.articles()) - before
    vector = hashing_embedder.encode(["Quillfield observatory\n" + old])[0]
    loaded = id(serving.collection)
    assert aid not in articles_found(serving, vector)  # the loaded index lacks it

    assert cover_changes(serving)
    assert articles_found(serving, vector)[0] == aid
    # Among given ids, too (the date-window path), and through a metadata filter.
    assert articles_found(serving, vector, among=[f"{aid}:0"]) == [aid]
    where = {"article_id": aid}
    assert [c.article_id for c, _ in serving.query(vector, 3, where=where)] == [aid]

    new = "Ferries to Harbor City will run every hour from the north pier next spring."
    write(writer, path, article("Quillfield observatory", new))
    assert cover_changes(serving)
    best = serving.nearest(hashing_embedder.encode(["Quillfield observatory\n" + new])[0], 1)
    assert best[0][0].startswith(aid) and best[0][1] > 0.99
    # The loaded index still holds the old vector; it is hidden, not ranked.
    assert all(sim < 0.99 for _, sim in serving.nearest(vector, 5))

    writer.delete_article(aid)
    assert cover_changes(serving)
    assert aid not in articles_found(serving, vector, k=5)
    assert id(serving.collection) == loaded  # never reloaded


def test_a_large_change_is_left_to_a_reopen(tmp_path, hashing_embedder, monkeypatch):
    from newsbot.store import freshness

    writer, serving = stores(tmp_path, hashing_embedder)
    for n in range(3):
        write(writer, tmp_path / f"{n}.txt", article(f"Story {n}", f"Plain words number {n}."))
    monkeypatch.setattr(freshness, "COVER_ARTICLES", 2)
    assert not freshness.cover_changes(serving)
    assert not serving.overlay.changed
    freshness.refresh_vectors(serving)  # reopens instead
    assert serving.vectors_at == serving.feed.length()
    vector = hashing_embedder.encode(["Story 2\nPlain words number 2."])[0]
    assert serving.nearest(vector, 1)[0][1] > 0.99


def test_overlay_ranks_exactly_and_hides_what_it_replaced():
    from newsbot.store.vector_overlay import VectorOverlay, merged

    eye = np.eye(4, dtype=np.float32)
    overlay = VectorOverlay().updated(["a", "b"], {"a": (["a:0", "a:1"], eye[:2])})
    assert overlay.hides("a:7") and overlay.hides("b:0") and not overlay.hides("c:0")
    assert overlay.nearest(eye[1], 1) == [("a:1", 1.0)]
    assert overlay.nearest(eye[1], 2, among={"a:0"}) == [("a:0", 0.0)]
    again = overlay.updated(["a"], {"a": (["a:0"], eye[2:3])})
    assert again.ids == ("a:0",) and again.nearest(eye[2], 1) == [("a:0", 1.0)]
    assert merged([("x", 0.2)], [("y", 0.9), ("z", 0.1)], k=2) == [("y", 0.9), ("x", 0.2)]
