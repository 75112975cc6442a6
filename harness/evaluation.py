"""Score the bot on dated news questions: retrieval ranks, answers found, refusals, latency."""

from __future__ import annotations

import json
import logging
import re
import string
import time
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Protocol

from newsbot.core.errors import InputError
from newsbot.core.types import Answer, Turn
from newsbot.harness.stats import percentile
from newsbot.retrieval.answer.params import MAX_BODY_WORDS
from newsbot.retrieval.answer.quotes import strip_markers
from newsbot.retrieval.search.hybrid import Hit

log = logging.getLogger(__name__)

DEPTH = 10
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
# Published figures for the RealTimeQA dev questions (../shared/data/README.md).
REFERENCE = {
    "Google search ranking": {
        "hit_at_1": 0.489,
        "hit_at_5": 0.595,
        "hit_at_10": 0.611,
        "mrr_at_10": 0.536,
    },
    "GPT-3 + Google search": {"answer_found": 0.441, "answer_exact": 0.378},
}


class Responder(Protocol):
    """What the harness needs of the bot: an answer and the ranked hits behind it."""

    def respond(
        self,
        question: str,
        history: Sequence[Turn] = (),
        as_of: date | None = None,
        depth: int | None = None,
    ) -> tuple[Answer, list[Hit]]: ...


@dataclass(frozen=True)
class EvalQuestion:
    """One question of a questions.jsonl file; answer and gold_urls may be absent."""

    id: str
    question: str
    asked_on: date | None
    answer: str | None = None
    gold_urls: tuple[str, ...] = ()
    conversation: str | None = None
    turn: int | None = None
    noise: str | None = None


@dataclass
class Row:
    """What the bot did with one question, as written to answers.jsonl."""

    id: str
    question: str
    as_of: str | None
    text: str
    refused: bool
    citations: list[dict[str, Any]]
    retrieved_urls: list[str]
    gold_answer: str | None = None
    gold_urls: list[str] = field(default_factory=list)
    gold_rank: int | None = None
    gold_cited: bool = False
    found: bool = False
    found_words: bool = False
    found_early: bool = False
    exact: bool = False
    body_words: int = 0
    latency_ms: float = 0.0
    conversation: str | None = None
    turn: int | None = None
    noise: str | None = None


