"""`newsbot bench`: measure ingest, answers, start-up, memory, scaling; write JSON, table, PNG."""

from __future__ import annotations

import json
import logging
import math
import os
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from newsbot.core.errors import NewsbotError

log = logging.getLogger(__name__)


class BenchError(NewsbotError):
    """A benchmark step failed; the message names the step."""


@dataclass
class BenchConfig:
    """What to measure and where to write it."""

    articles: Path
    questions: Path | None = None
    out_dir: Path | None = None  # None: write nothing, only return the report
    markdown: Path | None = None  # default: out_dir / BENCHMARKS.md
    label: str = ""
    limit: int = 0  # at most this many articles, the questions' gold ones first (0: all)
    repeat: int = 1  # interleaved rounds of ours / raw encode / tutorial
    tutorial: bool = True
    batch_chunks: int = 256
    batch_size: int = 16
    threads: int = 0
    backend: str = "auto"  # one of retrieval.embeddings.BACKENDS (ingest and warm answers)
    model: str = ""
    device: str = "auto"
    cli_repeat: int = 2
    scale_sizes: list[int] = field(default_factory=lambda: [1_000, 10_000, 100_000, 1_000_000])
    scale_budget_s: float = 600.0
    rss_articles: list[int] = field(default_factory=lambda: [1_000, 50_000])
    rss_chroma_url: str = ""  # also measure ingest RSS against this `chroma run` server
    chart: bool = True
    levers: bool = False  # also time each embedding setting in LEVERS on the same chunks


# (name, config overrides, environment overrides): one child process each.
LEVERS: list[tuple[str, dict[str, Any], dict[str, str]]] = [
    ("torch, passive OpenMP waits", {"backend": "torch"}, {}),
    ("torch, spinning OpenMP waits", {"backend": "torch"}, {"OMP_WAIT_POLICY": "ACTIVE"}),
    ("torch, 1 thread", {"backend": "torch", "threads": 1}, {}),
    ("torch bf16 (auto's bulk engine where the CPU has bf16)", {"backend": "torch-bf16"}, {}),
    ("onnx fp32, batch 16 (auto's question engine on a CPU)", {"backend": "onnx"}, {}),
    ("onnx fp32, 1 thread", {"backend": "onnx", "threads": 1}, {}),
    ("onnx fp32, batch 64", {"backend": "onnx", "batch_size": 64}, {}),
    ("onnx fp32, batch 128", {"backend": "onnx", "batch_size": 128}, {}),
    ("onnx int8", {"backend": "onnx-int8"}, {}),
]


def resolve_inputs(config: BenchConfig) -> tuple[Path, Path | None]:
    """Find the articles and the questions: a data folder holds articles.jsonl beside them."""
    articles, questions = config.articles, config.questions
    if articles.is_dir() and (articles / "articles.jsonl").is_file():
        if questions is None and (articles / "questions.jsonl").is_file():
            questions = articles / "questions.jsonl"
        articles = articles / "articles.jsonl"
    if questions is None and (articles.parent / "QUESTIONS.md").is_file():
        questions = articles.parent / "QUESTIONS.md"
    if not articles.exists():
        raise BenchError(f"{articles}: no such file or folder")
    return articles, questions


def write_corpus(
    articles: Path, work: Path, limit: int = 0, keep: frozenset[str] = frozenset()
) -> dict[str, Any]:
    """Copy the articles into one JSONL file, plus a copy where 1 % of them changed."""
    from newsbot.ingest.sources import iter_articles

    records: list[dict[str, Any]] = []
    for item in iter_articles([str(articles)]):
        if isinstance(item, NewsbotError):
            continue
        article, _ = item
        records.append(
            {
                # Files without a URL are known by path and id, so gold file names still match.
                "url": article.url or f"{article.path}#{article.id}",
                "title": article.title,
                "text": article.text,
                "source": article.source,
                "author": article.author,
                "published_at": article.published_at.isoformat() if article.published_at else None,
            }
        )
    if not records:
        raise BenchError(f"{articles}: no readable articles")
    if limit:  # the questions' gold articles first, so a subset still answers them
        gold = [r for r in records if r["url"] in keep]
        records = (gold + [r for r in records if r["url"] not in keep])[:limit]
    corpus, changed = work / "corpus.jsonl", work / "corpus-changed.jsonl"
    n_changed = max(1, math.ceil(len(records) * 0.01))
    step = len(records) / n_changed
    picked = {int(i * step) for i in range(n_changed)}
    with corpus.open("w", encoding="utf-8") as a, changed.open("w", encoding="utf-8") as b:
        for i, record in enumerate(records):
            a.write(json.dumps(record) + "\n")
            if i in picked:
                record = {**record, "text": record["text"] + "\n\nThis story has been updated."}
            b.write(json.dumps(record) + "\n")
    return {"corpus": corpus, "changed": changed, "articles": len(records), "n_changed": n_changed}


