"""New stories, read from the change feed, and whether one matches a followed topic.

A data dir's story log (a small SQLite file beside the store) lists the stories in the order
the feed added them: each with a sequence number, the time it was added and its articles.
Alerts and digests read it; any process on the data dir brings it up to date (`read_feed`)
as far as that process can search, so a story is never offered before it can be matched.
A story is what the stories part of ingest says (each chunk's `story`); without one, an
article is a story of its own. A copy of a story already logged only joins it.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from newsbot.core.types import Chunk
from newsbot.store.change_feed import END
from newsbot.store.chroma_store import Store
from newsbot.store.sqlite_file import SqliteFile

log = logging.getLogger(__name__)

FILE = "story-log.sqlite"
READ_BATCH = 100  # articles read back from the store per request
SCHEMA = """
CREATE TABLE IF NOT EXISTS state (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS stories (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, story TEXT UNIQUE NOT NULL, added REAL NOT NULL);
CREATE TABLE IF NOT EXISTS articles (
    article TEXT PRIMARY KEY, story TEXT NOT NULL, added REAL NOT NULL, title TEXT,
    source TEXT, published_at TEXT, url TEXT, path TEXT);
CREATE INDEX IF NOT EXISTS articles_story ON articles (story);
CREATE INDEX IF NOT EXISTS stories_added ON stories (added);
CREATE TABLE IF NOT EXISTS topics (key TEXT PRIMARY KEY, learned TEXT NOT NULL);
"""


@dataclass(frozen=True)
class LoggedArticle:
    """One article of a story: where it ran."""

    article_id: str
    title: str
    source: str | None
    published_at: str | None
    url: str | None
    path: str | None


@dataclass(frozen=True)
class LoggedStory:
    """A story as logged: its first article leads, copies add outlets."""

    seq: int
    story_id: str
    added: float
    articles: tuple[LoggedArticle, ...]

    @property
    def lead(self) -> LoggedArticle:
        return self.articles[0]

    @property
    def outlets(self) -> list[str]:
        """The distinct sources carrying it, lead first."""
        seen: list[str] = []
        for a in self.articles:
            if a.source and a.source not in seen:
                seen.append(a.source)
        return seen


def story_of(chunk: Chunk) -> str:
    """The story an article belongs to; an article without one is its own story."""
    return str(chunk.metadata.get("story") or chunk.article_id)


def _copies(store: Store, article_ids: list[str]) -> dict[str, tuple[str, str, tuple[Any, ...]]]:
    """Copies kept beside the store (unchunked), where ingest groups stories; else none."""
    lookup = getattr(store, "stories", None)  # the stories part of ingest provides it
    if lookup is None or not article_ids:
        return {}
    found = {}
    for aid, story in lookup(article_ids).items():
        for c in story.copies:
            if c.article_id == aid and story.is_copy(aid):
                row = (c.title, c.source, c.published_at, c.url, c.path)
                found[aid] = (aid, str(story.id), row)
    return found


class StoryLog(SqliteFile):
    """The stories a data dir's store gained, in feed order (see the module docstring)."""

    FILE, SCHEMA = FILE, SCHEMA

    def cursor(self) -> int | None:
        with self._connect() as db:
            row = db.execute("SELECT value FROM state WHERE key = 'cursor'").fetchone()
        return None if row is None else int(row[0])

    def last_seq(self) -> int:
        with self._connect() as db:
            row = db.execute("SELECT MAX(seq) FROM stories").fetchone()
        return int(row[0] or 0)

    def read_feed(self, store: Store, limit: int) -> int:
        """Log the stories the feed added before position `limit`; return how many were new.

        The first catch-up logs what the store already holds as old news (with the time the
        feed first named each article, when it did), so only what comes after is new.
        """
        with self._writing() as db:
            row = db.execute("SELECT value FROM state WHERE key = 'cursor'").fetchone()
            if row is None:
                return self._seed(db, store, limit)
            cursor = int(row[0])
            if cursor >= limit:
                return 0
            touched: dict[str, float] = {}
            for change in store.feed.read(cursor):
                if change.position >= limit:
                    break
                # Only a write that ended: a writer that died is logged when its articles are
                # written again.
                if change.op == END:
                    for aid in change.article_ids:
                        touched.setdefault(aid, change.ts)
            new = self._record(db, store, touched)
            db.execute("REPLACE INTO state VALUES ('cursor', ?)", (limit,))
        if new:
            log.info("story log: %d new stories (feed %d -> %d)", new, cursor, limit)
        return new

    def _seed(self, db: sqlite3.Connection, store: Store, limit: int) -> int:
        first: dict[str, float] = {}
        later: set[str] = set()
        for change in store.feed.read(0):
            if change.op == END and change.position < limit:
                for aid in change.article_ids:
                    first.setdefault(aid, change.ts)
            elif change.position >= limit:
                later.update(change.article_ids)
        held = {str(meta.get("article_id", "")) for _, meta in store.iter_metadata() if meta}
        # Written only past the limit: news the next catch-up logs. Never in the feed: the
        # store predates it, and the time it was added is unknown (0).
        touched = {aid: first.get(aid, 0.0) for aid in sorted(held - (later - set(first)))}
        self._record(db, store, touched)
        db.execute("REPLACE INTO state VALUES ('cursor', ?)", (limit,))
        log.info("story log started with the %d articles the store holds", len(held))
        return 0

    def _record(self, db: sqlite3.Connection, store: Store, touched: dict[str, float]) -> int:
        """Add new articles to their stories, drop deleted ones; return the stories begun.

        Only an article that is its own story begins one: a copy joins its story when that
        is logged, and is otherwise left out (never an alert for a copy).
        """
        rows: list[tuple[str, str, tuple[Any, ...]]] = []
        ids = list(touched)
        for start in range(0, len(ids), READ_BATCH):
            part = ids[start : start + READ_BATCH]
            found = store.read_articles(part)
            copies = _copies(store, [aid for aid in part if aid not in found])
            for aid in part:
                if aid not in found and aid not in copies:
                    db.execute("DELETE FROM articles WHERE article = ?", (aid,))
                    continue
                if db.execute("SELECT 1 FROM articles WHERE article = ?", (aid,)).fetchone():
                    continue  # an update of an article already logged is no news
                if aid in copies:
                    rows.append(copies[aid])
                    continue
                head = found[aid][0]
                meta: dict[str, Any] = head.metadata
                where = (meta.get("source"), meta.get("published_at"), meta.get("url"))
                rows.append((aid, story_of(head), (head.title, *where, meta.get("path"))))
        new = 0
        rows.sort(key=lambda r: r[0] != r[1])  # stories' own articles first, then copies
        for aid, story, row in rows:
            if not db.execute("SELECT 1 FROM stories WHERE story = ?", (story,)).fetchone():
                if aid != story:
                    continue
                db.execute(
                    "INSERT INTO stories (story, added) VALUES (?, ?)", (story, touched[aid])
                )
                new += 1
            db.execute(
                "INSERT INTO articles VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (aid, story, touched[aid], *row),
            )
        return new

    def _stories(self, where: str, args: Sequence[Any]) -> list[LoggedStory]:
        with self._connect() as db:
            rows = db.execute(
                "SELECT s.seq, s.story, s.added, a.article, a.title, a.source, a.published_at,"
                " a.url, a.path FROM stories s JOIN articles a ON a.story = s.story"
                f" WHERE {where} ORDER BY s.seq, a.added, a.rowid",
                args,
            ).fetchall()
        stories: dict[int, LoggedStory] = {}
        for seq, story, added, *article in rows:
            copy = LoggedArticle(*article)
            known = stories.get(seq)
            articles = (*known.articles, copy) if known else (copy,)
            stories[seq] = LoggedStory(seq, story, added, articles)
        return list(stories.values())

    def since(self, seq: int) -> list[LoggedStory]:
        """The stories logged after sequence number `seq` that still have an article."""
        return self._stories("s.seq > ?", (seq,))

    def added_since(self, moment: float) -> list[LoggedStory]:
        """The stories first added at or after a time (seconds since the epoch)."""
        return self._stories("s.added >= ?", (moment,))

    def learned(self, key: str) -> dict[str, Any] | None:
        """What a topic's first matches taught it (see retrieval/topics.py), if any yet."""
        with self._connect() as db:
            row = db.execute("SELECT learned FROM topics WHERE key = ?", (key,)).fetchone()
        return None if row is None else dict(json.loads(row[0]))

    def learn(self, key: str, learned: dict[str, Any]) -> None:
        with self._writing() as db:
            db.execute("REPLACE INTO topics VALUES (?, ?)", (key, json.dumps(learned)))
