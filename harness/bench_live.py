"""`newsbot bench-live`: how fast a running process answers what another process ingests.

For each store size: a synthetic store (random unit vectors, realistic short texts) written
through Store's own write path, so the change feed and the keyword index are the real ones; a
serving child (Newsbot with its freshness thread) answering questions from a pipe; an ingest
child adding one real article at a time as `newsbot ingest` does. Measured: time from an
ingest's end to the serving child citing the new article, the first answer after an ingest
beside a warm one, the serving child's RSS, keyword query latency, index work per article and
the sizes on disk.

The synthetic store and the new articles are made in `bench_live_corpus`, the two children
run in `bench_live_procs`; this module measures each size and renders the report.
"""

from __future__ import annotations

import json
import logging
import random
import shutil
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from newsbot.harness.bench_live_corpus import (
    build_store,
    keyword_queries,
    new_article,
    settings_for,
)
from newsbot.harness.bench_live_procs import Child, LiveBenchError
from newsbot.harness.stats import percentile

log = logging.getLogger(__name__)

POLL_S = 0.1  # how often the new article is asked about until it is answered
VISIBLE_DEADLINE_S = 60.0  # give up on an article not answered by then (reported as such)
WARM_ANSWERS = 5
KEYWORD_QUERIES = 50
TARGET_SIZES = (300_000, 1_000_000)  # the sizes the targets are set at


@dataclass
class LiveConfig:
    """What to measure and where the stores go."""

    sizes: list[int] = field(default_factory=lambda: [30_000])
    repeats: int = 5
    workdir: Path = Path("bench-live")
    keep: bool = True  # reuse a store already built at a size (articles added since stay)
    timeout_s: float = VISIBLE_DEADLINE_S


def folder_mb(path: Path) -> float:
    total = sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) if path.exists() else 0
    return round(total / 2**20, 1)


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