def write_questions(source: Path | None, work: Path) -> tuple[Path | None, int]:
    """Normalise questions.jsonl or a QUESTIONS.md table into {question, asked_on, gold}."""
    if source is None:
        return None, 0
    rows: list[dict[str, Any]] = []
    if source.suffix == ".md":
        row = re.compile(r"^\|\s*\d+\s*\|\s*(?P<q>[^|]+?)\s*\|[^|]*\|\s*`(?P<file>[^`]+)`")
        for line in source.read_text(encoding="utf-8").splitlines():
            if match := row.match(line):
                rows.append({"question": match["q"], "asked_on": None, "gold": [match["file"]]})
    else:
        with source.open(encoding="utf-8") as handle:
            for line in handle:
                if line.strip():
                    q = json.loads(line)
                    gold = q.get("gold_urls") or q.get("gold") or []
                    rows.append(
                        {"question": q["question"], "asked_on": q.get("asked_on"), "gold": gold}
                    )
    path = work / "questions.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path, len(rows)


def gold_urls(questions: Path | None) -> frozenset[str]:
    if questions is None:
        return frozenset()
    rows = [json.loads(line) for line in questions.read_text(encoding="utf-8").splitlines()]
    return frozenset(url for row in rows for url in row["gold"])


def child_env() -> dict[str, str]:
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false"}
    env["ANONYMIZED_TELEMETRY"] = "False"
    return env


