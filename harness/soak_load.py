"""The soak run's load: Telegram users, a chat user, the corpus's changes, the faults.

Every actor is a thread of the soak process with its own seeded random stream; each records
what it did and when (time.monotonic()), for the checks at the end.
"""

from __future__ import annotations

import os
import queue
import random
import shutil
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from newsbot.harness.fake_telegram import FakeTelegram
from newsbot.harness.soak_corpus import (
    FOLLOW_UPS,
    OFF_CORPUS,
    SAMPLE_QUESTIONS,
    TOPICS,
    Story,
    new_story,
    updated,
    write_copy,
)
from newsbot.harness.soak_procs import ChatProcess, ChromaServer, Writer

REPLY_TIMEOUT = 90.0  # a message unanswered this long is lost
ALERT_PREFIX = "New on "


@dataclass
class Exchange:
    """One user message and what came back."""

    who: str  # "telegram" or "chat"
    kind: str  # question, follow, unfollow, digest, command
    text: str
    sent: float
    reply: str | None = None
    latency: float | None = None


@dataclass
class Follow:
    chat: int
    topic: str
    since: float  # when the bot confirmed it
    until: float | None = None  # when an /unfollow of it was sent


@dataclass
class Alert:
    chat: int
    text: str
    at: float


class Inbox:
    """Sorts the bot's messages: alerts to one list, the rest to each chat's reply queue."""

    def __init__(self, tg: FakeTelegram) -> None:
        self.tg = tg
        self.replies: dict[int, queue.Queue[tuple[float, str]]] = {}
        self.alerts: list[Alert] = []
        self.seen = 0
        self.lock = threading.Lock()
        self.sorting = threading.Lock()
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, name="soak-inbox", daemon=True)

    def queue_of(self, chat: int) -> queue.Queue[tuple[float, str]]:
        with self.lock:
            return self.replies.setdefault(chat, queue.Queue())

    def _run(self) -> None:
        while not self.stop.wait(0.05):
            self.sort()

    def sort(self) -> None:
        with self.sorting:
            calls = self.tg.timed_calls("sendMessage")
            for at, call in calls[self.seen :]:
                chat, text = int(call.params.get("chat_id", 0)), str(call.params.get("text", ""))
                if text.startswith(ALERT_PREFIX):
                    with self.lock:
                        self.alerts.append(Alert(chat, text, at))
                else:
                    self.queue_of(chat).put((at, text))
            self.seen = len(calls)


@dataclass
class Log:
    """What the actors did, shared by them all."""

    exchanges: list[Exchange] = field(default_factory=list)
    follows: list[Follow] = field(default_factory=list)
    unsolicited: int = 0  # replies with no message waiting for one (a split answer's pieces)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, exchange: Exchange) -> None:
        with self.lock:
            self.exchanges.append(exchange)


