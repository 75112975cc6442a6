"""`newsbot bench-live`: how fast a running process answers what another process ingests.

For each store size: a synthetic store (random unit vectors, realistic short texts) written
through Store's own write path, so the change feed and the keyword index are the real ones; a
serving child (Newsbot with its freshness thread) answering questions from a pipe; an ingest
child adding one real article at a time as `newsbot ingest` does. Measured: time from an
ingest's end to the serving child citing the new article, the first answer after an ingest
beside a warm one, the serving child's RSS, keyword query latency, index work per article and
the sizes on disk.
"""

from __future__ import annotations

import json
import logging
import os
import random
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np

from newsbot.core.errors import NewsbotError
from newsbot.harness.bench_scale import unit_vectors
from newsbot.harness.stats import percentile

log = logging.getLogger(__name__)

POLL_S = 0.1  # how often the new article is asked about until it is answered
VISIBLE_DEADLINE_S = 60.0  # give up on an article not answered by then (reported as such)
WARM_ANSWERS = 5
KEYWORD_QUERIES = 50
KEYWORD_K = 60  # SearchParams.keyword_k
TARGET_SIZES = (300_000, 1_000_000)  # the sizes the targets are set at
WRITE_ARTICLES = 200  # synthetic articles per Store.write_articles call

_COMMON_TEXT = (
    "the a of to in and said on for with that by at from as was is were has have will would "
    "after before during over under about against between new first last year week month day "
    "city council mayor county state government minister officials police court judge trial "
    "school students teachers hospital health doctors patients budget tax million billion "
    "percent market shares prices inflation bank rates economy jobs workers union strike "
    "company chief executive deal talks election vote voters campaign party leader president "
    "river bridge road rail transit ferry airport flights storm flood fire weather heat rain "
    "energy power plant water farm crops festival museum team season game league coach "
    "report study researchers data plan project contract announced expected warned agreed "
    "opened closed rose fell cut raised signed approved rejected delayed reported confirmed"
)
_COMMON = _COMMON_TEXT.split()
_SYLLABLE_TEXT = (
    "ka ro mi ten bar lo vin sa dre po nul ha ze fo rik ma tel gor an bel cas du er fin gul "
    "hel ix jor kel lum nor osk pel quin rad sol tav ur vel wen yor zan"
)
_SYLLABLES = _SYLLABLE_TEXT.split()
# Letters only, absent from every syllable combination above: no synthetic chunk holds them.
_UNIQUE_STEMS = ("Qwyxt", "Zhqorv", "Xyqval", "Vwqix", "Jqyzz", "Pxqulth", "Kqwyv", "Fzqyx")


@dataclass
class LiveConfig:
    """What to measure and where the stores go."""

    sizes: list[int] = field(default_factory=lambda: [30_000])
    repeats: int = 5
    workdir: Path = Path("bench-live")
    keep: bool = True  # reuse a store already built at a size (articles added since stay)
    timeout_s: float = VISIBLE_DEADLINE_S


class LiveBenchError(NewsbotError):
    """A live-bench step failed; the message names the step."""


def names(rng: random.Random, n: int) -> list[str]:
    """Make n pronounceable made-up names (the rare words of the synthetic news)."""
    made: set[str] = set()
    while len(made) < n:
        made.add("".join(rng.choices(_SYLLABLES, k=rng.randint(2, 3))).capitalize())
    return sorted(made)


def sentence(rng: random.Random, people: list[str]) -> str:
    # Zipf-like: the first words of the list are the commonest.
    words = [_COMMON[min(int(rng.paretovariate(0.9)) - 1, len(_COMMON) - 1)] for _ in range(14)]
    words += rng.sample(_COMMON, 4)
    rng.shuffle(words)
    words.insert(rng.randrange(len(words)), rng.choice(people))
    if rng.random() < 0.3:
        words.insert(rng.randrange(len(words)), f"{rng.randint(2, 990)}")
    return " ".join(words).capitalize() + "."


