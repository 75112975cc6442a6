"""The incremental indexer against a real Chroma store; vectors from the hashing stand-in."""

from __future__ import annotations

import threading
import time
from functools import partial
from pathlib import Path

import pytest

from newsbot.ingest import indexer
from newsbot.ingest.indexer import Indexer
from newsbot.ingest.readers import ReadOptions
from newsbot.ingest.watch import watch_roots
from newsbot.store.chroma_store import Store
from tests.support.stores import make_settings

TOPICS = ["ferry", "library", "bridge", "orchard", "stadium", "tramway"]


def article_text(title: str, topic: str, sentences: int, date: str = "May 14, 2024") -> str:
    body = " ".join(
        f"The {topic} project reached milestone {i} after the council approved {i * 3} more "
        f"workers and a budget of {i * 7} million for the {topic}."
        for i in range(sentences)
    )
    return f"{title}\n\n{body}\n\n{date}\n\nSource: Test Gazette"


def write(folder: Path, name: str, sentences: int = 2, topic: str | None = None) -> Path:
    path = folder / name
    title = name.rsplit(".", 1)[0].replace("-", " ").title()
    path.write_text(article_text(title, topic or name.split(".")[0], sentences), "utf-8")
    return path


class CountingEmbedder:
    """An embedder, with a count of every text it was asked to encode."""

    def __init__(self, inner):
        self.inner = inner
        self.encoded = 0

    def __getattr__(self, name):
        return getattr(self.inner, name)

    def encode(self, texts, *args, **kwargs):
        self.encoded += len(texts)
        return self.inner.encode(texts, *args, **kwargs)


def open_store(tmp_path: Path, embedder) -> tuple[Store, CountingEmbedder]:
    counting = CountingEmbedder(embedder)
    return Store(make_settings(tmp_path / "data"), counting), counting


def rows(store: Store) -> dict[str, dict]:
    """Every chunk Chroma holds: id -> metadata (with the document under 'text')."""
    got = store.collection.get(include=["metadatas", "documents"])
    return {
        cid: {**meta, "text": doc}
        for cid, meta, doc in zip(got["ids"], got["metadatas"], got["documents"], strict=True)
    }


def assert_consistent(store: Store) -> dict[str, int]:
    """Each article: positions 0..n-1 exactly, one content hash; returns chunks per article."""
    per_article: dict[str, list[dict]] = {}
    for cid, meta in rows(store).items():
        assert cid == f"{meta['article_id']}:{meta['position']}"
        per_article.setdefault(meta["article_id"], []).append(meta)
    for metas in per_article.values():
        n = metas[0]["n_chunks"]
        assert sorted(m["position"] for m in metas) == list(range(n))
        assert len({m["content_hash"] for m in metas}) == 1
    return {aid: len(m) for aid, m in per_article.items()}


def test_reingest_of_unchanged_corpus_embeds_nothing(tmp_path, hashing_embedder):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for topic in TOPICS[:3]:
        write(corpus, f"{topic}.txt")
    store, counting = open_store(tmp_path, hashing_embedder)
    first = Indexer(store).ingest([corpus])
    assert (first.added, first.failed, first.unchanged) == (3, 0, 0)
    assert counting.encoded == first.chunks_embedded > 0
    before = rows(store)
    counting.encoded = 0
    again = Indexer(store).ingest([corpus])
    assert (again.added, again.updated, again.unchanged) == (0, 0, 3)
    assert counting.encoded == 0 and again.chunks_embedded == 0
    assert rows(store) == before


def test_changed_article_leaves_no_stale_chunk(tmp_path, hashing_embedder):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    long = write(corpus, "ferry.txt", sentences=40)
    write(corpus, "library.txt")
    store, _ = open_store(tmp_path, hashing_embedder)
    Indexer(store, target_tokens=120).ingest([corpus])
    counts = assert_consistent(store)
    assert max(counts.values()) >= 3
    long.write_text(article_text("Ferry", "ferry", 2).replace("milestone", "stage"), "utf-8")
    report = Indexer(store, target_tokens=120).ingest([corpus])
    assert (report.updated, report.unchanged, report.added) == (1, 1, 0)
    counts = assert_consistent(store)
    assert sorted(counts.values()) == [1, 1]
    texts = [r["text"] for r in rows(store).values() if r["title"] == "Ferry"]
    assert len(texts) == 1 and "stage" in texts[0] and "milestone" not in texts[0]


