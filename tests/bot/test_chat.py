"""The chat as a person uses it: Ctrl-C and Ctrl-D on a real terminal, pipes, an empty store.

The terminal is a pty whose line discipline turns a typed "\\x03" into SIGINT, as a user's
does; the model is tests/support/fake_openai.py, slowed down so that an answer is still being
written when the interrupt arrives.
"""

from __future__ import annotations

import json
import os
import re
import select
import subprocess
import sys
import time

import pytest

from newsbot.bot.cli import EXIT_CLOSED_PIPE
from newsbot.bot.cli_common import NO_ARTICLES
from tests.support.fake_openai import FakeOpenAI, Reply, prompt_text

pytestmark = pytest.mark.model  # every test here loads the real embedding model

DRONE = "How much weight can the XR-17 drone carry?"
FERRY = "How much did Harbor City's electric ferry project cost?"
FIRST_YEAR = "And the ferries' first year?"
VACANCIES = "How many teaching vacancies did Pinebrook have?"
# Make the pty the child's controlling terminal (it is in a session of its own), then be the CLI.
AS_TERMINAL = (
    "import fcntl, os, sys, termios; fcntl.ioctl(0, termios.TIOCSCTTY, 0); "
    "os.execv(sys.executable, [sys.executable, '-m', 'newsbot.bot.cli', *sys.argv[1:]])"
)


class Terminal:
    """A command on a pty, read and typed into as a person would."""

    def __init__(self, *args: str, env: dict[str, str]):
        self.master, slave = os.openpty()
        self.process = subprocess.Popen(
            [sys.executable, "-c", AS_TERMINAL, *args],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env={**os.environ, **env},
            start_new_session=True,
        )
        os.close(slave)
        self.seen = ""  # everything shown so far, "\r\n" as "\n"
        self.read_to = 0  # where the next expect() starts looking

    def expect(self, pattern: str, timeout: float = 120) -> re.Match[str]:
        """Wait until the output after the last match matches `pattern`; return that match."""
        deadline = time.monotonic() + timeout
        while True:
            found = re.compile(pattern).search(self.seen, self.read_to)
            if found:
                self.read_to = found.end()
                return found
            left = deadline - time.monotonic()
            if left <= 0 or not self._read(left):
                raise AssertionError(f"no {pattern!r} in the chat so far:\n{self.seen}")

    def _read(self, timeout: float) -> bool:
        ready, _, _ = select.select([self.master], [], [], timeout)
        try:
            data = os.read(self.master, 4096) if ready else b""
        except OSError:  # the other side is gone
            data = b""
        self.seen += data.decode(errors="replace").replace("\r\n", "\n")
        return bool(data)

    def type(self, text: str) -> None:
        os.write(self.master, text.encode())

    def wait(self, timeout: float = 30) -> int:
        """Return the exit code, reading on so that the child never blocks on a full pty."""
        deadline = time.monotonic() + timeout
        while self.process.poll() is None and time.monotonic() < deadline:
            self._read(0.2)
        return self.process.wait(timeout=1)

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        os.close(self.master)


def number_of(hits, filename: str) -> int:
    for n, hit in enumerate(hits, start=1):
        if (hit.chunk.metadata.get("path") or "").endswith(filename):
            return n
    raise AssertionError(f"{filename} not retrieved")


