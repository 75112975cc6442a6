"""Benchmark measurements that run in a child process each, so peak RSS is per measurement."""

from __future__ import annotations

import json
import resource
import shutil
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from newsbot.harness.stats import percentile


def peak_rss_mb() -> float:
    """Return this process's peak resident set size so far, in MiB (Linux counts KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def summary_ms(seconds: Sequence[float]) -> dict[str, float]:
    """Summarise latencies as p50/p95/mean in milliseconds."""
    ms = [s * 1000 for s in seconds]
    return {
        "p50_ms": round(percentile(ms, 50), 2),
        "p95_ms": round(percentile(ms, 95), 2),
        "mean_ms": round(statistics.fmean(ms), 2) if ms else 0.0,
        "n": len(ms),
    }


def is_hit(urls: Sequence[str], gold: Sequence[str]) -> bool:
    """Say whether a gold article is among the urls (file names match as substrings)."""
    return any(u == g or (not g.startswith("http") and g in u) for g in gold for u in urls)


def make_embedder(config: dict[str, Any], bulk: bool = True) -> Any:
    from newsbot.store.embeddings import Embedder

    embedder = Embedder(
        config.get("model", ""),
        config.get("device", "auto"),
        int(config.get("batch_size", 16)),
        threads=int(config.get("threads", 0)),
        backend=str(config.get("backend", "auto")),
    )
    embedder.warm_up(bulk)
    return embedder


def open_store(
    data_dir: Path, embedder: Any, chroma_url: str = "", collection: str = "newsbot"
) -> Any:
    from newsbot.retrieval.settings import RetrievalSettings
    from newsbot.store.chroma_store import Store

    settings = RetrievalSettings(
        _env_file=None, data_dir=data_dir, chroma_url=chroma_url, collection=collection
    )
    return Store(settings, embedder)


def timed_ingest(store: Any, corpus: Path, batch_chunks: int) -> tuple[float, Any]:
    from newsbot.ingest.indexer import Indexer

    started = time.perf_counter()
    report = Indexer(store, batch_chunks=batch_chunks).ingest([str(corpus)])
    return time.perf_counter() - started, report


def task_ingest(config: dict[str, Any]) -> dict[str, Any]:
    """Time our ingest, raw encode of the same chunks and the tutorial, interleaved per round."""
    from newsbot.harness import bench_tutorial
    from newsbot.store.embeddings import embedding_text

    work = Path(config["workdir"])
    corpus = Path(config["corpus"])
    embedder = make_embedder(config)
    batch_chunks = int(config.get("batch_chunks", 256))
    rounds: list[dict[str, float]] = []
    result: dict[str, Any] = {"backend": embedder.backend}
    tutorial_embeddings = None
    for n in range(int(config.get("repeat", 1))):
        store = open_store(work / f"ours-{n}", embedder)
        seconds, report = timed_ingest(store, corpus, batch_chunks)
        row = {"ours_s": seconds}
        if n == 0:
            result["ingest_peak_rss_mb"] = round(peak_rss_mb(), 1)
            result["report"] = report.to_dict()
            texts = [embedding_text(c.title, c.text) for c in store.iter_chunks()]
            result["chunks"] = len(texts)
            started = time.perf_counter()
            result["tokens"] = sum(embedder.count_tokens(texts))
            # What tokenizing once could save at most: one more pass over every chunk.
            result["tokenize_s"] = round(time.perf_counter() - started, 3)
            (work / "chunks.json").write_text(json.dumps(texts), encoding="utf-8")
        started = time.perf_counter()
        embedder.encode(texts)
        row["raw_s"] = time.perf_counter() - started
        if config.get("tutorial", True):
            if tutorial_embeddings is None:
                tutorial_embeddings = bench_tutorial.load_embeddings(config.get("model", ""))
            where = work / f"tutorial-{n}"
            tutorial_store, timing = bench_tutorial.ingest(corpus, where, tutorial_embeddings)
            row["tutorial_s"] = timing["seconds"]
            result["tutorial_chunks"] = int(timing["chunks"])
            if n == 0:
                result["tutorial_hit_at_5"] = tutorial_hits(tutorial_store, config)
        rounds.append(row)
        if n > 0:
            shutil.rmtree(work / f"ours-{n}", ignore_errors=True)
    result["rounds"] = rounds
    store = open_store(work / "ours-0", embedder)
    result["reingest_unchanged_s"], _ = timed_ingest(store, corpus, batch_chunks)
    seconds, report = timed_ingest(store, Path(config["changed_corpus"]), batch_chunks)
    result["reingest_changed_s"] = seconds
    result["reingest_changed_report"] = report.to_dict()
    return result


def tutorial_hits(store: Any, config: dict[str, Any]) -> float | None:
    from newsbot.harness import bench_tutorial

    questions = [q for q in load_questions(config) if q["gold"]]
    if not questions:
        return None
    hits = [is_hit(bench_tutorial.top_urls(store, q["question"]), q["gold"]) for q in questions]
    return round(sum(hits) / len(hits), 4)


def load_questions(config: dict[str, Any]) -> list[dict[str, Any]]:
    path = config.get("questions")
    if not path:
        return []
    with Path(path).open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def task_serve(config: dict[str, Any]) -> dict[str, Any]:
    """Answer every question warm, timing retrieval and composition apart; hit@5 alongside."""
    from newsbot.retrieval.newsbot import Newsbot
    from newsbot.retrieval.settings import RetrievalSettings
    from newsbot.store.keyword_writer import rebuild

    settings = RetrievalSettings(_env_file=None, data_dir=Path(config["data_dir"]), chroma_url="")
    embedder = make_embedder(config, bulk=False)  # a serving process embeds questions only
    started = time.perf_counter()
    newsbot = Newsbot(settings, embedder=embedder)
    _ = newsbot.searcher.keyword
    open_s = time.perf_counter() - started  # the first process also builds and saves it
    started = time.perf_counter()
    _ = Newsbot(settings, embedder=embedder).searcher.keyword
    reopen_s = time.perf_counter() - started  # later processes load the saved index
    questions = load_questions(config)
    retrieval_s: list[float] = []
    compose_s: list[float] = []
    hits: list[bool] = []
    for q in questions[:3]:  # warm every path once before timing
        newsbot.answer(q["question"], as_of=day(q))
    for q in questions:
        as_of = day(q) or date.today()
        started = time.perf_counter()
        found = newsbot.retrieve(q["question"], (), as_of)
        retrieval_s.append(time.perf_counter() - started)
        started = time.perf_counter()
        newsbot.composer.compose(q["question"], found, history=(), as_of=as_of)
        compose_s.append(time.perf_counter() - started)
        if q["gold"]:
            urls = [str(h.chunk.metadata.get("url", "")) for h in found]
            hits.append(is_hit(urls, q["gold"]))
    total = [r + c for r, c in zip(retrieval_s, compose_s, strict=True)]
    serving_rss = peak_rss_mb()
    started = time.perf_counter()
    chunks = list(newsbot.store.iter_chunks())
    read_s = time.perf_counter() - started
    aside = Path(config["data_dir"]) / "keyword-bench"
    rebuild(aside, chunks, newsbot.searcher.terms, cursor=0)
    shutil.rmtree(aside, ignore_errors=True)
    return {
        "open_s": round(open_s, 3),
        "reopen_s": round(reopen_s, 3),
        "read_chunks_s": round(read_s, 3),
        "keyword_build_s": round(time.perf_counter() - started - read_s, 3),
        "serving_peak_rss_mb": round(serving_rss, 1),
        "chunks": newsbot.store.count(),
        "retrieval": summary_ms(retrieval_s),
        "compose": summary_ms(compose_s),
        "answer": summary_ms(total),
        "hit_at_5": round(sum(hits) / len(hits), 4) if hits else None,
        "questions_with_gold": len(hits),
    }


def task_lever(config: dict[str, Any]) -> dict[str, Any]:
    """Time one embedding setting: bulk encode of the bench's chunks and single questions."""
    texts = json.loads(Path(config["chunks"]).read_text(encoding="utf-8"))[:256]
    started = time.perf_counter()
    embedder = make_embedder(config)
    load_s = time.perf_counter() - started
    started = time.perf_counter()
    embedder.encode(texts)
    bulk_s = time.perf_counter() - started
    questions = [q["question"] for q in load_questions(config)][:30] or ["What happened?"] * 10
    latencies = []
    for question in questions:
        started = time.perf_counter()
        embedder.encode_query(question)
        latencies.append(time.perf_counter() - started)
    return {
        "load_s": round(load_s, 2),
        "chunks_per_s": round(len(texts) / bulk_s, 2),
        "query": summary_ms(latencies),
    }


def day(question: dict[str, Any]) -> date | None:
    value = question.get("asked_on")
    return date.fromisoformat(value) if value else None


def tasks() -> dict[str, Callable[[dict[str, Any]], dict[str, Any]]]:
    from newsbot.harness import bench_scale

    return {
        "ingest": task_ingest,
        "serve": task_serve,
        "lever": task_lever,
        "synthetic_ingest": bench_scale.task_synthetic_ingest,
        "scale": bench_scale.task_scale,
    }


def main(argv: list[str]) -> int:
    """Run the task named in argv[1] with the JSON config in argv[2]; print JSON on stdout."""
    import logging

    logging.basicConfig(level=logging.WARNING)
    task, config = argv[1], json.loads(argv[2])
    result = tasks()[task](config)
    result["process_peak_rss_mb"] = round(peak_rss_mb(), 1)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
