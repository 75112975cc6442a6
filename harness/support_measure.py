"""Time the support check per answer, and compare its word overlap with embedding similarity.

In the comparison figures and names are checked the same way in every variant; only the "rest
of the sentence is close to the passage" part changes: the share of content words in the
passage, the cosine of the sentence with the passage's most similar sentence, or both.
"""

from __future__ import annotations

import functools
import random
import statistics
import time
from typing import Any

import numpy as np

from newsbot.core.sentences import split_sentences
from newsbot.harness.support_eval import FAITHFUL, KINDS, Doc, Item, claim_like
from newsbot.harness.support_rewrite import paraphrase
from newsbot.retrieval.answer import claim_check as support
from newsbot.retrieval.answer.claim_check import (
    MIN_OVERLAP,
    Evidence,
    claim_text,
    keep_supported,
    stems,
    verdict,
)

LEVELS = (0.3, 0.4, 0.5, 0.6, 0.7)


def cited(evidence: list[Evidence], n: int) -> Evidence | None:
    """The evidence of passage [n] of an answer, if there is one."""
    return evidence[n - 1] if 1 <= n <= len(evidence) else None


def answer_cost(docs: list[Doc], seed: int, answers: int = 100) -> dict[str, float]:
    """Time the whole check of 5-sentence answers citing two articles, each shown to the model
    as 3 chunks (as the prompt has): 3 sentences from the first, 2 from the second."""
    support._tokenizer.cache_clear()  # the first answer pays for a cold stem cache
    rng = random.Random(seed)
    times: list[float] = []
    cpu_times: list[float] = []  # CPU time: what the check costs when no other work competes
    pool = [d for d in docs if len(d.chunks) >= 3]
    pool = pool if len(pool) >= 2 else docs  # a small set: the articles as they are
    for _ in range(answers):
        first, second = rng.sample(pool, 2)
        passages = ["\n".join([d.title, *d.chunks[:3]]) for d in (first, second)]
        picked = []
        for n, (passage, count) in enumerate(zip(passages, (3, 2), strict=True), start=1):
            sentences = [s for s in split_sentences(passage) if claim_like(s)]
            chosen = rng.sample(sentences, min(count, len(sentences)))
            picked += [(paraphrase(s, rng) or s)[:-1] + f" [{n}]." for s in chosen]
        started, cpu = time.perf_counter(), time.process_time()
        pairs = zip(passages, (first, second), strict=True)
        evidence = [Evidence.of(p, d.published) for p, d in pairs]
        keep_supported(" ".join(picked), functools.partial(cited, evidence))
        times.append((time.perf_counter() - started) * 1000)
        cpu_times.append((time.process_time() - cpu) * 1000)
    cold = times[0]
    times.sort()
    return {
        "answers": len(times),
        "first_ms": round(cold, 2),
        "median_ms": round(statistics.median(times), 2),
        "p95_ms": round(times[int(len(times) * 0.95) - 1], 2),
        "max_ms": round(times[-1], 2),
        "cpu_median_ms": round(statistics.median(cpu_times), 2),
        "cpu_max_ms": round(max(cpu_times), 2),
    }


def signals(items: list[Item], embedder: Any) -> list[tuple[bool, float, float]]:
    """For each item: figures and names found, word overlap, best cosine with a passage sentence."""
    out = []
    passages: dict[str, tuple[Evidence, np.ndarray]] = {}
    for item in items:
        if item.passage not in passages:
            vectors = embedder.encode(split_sentences(item.passage.replace("\n", "\n\n")))
            passages[item.passage] = (Evidence.of(item.passage, item.published), vectors)
        evidence, vectors = passages[item.passage]
        rules = verdict(item.sentence, evidence, min_overlap=0.0).supported
        wanted = stems(claim_text(item.sentence))
        overlap = len(wanted & evidence.stems) / len(wanted) if wanted else 1.0
        cosine = float((vectors @ embedder.encode([item.sentence])[0]).max())
        out.append((rules, overlap, cosine))
    return out


def shares(items: list[Item], kept: list[bool]) -> dict[str, float]:
    """Share kept (faithful kinds) or caught (corrupted kinds), per kind."""
    result = {}
    for kind in KINDS:
        mine = [k for item, k in zip(items, kept, strict=True) if item.kind == kind]
        if mine:
            share = sum(mine) / len(mine)
            result[kind] = round(share if kind in FAITHFUL else 1 - share, 3)
    return result


def compare(items: list[Item], embedder: Any) -> dict[str, Any]:
    """Score word overlap, embedding similarity and both, each at a few thresholds."""
    found = signals(items, embedder)
    report: dict[str, Any] = {
        "overlap": {f"{t:.2f}": shares(items, [r and o >= t for r, o, _ in found]) for t in LEVELS},
        "embedding": {
            f"{t:.2f}": shares(items, [r and c >= t for r, _, c in found]) for t in LEVELS
        },
        "both": {
            f"overlap {MIN_OVERLAP} + cosine {t:.2f}": shares(
                items, [r and o >= MIN_OVERLAP and c >= t for r, o, c in found]
            )
            for t in LEVELS
        },
    }
    return report


def embedding_cost(embedder: Any, passage: str, sentences: list[str], runs: int = 20) -> float:
    """Median ms to embed a 3-chunk passage's sentences and a 5-sentence answer (no cache)."""
    parts = split_sentences(passage.replace("\n", "\n\n"))
    embedder.encode(parts[:2])  # load the model outside the timing
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        embedder.encode(parts)
        embedder.encode(sentences)
        times.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(times), 1)