def pick_question(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.55:
        return rng.choice(SAMPLE_QUESTIONS)
    if roll < 0.75:
        return rng.choice(TOPICS)[1]
    if roll < 0.9:
        return rng.choice(FOLLOW_UPS)
    return rng.choice([q for q in OFF_CORPUS if q])


class TelegramUser(threading.Thread):
    """One private chat: asks, follows, unfollows and asks for digests, a reply at a time."""

    def __init__(self, uid: int, tg: FakeTelegram, inbox: Inbox, log: Log, think: float) -> None:
        super().__init__(name=f"soak-user-{uid}", daemon=True)
        self.uid, self.tg, self.inbox, self.log = uid, tg, inbox, log
        self.think = think
        self.rng = random.Random(uid)
        self.stop = threading.Event()
        self.following: dict[str, Follow] = {}
        self.asked = False

    def run(self) -> None:
        # Users arrive over the first few seconds, not all at once.
        self.stop.wait(self.rng.uniform(0, self.think))
        while not self.stop.is_set():
            kind, text = self.next_message()
            self.send(kind, text)
            self.stop.wait(self.rng.uniform(0.5, 1.5) * self.think)

    def next_message(self) -> tuple[str, str]:
        roll = self.rng.random()
        free = [t for t, _ in TOPICS if t not in self.following]
        # A new user starts by following something, as the bot's /start suggests.
        starting = not self.asked
        self.asked = True
        if (starting or roll < 0.15) and free and len(self.following) < 3:
            return "follow", f"/follow {self.rng.choice(free)}"
        if roll < 0.2 and self.following:
            return "unfollow", f"/unfollow {self.rng.choice(list(self.following))}"
        if roll < 0.3:
            return "digest", "/digest"
        if roll < 0.35:
            return "command", self.rng.choice(("/following", "/stats", "/help"))
        return "question", pick_question(self.rng)

    def send(self, kind: str, text: str) -> None:
        replies = self.inbox.queue_of(self.uid)
        while not replies.empty():  # a split answer's later pieces
            replies.get_nowait()
            with self.log.lock:
                self.log.unsolicited += 1
        sent = time.monotonic()
        self.tg.send_text(text, chat_id=self.uid, user_id=self.uid, username=f"soak{self.uid}")
        exchange = Exchange("telegram", kind, text, sent)
        try:
            at, reply = replies.get(timeout=REPLY_TIMEOUT)
            exchange.reply, exchange.latency = reply, at - sent
        except queue.Empty:
            pass
        self.log.add(exchange)
        reply = exchange.reply or ""
        topic = text.partition(" ")[2]
        if kind == "follow" and reply.startswith("Following"):
            follow = Follow(self.uid, topic, time.monotonic())
            self.following[topic] = follow
            with self.log.lock:
                self.log.follows.append(follow)
        elif kind == "unfollow" and topic in self.following:
            self.following.pop(topic).until = sent


class ChatUser(threading.Thread):
    """The `newsbot chat` process's user: questions through the pipe, now and then 'reset'."""

    def __init__(self, chat: ChatProcess, log: Log, think: float, seed: int) -> None:
        super().__init__(name="soak-chat", daemon=True)
        self.chat, self.log, self.think = chat, log, think
        self.rng = random.Random(seed)
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.wait(self.rng.uniform(0.5, 1.5) * self.think):
            line = "reset" if self.rng.random() < 0.05 else pick_question(self.rng)
            sent = time.monotonic()
            reply = self.chat.ask(line, REPLY_TIMEOUT)
            exchange = Exchange("chat", "question" if line != "reset" else "command", line, sent)
            if reply is not None:
                exchange.reply, exchange.latency = reply, time.monotonic() - sent
            self.log.add(exchange)
            if reply is None and self.chat.process and self.chat.process.poll() is not None:
                return  # the chat is gone: the monitor reports it


@dataclass
class Change:
    op: str  # add, replace, prune, copy
    key: str
    topic: str
    at: float


class Mutator(threading.Thread):
    """Adds, replaces and prunes generated stories in the writer's folder; writes wire copies."""

    MOST_STORIES = 40  # keep the corpus small: embedding is the slow part

    def __init__(self, folder: Path, every: float, seed: int, log: Log) -> None:
        super().__init__(name="soak-mutator", daemon=True)
        self.folder, self.every, self.log = folder, every, log
        self.rng = random.Random(seed)
        self.stop = threading.Event()
        self.stories: dict[str, Story] = {}
        self.made: dict[str, Story] = {}  # every story ever written, by key
        self.titles: dict[str, str] = {}  # headline -> story key, copies' headlines included
        self.changes: list[Change] = []
        self.staging = folder.parent / "staging"
        self.staging.mkdir(exist_ok=True)

    def run(self) -> None:
        while not self.stop.wait(self.rng.uniform(0.5, 1.5) * self.every):
            self.step()

    # The first steps do each kind of change once, in an order that also prunes a story that
    # has a copy (the copy must take its place), so that even the short run does them all.
    OPENING = ("add", "add", "copy", "replace", "prune")

    def step(self) -> None:
        if len(self.changes) < len(self.OPENING):
            op = self.OPENING[len(self.changes)]
            first = self.changes[0].key if self.changes else ""
            if op == "add":
                self.add()
            elif op == "copy":
                self.copy(first)
            elif op == "replace":
                self.replace(self.changes[1].key)
            else:
                self.prune(first)
            return
        roll = self.rng.random()
        live = list(self.stories)
        if not live or (roll < 0.5 and len(live) < self.MOST_STORIES):
            self.add()
        elif roll < 0.7:
            self.replace(self.rng.choice(live))
        elif roll < 0.85 or len(live) >= self.MOST_STORIES:
            self.prune(self.rng.choice(live))
        else:
            self.copy(self.rng.choice(live))

    def _write(self, name: str, text: str) -> None:
        # Written beside the folder, then renamed in: the watcher never reads half a file.
        staged = self.staging / name
        staged.write_text(text, "utf-8")
        os.replace(staged, self.folder / name)

    def add(self) -> None:
        key = f"soak-{len(self.made):04d}"
        with self.log.lock:
            followed = sorted({f.topic for f in self.log.follows if f.until is None})
        # News people follow is news that happens: most new stories are on followed topics.
        if followed and self.rng.random() < 0.7:
            topic = self.rng.choice(followed)
        else:
            topic = self.rng.choice(TOPICS)[0]
        story = new_story(self.rng, key, topic)
        self.stories[key] = self.made[key] = story
        self.titles[story.title] = key
        self._write(f"{key}.txt", story.as_file())
        self.changes.append(Change("add", key, topic, time.monotonic()))

    def replace(self, key: str) -> None:
        story = self.stories[key] = updated(self.rng, self.stories[key])
        self._write(f"{key}.txt", story.as_file())
        self.changes.append(Change("replace", key, story.topic, time.monotonic()))

    def prune(self, key: str) -> None:
        story = self.stories.pop(key)
        (self.folder / f"{key}.txt").unlink()
        self.changes.append(Change("prune", key, story.topic, time.monotonic()))

    def copy(self, key: str) -> None:
        story = self.stories[key]
        write_copy(self.staging / f"wire-{key}.jsonl", story)
        os.replace(self.staging / f"wire-{key}.jsonl", self.folder / f"wire-{key}.jsonl")
        self.titles[f"{story.title} (wire)"] = key
        self.changes.append(Change("copy", key, story.topic, time.monotonic()))


@dataclass
class Fault:
    kind: str  # writer-kill, chroma-restart
    at: float
    down_s: float = 0.0
    recovered: bool = False


class Faults(threading.Thread):
    """SIGKILLs the writer and stops the Chroma server at planned moments, then restarts them."""

    def __init__(
        self, plan: list[tuple[float, str]], writer: Writer, server: ChromaServer, seed: int
    ) -> None:
        super().__init__(name="soak-faults", daemon=True)
        self.plan, self.writer, self.server = sorted(plan), writer, server
        self.rng = random.Random(seed)
        self.stop = threading.Event()
        self.done: list[Fault] = []
        self.failure: str | None = None

    def run(self) -> None:
        start = time.monotonic()
        for offset, kind in self.plan:
            if self.stop.wait(max(0.0, start + offset - time.monotonic())):
                return
            fault = Fault(kind, time.monotonic())
            self.done.append(fault)
            try:
                self.inject(fault)
            except Exception as error:  # reported, and the soak goes on without this fault
                self.failure = f"{kind} at {fault.at - start:.0f}s: {error}"
                return

    def inject(self, fault: Fault) -> None:
        act: Callable[[], None]
        if fault.kind == "writer-kill":
            self.writer.kill()
            act = self.writer.start_writing
        else:
            self.server.stop()
            act = self.server.start_serving
        down = (
            self.rng.uniform(0.5, 3.0) if fault.kind == "writer-kill" else self.rng.uniform(3, 10)
        )
        time.sleep(down)
        act()
        fault.down_s, fault.recovered = time.monotonic() - fault.at, True


def fault_plan(seconds: float, rng: random.Random) -> list[tuple[float, str]]:
    """When to inject what: at least two writer kills and one server restart in any run.

    Faults land in the first 80 % of the run: the rest lets what they disturbed recover
    under load before the end checks.
    """
    last = 0.8 * seconds
    plan = [(rng.uniform(0.1, 0.3) * seconds, "writer-kill")]
    plan.append((rng.uniform(0.35, 0.55) * seconds, "chroma-restart"))
    plan.append((rng.uniform(0.5, 0.8) * seconds, "writer-kill"))
    at = 0.0
    while (at := at + rng.uniform(45, 120)) < last:
        plan.append((at, "writer-kill"))
    at = 0.0
    while (at := at + rng.uniform(150, 300)) < last:
        plan.append((at, "chroma-restart"))
    return sorted(plan)


def seed_corpus(folder: Path, examples: Path) -> None:
    """The bundled samples: the corpus every question in SAMPLE_QUESTIONS is about."""
    folder.mkdir(parents=True, exist_ok=True)
    for path in sorted(examples.iterdir()):
        if path.suffix in {".txt", ".jsonl"}:
            shutil.copy(path, folder / path.name)