def run_child(task: str, config: dict[str, Any], **env: str) -> dict[str, Any]:
    """Run one measurement in a fresh Python process and return its JSON result."""
    log.info("bench: %s %s", task, env or "")
    command = [
        sys.executable,
        "-m",
        "newsbot.harness.bench_tasks",
        task,
        json.dumps(config, default=str),
    ]
    environ = {**child_env(), **env}
    done = subprocess.run(command, capture_output=True, text=True, env=environ)
    if done.returncode != 0:
        tail = done.stderr.strip().splitlines()[-1:] or ["(no output)"]
        raise BenchError(f"bench step {task!r} failed: {tail[0]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def wall_time(command: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, env=env)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise BenchError(f"{' '.join(command[:4])}… failed: {done.stderr.strip()[-300:]}")
    return seconds


def newsbot_command() -> list[str]:
    script = Path(sys.executable).with_name("newsbot")
    return [str(script)] if script.exists() else [sys.executable, "-m", "newsbot.bot.cli"]


def time_cli(data_dir: Path, question: str, config: BenchConfig) -> dict[str, Any]:
    """Time `newsbot --help`, a cold `newsbot ask`, importing plus loading the model, and
    importing the libraries every answer goes through (Chroma, LangChain's retriever, bm25s):
    they hold the interpreter lock, so a cold ask cannot take less than that import."""
    env = {**child_env(), "NEWSBOT_DATA_DIR": str(data_dir), "NEWSBOT_CHROMA_URL": ""}
    env["NEWSBOT_EMBEDDING_MODEL"] = config.model
    env["NEWSBOT_EMBEDDING_BACKEND"] = config.backend  # for when settings carry it
    load = (
        "from newsbot.store.embeddings import Embedder; "
        f"Embedder({config.model!r}, {config.device!r}, backend={config.backend!r})"
        ".encode_query('warm up')"
    )
    libraries = "import chromadb, langchain_core.retrievers, bm25s"
    helps, asks, loads, imports = [], [], [], []
    for _ in range(max(1, config.cli_repeat)):
        helps.append(wall_time([*newsbot_command(), "--help"], env))
        loads.append(wall_time([sys.executable, "-c", load], env))
        imports.append(wall_time([sys.executable, "-c", libraries], env))
        asks.append(wall_time([*newsbot_command(), "ask", question, "--json"], env))
    help_s, ask_s, load_s, imports_s = (statistics.median(v) for v in (helps, asks, loads, imports))
    return {
        "help_s": round(help_s, 3),
        "cold_ask_s": round(ask_s, 3),
        "import_and_load_model_s": round(load_s, 3),
        "cold_ask_over_model_s": round(ask_s - load_s, 3),
        "import_libraries_s": round(imports_s, 3),
        "runs": max(1, config.cli_repeat),
    }


def run_bench(config: BenchConfig) -> dict[str, Any]:
    """Run every measurement on the configured articles and write JSON, Markdown and PNG."""
    from newsbot.harness import bench_report

    articles, questions_source = resolve_inputs(config)
    label = config.label or (articles.parent.name if articles.is_file() else articles.name)
    label = re.sub(r"[^A-Za-z0-9_.-]+", "-", label).strip("-") or "bench"
    started = time.perf_counter()
    load_start = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="newsbot-bench-") as tmp:
        work = Path(tmp)
        questions, n_questions = write_questions(questions_source, work)
        corpus = write_corpus(articles, work, config.limit, gold_urls(questions))
        base = {
            "model": config.model,
            "device": config.device,
            "batch_size": config.batch_size,
            "threads": config.threads,
            "backend": config.backend,
            "batch_chunks": config.batch_chunks,
            "questions": str(questions) if questions else None,
        }
        ingest = run_child(
            "ingest",
            {
                **base,
                "workdir": str(work),
                "corpus": str(corpus["corpus"]),
                "changed_corpus": str(corpus["changed"]),
                "repeat": config.repeat,
                "tutorial": config.tutorial,
            },
        )
        serve = run_child("serve", {**base, "data_dir": str(work / "ours-0")})
        levers = []
        if config.levers:
            for name, overrides, env in LEVERS:
                lever = {**base, **overrides, "chunks": str(work / "chunks.json")}
                levers.append({"lever": name, **run_child("lever", lever, **env)})
        first_question = "What happened this week?"
        if questions:
            first_question = json.loads(questions.read_text().splitlines()[0])["question"]
        cli = time_cli(work / "ours-0", first_question, config)
        rss = []
        for url in ("", config.rss_chroma_url) if config.rss_chroma_url else ("",):
            for n in config.rss_articles:
                where = work / f"rss-{n}"
                rss.append(
                    run_child(
                        "synthetic_ingest",
                        {**base, "articles": n, "workdir": str(where), "chroma_url": url},
                    )
                )
                shutil.rmtree(where, ignore_errors=True)
        scale = run_child(
            "scale",
            {"sizes": config.scale_sizes, "budget_s": config.scale_budget_s, "workdir": str(work)},
        )
    result = bench_report.assemble(ingest, serve, cli, rss, scale, corpus["articles"])
    result["levers"] = levers
    result["backend"] = ingest.get("backend", config.backend)
    result.update(
        label=label,
        created=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        corpus_path=str(articles),
        command="newsbot " + shlex.join(sys.argv[1:]),
        questions=n_questions,
        changed_articles=corpus["n_changed"],
        seconds=round(time.perf_counter() - started, 1),
        machine={
            "cpus": os.cpu_count(),
            "load_avg_start": [round(x, 2) for x in load_start],
            "load_avg_end": [round(x, 2) for x in os.getloadavg()],
            "python": sys.version.split()[0],
        },
        config={k: str(v) if isinstance(v, Path) else v for k, v in asdict(config).items()},
    )
    if config.out_dir is not None:
        bench_report.write_outputs(result, config.out_dir, config.markdown, chart_png=config.chart)
    return result
