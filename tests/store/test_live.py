"""A running `newsbot chat` answers what other processes add, replace and prune, within 5 s.

Everything runs as real separate processes: the chat (its stdin a pipe), and each
`newsbot ingest` that writes while it runs. Embedded, and against a `chroma run` server with
the chat and the writer on two data dirs (two replicas of the bot).
"""

from __future__ import annotations

import os
import queue
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tests.support.stores import EXAMPLES, ROOT

# The chat and every ingest in a process of its own load the real model.
model = pytest.mark.model

# What the issue promises: answered by every running chat within this many seconds.
FRESH_WITHIN = 5.0
PROMPT = "\n> "
QUESTION = "How many telescopes did the Quillfield council approve for the observatory?"


def observatory(count: int) -> str:
    return (
        "Quillfield council backs the hilltop observatory\n\n"
        f"The Quillfield council approved {count} new telescopes for the hilltop observatory "
        "on Tuesday, the council's science officer said. The observatory will open to "
        "school classes every Friday evening once the telescopes are installed.\n\n"
        "May 14, 2024\n\n"
        "Source: Quillfield Star\n"
    )


def environment(data_dir: Path, server: str = "") -> dict[str, str]:
    env = {**os.environ, "NEWSBOT_DATA_DIR": str(data_dir), "NEWSBOT_LLM": "none"}
    env["NEWSBOT_CHROMA_URL"] = server
    # The server outlives this test: a collection of its own keeps other tests' articles out.
    env["NEWSBOT_COLLECTION"] = "live-replicas" if server else "newsbot"
    return env


