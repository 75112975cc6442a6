"""The soak run's processes: a `chroma run` server, `newsbot telegram`, the writer, a chat."""

from __future__ import annotations

import os
import queue
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import IO

import httpx

from newsbot.core.errors import NewsbotError

NEWSBOT = (sys.executable, "-m", "newsbot.bot.cli")
START_TIMEOUT = 300.0  # a model load on a busy machine


class SoakError(NewsbotError):
    """A process of the soak run could not be started or spoken to."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def rss_kib(pid: int) -> int | None:
    """A process's resident set size in KiB, from /proc (None once it is gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def log_tail(path: Path, chars: int = 1500) -> str:
    try:
        return path.read_text("utf-8", errors="replace")[-chars:]
    except OSError:
        return ""


class Child:
    """One long-running child process, its stderr in a log file; knows if we ended it."""

    def __init__(self, name: str, args: list[str], env: dict[str, str], logs: Path) -> None:
        self.name, self.args, self.env = name, args, env
        self.log = logs / f"{name}.log"
        self.process: subprocess.Popen[str] | None = None
        self.starts = 0
        self.expected_exit = False

    def start(
        self, stdin: int | None = None, stdout: int | IO[str] | None = None, session: bool = False
    ) -> None:
        with self.log.open("a") as log:
            log.write(f"--- start {self.starts + 1} at {time.strftime('%H:%M:%S')}\n")
        handle = self.log.open("a")
        self.process = subprocess.Popen(
            self.args,
            cwd=self.log.parent.parent,  # the soak's work dir: no .env of the caller's is read
            env=self.env,
            stdin=stdin,
            stdout=subprocess.DEVNULL if stdout is None else stdout,
            stderr=handle,
            text=True,
            start_new_session=session,
        )
        handle.close()
        self.starts += 1
        self.expected_exit = False

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def died(self) -> int | None:
        """The exit code of a process that ended without being told to, else None."""
        if self.process is None or self.expected_exit:
            return None
        return self.process.poll()

    def signal(self, signum: int) -> None:
        self.expected_exit = True
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signum)

    def stop(self, timeout: float = 60.0) -> int | None:
        """SIGTERM, wait, SIGKILL if need be; return the exit code."""
        if self.process is None:
            return None
        self.signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            return None


class ChromaServer(Child):
    """`chroma run` on one port and path, stopped and started again there."""

    def __init__(self, path: Path, env: dict[str, str], logs: Path) -> None:
        exe = shutil.which("chroma") or str(Path(sys.executable).parent / "chroma")
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        args = [exe, "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(self.port)]
        super().__init__("chroma", args, env, logs)

    def start_serving(self) -> None:
        self.start()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise SoakError(f"chroma run exited with code {self.process.returncode}")
            try:
                if httpx.get(f"{self.url}/api/v2/heartbeat", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise SoakError(f"chroma server at {self.url} did not answer within 60s")


class Writer(Child):
    """The corpus folder's writer, one JSON line a pass, in one of two forms.

    `watch`: one `newsbot ingest --watch --prune --json` process. `passes`: a shell loop
    running `newsbot ingest --prune --json` every few seconds, as a cron job would; the whole
    process group is killed, the running ingest with it.
    """

    LOOP = 'while :; do "$@"; echo "ingest exit $?" >&2; sleep 2; done'

    def __init__(self, folder: Path, env: dict[str, str], logs: Path, mode: str) -> None:
        ingest = [*NEWSBOT, "ingest", str(folder), "--prune", "--json"]
        if mode == "watch":
            args = [*ingest, "--watch", "--interval", "1"]
        else:
            args = ["sh", "-c", self.LOOP, "sh", *ingest]
        super().__init__("writer", args, env, logs)
        self.mode = mode
        self.reports = logs / "writer.jsonl"
        self.kills = 0

    def start_writing(self) -> None:
        with self.reports.open("a") as out:
            self.start(stdout=out, session=True)

    def signal(self, signum: int) -> None:
        self.expected_exit = True
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signum)  # the loop's running ingest too

    def kill(self) -> None:
        self.signal(signal.SIGKILL)
        if self.process is not None:
            self.process.wait()
        self.kills += 1

    def stop(self, timeout: float = 60.0) -> int | None:
        code = super().stop(timeout)
        # The loop ends only by a signal: that is its clean end.
        return 0 if self.mode == "passes" and code == -signal.SIGTERM else code

    def passes(self) -> int:
        """How many passes have finished, over every start."""
        try:
            return sum(1 for line in self.reports.read_text().splitlines() if line.startswith("{"))
        except OSError:
            return 0

    def failed_passes(self) -> int:
        """Passes that failed (an unreachable server, a busy lock), as the writer said."""
        lines = log_tail(self.log, 10**7).splitlines()
        looped = [line for line in lines if line.startswith("ingest exit ")]
        watched = [line for line in lines if line.endswith("trying again in 1s")]
        return sum(1 for line in looped if not line.endswith(" 0")) + len(watched)


class ChatProcess(Child):
    """`newsbot chat` through a pipe: a line in, the text up to the next prompt out."""

    PROMPT = "\n> "

    def __init__(self, env: dict[str, str], logs: Path) -> None:
        super().__init__("chat", [*NEWSBOT, "chat"], env, logs)
        self.replies: queue.Queue[str | None] = queue.Queue()
        self.banner = ""

    def start_chat(self) -> None:
        self.start(stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        assert self.process is not None and self.process.stdout is not None
        threading.Thread(target=self._read, args=(self.process.stdout,), daemon=True).start()
        banner = self.replies.get(timeout=START_TIMEOUT)
        if banner is None:
            raise SoakError(f"newsbot chat ended before its prompt: {log_tail(self.log)}")
        self.banner = banner

    def _read(self, stdout: IO[str]) -> None:
        buffer = ""
        while chunk := os.read(stdout.fileno(), 65536).decode("utf-8", errors="replace"):
            buffer += chunk
            while self.PROMPT in buffer:
                reply, buffer = buffer.split(self.PROMPT, 1)
                self.replies.put(reply.strip())
        self.replies.put(None)

    def ask(self, line: str, timeout: float) -> str | None:
        """Send a line; the text printed before the next prompt (None: no prompt came)."""
        assert self.process is not None and self.process.stdin is not None
        try:
            self.process.stdin.write(line + "\n")
            self.process.stdin.flush()
            return self.replies.get(timeout=timeout)
        except (OSError, queue.Empty):
            return None

    def quit(self, timeout: float = 30.0) -> int | None:
        """Leave as a user does ('quit'); return the exit code."""
        if self.process is None:
            return None
        self.expected_exit = True
        try:
            assert self.process.stdin is not None
            self.process.stdin.write("quit\n")
            self.process.stdin.close()
            return self.process.wait(timeout=timeout)
        except (OSError, subprocess.TimeoutExpired):
            return self.stop()
        finally:
            if self.process.stdout is not None:
                self.process.stdout.close()
