"""`newsbot soak`: the bot, a chat and a writer under mixed load and faults for a set time.

A real `newsbot telegram` answers 20+ chats of the local Bot API server (fake_telegram.py),
a `newsbot chat` answers questions through a pipe, and `newsbot ingest --watch --prune`
takes in the generated stories a mutator adds, replaces and prunes, all on one `chroma run`
server. The writer is SIGKILLed at random moments and started again; the server is stopped
and started again. At the end: every message answered, no process died, each alert delivered
once, the keyword indexes equal Chroma, the bot's memory flat. See docs/SOAK.md.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "articles"
SHORT_SECONDS = 45.0  # the CI form's load phase
ALERTS_SETTLE_S = 45.0  # the last stories' alerts go out within this after the writes end


def add_soak_parser(commands: Any) -> None:
    """Add `newsbot soak` to the command's subcommands."""
    soak = commands.add_parser(
        "soak", help="run the bot, a chat and a writer under load and faults, then check them"
    )
    add_arguments(soak)
    soak.set_defaults(run=run_command)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    length = parser.add_mutually_exclusive_group()
    length.add_argument("--minutes", type=float, default=30.0, help="load phase (default 30)")
    length.add_argument("--seconds", type=float, help="load phase in seconds instead")
    length.add_argument(
        "--short", action="store_true", help=f"the CI form: {SHORT_SECONDS:g} s of load"
    )
    parser.add_argument("--chats", type=int, default=20, help="Telegram chats (default 20)")
    parser.add_argument(
        "--think", type=float, default=8.0, help="mean seconds between one chat's messages"
    )
    parser.add_argument(
        "--edit-every", type=float, default=5.0, help="mean seconds between corpus changes"
    )
    parser.add_argument(
        "--writer",
        choices=("watch", "passes"),
        default="watch",
        help="the writer: one `ingest --watch` process, or an `ingest` run every 2 s",
    )
    parser.add_argument("--seed", type=int, default=1, help="seeds every random choice")
    parser.add_argument("--workdir", help="keep the stores and logs here (default: a temp dir)")
    parser.add_argument("--out", help="also write the report as JSON to this file")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")


def run_command(args: argparse.Namespace) -> int:
    """Run the soak; print the report; exit 0 only if every check passed."""
    seconds = SHORT_SECONDS if args.short else args.seconds or args.minutes * 60
    report = run_soak(
        seconds=seconds,
        chats=args.chats,
        think=args.think,
        edit_every=args.edit_every,
        seed=args.seed,
        writer=args.writer,
        workdir=Path(args.workdir) if args.workdir else None,
    )
    if args.out:
        Path(args.out).write_text(json.dumps(report, indent=2) + "\n", "utf-8")
    print(json.dumps(report, indent=2) if args.json else table(report))
    return 0 if report["passed"] else 1


