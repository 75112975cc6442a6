"""Scaling on synthetic data: ingest memory by corpus size, query time by store size."""

from __future__ import annotations

import json
import math
import os
import random
import time
from pathlib import Path
from typing import Any

import numpy as np

_VOCABULARY = (
    "council harbor ferry budget school river storm vote market bridge clinic farm satellite "
    "museum league court mayor county plant energy transit police water festival union"
)
WORDS = _VOCABULARY.split()
DIMENSIONS = 384
FIRST_DAY = 738000  # an ordinal day in 2021; synthetic chunks spread over the next 1000 days


def write_synthetic_articles(path: Path, n: int, seed: int = 7) -> None:
    """Write n short synthetic articles (a sentence or two each) as JSON Lines."""
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8") as handle:
        for i in range(n):
            words = rng.choices(WORDS, k=rng.randint(12, 30))
            text = f"{' '.join(words[:10]).capitalize()}. {' '.join(words[10:]).capitalize()}."
            record = {
                "url": f"https://example.invalid/synthetic/{i}",
                "title": f"Synthetic story {i} about the {rng.choice(WORDS)}",
                "text": text,
                "source": "example.invalid",
                "published_at": f"2024-{1 + i % 12:02d}-{1 + i % 28:02d}",
            }
            handle.write(json.dumps(record) + "\n")


def task_synthetic_ingest(config: dict[str, Any]) -> dict[str, Any]:
    """Ingest n synthetic articles into a fresh store; the caller reads this process's peak RSS."""
    from newsbot.harness.bench_tasks import make_embedder, open_store, peak_rss_mb, timed_ingest

    work = Path(config["workdir"])
    work.mkdir(parents=True, exist_ok=True)
    corpus = work / "synthetic.jsonl"
    n = int(config["articles"])
    write_synthetic_articles(corpus, n)
    embedder = make_embedder(config)
    rss_loaded = peak_rss_mb()
    # With a server URL the store (and its vector index) lives in the server's process, so
    # this process's peak is the pipeline's own; each run gets a collection of its own there.
    url = str(config.get("chroma_url") or "")
    collection = f"rss-{n}-{os.getpid()}" if url else "newsbot"
    store = open_store(work / "store", embedder, url, collection)
    seconds, report = timed_ingest(store, corpus, int(config.get("batch_chunks", 256)))
    return {
        "articles": n,
        "store": "server" if url else "embedded",
        "chunks": report.chunks_embedded,
        "seconds": round(seconds, 2),
        "articles_per_s": round(n / seconds, 1) if seconds else None,
        "model_loaded_rss_mb": round(rss_loaded, 1),
        "peak_rss_mb": round(peak_rss_mb(), 1),
    }


def unit_vectors(rng: np.random.Generator, n: int) -> np.ndarray:
    vectors = rng.standard_normal((n, DIMENSIONS), dtype=np.float32)
    unit: np.ndarray = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    return unit


def synthetic_day(position: int) -> int:
    return FIRST_DAY + position % 1000


def time_queries(
    collection: Any, rng: np.random.Generator, count: int, n_queries: int, k: int
) -> dict[str, Any]:
    """Time the store's part of a dense search the way HybridSearcher._dense asks for it.

    query: an "as of" window holding 90 % of the store: ids and distances only for
    k * 1.5 / 0.9 neighbours, the window applied in Python. narrow: a one-week window
    (7 of the 1,000 synthetic days): the nearest k among that window's ids. chroma_filter:
    Chroma's own metadata filter for the as-of window, the way the searcher asked before
    (fewer queries: it is the slow one).
    """
    from newsbot.harness.bench_tasks import summary_ms

    latest = FIRST_DAY + 900
    wide_k = math.ceil(k * 1.5 / 0.9)
    week = [f"c{i}" for i in range(count) if FIRST_DAY + 500 <= synthetic_day(i) < FIRST_DAY + 507]
    timings: dict[str, list[float]] = {"query": [], "narrow": [], "chroma_filter": []}
    fewest_inside = k
    for n, vector in enumerate(unit_vectors(rng, n_queries + 3)):
        started = time.perf_counter()
        found = collection.query(query_embeddings=[vector], n_results=wide_k, include=["distances"])
        inside = [cid for cid in found["ids"][0] if synthetic_day(int(cid[1:])) <= latest][:k]
        timings["query"].append(time.perf_counter() - started)
        fewest_inside = min(fewest_inside, len(inside))
        started = time.perf_counter()
        collection.query(query_embeddings=[vector], n_results=k, ids=week, include=["distances"])
        timings["narrow"].append(time.perf_counter() - started)
        if n < min(n_queries, 10) + 3:
            started = time.perf_counter()
            collection.query(
                query_embeddings=[vector],
                n_results=k,
                where={"published_day": {"$lte": latest}},
                include=["documents", "metadatas", "distances"],
            )
            timings["chroma_filter"].append(time.perf_counter() - started)
    summaries: dict[str, Any] = {name: summary_ms(v[3:]) for name, v in timings.items()}
    summaries["fewest_inside"] = fewest_inside  # < k would send the searcher to its ids path
    return summaries


def task_scale(config: dict[str, Any]) -> dict[str, Any]:
    """Grow one Chroma collection of synthetic vectors size by size, timing queries at each."""
    import chromadb
    from chromadb.config import Settings

    from newsbot.harness.bench_tasks import peak_rss_mb

    sizes = sorted(int(s) for s in config["sizes"])
    budget = float(config.get("budget_s", 600))
    n_queries = int(config.get("queries", 50))
    k = int(config.get("k", 100))  # SearchParams.dense_k
    rng = np.random.default_rng(11)
    client = chromadb.PersistentClient(
        path=str(Path(config["workdir"]) / "scale"), settings=Settings(anonymized_telemetry=False)
    )
    collection = client.get_or_create_collection("scale", metadata={"hnsw:space": "cosine"})
    batch = min(5000, int(client.get_max_batch_size()))
    started = time.perf_counter()
    levels: list[dict[str, Any]] = []
    stopped = None
    count = 0
    rate = None
    for size in sizes:
        elapsed = time.perf_counter() - started
        if rate and elapsed + (size - count) / rate > budget:
            stopped = (
                f"stopped before {size:,} chunks: adding {size - count:,} more at "
                f"{rate:,.0f} chunks/s would pass the {budget:.0f} s budget "
                f"({elapsed:.0f} s spent)"
            )
            break
        add_started = time.perf_counter()
        while count < size and time.perf_counter() - started < budget:
            n = min(batch, size - count)
            collection.add(
                ids=[f"c{i}" for i in range(count, count + n)],
                embeddings=unit_vectors(rng, n),
                documents=[f"synthetic chunk {i}" for i in range(count, count + n)],
                metadatas=[{"published_day": synthetic_day(i)} for i in range(count, count + n)],
            )
            count += n
        if count < size:
            stopped = f"stopped at {count:,} of {size:,} chunks: the {budget:.0f} s budget ran out"
        added = count - (levels[-1]["chunks"] if levels else 0)
        rate = added / max(time.perf_counter() - add_started, 1e-9)
        levels.append(
            {
                "chunks": count,
                "add_rate_per_s": round(rate, 1),
                **time_queries(collection, rng, count, n_queries, k),
                "peak_rss_mb": round(peak_rss_mb(), 1),
            }
        )
        if stopped:
            break
    return {"levels": levels, "stopped": stopped, "k": k, "budget_s": budget}
