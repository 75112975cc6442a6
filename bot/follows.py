"""Follows, the alerts owed to each chat and digest marks, kept in the data dir.

One SQLite file: every change is one transaction, so a restart finds either the state before
a change or the state after it, never half of one. Alerts go out through an outbox: a pass
that finds new matches queues them and moves its cursor in the same transaction, then sends
and clears them one by one; a restart sends what is still queued. A chat hears of a story
once however many of its topics it matches.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from newsbot.core import NewsbotError
from newsbot.store import SqliteFile

if TYPE_CHECKING:
    from newsbot.retrieval import Newsbot

FILE = "follows.sqlite"
CLI_CHAT = 0  # the `newsbot` command's own follows; Telegram chat ids are never 0
MAX_TOPIC_CHARS = 100
SCHEMA = """
CREATE TABLE IF NOT EXISTS follows (
    id INTEGER PRIMARY KEY AUTOINCREMENT, chat INTEGER NOT NULL, chat_type TEXT NOT NULL,
    chat_name TEXT NOT NULL, user INTEGER NOT NULL, username TEXT NOT NULL,
    topic TEXT NOT NULL, key TEXT NOT NULL, since INTEGER NOT NULL, created REAL NOT NULL,
    UNIQUE (chat, key));
CREATE TABLE IF NOT EXISTS alerted (
    chat INTEGER NOT NULL, story TEXT NOT NULL, PRIMARY KEY (chat, story));