def test_prune_removes_gone_articles_but_never_unreadable_ones(tmp_path, hashing_embedder):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for topic in TOPICS[:3]:
        write(corpus, f"{topic}.txt")
    store, _ = open_store(tmp_path, hashing_embedder)
    Indexer(store).ingest([corpus])
    (corpus / "ferry.txt").unlink()
    # Broken, not gone: its stored version must survive a prune.
    (corpus / "library.txt").write_bytes(b"\x00\x01 disk error")
    report = Indexer(store).ingest([corpus], prune=True)
    assert (report.pruned, report.failed, report.unchanged) == (1, 1, 1)
    titles = {r["title"] for r in rows(store).values()}
    assert titles == {"Library", "Bridge"}
    # A root that is missing altogether (unmounted disk, typo) prunes nothing either.
    report = Indexer(store).ingest([tmp_path / "corpus-typo"], prune=True)
    assert report.pruned == 0 and report.failed == 1
    other = tmp_path / "other"
    other.mkdir()
    report = Indexer(store).ingest([other], prune=True)
    assert report.pruned == 0
    assert {r["title"] for r in rows(store).values()} == {"Library", "Bridge"}


@pytest.mark.parametrize("stories", [True, False])
def test_bad_input_never_stops_the_run_nor_loses_good_data(tmp_path, hashing_embedder, stories):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    write(corpus, "good.txt")
    store, _ = open_store(tmp_path, hashing_embedder)
    assert Indexer(store).ingest([corpus]).added == 1
    (corpus / "empty.txt").write_bytes(b"")
    (corpus / "blank.jsonl").write_bytes(b"\n\n")
    (corpus / "binary.txt").write_bytes(bytes(range(256)) * 8)
    (corpus / "photo.jpg").write_bytes(b"\xff\xd8\xff\xe0" + bytes(100))
    (corpus / "latin.txt").write_bytes(
        article_text("Café reopens", "café", 2).replace("The", "À la").encode("cp1252")
    )
    (corpus / "copy-of-good.txt").write_bytes((corpus / "good.txt").read_bytes())
    (corpus / "mixed.jsonl").write_text(
        '{"title": "J1", "text": "The orchard harvest doubled this year, growers said."}\n'
        '{"title": "broken", "text": \n'
        '{"title": "no text"}\n'
    )
    big = corpus / "huge.txt"
    with big.open("wb") as handle:
        handle.write(b"Huge title\n\n")
        handle.write(b"All work and no play makes a dull article. " * (50 * 2**20 // 43))
    started = time.perf_counter()
    indexer = Indexer(store, options=ReadOptions(max_bytes=5 * 2**20), stories=stories)
    report = indexer.ingest([corpus])
    elapsed = time.perf_counter() - started
    # copy-of-good.txt sorts first. With stories it joins good.txt's story (a brief groups when
    # its headline fits it), and good.txt stays stored, unchanged; without, copy-of-good.txt is
    # kept and good.txt's earlier copy leaves the store.
    added, unchanged = (2, 1) if stories else (3, 0)  # latin.txt, J1 (and copy-of-good.txt)
    assert (report.added, report.unchanged) == (added, unchanged), report
    assert (report.skipped, report.copies) == ((1, 1) if stories else (2, 0))  # photo, copy
    assert report.failed == 6  # empty, blank, binary, 2 bad lines, huge
    lines = "\n".join(report.failures)
    for expected in (
        "empty.txt: empty file",
        "blank.jsonl: empty file",
        "binary.txt: binary file",
        "mixed.jsonl:2: not valid JSON",
        "mixed.jsonl:3: record has no text",
        "huge.txt: file is 50.0 MB, over the 5.0 MB limit",
    ):
        assert expected in lines, lines
    assert stories or any(
        s.endswith("good.txt: duplicate of " + str(corpus / "copy-of-good.txt"))
        for s in report.skips
    ), report.skips
    assert any("photo.jpg: not an article format" in s for s in report.skips)
    assert elapsed < 120  # the 50 MB file is refused before it is read, not embedded
    titles = sorted(r["title"] for r in rows(store).values())
    assert titles == ["Café reopens", "Good", "J1"]
    cafe = next(r for r in rows(store).values() if r["title"] == "Café reopens")
    assert "À la café" in cafe["text"]
    assert_consistent(store)


def test_watch_picks_up_a_new_and_a_changed_file(tmp_path, hashing_embedder):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    write(corpus, "ferry.txt")
    store, _ = open_store(tmp_path, hashing_embedder)
    indexer = Indexer(store)
    reports = []
    stop = threading.Event()
    thread = threading.Thread(
        target=watch_roots,
        args=([str(corpus)], lambda: reports.append(indexer.ingest([corpus])) or True, 0.2, stop),
        daemon=True,
    )
    thread.start()

    def wait_for(condition, what: str) -> None:
        deadline = time.monotonic() + 120
        while not condition():
            assert time.monotonic() < deadline, f"watch never {what}"
            time.sleep(0.1)

    try:
        wait_for(lambda: len(reports) >= 1, "ran its first pass")
        passes = len(reports)
        time.sleep(1.0)
        assert len(reports) == passes  # nothing changed: no pass
        write(corpus, "library.txt")
        wait_for(lambda: any(r.added for r in reports[passes:]), "saw the new file")
        assert {r["title"] for r in rows(store).values()} == {"Ferry", "Library"}
        passes = len(reports)
        write(corpus, "library.txt", sentences=3)
        wait_for(lambda: any(r.updated for r in reports[passes:]), "saw the changed file")
    finally:
        stop.set()
        thread.join(timeout=30)
    assert not thread.is_alive()
    assert sorted(assert_consistent(store).values()) == [1, 1]


def test_half_replaced_article_from_a_crash_is_repaired(tmp_path, hashing_embedder):
    """The state a kill between upsert and stale-delete leaves behind is fixed by the next run."""
    from newsbot.ingest.chunking import chunk_article
    from newsbot.ingest.indexer import content_hash
    from newsbot.ingest.sources import iter_articles
    from newsbot.store.embeddings import embedding_text

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    path = write(corpus, "ferry.txt", sentences=40)
    store, _ = open_store(tmp_path, hashing_embedder)
    Indexer(store, target_tokens=120).ingest([corpus])
    old_n = len(rows(store))
    assert old_n >= 3
    path.write_text(article_text("Ferry", "ferry", 2).replace("milestone", "stage"), "utf-8")
    ((article, origin),) = list(iter_articles([str(corpus)]))
    digest = content_hash(article)
    meta = {"content_hash": digest, "origin": origin}
    chunks = chunk_article(
        article, hashing_embedder.count_tokens, target_tokens=120, extra_metadata=meta
    )
    # What a process killed after its upsert and before its delete leaves in Chroma.
    store.collection.upsert(
        ids=[c.id for c in chunks],
        documents=[c.text for c in chunks],
        embeddings=hashing_embedder.encode([embedding_text(article.title, c.text) for c in chunks]),
        metadatas=[c.metadata for c in chunks],
    )
    assert len(rows(store)) == old_n  # new head, stale tail
    assert not store.lookup([article.id])[article.id].complete
    report = Indexer(store, target_tokens=120).ingest([corpus])
    assert report.updated == 1
    assert assert_consistent(store) == {article.id: len(chunks)}
    assert {r["content_hash"] for r in rows(store).values()} == {digest}


def test_feed_entries_that_leave_the_feed_are_pruned(tmp_path, hashing_embedder):
    from tests.ingest.test_ingest_formats import BODY, Site, rss

    def entry(n: int) -> str:
        return (
            f"<item><title>Entry {n}</title><link>https://gullbay.example/{n}</link>"
            f"<pubDate>Tue, 14 May 2024 10:00:00 +0000</pubDate>"
            '<content:encoded xmlns:content="http://purl.org/rss/1.0/modules/content/">'
            f"<![CDATA[<p>{BODY} Entry number {n} adds a sentence.</p>]]></content:encoded></item>"
        )

    store, _ = open_store(tmp_path, hashing_embedder)
    # The entries share one body, so with stories they would be copies of one story (see
    # tests/ingest/test_stories.py); here each is an article of its own.
    Indexer = partial(indexer.Indexer, stories=False)
    with Site({"/feed": ("application/rss+xml", rss(entry(1) + entry(2)))}) as site:
        feed = f"{site.url}/feed"
        first = Indexer(store).ingest([feed], prune=True)
        assert (first.added, first.failed) == (2, 0)
        site.pages["/feed"] = ("application/rss+xml", rss(entry(2) + entry(3)))
        report = Indexer(store).ingest([feed], prune=True)
        assert (report.added, report.unchanged, report.pruned) == (1, 1, 1)
        assert {r["title"] for r in rows(store).values()} == {"Entry 2", "Entry 3"}
        # The feed is down: nothing it gave before is pruned.
        del site.pages["/feed"]
        report = Indexer(store).ingest([feed], prune=True)
        assert (report.failed, report.pruned) == (1, 0)
        assert {r["title"] for r in rows(store).values()} == {"Entry 2", "Entry 3"}


def test_watching_a_feed_url_runs_a_pass_every_interval():
    passes = []
    stop = threading.Event()
    # URLs cannot be stat'ed for changes, so each interval is a pass (content hashes make
    # unchanged entries cost nothing); files alone run a pass only when they change.
    count = watch_roots(["http://127.0.0.1:9/feed"], lambda: passes.append(1), 0.05, stop, 3)
    assert count == len(passes) == 3
