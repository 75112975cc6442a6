"""The metrics of `newsbot eval`: whether an answer holds the gold one, the figures over rows.

An answer's body is matched with the gold answer SQuAD style (both normalized; contained, within
the first words, or as whole words); `summarize` turns the rows of a run into the report's
figures (hit@k, MRR, answers found, refusals, latency).
"""

from __future__ import annotations

import re
import string
import unicodedata
from collections.abc import Iterable, Sequence
from typing import Any

from newsbot.harness.eval_records import Row
from newsbot.harness.stats import percentile
from newsbot.retrieval.answer.params import MAX_BODY_WORDS

# "Answer first": the gold answer within this many words of the body's start.
EARLY_WORDS = 25
REQUIRED_KEYS = {
    "n_questions",
    "n_with_gold",
    "hit_at_1",
    "hit_at_5",
    "hit_at_10",
    "mrr_at_10",
    "answer_found",
    "answer_found_first_25_words",
    "answer_exact",
    "refusal_rate",
    "latency_p50_ms",
    "latency_p95_ms",
}


def normalize(text: str) -> str:
    """Lower case, drop punctuation and a/an/the, fold whitespace (SQuAD style)."""
    text = "".join(
        " " if unicodedata.category(ch).startswith("Z") else ch
        for ch in text.lower()
        if not unicodedata.category(ch).startswith("P") and ch not in string.punctuation
    )
    text = re.sub(r"\b(a|an|the)\b", " ", text)
    return " ".join(text.split())


def answer_found(gold: str, body: str, max_words: int = MAX_BODY_WORDS) -> bool:
    """Say whether the normalized gold answer is contained in a body of at most max_words."""
    if len(body.split()) > max_words:
        return False
    needle = normalize(gold)
    return bool(needle) and needle in normalize(body)


def answer_found_early(
    gold: str, body: str, first: int = EARLY_WORDS, max_words: int = MAX_BODY_WORDS
) -> bool:
    """Say whether the gold answer lies within the body's first words: what a reader sees first."""
    if len(body.split()) > max_words:
        return False
    needle = normalize(gold)
    return bool(needle) and needle in normalize(" ".join(body.split()[:first]))


def answer_found_words(gold: str, body: str, max_words: int = MAX_BODY_WORDS) -> bool:
    """The stricter reading: the gold answer occurs as whole words ("6" is not in "2016")."""
    if len(body.split()) > max_words:
        return False
    needle = normalize(gold)
    return bool(needle) and f" {needle} " in f" {normalize(body)} "


def _mean(values: Iterable[float]) -> float | None:
    values = list(values)
    return round(sum(values) / len(values), 4) if values else None


def _latency(values: Sequence[float], q: float) -> float | None:
    return round(percentile(values, q), 1) if values else None


def summarize(rows: Sequence[Row]) -> dict[str, Any]:
    """Aggregate per-question rows into the report's figures."""
    gold = [r for r in rows if r.gold_urls]
    answered = [r for r in rows if r.gold_answer]
    no_gold = [r for r in rows if not r.gold_urls]
    latencies = [r.latency_ms for r in rows]
    return {
        "n_questions": len(rows),
        "n_with_gold": len(gold),
        "n_with_answer": len(answered),
        "hit_at_1": _mean(r.gold_rank is not None and r.gold_rank <= 1 for r in gold),
        "hit_at_5": _mean(r.gold_rank is not None and r.gold_rank <= 5 for r in gold),
        "hit_at_10": _mean(r.gold_rank is not None and r.gold_rank <= 10 for r in gold),
        "mrr_at_10": _mean(1 / r.gold_rank if r.gold_rank else 0.0 for r in gold),
        "gold_cited": _mean(r.gold_cited for r in gold),
        "answer_found": _mean(r.found for r in answered),
        "answer_found_first_25_words": _mean(r.found_early for r in answered),
        "answer_found_with_gold": _mean(r.found for r in gold if r.gold_answer),
        "answer_found_whole_words": _mean(r.found_words for r in answered),
        "answer_exact": _mean(r.exact for r in answered),
        "refusal_rate": _mean(r.refused for r in rows),
        "refusal_rate_with_gold": _mean(r.refused for r in gold),
        "refusal_rate_without_gold": _mean(r.refused for r in no_gold),
        "body_words_mean": _mean(r.body_words for r in rows if not r.refused),
        "body_words_max": max((r.body_words for r in rows), default=0),
        "latency_p50_ms": _latency(latencies, 50),
        "latency_p95_ms": _latency(latencies, 95),
    }