def child_env(data_dir: Path, chroma_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSBOT_")}
    env.setdefault("HF_HUB_OFFLINE", "1")
    env.update(
        TOKENIZERS_PARALLELISM="false",
        PTB_TIMEDELTA="1",
        ANONYMIZED_TELEMETRY="False",
        PYTHONUNBUFFERED="1",
        NEWSBOT_DATA_DIR=str(data_dir),
        NEWSBOT_CHROMA_URL=chroma_url,
        NEWSBOT_LLM="none",
    )
    return env


def run_soak(
    seconds: float,
    chats: int = 20,
    think: float = 8.0,
    edit_every: float = 5.0,
    seed: int = 1,
    writer: str = "watch",
    workdir: Path | None = None,
) -> dict[str, Any]:
    """Run the soak for `seconds` of load; return the report (checks, figures, log paths)."""
    own = workdir is None
    work = Path(tempfile.mkdtemp(prefix="newsbot-soak-")) if workdir is None else workdir
    work.mkdir(parents=True, exist_ok=True)
    try:
        report = Soak(work, seconds, chats, think, edit_every, seed, writer).run()
    finally:
        if own:
            shutil.rmtree(work, ignore_errors=True)
    report["workdir"] = None if own else str(work)
    return report


class Soak:
    """One soak run in a work dir: start everything, load it, break it, check it."""

    def __init__(
        self,
        work: Path,
        seconds: float,
        chats: int,
        think: float,
        edit_every: float,
        seed: int,
        writer: str,
    ) -> None:
        self.work, self.seconds, self.chats = work, seconds, chats
        self.think, self.edit_every, self.seed, self.writer = think, edit_every, seed, writer
        self.logs = work / "logs"
        self.logs.mkdir(exist_ok=True)
        self.folder = work / "news"
        self.deaths: list[str] = []
        self.rss: dict[str, list[tuple[float, int]]] = {"bot": [], "chat": []}

    def run(self) -> dict[str, Any]:
        from newsbot.harness.fake_telegram import FakeTelegram
        from newsbot.harness.soak_load import seed_corpus
        from newsbot.harness.soak_procs import ChromaServer

        started = time.monotonic()
        seed_corpus(self.folder, EXAMPLES)
        server = ChromaServer(self.work / "chroma", child_env(self.work, ""), self.logs)
        server.start_serving()
        try:
            with FakeTelegram() as tg:
                return self.serve(tg, server, started)
        finally:
            server.stop()

    def serve(self, tg: Any, server: Any, started: float) -> dict[str, Any]:
        from newsbot.harness.soak_procs import NEWSBOT, START_TIMEOUT, ChatProcess, Child, Writer

        bot_env = child_env(self.work / "bot-data", server.url)
        bot_env.update(
            NEWSBOT_TELEGRAM_TOKEN=tg.token,
            NEWSBOT_TELEGRAM_BASE_URL=tg.base_url,
            NEWSBOT_TELEGRAM_OPEN="true",
            NEWSBOT_ALERT_INTERVAL="1",
        )
        first = subprocess.run(
            [*NEWSBOT, "ingest", str(self.folder), "--json"],
            cwd=self.work,
            env=bot_env,
            capture_output=True,
            text=True,
            timeout=START_TIMEOUT,
        )
        if first.returncode != 0:
            raise RuntimeError(f"the first ingest failed: {first.stderr[-1000:]}")
        bot = Child("bot", [*NEWSBOT, "-v", "telegram"], bot_env, self.logs)
        chat = ChatProcess(child_env(self.work / "chat-data", server.url), self.logs)
        writer = Writer(self.folder, bot_env, self.logs, self.writer)
        bot.start()
        try:
            chat.start_chat()
            tg.wait_for("setMyCommands", count=2, timeout=START_TIMEOUT)
            writer.start_writing()
            ready = time.monotonic()
            log.info(
                "soak: all up after %.0fs; %.0fs of load begins", ready - started, self.seconds
            )
            result = self.load(tg, server, bot, chat, writer)
        finally:
            codes = {"bot": bot.stop(), "chat": chat.quit(), "writer": writer.stop()}
        return self.report(result, codes, ready - started, time.monotonic() - started)

    def load(self, tg: Any, server: Any, bot: Any, chat: Any, writer: Any) -> dict[str, Any]:
        from newsbot.harness.soak_load import (
            ChatUser,
            Faults,
            Inbox,
            Log,
            Mutator,
            TelegramUser,
            fault_plan,
        )

        rng = random.Random(self.seed)
        inbox, actions = Inbox(tg), Log()
        inbox.thread.start()
        users = [TelegramUser(1000 + i, tg, inbox, actions, self.think) for i in range(self.chats)]
        chat_user = ChatUser(chat, actions, self.think / 2, self.seed)
        mutator = Mutator(self.folder, self.edit_every, self.seed, actions)
        faults = Faults(fault_plan(self.seconds, rng), writer, server, self.seed)
        actors: list[TelegramUser | ChatUser | Mutator | Faults] = [
            *users,
            chat_user,
            mutator,
            faults,
        ]
        for actor in actors:
            actor.start()
        begin = time.monotonic()
        children = {"bot": bot, "chat": chat, "writer": writer, "chroma": server}
        while time.monotonic() - begin < self.seconds:
            self.watch(children)
            time.sleep(1.0)
        load_end = time.monotonic()
        for actor in actors:
            actor.stop.set()
        log.info("soak: load over; waiting for the last replies and the stores to settle")
        for actor in actors:
            while actor.is_alive():
                self.watch(children)
                actor.join(1.0)
        settled = self.settle(server, writer, faults, children)
        alerts = self.settle_alerts(inbox, children)
        inbox.stop.set()
        return {
            "inbox": inbox,
            "writer_starts": writer.starts,
            "writer_passes": writer.passes(),
            "writer_failed_passes": writer.failed_passes(),
            "actions": actions,
            "alerts": alerts,
            "mutator": mutator,
            "faults": faults,
            "settled": settled,
            "load_end": load_end,
            "load_s": load_end - begin,
        }

    def watch(self, children: dict[str, Any]) -> None:
        """Sample the servers' memory; note (once) any child that ended on its own."""
        from newsbot.harness.soak_procs import log_tail, rss_kib

        for name in ("bot", "chat"):
            kib = rss_kib(children[name].pid)
            if kib is not None:
                self.rss[name].append((time.monotonic(), kib))
        for name, child in children.items():
            code = child.died()
            if code is not None:
                self.deaths.append(f"{name} exited with {code}: {log_tail(child.log, 600)}")
                child.expected_exit = True  # reported once
                if name == "writer":
                    child.start_writing()  # the soak goes on; the death is reported

    def settle(self, server: Any, writer: Any, faults: Any, children: dict[str, Any]) -> Any:
        """Wait for Chroma to hold the folder and both keyword indexes to hold Chroma."""
        from newsbot.harness.soak_checks import chroma_rows, corpus_matches, index_matches
        from newsbot.store.writer import ABANDONED_AFTER

        kills = [f.at for f in faults.done if f.kind == "writer-kill"]
        # A writer killed between its last write and its end record is read back after this.
        deadline = max(time.monotonic() + 30, max(kills, default=0) + ABANDONED_AFTER + 20)
        while True:
            self.watch(children)
            try:
                rows, copies = chroma_rows(server.url, "newsbot")
                checks = [
                    corpus_matches(self.folder, rows, copies),
                    index_matches(self.work / "bot-data", rows),
                    index_matches(self.work / "chat-data", rows),
                ]
            except Exception as error:  # the server or an index mid-change: look again
                checks = [self.failed_check("stores readable", error)]
            if all(c.ok for c in checks) or time.monotonic() > deadline:
                return checks
            time.sleep(2.0)

    @staticmethod
    def failed_check(name: str, error: BaseException) -> Any:
        from newsbot.harness.soak_checks import Check

        return Check(name, False, f"{type(error).__name__}: {error}")

    def settle_alerts(self, inbox: Any, children: dict[str, Any]) -> tuple[Any, int]:
        """Wait until the bot's outbox is empty and no alert came for a while."""
        from newsbot.bot.follows import Follows

        follows = Follows(self.work / "bot-data")
        deadline = time.monotonic() + ALERTS_SETTLE_S
        quiet_since, count = time.monotonic(), len(inbox.alerts)
        while time.monotonic() < deadline:
            self.watch(children)
            time.sleep(1.0)
            if len(inbox.alerts) != count:
                quiet_since, count = time.monotonic(), len(inbox.alerts)
            if not follows.outbox() and time.monotonic() - quiet_since > 5:
                break
        inbox.sort()
        return follows.alerted(), len(follows.outbox())

    def report(
        self, result: dict[str, Any], codes: dict[str, int | None], start_s: float, total_s: float
    ) -> dict[str, Any]:
        from newsbot.harness.soak_report import build_report

        return build_report(self, result, codes, start_s, total_s)


def table(report: dict[str, Any]) -> str:
    from newsbot.harness.soak_report import table as render

    return render(report)


def main(argv: list[str] | None = None) -> int:
    """`python -m newsbot.harness.soak`: the command without `newsbot` (same arguments)."""
    parser = argparse.ArgumentParser(prog="python -m newsbot.harness.soak", description=__doc__)
    add_arguments(parser)
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress to stderr")
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(asctime)s %(message)s",
    )
    logging.getLogger("httpx").setLevel(logging.WARNING)  # chromadb's client logs each request
    return run_command(args)


if __name__ == "__main__":
    sys.exit(main())