CREATE TABLE IF NOT EXISTS cursors (name TEXT PRIMARY KEY, seq INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS digests (chat INTEGER PRIMARY KEY, at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT, chat INTEGER NOT NULL, story TEXT NOT NULL,
    html TEXT NOT NULL, plain TEXT NOT NULL, created REAL NOT NULL);
"""


# Words that would match nearly every story: function words and the vocabulary of news itself.
COMMON_WORDS = """
    a about after all also an and any are as at be been before but by can could did do does
    for from had has have he her his how i if in into is it its just me more most my new news
    no not now of on one or our out over said she so some story stories than that the their
    them then there these they this to today up us was we were what when where which who why
    will with would you your article articles report reports update updates latest breaking
    headline headlines world local anything everything something stuff thing things info
    information topic topics people day days week weeks year years time"""
TOO_COMMON = frozenset(COMMON_WORDS.split())
WORD = re.compile(r"[^\W_]+")


def distinctive(word: str) -> bool:
    """Say whether a word could pick stories out: not common, and 3+ letters, a digit or 'EU'."""
    if word.casefold() in TOO_COMMON:
        return False
    return len(word) >= 3 or any(ch.isdigit() for ch in word) or (len(word) == 2 and word.isupper())


class FollowError(NewsbotError):
    """A follow that cannot be made, said so that the user knows what to do instead."""


def will_match(newsbot: Newsbot, topic: str) -> str:
    """Say once what a new follow will match; refuse a topic one common word makes up."""
    from newsbot.retrieval import meaning

    meant = meaning(newsbot, topic)
    if meant.too_common:
        raise FollowError(
            f"“{' '.join(topic.split())}” is in too many stories to pick any out: add what "
            "about it, e.g. /follow electric ferries rather than /follow ferries"
        )
    return meant.line()


def topic_key(topic: str) -> str:
    """The form two spellings of one topic share: case and spacing aside."""
    return " ".join(topic.casefold().split())


@dataclass(frozen=True)
class Follow:
    """A topic a chat follows; `since`: the story log's last story when it was made."""

    id: int
    chat: int
    chat_type: str
    chat_name: str
    user: int
    username: str
    topic: str
    since: int
    created: float


@dataclass(frozen=True)
class Alert:
    """A message for a chat about one story."""

    chat: int
    story: str
    html: str
    plain: str


@dataclass(frozen=True)
class Queued(Alert):
    id: int = 0


class Follows(SqliteFile):
    """The data dir's follows file (see the module docstring)."""

    FILE, SCHEMA = FILE, SCHEMA

    def add(
        self,
        chat: int,
        user: int,
        topic: str,
        since: int,
        limit: int,
        chat_type: str = "private",
        chat_name: str = "",
        username: str = "",
    ) -> Follow:
        """Follow a topic in a chat; the user may hold at most `limit` follows (0: no limit)."""
        topic = " ".join(topic.split())
        if not any(ch.isalnum() for ch in topic):
            raise FollowError("Say what to follow, e.g. /follow electric ferries")
        if not any(distinctive(word) for word in WORD.findall(topic)):
            raise FollowError(
                f"“{topic}” would match nearly every story: name what it is about, "
                "e.g. /follow electric ferries or /follow XR-17 drone"
            )
        if len(topic) > MAX_TOPIC_CHARS:
            raise FollowError(
                f"That is too long to follow: keep it under {MAX_TOPIC_CHARS} letters."
            )
        with self._writing() as db:
            known = db.execute(
                "SELECT 1 FROM follows WHERE chat = ? AND key = ?", (chat, topic_key(topic))
            ).fetchone()
            if known:
                raise FollowError(f"Already following “{topic}” here.")
            (held,) = db.execute("SELECT COUNT(*) FROM follows WHERE user = ?", (user,)).fetchone()
            if limit and held >= limit:
                raise FollowError(
                    f"You follow {held} topics, the most one person may: unfollow one first."
                )
            now = time.time()
            cur = db.execute(
                "INSERT INTO follows (chat, chat_type, chat_name, user, username, topic, key,"
                " since, created) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (chat, chat_type, chat_name, user, username, topic, topic_key(topic), since, now),
            )
            assert cur.lastrowid is not None
            return Follow(
                cur.lastrowid, chat, chat_type, chat_name, user, username, topic, since, now
            )

    def _select(self, where: str = "1", args: Iterable[object] = ()) -> list[Follow]:
        with self._connect() as db:
            rows = db.execute(
                "SELECT id, chat, chat_type, chat_name, user, username, topic, since, created"
                f" FROM follows WHERE {where} ORDER BY id",
                tuple(args),
            ).fetchall()
        return [Follow(*row) for row in rows]

    def of_chat(self, chat: int) -> list[Follow]:
        """The chat's follows, oldest first (the order /following numbers them in)."""
        return self._select("chat = ?", (chat,))

    def all(self) -> list[Follow]:
        return self._select()

    def remove(self, chat: int, which: str) -> list[Follow]:
        """Stop following: a number from the chat's list, the topic's words, or `all`."""
        held = self.of_chat(chat)
        which = " ".join(which.split())
        if which.casefold() == "all":
            gone = held
        elif which.isdigit():
            n = int(which)
            gone = held[n - 1 : n] if n >= 1 else []
        else:
            gone = [f for f in held if f.topic.casefold() == topic_key(which)]
        with self._writing() as db:
            db.executemany("DELETE FROM follows WHERE id = ?", [(f.id,) for f in gone])
        return gone

    def cursor(self, name: str) -> int | None:
        """How far into the story log the alert pass `name` has looked."""
        with self._connect() as db:
            row = db.execute("SELECT seq FROM cursors WHERE name = ?", (name,)).fetchone()
        return None if row is None else int(row[0])

    def queue(self, name: str, seq: int, alerts: Iterable[Alert]) -> int:
        """Queue alerts not yet owed and move the pass's cursor, at once; return how many."""
        queued = 0
        now = time.time()
        with self._writing() as db:
            for alert in alerts:
                fresh = db.execute(
                    "INSERT OR IGNORE INTO alerted VALUES (?, ?)", (alert.chat, alert.story)
                ).rowcount
                if fresh:
                    db.execute(
                        "INSERT INTO outbox (chat, story, html, plain, created)"
                        " VALUES (?, ?, ?, ?, ?)",
                        (alert.chat, alert.story, alert.html, alert.plain, now),
                    )
                    queued += 1
            db.execute("REPLACE INTO cursors VALUES (?, ?)", (name, seq))
        return queued

    def alerted(self) -> list[tuple[int, str]]:
        """Every (chat, story) an alert was queued for, oldest first."""
        with self._connect() as db:
            return [
                (int(c), str(s))
                for c, s in db.execute("SELECT chat, story FROM alerted ORDER BY rowid")
            ]

    def outbox(self, cli: bool = False) -> list[Queued]:
        """The alerts still to send: the command's own, or else Telegram's."""
        where = "chat = ?" if cli else "chat != ?"
        with self._connect() as db:
            rows = db.execute(
                f"SELECT id, chat, story, html, plain FROM outbox WHERE {where} ORDER BY id",
                (CLI_CHAT,),
            ).fetchall()
        return [Queued(chat, story, html, plain, id=i) for i, chat, story, html, plain in rows]

    def sent(self, alert_id: int) -> None:
        with self._writing() as db:
            db.execute("DELETE FROM outbox WHERE id = ?", (alert_id,))

    def last_digest(self, chat: int) -> float | None:
        with self._connect() as db:
            row = db.execute("SELECT at FROM digests WHERE chat = ?", (chat,)).fetchone()
        return None if row is None else float(row[0])

    def mark_digest(self, chat: int, at: float) -> None:
        with self._writing() as db:
            db.execute("REPLACE INTO digests VALUES (?, ?)", (chat, at))
