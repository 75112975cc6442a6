"""Score the bot on dated news questions: retrieval ranks, answers found, refusals, latency.

Reading questions.jsonl (and its noisy copies), asking each question as of its day, the report
by turn and by noise kind, and the outputs (report.json, answers.jsonl, chart.png, the table).
The records are in `eval_records`, the metrics in `eval_metrics`, the chart in `eval_chart`.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict
from datetime import date
from pathlib import Path
from typing import Any

from newsbot.core.errors import InputError
from newsbot.core.types import Answer, Turn
from newsbot.harness.eval_chart import draw_chart
from newsbot.harness.eval_metrics import (
    answer_found,
    answer_found_early,
    answer_found_words,
    normalize,
    summarize,
)
from newsbot.harness.eval_records import EvalQuestion, Responder, Row
from newsbot.retrieval.answer.quotes import strip_markers

log = logging.getLogger(__name__)

DEPTH = 10


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