def ingest(data_dir: Path, *args: str, server: str = "") -> str:
    """Run `newsbot ingest` to the end in a process of its own; return what it printed."""
    done = subprocess.run(
        [sys.executable, "-m", "newsbot.bot.cli", "ingest", *args],
        cwd=ROOT,
        env=environment(data_dir, server),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


class Chat:
    """A `newsbot chat` process: ask through its stdin, read each answer up to the next prompt."""

    def __init__(self, data_dir: Path, server: str = ""):
        self.process = subprocess.Popen(
            [sys.executable, "-m", "newsbot.bot.cli", "chat"],
            cwd=ROOT,
            env=environment(data_dir, server),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.out: queue.Queue[str] = queue.Queue()
        self.errors: list[str] = []
        self.readers = [
            threading.Thread(target=self._read, daemon=True),
            threading.Thread(target=self._read_errors, daemon=True),
        ]
        for reader in self.readers:
            reader.start()
        self.greeting = self._until_prompt(timeout=300)

    def _read(self) -> None:
        assert self.process.stdout is not None
        while char := self.process.stdout.read(1):
            self.out.put(char)

    def _read_errors(self) -> None:
        assert self.process.stderr is not None
        self.errors.extend(self.process.stderr)

    def _until_prompt(self, timeout: float) -> str:
        text, deadline = "", time.monotonic() + timeout
        while not text.endswith(PROMPT):
            try:
                text += self.out.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                pytest.fail(f"the chat said no more after {text!r}; stderr {self.errors}")
        return text[: -len(PROMPT)]

    def ask(self, question: str) -> str:
        assert self.process.stdin is not None
        self.process.stdin.write(question + "\n")
        self.process.stdin.flush()
        return self._until_prompt(timeout=120)

    def ask_until(self, question: str, wanted, since: float) -> str:
        """Ask again and again until the answer is as wanted; the last ask starts in time."""
        while True:
            asked = time.monotonic()
            answer = self.ask(question)
            if wanted(answer):
                return answer
            if asked - since > FRESH_WITHIN:
                pytest.fail(f"still answering {answer!r} {asked - since:.1f}s after the write")
            time.sleep(0.2)

    def close(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        for reader in self.readers:
            reader.join(timeout=30)
        for pipe in (self.process.stdout, self.process.stderr):
            if pipe is not None:
                pipe.close()
        assert self.process.returncode == 0, self.errors
        # Freshness works silently: nothing of it may reach the person chatting.
        assert not [line for line in self.errors if "Traceback" in line], self.errors


def follow_writes(chat: Chat, writer_dir: Path, folder: Path, server: str = "") -> None:
    """Add, replace (same chunk count, new figure) and prune an article while the chat runs."""
    article = folder / "observatory.txt"
    # The chat has searched before anything is written: its vector index is loaded and old.
    assert "417" not in chat.ask(QUESTION)

    article.write_text(observatory(417), "utf-8")
    assert "added 1" in ingest(writer_dir, str(folder), server=server)
    chat.ask_until(QUESTION, lambda a: "417" in a and "Quillfield" in a, time.monotonic())

    article.write_text(observatory(583), "utf-8")
    assert "updated 1" in ingest(writer_dir, str(folder), server=server)
    chat.ask_until(QUESTION, lambda a: "583" in a and "417" not in a, time.monotonic())

    article.unlink()
    assert "pruned 1" in ingest(writer_dir, str(folder), "--prune", server=server)
    chat.ask_until(QUESTION, lambda a: "583" not in a, time.monotonic())


def corpus(tmp_path: Path) -> Path:
    """Three sample articles, so the chat has something besides the new one."""
    folder = tmp_path / "corpus"
    folder.mkdir()
    for name in sorted(p.name for p in EXAMPLES.glob("0[1-3]_*.txt")):
        (folder / name).write_text((EXAMPLES / name).read_text("utf-8"), "utf-8")
    return folder


@model
def test_a_running_chat_answers_what_another_process_adds_replaces_and_prunes(tmp_path):
    folder, data_dir = corpus(tmp_path), tmp_path / "data"
    ingest(data_dir, str(folder))
    chat = Chat(data_dir)
    try:
        assert "3 articles" in chat.greeting
        follow_writes(chat, data_dir, folder)
    finally:
        chat.close()


@model
def test_a_chat_on_an_empty_store_answers_once_articles_arrive(tmp_path):
    folder, data_dir = tmp_path / "corpus", tmp_path / "data"
    folder.mkdir()
    data_dir.mkdir()  # empty: a missing one is reported instead (tests/bot/test_cli_read_only.py)
    chat = Chat(data_dir)
    try:
        assert "newsbot ingest" in chat.greeting  # the hint, and the chat stays open
        follow_writes(chat, data_dir, folder)
    finally:
        chat.close()


@model
def test_a_replica_on_its_own_data_dir_follows_writes_to_a_shared_server(tmp_path, chroma_server):
    folder = corpus(tmp_path)
    writer_dir, replica_dir = tmp_path / "writer", tmp_path / "replica"
    ingest(writer_dir, str(folder), server=chroma_server)
    chat = Chat(replica_dir, server=chroma_server)
    try:
        # The replica built its keyword index from the server, not from its own writes.
        assert "3 articles" in chat.greeting
        follow_writes(chat, writer_dir, folder, server=chroma_server)
    finally:
        chat.close()


def store_of(tmp_path: Path, embedder, name: str = "data"):
    from newsbot.store.chroma_store import Store
    from tests.support.stores import make_settings

    return Store(make_settings(tmp_path / name), embedder)


def keyword_view(store):
    from newsbot.store.writer import keyword_index

    return keyword_index(store).view()


def test_shards_split_the_articles_and_prune_only_their_own(tmp_path, hashing_embedder):
    from newsbot.ingest.indexer import Indexer, Shard

    folder = corpus(tmp_path)
    store = store_of(tmp_path, hashing_embedder)
    reports = [Indexer(store, shard=Shard(i, 2)).ingest([folder]) for i in range(2)]
    # Each of the three articles written once, by one worker (the split follows the ids).
    assert sum(r.added for r in reports) == 3
    assert [r.unchanged + r.updated for r in reports] == [0, 0]
    assert keyword_view(store).stats()["articles"] == 3

    for gone in folder.iterdir():
        gone.unlink()
    pruned = Indexer(store, shard=Shard(0, 2)).ingest([folder], prune=True).pruned
    assert pruned == reports[0].added
    assert len(store.articles()) == 3 - pruned == keyword_view(store).stats()["articles"]


def test_shard_takes_i_of_n():
    from newsbot.core.errors import ConfigError
    from newsbot.ingest.indexer import Shard

    assert Shard.parse("1/3") == Shard(1, 3)
    for bad in ("3/3", "-1/2", "1", "a/b"):
        with pytest.raises(ConfigError):
            Shard.parse(bad)


def test_catch_up_waits_for_an_unended_write_unless_no_write_can_be_running(
    tmp_path, hashing_embedder
):
    from newsbot.ingest.indexer import Indexer
    from newsbot.store.writer import catch_up

    folder = corpus(tmp_path)
    store = store_of(tmp_path, hashing_embedder)
    Indexer(store).ingest([folder])
    aid = next(iter(store.articles()))
    at = store.feed.length()
    # A writer that died (or still runs) between its begin record and its end record.
    store.feed._append("begin", "dead", [aid])
    store.collection.delete(where={"article_id": aid})
    other = Indexer(store).ingest([EXAMPLES / "04_valley-united-regional-cup.txt"])
    assert other.added == 1
    # The Indexer ran catch_up settled (it holds the lock): the dead write was applied.
    assert keyword_view(store).article_chunks(aid) == []
    assert keyword_view(store).cursor == store.feed.length()

    # Unsettled (another machine may still be writing): it is applied, but the cursor waits.
    store.feed._append("begin", "running", [aid])
    catch_up(store)
    assert at < keyword_view(store).cursor == store.feed.length() - 1
    store.feed._append("end", "running", [aid])
    catch_up(store)
    assert keyword_view(store).cursor == store.feed.length()


def test_reindex_rebuilds_what_chroma_holds(tmp_path, hashing_embedder):
    from newsbot.ingest.indexer import Indexer
    from newsbot.store.writer import reindex

    store = store_of(tmp_path, hashing_embedder)
    Indexer(store).ingest([corpus(tmp_path)])
    shutil.rmtree(tmp_path / "data" / "keyword")
    assert reindex(store) == store.count() == keyword_view(store).count()
    assert keyword_view(store).cursor == store.feed.length()


@model
def test_a_running_telegram_bot_answers_what_another_process_adds(tmp_path):
    """`newsbot telegram` in its own process, the local Bot API, an ingest in a third."""
    from tests.support.fake_telegram import FakeTelegram

    folder, data_dir = corpus(tmp_path), tmp_path / "data"
    ingest(data_dir, str(folder))
    with FakeTelegram() as tg:
        env = {
            **{k: v for k, v in environment(data_dir).items() if not k.startswith("NEWSBOT_T")},
            "NEWSBOT_TELEGRAM_TOKEN": tg.token,
            "NEWSBOT_TELEGRAM_BASE_URL": tg.base_url,
            "NEWSBOT_TELEGRAM_OPEN": "true",
        }
        bot = subprocess.Popen(
            [sys.executable, "-m", "newsbot.bot.cli", "telegram"],
            cwd=tmp_path,  # no .env here
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        asked = 0

        def ask() -> str:
            nonlocal asked
            asked += 1
            tg.send_text(QUESTION, chat_id=100 + asked, user_id=100 + asked)  # no history
            [reply] = tg.wait_for("sendMessage", count=asked, timeout=120)[-1:]
            return str(reply.params["text"])

        try:
            tg.wait_for("setMyCommands", count=2, timeout=180)
            assert "417" not in ask()  # the bot has searched: its vector index is loaded
            (folder / "observatory.txt").write_text(observatory(417), "utf-8")
            assert "added 1" in ingest(data_dir, str(folder))
            written = time.monotonic()
            while True:
                sent = time.monotonic()
                if "417" in ask():
                    break
                assert sent - written < FRESH_WITHIN, "not answered within the deadline"
                time.sleep(0.3)
            # A question sent within the deadline after the ingest ended got the new article.
            assert sent - written < FRESH_WITHIN
        finally:
            bot.terminate()
            _, log = bot.communicate(timeout=60)
        assert "Traceback" not in log