def synthetic_articles(n_chunks: int, today: date, seed: int = 5) -> Iterator[list[Any]]:
    """Yield articles of 2-8 chunks (Chunk lists, as ingest stores them) until n_chunks."""
    from newsbot.core.calendar import day_number
    from newsbot.core.types import Chunk
    from newsbot.store.chroma_rows import chunk_id

    rng = random.Random(seed)
    people = names(rng, max(200, n_chunks // 20))
    made = 0
    i = 0
    while made < n_chunks:
        n = min(rng.randint(2, 8), n_chunks - made)
        aid = f"synthetic{i:08d}"
        day = today - timedelta(days=rng.randrange(365))
        title = " ".join(rng.sample(_COMMON[40:], 5)).capitalize() + " " + rng.choice(people)
        meta: dict[str, Any] = {
            "article_id": aid,
            "title": title,
            "published_day": day_number(day),
            "published_at": day.isoformat(),
            "url": f"https://example.invalid/live/{i}",
            "source": f"source{i % 40}.example.invalid",
            "content_hash": f"{i:032x}",
            "origin": "synthetic",
            "n_chunks": n,
        }
        yield [
            Chunk(
                id=chunk_id(aid, p),
                article_id=aid,
                text=" ".join(sentence(rng, people) for _ in range(rng.randint(3, 6))),
                position=p,
                metadata={**meta, "position": p},
            )
            for p in range(n)
        ]
        made += n
        i += 1


def settings_for(data_dir: Path) -> Any:
    from newsbot.retrieval.settings import RetrievalSettings

    return RetrievalSettings(data_dir=data_dir, chroma_url="")


def build_store(data_dir: Path, n_chunks: int) -> dict[str, Any]:
    """Write n_chunks synthetic chunks through Store; catch the keyword index up as ingest does."""
    from newsbot.store.writer import catch_up, open_writer

    settings = settings_for(data_dir)
    vectors = np.random.default_rng(13)
    started = time.perf_counter()
    write_s = catch_up_s = 0.0
    # The model is never loaded: the vectors are made up.
    with open_writer(settings, settings.embedder(), wait=True) as store:
        batch: list[tuple[list[Any], np.ndarray, int]] = []
        for chunks in synthetic_articles(n_chunks, date.today()):
            batch.append((chunks, unit_vectors(vectors, len(chunks)), 0))
            if len(batch) == WRITE_ARTICLES:
                write_s, catch_up_s = _write(store, batch, write_s, catch_up_s, catch_up)
                batch = []
        write_s, catch_up_s = _write(store, batch, write_s, catch_up_s, catch_up)
        count = store.count()
    return {
        "chunks": count,
        "build_s": round(time.perf_counter() - started, 1),
        "chroma_write_s": round(write_s, 1),
        "keyword_catch_up_s": round(catch_up_s, 1),
    }


def _write(store: Any, batch: list[Any], write_s: float, catch_up_s: float, catch_up: Any) -> Any:
    if not batch:
        return write_s, catch_up_s
    started = time.perf_counter()
    store.write_articles(batch)
    middle = time.perf_counter()
    catch_up(store, settled=True)
    return write_s + middle - started, catch_up_s + time.perf_counter() - middle


def folder_mb(path: Path) -> float:
    total = sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) if path.exists() else 0
    return round(total / 2**20, 1)


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
            [sys.executable, "-m", "newsbot.harness.bench_live", role, str(data_dir)],
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


def new_article(folder: Path, repeat: int, rng: random.Random) -> tuple[Path, str, str]:
    """Write one small article naming a made-up word no synthetic chunk holds."""
    word = f"{_UNIQUE_STEMS[repeat % len(_UNIQUE_STEMS)]}{''.join(rng.choices('qxz', k=4))}"
    figure = f"{rng.randint(11, 99)}.{rng.randint(1, 9)}"
    path = folder / f"{word.lower()}.txt"
    path.write_text(
        f"{word} bridge repair to cost {figure} million\n\n"
        f"The city council approved the {word} bridge repair on Tuesday. Officials said the "
        f"work on the {word} bridge will cost {figure} million and take two years. Traffic "
        "will move to the old ferry route while the bridge is closed.\n\n"
        f"{date.today():%B %d, %Y}\nSource: example.invalid\n",
        encoding="utf-8",
    )
    return path, word, f"How much will the {word} bridge repair cost?"


def keyword_queries(n: int, seed: int = 17) -> list[str]:
    rng = random.Random(seed)
    people = names(random.Random(5), 200)
    return [
        f"What did {rng.choice(people)} say about the {' '.join(rng.sample(_COMMON[40:], 2))}?"
        for _ in range(n)
    ]


def summary_s(values: list[float], scale: float = 1.0, digits: int = 3) -> dict[str, Any]:
    scaled = [v * scale for v in values]
    return {
        "p50": round(percentile(scaled, 50), digits),
        "p95": round(percentile(scaled, 95), digits),
        "max": round(max(scaled), digits),
        "n": len(scaled),
    }


def measure_size(size: int, config: LiveConfig) -> dict[str, Any]:
    """Build (or reuse) a store of `size` chunks and measure freshness against it."""
    data_dir = config.workdir / f"store-{size}"
    marker = data_dir / "bench-live.json"
    if config.keep and marker.is_file() and json.loads(marker.read_text())["size"] == size:
        built = {**json.loads(marker.read_text())["built"], "reused": True}
    else:
        shutil.rmtree(data_dir, ignore_errors=True)
        data_dir.mkdir(parents=True)
        print(f"bench-live: building {size:,} synthetic chunks", file=sys.stderr, flush=True)
        built = build_store(data_dir, size)
        marker.write_text(json.dumps({"size": size, "built": built}))
    articles = config.workdir / f"articles-{size}"
    articles.mkdir(parents=True, exist_ok=True)
    rng = random.Random(time.time_ns())
    server = Child("serve", data_dir, config.workdir / f"serve-{size}.log")
    writer = Child("ingest", data_dir, config.workdir / f"ingest-{size}.log")
    try:
        rounds = [
            one_round(server, writer, articles, r, rng, config) for r in range(config.repeats)
        ]
        keyword = server.ask({"keyword": keyword_queries(KEYWORD_QUERIES)})
    finally:
        server.close()
        writer.close()
    return summarise(size, built, server.ready, rounds, keyword, data_dir)


def one_round(
    server: Child, writer: Child, folder: Path, repeat: int, rng: random.Random, config: LiveConfig
) -> dict[str, Any]:
    """Ingest one new article and poll the server until it answers citing it; time warm answers.

    A refusal lists related articles too: only an answer (not refused) citing it counts.
    """
    path, word, question = new_article(folder, repeat, rng)
    before = server.ask({"question": question})  # warm, and proof the word is not known yet
    ingested = writer.ask(path.as_posix())
    if not ingested.get("article_ids"):
        raise LiveBenchError(f"the ingest child read no article from {path}")
    target = ingested["article_ids"][0]
    first: dict[str, Any] | None = None
    worst = 0.0
    visible_s = None
    polls: list[bool] = []  # whether each poll's answer was a refusal
    while time.time() - ingested["ended"] < config.timeout_s:
        asked = time.perf_counter()
        answer = server.ask({"question": question})
        first = first or answer
        polls.append(answer["refused"])
        worst = max(worst, answer["seconds"])
        if target in answer["article_ids"] and not answer["refused"]:
            visible_s = answer["ended"] - ingested["ended"]
            break
        time.sleep(max(0.0, POLL_S - (time.perf_counter() - asked)))
    warm = [server.ask({"question": question}) for _ in range(WARM_ANSWERS)]
    assert first is not None
    return {
        "word": word,
        "cited_before_ingest": target in before["article_ids"],
        "visible_s": visible_s,
        "first_answer_s": first["seconds"],
        "slowest_answer_until_visible_s": worst,
        "warm_answer_s": statistics.median(w["seconds"] for w in warm),
        "polls": len(polls),
        "first_poll_refused": polls[0],
        "warm_cites_article": all(target in w["article_ids"] for w in warm),
        "ingest": {k: v for k, v in ingested.items() if k != "article_ids"},
        "serving_rss_mb": warm[-1]["rss_mb"],
        "serving_peak_rss_mb": warm[-1]["peak_rss_mb"],
    }


def summarise(
    size: int,
    built: dict[str, Any],
    ready: dict[str, Any],
    rounds: list[dict[str, Any]],
    keyword: dict[str, Any],
    data_dir: Path,
) -> dict[str, Any]:
    seen = [r["visible_s"] for r in rounds if r["visible_s"] is not None]
    ratios = [r["first_answer_s"] / r["warm_answer_s"] for r in rounds]
    return {
        "chunks": size,
        "store": built,
        "repeats": len(rounds),
        "visible_s": summary_s(seen) if seen else None,
        "not_visible": len(rounds) - len(seen),
        "first_answer_s": summary_s([r["first_answer_s"] for r in rounds]),
        "warm_answer_s": summary_s([r["warm_answer_s"] for r in rounds]),
        "first_vs_warm": summary_s(ratios),
        "slowest_answer_until_visible_s": summary_s(
            [r["slowest_answer_until_visible_s"] for r in rounds]
        ),
        "serving_rss_mb": {
            "ready": ready.get("rss_mb"),
            "end": rounds[-1]["serving_rss_mb"],
            "peak": max(r["serving_peak_rss_mb"] for r in rounds),
        },
        "keyword_query_ms": summary_s(keyword["seconds"], scale=1000, digits=2),
        "index_work_s": {
            "keyword_catch_up": summary_s([r["ingest"].get("catch_up_s", 0.0) for r in rounds]),
            "chroma_write": summary_s([r["ingest"].get("write_s", 0.0) for r in rounds]),
            "both": summary_s(
                [
                    r["ingest"].get("write_s", 0.0) + r["ingest"].get("catch_up_s", 0.0)
                    for r in rounds
                ]
            ),
        },
        "disk_mb": {
            "keyword": folder_mb(data_dir / "keyword"),
            "chroma": folder_mb(settings_for(data_dir).chroma_dir),
        },
        "rounds": rounds,
    }


def verdict(value: float | None, limit: float) -> str:
    if value is None:
        return "not measured"
    return "met" if value <= limit else "missed"


def targets(results: dict[str, Any]) -> list[dict[str, Any]]:
    """Check each of the issue's targets at every size run; sizes not run say so."""
    rows = []
    for key, r in results.items():
        if r == "not run":
            continue
        visible = r["visible_s"]["p95"] if r["visible_s"] and not r["not_visible"] else None
        work = r["index_work_s"]["both"]["max"]
        checks = [
            ("visible to another process <= 5 s (p95)", visible, 5.0, "s", "any size"),
            ("first answer after ingest <= 2x warm", r["first_vs_warm"]["max"], 2.0, "x", "300k"),
            ("serving RSS <= 1.2 GB", r["serving_rss_mb"]["peak"] * 2**20 / 1e9, 1.2, "GB", "300k"),
            ("one article's index work <= 1 s", work, 1.0, "s", "1M"),
        ]
        rows += [
            {
                "chunks": int(key),
                "target": name,
                "target_size": at,
                "value": None if value is None else round(value, 3),
                "unit": unit,
                "met": verdict(value, limit),
            }
            for name, value, limit, unit, at in checks
        ]
    return rows


def run_live(config: LiveConfig) -> dict[str, Any]:
    """Measure every size; sizes the targets name but not run are reported as not run."""
    config.workdir.mkdir(parents=True, exist_ok=True)
    results: dict[str, Any] = {}
    for size in sorted(set(config.sizes)):
        print(f"bench-live: {size:,} chunks", file=sys.stderr, flush=True)
        results[str(size)] = measure_size(size, config)
    for size in TARGET_SIZES:
        results.setdefault(str(size), "not run")
    ordered = dict(sorted(results.items(), key=lambda item: int(item[0])))
    return {"live": ordered, "targets": targets(ordered), "repeats": config.repeats}


def cell(value: Any, unit: str = "") -> str:
    return "not run" if value is None else f"{value:,}{unit}" if unit else f"{value:,}"


def markdown(report: dict[str, Any]) -> str:
    """Render the live section as a Markdown table, one column per size."""
    live = report["live"]
    sizes = list(live)
    header = "| | " + " | ".join(f"{int(s):,} chunks" for s in sizes) + " |"
    lines = [header, "|---|" + "---|" * len(sizes)]

    def row(label: str, pick: Any) -> None:
        values = [("not run" if live[s] == "not run" else pick(live[s])) for s in sizes]
        lines.append(f"| {label} | " + " | ".join(values) + " |")

    def pair(d: dict[str, Any] | None, unit: str) -> str:
        return "never" if d is None else f"{d['p50']:,}{unit} / {d['p95']:,}{unit}"

    row(
        "visible in the serving process after ingest ends, p50 / p95",
        lambda r: (
            pair(r["visible_s"], " s")
            + (f" ({r['not_visible']} never)" if r["not_visible"] else "")
        ),
    )
    row("first answer after ingest, p50 / p95", lambda r: pair(r["first_answer_s"], " s"))
    row("warm answer, p50 / p95", lambda r: pair(r["warm_answer_s"], " s"))
    row(
        "first / warm, p50 / max",
        lambda r: f"{r['first_vs_warm']['p50']}x / {r['first_vs_warm']['max']}x",
    )
    row(
        "serving RSS: ready / end / peak (MiB)",
        lambda r: "{ready} / {end} / {peak}".format(**r["serving_rss_mb"]),
    )
    row(
        "keyword query p50 / p95 (ms)",
        lambda r: f"{r['keyword_query_ms']['p50']} / {r['keyword_query_ms']['p95']}",
    )
    row(
        "one article: keyword catch_up p50 / max (s)",
        lambda r: (
            f"{r['index_work_s']['keyword_catch_up']['p50']} / "
            f"{r['index_work_s']['keyword_catch_up']['max']}"
        ),
    )
    row(
        "one article: Chroma write p50 / max (s)",
        lambda r: (
            f"{r['index_work_s']['chroma_write']['p50']} / "
            f"{r['index_work_s']['chroma_write']['max']}"
        ),
    )
    row(
        "disk: keyword / Chroma (MiB)",
        lambda r: f"{r['disk_mb']['keyword']} / {r['disk_mb']['chroma']}",
    )
    row(
        "store build (s)",
        lambda r: "reused" if r["store"].get("reused") else str(r["store"]["build_s"]),
    )
    lines += ["", "| size | target (set at) | value | |", "|---|---|---|---|"]
    for t in report["targets"]:
        lines.append(
            f"| {t['chunks']:,} | {t['target']} ({t['target_size']}) | "
            f"{cell(t['value'], ' ' + t['unit'])} | {t['met']} |"
        )
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    """Run a child role: `serve DATA_DIR` or `ingest DATA_DIR`."""
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    role, data_dir = argv[1], Path(argv[2])
    return {"serve": serve, "ingest": ingest}[role](data_dir)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