def read_rows(path: str | Path) -> list[dict[str, Any]]:
    """Read a questions.jsonl file as raw records (an id is added where a line lacks one)."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError as error:
        raise InputError(str(path), f"cannot read the questions file: {error.strerror}") from error
    rows = []
    for n, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except ValueError as error:
            raise InputError(f"{path}:{n}", f"not a question record: {error}") from error
        if not isinstance(item, dict):
            raise InputError(f"{path}:{n}", "not a question record: not a JSON object")
        rows.append({"id": str(n), **item, "_line": f"{path}:{n}"})
    return rows


def to_question(item: dict[str, Any]) -> EvalQuestion:
    """Read one record (id, question, asked_on, answer, gold_urls, conversation, turn, noise)."""
    try:
        asked = item.get("asked_on")
        conversation = item.get("conversation")
        turn = item.get("turn")
        return EvalQuestion(
            id=str(item["id"]),
            question=str(item["question"]),
            asked_on=date.fromisoformat(asked) if asked else None,
            answer=item.get("answer"),
            gold_urls=tuple(item.get("gold_urls") or ()),
            conversation=str(conversation) if conversation is not None else None,
            turn=int(turn) if turn is not None else None,
            noise=item.get("noise"),
        )
    except (ValueError, KeyError, TypeError) as error:
        where = item.get("_line", str(item.get("id", "?")))
        raise InputError(where, f"not a question record: {error}") from error


def load_questions(path: str | Path, noise: Sequence[str] = ()) -> list[EvalQuestion]:
    """Read a questions.jsonl file; with noise kinds, one (noisy) copy of each per kind."""
    rows = read_rows(path)
    if noise:
        rows = with_noise(rows, noise)
    return [to_question(item) for item in rows]


def with_noise(rows: Sequence[dict[str, Any]], kinds: Sequence[str]) -> list[dict[str, Any]]:
    """Copy the questions once per noise kind; each kind's conversations stay whole.

    A kind that does not apply to a question (no hyphen to drop) skips it, except inside a
    conversation, where the turn is kept as written so that the later turns keep their
    history.
    """
    from newsbot.harness.noise import noisy_copies

    try:
        copies = {(c["id"], c["noise"]): c for c in noisy_copies(rows, kinds)}
    except ValueError as error:
        raise InputError("--noise", str(error)) from error
    out = []
    for kind in kinds:
        for row in rows:
            copy = copies.get((f"{row['id']}-{kind}", kind))
            if copy is None and row.get("conversation") is None:
                continue
            copy = copy or {**row, "id": f"{row['id']}-{kind}", "noise": kind}
            if row.get("conversation") is not None:
                copy["conversation"] = f"{row['conversation']}-{kind}"
            out.append(copy)
    return out


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


def aliases_from_skips(skips: Iterable[str]) -> dict[str, str]:
    """Map each article skipped as a duplicate ("URL: duplicate of URL") to the copy kept."""
    aliases = {}
    for line in skips:
        skipped, sep, kept = line.partition(": duplicate of ")
        if sep and kept and not kept.startswith("id "):
            aliases[skipped.strip()] = kept.strip()
    return aliases


def evaluate_one(
    bot: Responder,
    q: EvalQuestion,
    depth: int = DEPTH,
    aliases: dict[str, str] | None = None,
    history: Sequence[Turn] = (),
) -> Row:
    """Ask one question as of its day (after the turns of its conversation) and score it."""
    row, _ = _ask(bot, q, depth, aliases, history)
    return row


def _ask(
    bot: Responder,
    q: EvalQuestion,
    depth: int,
    aliases: dict[str, str] | None,
    history: Sequence[Turn],
) -> tuple[Row, Answer]:
    started = time.perf_counter()
    answer, hits = bot.respond(q.question, history, as_of=q.asked_on, depth=depth)
    latency = (time.perf_counter() - started) * 1000
    retrieved: list[str] = []
    for hit in hits:
        url = hit.chunk.metadata.get("url") or hit.chunk.metadata.get("path") or ""
        if url not in retrieved:
            retrieved.append(url)
    cited = [c.url or c.path or "" for c in answer.citations]
    body = strip_markers(answer.text)
    # A gold article stored under its duplicate's URL is still the gold article.
    gold = set(q.gold_urls) | {aliases[u] for u in q.gold_urls if aliases and u in aliases}
    rank = next((i for i, url in enumerate(retrieved[:depth], start=1) if url in gold), None)
    expected = q.answer or ""
    row = Row(
        id=q.id,
        question=q.question,
        as_of=q.asked_on.isoformat() if q.asked_on else None,
        text=body,
        refused=answer.refused,
        citations=[{"n": c.n, "url": c.url or c.path, "title": c.title} for c in answer.citations],
        retrieved_urls=retrieved[:depth],
        gold_answer=q.answer,
        gold_urls=list(q.gold_urls),
        gold_rank=rank,
        gold_cited=not answer.refused and bool(gold & set(cited)),
        found=bool(expected) and answer_found(expected, body),
        found_words=bool(expected) and answer_found_words(expected, body),
        found_early=bool(expected) and answer_found_early(expected, body),
        exact=bool(expected) and normalize(expected) == normalize(body),
        body_words=len(body.split()),
        latency_ms=round(latency, 1),
        conversation=q.conversation,
        turn=q.turn,
        noise=q.noise,
    )
    return row, answer


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


def report_for(rows: Sequence[Row]) -> dict[str, Any]:
    """The figures of summarize, with first and follow-up turns apart when there are turns."""
    report = summarize(rows)
    if any(r.conversation is not None for r in rows):
        report["by_turn"] = {
            "first": summarize([r for r in rows if (r.turn or 1) <= 1]),
            "follow_up": summarize([r for r in rows if (r.turn or 1) > 1]),
        }
    return report


def full_report(rows: Sequence[Row]) -> dict[str, Any]:
    """Every figure over all rows, then per noise kind when the questions were noised."""
    report = report_for(rows)
    kinds = list(dict.fromkeys(r.noise for r in rows if r.noise is not None))
    if kinds:
        report["by_noise"] = {k: report_for([r for r in rows if r.noise == k]) for k in kinds}
    return report


def in_asking_order(questions: Sequence[EvalQuestion]) -> list[EvalQuestion]:
    """Order the questions so each conversation's turns come together, by turn number.

    A conversation is asked where its first turn appears in the file.
    """
    groups: dict[str, list[EvalQuestion]] = {}
    order: list[EvalQuestion | str] = []
    for q in questions:
        if q.conversation is None:
            order.append(q)
            continue
        if q.conversation not in groups:
            groups[q.conversation] = []
            order.append(q.conversation)
        groups[q.conversation].append(q)
    out: list[EvalQuestion] = []
    for item in order:
        if isinstance(item, str):
            out += sorted(groups[item], key=lambda q: q.turn or 0)
        else:
            out.append(item)
    return out


def run_questions(
    bot: Responder,
    questions: Sequence[EvalQuestion],
    on_row: Callable[[int, Row], None] | None = None,
    aliases: dict[str, str] | None = None,
) -> list[Row]:
    """Ask every question as of its own day; a conversation's turns in order, with history.

    The history of a turn is the bot's own earlier answers in that conversation, as a chat
    would hold them, not the gold answers.
    """
    rows = []
    histories: dict[str, list[Turn]] = {}
    for n, q in enumerate(in_asking_order(questions), start=1):
        history = histories.setdefault(q.conversation, []) if q.conversation else []
        row, answer = _ask(bot, q, DEPTH, aliases, list(history))
        if q.conversation:
            history.append(Turn.of(q.question, answer))
        rows.append(row)
        if on_row:
            on_row(n, row)
    return rows


def write_outputs(out: Path, report: dict[str, Any], rows: Sequence[Row]) -> dict[str, Path]:
    """Write report.json, answers.jsonl and chart.png under out."""
    out.mkdir(parents=True, exist_ok=True)
    paths = {
        "report": out / "report.json",
        "answers": out / "answers.jsonl",
        "chart": out / "chart.png",
    }
    paths["report"].write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    with paths["answers"].open("w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(asdict(row), ensure_ascii=False) + "\n")
    draw_chart(report, paths["chart"])
    return paths


def draw_chart(report: dict[str, Any], path: Path) -> None:
    """Bar chart of hit@k and answers found, beside the published reference figures."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    metrics = ["hit_at_1", "hit_at_5", "hit_at_10", "mrr_at_10", "answer_found"]
    labels = ["hit@1", "hit@5", "hit@10", "MRR@10", "answer found"]
    series = {"newsbot": report, **REFERENCE}
    width = 0.8 / len(series)
    fig, ax = plt.subplots(figsize=(8, 4.2))
    for i, (name, values) in enumerate(series.items()):
        xs = [m + (i - (len(series) - 1) / 2) * width for m in range(len(metrics))]
        ys = [values.get(key) or 0.0 for key in metrics]
        bars = ax.bar(xs, ys, width, label=name)
        for bar, key in zip(bars, metrics, strict=True):
            if values.get(key) is not None:
                ax.annotate(
                    f"{values[key]:.2f}",
                    (bar.get_x() + bar.get_width() / 2, bar.get_height()),
                    ha="center",
                    va="bottom",
                    fontsize=7,
                )
    ax.set_xticks(range(len(metrics)), labels)
    ax.set_ylim(0, 1.05)
    ax.set_ylabel("fraction of questions")
    ax.set_title(
        f"newsbot on {report['n_questions']} questions ({report['n_with_gold']} with gold); "
        "references: RealTimeQA dev"
    )
    ax.legend(loc="upper right", fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


# The columns of the per-turn and per-noise tables printed under the main one, with headers.
GROUP_COLUMNS = {
    "n_questions": "n",
    "hit_at_5": "hit@5",
    "mrr_at_10": "MRR@10",
    "answer_found": "found",
    "answer_found_first_25_words": "first 25",
    "refusal_rate_with_gold": "refused gold",
    "refusal_rate_without_gold": "refused none",
}


def format_table(report: dict[str, Any]) -> str:
    """Render the report's figures as an aligned two-column table, then its groups side by side."""
    flat = {k: v for k, v in report.items() if not isinstance(v, dict)}
    width = max(len(k) for k in flat)
    lines = []
    for key, value in flat.items():
        if isinstance(value, float):
            value = f"{value:.3f}" if "latency" not in key else f"{value:.1f}"
        lines.append(f"{key:<{width}}  {'-' if value is None else value}")
    groups = {
        f"{name}.{group}": figures
        for name in ("by_turn", "by_noise")
        for group, figures in report.get(name, {}).items()
    }
    groups |= {
        f"by_noise.{kind}.{turn}": figures
        for kind, section in report.get("by_noise", {}).items()
        for turn, figures in section.get("by_turn", {}).items()
    }
    if groups:
        label = max(len(g) for g in groups)
        lines.append("")
        lines.append(" ".join([f"{'':<{label}}", *(f"{c:>12}" for c in GROUP_COLUMNS.values())]))
        for group, figures in groups.items():
            cells = [_cell(figures.get(c)) for c in GROUP_COLUMNS]
            lines.append(" ".join([f"{group:<{label}}", *(f"{c:>12}" for c in cells)]))
    return "\n".join(lines)


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    return f"{value:.3f}" if isinstance(value, float) else str(value)
