"""Compare the support check's word overlap with the embedding model's similarity, and both.

Figures and names are checked the same way in every variant; only the "rest of the sentence
is close to the passage" part changes: the share of content words in the passage, the cosine
of the sentence with the passage's most similar sentence, or both thresholds at once.
"""

from __future__ import annotations

import statistics
import time
from typing import Any

import numpy as np

from newsbot.harness.support_eval import FAITHFUL, KINDS, Item
from newsbot.retrieval.support import MIN_OVERLAP, Evidence, claim_text, stems, verdict
from newsbot.retrieval.text import split_sentences

LEVELS = (0.3, 0.4, 0.5, 0.6, 0.7)


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
