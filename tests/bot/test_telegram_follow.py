"""/follow, alerts, /digest through the local Bot API, with the real PTB Application.

The first tests run in-process on the hashing embedder (fast tier); those marked `model`
run `newsbot telegram` in a process of its own while `newsbot ingest` writes from another.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from pydantic import SecretStr

from newsbot.bot import alerting
from newsbot.bot.access import Access
from newsbot.bot.follow_handlers import may_hear
from newsbot.bot.follows import Follow
from newsbot.bot.settings import BotSettings
from newsbot.bot.telegram import build_application
from newsbot.retrieval.newsbot import Newsbot
from newsbot.store.writer import catch_up
from tests.support.fake_telegram import FakeTelegram, polling
from tests.support.stores import EXAMPLES, ROOT, ingest_into, make_settings

MEASLES = "07_dorrance-county-measles-clinics.txt"
DRONE = "06_xr17-island-drone-deliveries.txt"
UNRELATED = "08_kessler-valley-apple-frost.txt"
GROUP = -1001


def bot_settings(tg: FakeTelegram, **overrides) -> BotSettings:
    overrides.setdefault("telegram_open", True)  # public unless the test names who may ask
    return BotSettings(
        _env_file=None,
        telegram_token=SecretStr(tg.token),
        telegram_base_url=tg.base_url,
        alert_interval=0.2,
        **overrides,
    )


@pytest.fixture
def served(tmp_path, hashing_embedder):
    """Two sample articles in a store, a chain serving it, and the folder they came from."""
    folder = tmp_path / "news"
    folder.mkdir()
    shutil.copy(EXAMPLES / "01_harbor-city-electric-ferries.txt", folder)
    settings = make_settings(tmp_path / "data")
    store, _ = ingest_into(settings, hashing_embedder, folder)
    catch_up(store)
    store.reopen()  # as a bot started after the ingest would have opened it
    yield Newsbot(settings, embedder=hashing_embedder, store=store), folder
    alerting._open.cache_clear()


def add_articles(newsbot: Newsbot, folder: Path, *names: str) -> None:
    for name in names:
        shutil.copy(EXAMPLES / name, folder)
    store, report = ingest_into(newsbot.settings, newsbot.embedder, folder)
    assert report.added == len(names)
    catch_up(store)
    newsbot.store.reopen()  # what /ingest and the freshness thread do


def texts_to(tg: FakeTelegram, chat: int) -> list[str]:
    return [
        str(c.params["text"]) for c in tg.calls_to("sendMessage") if c.params["chat_id"] == chat
    ]


def test_follows_in_private_and_group_chats_alert_each_chat_once(served):
    newsbot, folder = served
    with FakeTelegram() as tg:

        async def body():
            tg.send_text("/follow measles clinics", chat_id=5, user_id=5)
            tg.send_text("/follow", chat_id=5, user_id=5)
            tg.send_text("/follow Measles  clinics", chat_id=5, user_id=5)
            tg.send_text("/follow apple frost", chat_id=5, user_id=5)  # over the limit of 1
            tg.send_text("/follow measles clinics", chat_id=GROUP, user_id=6, chat_type="group")
            tg.send_text("/following", chat_id=GROUP, user_id=6, chat_type="group")
            tg.send_text("/follow the", chat_id=GROUP, user_id=6, chat_type="group")
            await tg.async_wait_for("sendMessage", count=7)
            assert texts_to(tg, 5)[0].startswith("Following “measles clinics”: I'll tell you")
            assert texts_to(tg, 5)[1].startswith("/follow WORDS tells you")
            assert texts_to(tg, 5)[2] == "Already following “Measles clinics” here."
            assert "the most one person may" in texts_to(tg, 5)[3]
            assert "I'll tell this group" in texts_to(tg, GROUP)[0]
            assert texts_to(tg, GROUP)[1].startswith("Following here:\n1. measles clinics")
            assert texts_to(tg, GROUP)[2].startswith("“the” would match nearly every story")

            await asyncio.to_thread(add_articles, newsbot, folder, MEASLES, UNRELATED)
            await tg.async_wait_for("sendMessage", count=9, timeout=30)
            await asyncio.sleep(1.0)  # several more passes: nothing else may come
            [alert] = texts_to(tg, 5)[4:]
            [group_alert] = texts_to(tg, GROUP)[3:]
            for text in (alert, group_alert):
                assert text.startswith("New on “measles clinics”: ")
                assert "Dorrance County" in text and "[1]" in text and "Sources:" in text
            assert "Kessler" not in alert + group_alert

            tg.send_text("/unfollow 1", chat_id=5, user_id=5)
            [done] = await tg.async_wait_for(
                "sendMessage", predicate=lambda p: "Stopped" in p["text"]
            )
            assert done.params["text"] == "Stopped following “measles clinics”."

        settings = bot_settings(tg, follow_limit=1)
        asyncio.run(polling(build_application(settings, newsbot), body))


def test_alerts_respect_the_access_lists_as_they_are_now(served):
    newsbot, folder = served
    follows, _ = alerting.open_state(newsbot)
    seq = alerting.current_seq(newsbot)
    # Made while both were allowed; only chat 5 still is.
    follows.add(5, 5, "measles clinics", seq, limit=0)
    follows.add(9, 9, "measles clinics", seq, limit=0, username="mallory")
    allowed = may_hear(Access(users=["5"]))
    assert [allowed(f) for f in follows.all()] == [True, False]
    with FakeTelegram() as tg:

        async def body():
            tg.send_text("/follow measles", chat_id=9, user_id=9, username="mallory")
            [refused] = await tg.async_wait_for("sendMessage")
            assert refused.params["text"].startswith("Sorry, this bot is private")
            await asyncio.to_thread(add_articles, newsbot, folder, MEASLES)
            await tg.async_wait_for("sendMessage", count=2, timeout=30)
            await asyncio.sleep(1.0)
            assert len(texts_to(tg, 5)) == 1 and len(texts_to(tg, 9)) == 1

        settings = bot_settings(tg, telegram_allowed_users="5", telegram_open=False)
        asyncio.run(polling(build_application(settings, newsbot), body))


def test_may_hear_reads_usernames_and_group_chats():
    follow = Follow(1, -7, "group", "newsroom", 3, "Alice", "topic", 0, 0.0)
    assert may_hear(Access(users=["@alice"]))(follow)
    assert may_hear(Access(chats=["-7"]))(follow)
    assert not may_hear(Access(users=["@bob"]))(follow)


def test_digest_lists_the_stories_added_since_the_last_one(served):
    newsbot, folder = served
    with FakeTelegram() as tg:

        async def body():
            tg.send_text("/digest", chat_id=5, user_id=5)  # the sample: added just now
            tg.send_text("/digest", chat_id=5, user_id=5)
            await tg.async_wait_for("sendMessage", count=2)
            first, second = texts_to(tg, 5)
            # Added just now, but published long ago: the heading says both.
            heading = first.splitlines()[0]
            assert re.fullmatch(
                r"<b>Top stories added since \d{4}-\d\d-\d\d \d\d:\d\d "
                r"\(published 2024-\d\d-\d\d\)</b>",
                heading,
            ), heading
            assert "[1] Harbor City Launches First Battery-Electric Ferries" in first
            assert second.startswith("No stories added since ")

            await asyncio.to_thread(add_articles, newsbot, folder, MEASLES, UNRELATED)
            tg.send_text("/digest", chat_id=5, user_id=5)
            tg.send_text("/digest 2020-01-01", chat_id=6, user_id=6)
            tg.send_text("/digest someday", chat_id=6, user_id=6)
            await tg.async_wait_for("sendMessage", count=5)
            third = texts_to(tg, 5)[2]
            # Newest published first; each story once, with its citation.
            assert "[1] Dorrance County Opens" in third and "[2] Late Frost Cuts" in third
            assert "Harbor City" not in third and "[3]" not in third
            assert "<i>Lakeshore Daily, 2025-02-12</i>" in third
            assert "(published 2024-" in third.splitlines()[0] and "to 2025-" in third
            since_day, bad_day = texts_to(tg, 6)
            assert "[3] Harbor City" in since_day
            assert bad_day.startswith("Give a day like 2024-05-14")

        asyncio.run(polling(build_application(bot_settings(tg), newsbot), body))


# --- `newsbot telegram` in its own process; `newsbot ingest` in another ---------------------

FRESH_WITHIN = 15.0  # seconds from an ingest's end to its alert: freshness, then one pass
# A follow-up to the drone sample, in our own words, for the alert after a restart.
DRONE_FOLLOW_UP = (
    "Quillfeather's XR-17 drone starts daily deliveries to Mallow Island\n\n"
    "After its trial month, Quillfeather Aeronautics will fly the XR-17 drone to Mallow "
    "Island every day from March, carrying medicines from Port Esker Hospital to the island "
    "clinic, the company said on Monday.\n\n"
    "March 2, 2024\n\nSource: Coastal Observer\n"
)


def environment(data_dir: Path, tg: FakeTelegram) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSBOT_")}
    return {
        **env,
        "NEWSBOT_DATA_DIR": str(data_dir),
        "NEWSBOT_LLM": "none",
        "NEWSBOT_TELEGRAM_TOKEN": tg.token,
        "NEWSBOT_TELEGRAM_BASE_URL": tg.base_url,
        "NEWSBOT_TELEGRAM_OPEN": "true",
        "NEWSBOT_ALERT_INTERVAL": "1",
    }


def ingest(env: dict[str, str], folder: Path) -> dict:
    done = subprocess.run(
        [sys.executable, "-m", "newsbot.bot.cli", "ingest", str(folder), "--json"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


class Bot:
    """`newsbot telegram` in a process of its own."""

    def __init__(self, env: dict[str, str], cwd: Path, tg: FakeTelegram):
        self.process = subprocess.Popen(
            [sys.executable, "-m", "newsbot.bot.cli", "telegram"],
            cwd=cwd,  # no .env here
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        calls = len(tg.calls_to("setMyCommands"))
        tg.wait_for("setMyCommands", count=calls + 2, timeout=180)

    def stop(self) -> str:
        self.process.terminate()
        _, log = self.process.communicate(timeout=60)
        assert "Traceback" not in log, log[-3000:]
        return log


def alerts_to(tg: FakeTelegram, chat: int) -> list[str]:
    return [t for t in texts_to(tg, chat) if t.startswith("New on")]


def wait_for_alerts(tg: FakeTelegram, chat: int, count: int, since: float) -> list[str]:
    while len(alerts_to(tg, chat)) < count:
        assert time.monotonic() - since < FRESH_WITHIN, f"no alert within {FRESH_WITHIN}s"
        time.sleep(0.2)
    time.sleep(3.0)  # a few more passes: nothing more may come
    return alerts_to(tg, chat)


def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "news"
    folder.mkdir()
    for name in ("01_harbor-city-electric-ferries.txt", "02_millbrook-budget-vote.txt"):
        shutil.copy(EXAMPLES / name, folder)
    return folder


@pytest.mark.model
def test_follow_then_another_process_ingests_one_alert_that_survives_a_restart(tmp_path):
    folder, data_dir = corpus(tmp_path), tmp_path / "data"
    with FakeTelegram() as tg:
        env = environment(data_dir, tg)
        ingest(env, folder)
        bot = Bot(env, tmp_path, tg)
        try:
            tg.send_text("/follow XR-17 drone deliveries", chat_id=7, user_id=7)
            tg.wait_for("sendMessage", predicate=lambda p: p["text"].startswith("Following"))

            shutil.copy(EXAMPLES / UNRELATED, folder)
            assert ingest(env, folder)["added"] == 1
            shutil.copy(EXAMPLES / DRONE, folder)
            assert ingest(env, folder)["added"] == 1
            [alert] = wait_for_alerts(tg, 7, 1, time.monotonic())
            assert alert.startswith("New on “XR-17 drone deliveries”: ")
            assert "Quillfeather Aeronautics Tests XR-17 Drone" in alert and "[1]" in alert

            # The same text under another name, read in the same pass: no second alert.
            (folder / "elsewhere").mkdir()
            shutil.copy(EXAMPLES / DRONE, folder / "elsewhere" / "drone-copy.txt")
            ingest(env, folder)
            time.sleep(FRESH_WITHIN / 2)
            assert len(alerts_to(tg, 7)) == 1
            bot.stop()

            (folder / "drone-daily.txt").write_text(DRONE_FOLLOW_UP, "utf-8")
            assert ingest(env, folder)["added"] == 1  # while the bot is down
            bot = Bot(env, tmp_path, tg)
            tg.send_text("/following", chat_id=7, user_id=7)
            tg.wait_for("sendMessage", predicate=lambda p: p["text"].startswith("Following here"))
            first, second = wait_for_alerts(tg, 7, 2, time.monotonic())
            assert first == alert and "daily deliveries" in second
        finally:
            bot.stop()


@pytest.mark.model
def test_a_copy_with_a_new_headline_ingested_later_does_not_alert_again(tmp_path):
    folder, data_dir = corpus(tmp_path), tmp_path / "data"
    with FakeTelegram() as tg:
        env = environment(data_dir, tg)
        ingest(env, folder)
        bot = Bot(env, tmp_path, tg)
        try:
            tg.send_text("/follow XR-17 drone deliveries", chat_id=7, user_id=7)
            tg.wait_for("sendMessage", predicate=lambda p: p["text"].startswith("Following"))
            shutil.copy(EXAMPLES / DRONE, folder)
            assert ingest(env, folder)["added"] == 1
            wait_for_alerts(tg, 7, 1, time.monotonic())
            # A wire copy in another outlet: its own headline and URL, a boilerplate line.
            _, _, body = (EXAMPLES / DRONE).read_text("utf-8").partition("\n\n")
            wire = tmp_path / "wire"
            wire.mkdir()
            copy = {
                "id": "wire-xr17",
                "url": "https://wire.example/2023/11/drone-medical-deliveries",
                "title": "Drone Carries Medicines to Mallow Island in Month-Long Trial",
                "source": "Wire Partner",
                "published_at": "2023-11-10",
                "text": body + "\n\nThis article is republished with permission.",
            }
            (wire / "wire.jsonl").write_text(json.dumps(copy) + "\n", "utf-8")
            ingest(env, wire)
            time.sleep(FRESH_WITHIN)
            assert len(alerts_to(tg, 7)) == 1
        finally:
            bot.stop()


ROUNDUP = (
    "5 things to know for Monday: apple frost, measles clinics, ferries\n\n"
    "Here is what you need to know today. A hard apple frost in the Kessler Valley cut the "
    "harvest. Measles clinics open in Dorrance County. The Harbor City ferries keep sailing.\n\n"
    "March 4, 2025\nSource: Morning Wire\n"
)


def ingest_roundup(newsbot: Newsbot, folder: Path) -> None:
    store, report = ingest_into(newsbot.settings, newsbot.embedder, folder)
    assert report.added == 1
    catch_up(store)
    newsbot.store.reopen()


def test_digest_puts_the_followed_topic_first_and_lists_round_ups_apart(served):
    newsbot, folder = served
    (folder.parent / "roundup").mkdir()
    (folder.parent / "roundup" / "roundup.txt").write_text(ROUNDUP, encoding="utf-8")
    with FakeTelegram() as tg:

        async def body():
            tg.send_text("/follow apple frost", chat_id=8, user_id=8)
            await tg.async_wait_for("sendMessage", count=1)
            await asyncio.to_thread(add_articles, newsbot, folder, MEASLES, UNRELATED)
            await asyncio.to_thread(ingest_roundup, newsbot, folder.parent / "roundup")
            tg.send_text("/digest 2020-01-01", chat_id=8, user_id=8)
            tg.send_text("/digest 2020-01-01", chat_id=9, user_id=9)
            # The follow's reply, its alert on the frost story, and the two digests.
            await tg.async_wait_for("sendMessage", count=4)
            follower = next(t for t in texts_to(tg, 8) if t.startswith("<b>Top stories"))
            # The story on the followed topic leads, though newer stories rank first otherwise.
            assert "[1] Late Frost Cuts Kessler Valley Apple Harvest" in follower
            assert "first, 1 on the topics you follow" in follower.splitlines()[0]
            # The round-up names the topic: listed, never ranked.
            assert "Mentioned in: 5 things to know for Monday" in follower
            assert not re.search(r"\[\d\] 5 things to know", follower)
            [other] = texts_to(tg, 9)
            assert "[1] Dorrance County Opens" in other and "topics you follow" not in other
            assert "5 things to know" not in other

        asyncio.run(polling(build_application(bot_settings(tg), newsbot), body))