def test_ctrl_c_cancels_the_answer_or_the_line_and_keeps_the_conversation(
    samples_newsbot, samples_dir
):
    n = number_of(samples_newsbot.retrieve(DRONE), "06_xr17-island-drone-deliveries.txt")
    first = f"The XR-17 can carry 4.5 kilograms [{n}]."
    replies = (
        Reply(first),
        # Cut short half way through a line (each sentence is shown once it passed the check)...
        Reply("The project cost $38.5 million. " * 20, token_delay=0.3),
        # ...and before the first byte, while the chain waits inside the HTTP library.
        Reply("Never shown.", delay=20),
        Reply("Islands, mostly."),
        Reply("To Mallow Island."),
    )
    with FakeOpenAI(*replies) as server:
        env = {
            "NEWSBOT_DATA_DIR": str(samples_dir),
            "NEWSBOT_LLM": "openai:fake-model",
            "NEWSBOT_LLM_BASE_URL": server.url,
        }
        chat = Terminal("chat", env=env)
        try:
            chat.expect(r"\n> ")
            chat.type(DRONE + "\n")
            chat.expect(r"4\.5 kilograms \[1\]\.\n(.|\n)*Sources:(.|\n)*\n> ")

            chat.type(FERRY + "\n")
            chat.expect(r"The project cost \$38\.5 million \[1\]\.")
            chat.type("\x03")
            cut = chat.read_to
            cancelled = chat.expect(r"\(cancelled\)\n\n> ")
            # The half-written line ends before the notice, with no blank line between.
            assert re.fullmatch(r"[^\n]*\n", chat.seen[cut : cancelled.start()]), chat.seen

            chat.type(FIRST_YEAR + "\n")
            deadline = time.monotonic() + 60
            while len(server.requests) < 3 and time.monotonic() < deadline:
                chat._read(0.1)
            assert len(server.requests) == 3, chat.seen
            chat.type("\x03")
            chat.expect(r"\(cancelled\)\n\n> ")

            chat.type("Where does it fly?\n")
            chat.expect(r"\n> ")
            prompt = prompt_text(server.requests[3])
            assert f"user: {DRONE}" in prompt  # the history is kept...
            assert FERRY not in prompt and FIRST_YEAR not in prompt  # ...less what was cancelled

            # At the prompt, as in Python's REPL: the line typed so far goes, the chat stays.
            chat.type("Half a quest")
            time.sleep(0.5)  # a person's pause: the chat waits for the line by now
            chat.type("\x03")
            chat.expect(r"\^C\n\n> ")
            chat.type("\x03")  # at once, as a second press may land before the chat reads
            chat.expect(r"\^C\n\n> ")
            chat.type("And where to?\n")
            chat.expect(r"Mallow Island \[1\]\.(.|\n)*\n> ")
            prompt = prompt_text(server.requests[4])
            assert f"user: {DRONE}" in prompt and "Where does it fly?" in prompt
            assert "Half a quest" not in prompt
            assert prompt.endswith("Question: And where to?")

            chat.type("\x04")
            assert chat.wait() == 0
        finally:
            chat.close()
    assert "Traceback" not in chat.seen and "Exception" not in chat.seen


def test_ctrl_d_at_the_prompt_leaves(samples_newsbot, samples_dir):
    chat = Terminal("chat", env={"NEWSBOT_DATA_DIR": str(samples_dir)})
    try:
        start = chat.expect(r"newsbot: \d+ articles \((\S+) to (\S+)\)\..*\n\n> ")
        assert start.group(1) <= start.group(2) and start.group(1) != "None"
        chat.type("\x04")
        assert chat.wait() == 0
    finally:
        chat.close()
    assert "Traceback" not in chat.seen


def start_cli(*args: str, data_dir, stdin: str | None = None) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "newsbot.bot.cli", *args],
        stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "NEWSBOT_DATA_DIR": str(data_dir)},
    )


def test_a_reader_that_leaves_early_ends_the_command_quietly(samples_newsbot, samples_dir):
    """`newsbot ask … | head -1`: the reader is gone before the first line is written."""
    runs = {
        "ask": start_cli("ask", VACANCIES, data_dir=samples_dir),
        "stats": start_cli("stats", data_dir=samples_dir),
        "chat": start_cli("chat", data_dir=samples_dir, stdin=f"{VACANCIES}\n{DRONE}\n"),
    }
    for process in runs.values():
        assert process.stdout
        process.stdout.close()
    for name, process in runs.items():
        _, errors = process.communicate(f"{VACANCIES}\n{DRONE}\n" if name == "chat" else None)
        assert errors == "", f"{name}: {errors}"
        assert process.returncode == EXIT_CLOSED_PIPE, name


@pytest.mark.model  # each command starts loading the model in the background
def test_an_empty_store_says_how_to_ingest(tmp_path):
    runs = {
        "chat": start_cli("chat", data_dir=tmp_path, stdin="What happened?\n"),
        "ask": start_cli("ask", "What happened?", "--json", data_dir=tmp_path),
        "stats": start_cli("stats", data_dir=tmp_path),
    }
    out = {}
    for name, process in runs.items():
        stdin = "What happened?\n" if name == "chat" else None
        out[name], errors = process.communicate(stdin, timeout=120)
        assert process.returncode == 0 and errors == "", f"{name}: {errors}"
    assert out["chat"].startswith(NO_ARTICLES + "\n")  # the hint, then the chat stays open
    assert "None" not in out["chat"]
    assert json.loads(out["ask"]) == {
        "text": NO_ARTICLES,
        "refused": True,
        "note": None,
        "citations": [],
    }
    assert out["stats"].startswith(NO_ARTICLES + "\nstore:")
    assert "None" not in out["stats"]
