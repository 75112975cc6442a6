"""Figures a later report revised, against a judge: `newsbot eval-revisions`.

Each pair is two dated reports of one story: a true revision (the judge names the older and
the newer value of one figure) or a near miss (figures that differ but count different
things, or the same value again, or two outlets on one day), which must give no note. Dev
pairs name their articles by id (their text is read from the articles file, never kept in
the repository); made-up pairs carry their text.

The finders are the product's (`retrieval/answer/revisions.py`), on reports published on
different days: `story`, the test a timeline applies to its steps (`revised_in_story`: the
reports are known to be of one story), and `answer`, the test an answer applies to two
retrieved sentences (`changed_between`: they must also share their frame). Each reads two
spans of a report: its opening (the first OPENING_CHARS, what a timeline reads) and its text
(the first TEXT_CHARS, any sentence of which an answer may quote). A pair is right when the
first note given has the judged old and new values; precision is right notes over notes
given, recall right notes over true pairs.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from newsbot.core.sentences import split_sentences
from newsbot.core.tokenizer import Tokenizer
from newsbot.retrieval.answer.figures import figures
from newsbot.retrieval.answer.revisions import (
    Figure,
    Reported,
    Terms,
    changed_between,
    reported,
    revised_in_story,
)
from newsbot.retrieval.topics import OPENING_CHARS

TEXT_CHARS = 3000  # of a dev article: where news gives its figures
SPANS = {"opening": OPENING_CHARS, "text": TEXT_CHARS}
MODES = ("story", "answer")


@dataclass(frozen=True)
class Report:
    """One dated report of a pair."""

    published_at: str
    text: str


@dataclass(frozen=True)
class Pair:
    """Two reports of one story, as judged."""

    story: str
    older: Report
    newer: Report
    revised: bool
    old: Decimal | None
    new: Decimal | None
    source: str


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def value(written: object) -> Decimal | None:
    """A judged value as the figure reader reads it ("2,000" and "$15.5 million" alike)."""
    found = figures(str(written)) if written is not None else []
    return found[0] if found else None


def read_pairs(paths: Sequence[Path], articles: dict[str, dict[str, Any]]) -> list[Pair]:
    """The pairs of these files; a dev pair's reports are read from `articles` by id."""
    pairs = []
    for path in paths:
        for row in read_jsonl(path):
            reports = []
            for side in ("older", "newer"):
                given = row[side]
                if isinstance(given, str):
                    article = articles.get(given)
                    if article is None:
                        raise SystemExit(f"{path}: article {given} is not in the articles file")
                    given = {"published_at": article["published_at"], "text": article["text"]}
                reports.append(Report(str(given["published_at"])[:10], str(given["text"])))
            pairs.append(
                Pair(
                    str(row["story"]),
                    reports[0],
                    reports[1],
                    bool(row["revised"]),
                    value(row.get("old")),
                    value(row.get("new")),
                    path.name,
                )
            )
    return pairs


def first_note(pair: Pair, chars: int, mode: str, terms: Terms) -> tuple[Decimal, Decimal] | None:
    """The first (older value, newer value) the finder notes on this pair, if any."""
    if pair.older.published_at == pair.newer.published_at:
        return None  # two reports of one day: which is newer is unknown
    older = [reported(s, terms) for s in split_sentences(pair.older.text[:chars])]
    newer = [reported(s, terms) for s in split_sentences(pair.newer.text[:chars])]
    found = (
        revised_in_story(older, newer, terms) if mode == "story" else first_changed(older, newer)
    )
    if found is None:
        return None
    new, old = found
    return old.value, new.value


def first_changed(
    older: Sequence[Reported], newer: Sequence[Reported]
) -> tuple[Figure, Figure] | None:
    """As an answer compares sentences: the first newer one giving an older one's figure anew."""
    for mine in (r for r in newer if r.figures):
        for theirs in (r for r in older if r.figures):
            found = changed_between(mine, theirs)
            if found is not None:
                return found
    return None


