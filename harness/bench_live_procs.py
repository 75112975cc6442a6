"""The processes of `newsbot bench-live`: the serving child, the ingest child, `Child`.

Each child reads JSON requests (or paths) line by line on stdin and replies one JSON line each
on stdout; run one with `python -m newsbot.harness.bench_live_procs serve|ingest DATA_DIR`.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from newsbot.core.errors import NewsbotError
from newsbot.harness.bench_live_corpus import settings_for

KEYWORD_K = 60  # SearchParams.keyword_k


class LiveBenchError(NewsbotError):
    """A live-bench step failed; the message names the step."""


def rss_mb() -> dict[str, float]:
    """This process's resident set now and at its peak, in MiB."""
    found: dict[str, float] = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            found["rss_mb" if key == "VmRSS" else "peak_rss_mb"] = round(
                int(value.split()[0]) / 1024, 1
            )
    return found


def serve(data_dir: Path) -> int:
    """Answer JSON requests from stdin, one JSON line each on stdout, as a running chat would."""
    from newsbot.retrieval.newsbot import Newsbot

    bot = Newsbot(settings_for(data_dir))
    bot.composer = bot.extractive  # a chat model's latency is not what is measured here
    bot.warm_up()
    bot.start_freshness()
    reply({"ready": True, **rss_mb()})
    for line in sys.stdin:
        request = json.loads(line)
        if "question" in request:
            started = time.perf_counter()
            answer, _ = bot.respond(request["question"])
            seconds = time.perf_counter() - started
            reply(
                {
                    "seconds": seconds,
                    "ended": time.time(),
                    "article_ids": [c.article_id for c in answer.citations],
                    "refused": answer.refused,
                    **rss_mb(),
                }
            )
        elif "keyword" in request:
            index = bot.searcher.keywords
            timings = []
            for query in request["keyword"]:
                started = time.perf_counter()
                index.view().search(query, KEYWORD_K)
                timings.append(time.perf_counter() - started)
            reply({"seconds": timings, **rss_mb()})
    bot.stop_freshness()
    return 0


def ingest(data_dir: Path) -> int:
    """Ingest each path read from stdin as `newsbot ingest PATH` does; report when it ended."""
    import newsbot.ingest.indexer as indexer_module
    from newsbot.ingest.settings import IngestSettings
    from newsbot.ingest.sources import iter_articles
    from newsbot.store.writer import open_writer

    settings = settings_for(data_dir)
    embedder = settings.embedder()
    embedder.warm_up()
    timed: dict[str, float] = {}
    original_catch_up = getattr(indexer_module, "catch_up")  # noqa: B009 (not exported)

    def timed_catch_up(*args: Any, **kwargs: Any) -> int:
        started = time.perf_counter()
        try:
            return int(original_catch_up(*args, **kwargs))
        finally:
            timed["catch_up_s"] = time.perf_counter() - started

    # Measuring only: the indexer calls catch_up by this module-level name.
    setattr(indexer_module, "catch_up", timed_catch_up)  # noqa: B010
    reply({"ready": True})
    for line in sys.stdin:
        path = line.strip()
        ids = [item[0].id for item in iter_articles([path]) if isinstance(item, tuple)]
        timed.clear()
        started = time.perf_counter()
        with open_writer(settings, embedder, wait=True) as store:
            write = store.write_articles

            def timed_write(batch: Any, write: Any = write) -> None:
                begun = time.perf_counter()
                write(batch)
                timed["write_s"] = timed.get("write_s", 0.0) + time.perf_counter() - begun

            store.write_articles = timed_write  # type: ignore[method-assign]
            report = IngestSettings().indexer(store).ingest([path])
        reply(
            {
                "ended": time.time(),
                "ingest_s": time.perf_counter() - started,
                "article_ids": ids,
                "added": report.added,
                "chunks": report.chunks_embedded,
                **timed,
            }
        )
    return 0


def reply(message: dict[str, Any]) -> None:
    print(json.dumps(message), flush=True)


class Child:
    """A bench child process spoken to in JSON lines."""

    def __init__(self, role: str, data_dir: Path, log_path: Path):
        env = {**os.environ, "NEWSBOT_DATA_DIR": str(data_dir)}
        env.pop("NEWSBOT_CHROMA_URL", None)
        self.log = log_path.open("w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "newsbot.harness.bench_live_procs", role, str(data_dir)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.log,
            text=True,
            env=env,
        )
        self.role, self.log_path = role, log_path
        self.ready = self.receive()

    def ask(self, message: dict[str, Any] | str) -> dict[str, Any]:
        assert self.process.stdin is not None
        text = message if isinstance(message, str) else json.dumps(message)
        self.process.stdin.write(text + "\n")
        self.process.stdin.flush()
        return self.receive()

    def receive(self) -> dict[str, Any]:
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line:
            self.process.wait()
            tail = self.log_path.read_text()[-2000:]
            raise LiveBenchError(f"the {self.role} child ended ({self.process.returncode}): {tail}")
        answer: dict[str, Any] = json.loads(line)
        return answer

    def close(self) -> None:
        if self.process.stdin is not None:
            self.process.stdin.close()
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        if self.process.stdout is not None:
            self.process.stdout.close()
        self.log.close()


def main(argv: list[str]) -> int:
    """Run a child role: `serve DATA_DIR` or `ingest DATA_DIR`."""
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    role, data_dir = argv[1], Path(argv[2])
    return {"serve": serve, "ingest": ingest}[role](data_dir)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