def score(pairs: Sequence[Pair], chars: int, mode: str, terms: Terms) -> dict[str, Any]:
    """Precision and recall of the notes over these pairs, with each pair's outcome."""
    rows = []
    for pair in pairs:
        note = first_note(pair, chars, mode, terms)
        judged_note = pair.revised and note == (pair.old, pair.new)
        rows.append(
            {
                "story": pair.story,
                "set": pair.source,
                "revised": pair.revised,
                "note": [f"{v:,f}" for v in note] if note else None,
                "right": judged_note,
            }
        )
    notes = sum(1 for r in rows if r["note"])
    right = sum(1 for r in rows if r["right"])
    true = sum(1 for p in pairs if p.revised)
    return {
        "pairs": len(pairs),
        "true_pairs": true,
        "notes": notes,
        "right": right,
        "false_on_near_misses": sum(1 for r in rows if r["note"] and not r["revised"]),
        "precision": round(right / notes, 3) if notes else None,
        "recall": round(right / true, 3) if true else None,
        "rows": rows,
    }


def run(pair_paths: Sequence[Path], articles_path: Path | None) -> dict[str, Any]:
    """Score the finder on each file's pairs and on all of them, over both spans."""
    articles = {r["id"]: r for r in read_jsonl(articles_path)} if articles_path else {}
    pairs = read_pairs(pair_paths, articles)
    terms = Tokenizer()
    report: dict[str, Any] = {}
    for mode in MODES:
        for span, chars in SPANS.items():
            sets = {"all": score(pairs, chars, mode, terms)}
            for path in pair_paths:
                mine = [p for p in pairs if p.source == path.name]
                sets[path.name] = score(mine, chars, mode, terms)
            report[f"{mode}/{span}"] = sets
    return report


def table(report: dict[str, Any]) -> str:
    lines = [
        f"{'finder/span':14} {'set':30} pairs true notes right near-miss-notes precision recall"
    ]
    for where, sets in report.items():
        for name, s in sets.items():
            p = "-" if s["precision"] is None else f"{s['precision']:.2f}"
            r = "-" if s["recall"] is None else f"{s['recall']:.2f}"
            lines.append(
                f"{where:14} {name[:30]:30} {s['pairs']:5} {s['true_pairs']:4} {s['notes']:5}"
                f" {s['right']:5} {s['false_on_near_misses']:15} {p:>9} {r:>6}"
            )
    for where in ("story/opening", "story/text"):
        lines.append(f"{where}, pair by pair:")
        for row in report[where]["all"]["rows"]:
            wrong = bool(row["note"] or row["revised"]) and not row["right"]
            lines.append(f"  {'BAD' if wrong else 'ok '} {row['story'][:64]:64} {row['note']}")
    return "\n".join(lines)


def add_parser(commands: Any) -> None:
    """Add `newsbot eval-revisions` to the command's subparsers."""
    evaluate = commands.add_parser(
        "eval-revisions", help="score the revised-figure finder on judged pairs of reports"
    )
    evaluate.add_argument(
        "--pairs",
        nargs="+",
        default=["examples/revision_pairs_dev.jsonl", "examples/revision_pairs_made_up.jsonl"],
        help="pair files (.jsonl)",
    )
    evaluate.add_argument("--articles", help="the articles .jsonl dev pairs name (dev's)")
    evaluate.add_argument("--out", help="write the report as JSON here")
    evaluate.set_defaults(run=run_cli)


def run_cli(args: argparse.Namespace) -> int:
    """Run the pairs and print the table."""
    paths = [Path(p) for p in args.pairs]
    needs_articles = any(
        isinstance(row["older"], str) for path in paths for row in read_jsonl(path)
    )
    if needs_articles and not args.articles:
        raise SystemExit("newsbot eval-revisions: these pairs name dev articles: give --articles")
    report = run(paths, Path(args.articles) if args.articles else None)
    if args.out:
        Path(args.out).write_text(json.dumps(report, indent=2), encoding="utf-8")
    print(table(report))
    return 0
