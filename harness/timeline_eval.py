"""Timelines against a judge: for each topic with at least three judged stories, the steps
`newsbot timeline` gives over a built store, scored for precision, recall, order and time.

The judge's lists are those of the alerts set (examples/alert_topics_judged.jsonl: the
articles whose headline and opening are about the topic's story, round-ups excluded), or a
set that also gives the day each judged story's event happened
(examples/timeline_topics_fresh.jsonl: `happened`). Order is the share of consecutive right
steps whose days do not go backwards: the judged event days where the set gives them, else
the publication days.
"""

from __future__ import annotations

import itertools
import shutil
import statistics
import time
from pathlib import Path
from typing import Any

from newsbot.harness.alerts_eval import read_jsonl
from newsbot.harness.alerts_replay import STATE_FILES, stored_stories
from newsbot.retrieval.newsbot import Newsbot
from newsbot.retrieval.settings import RetrievalSettings
from newsbot.retrieval.timeline import build_timeline

MIN_STORIES = 3


def run(store_dir: Path, articles_path: Path, topics_path: Path, data_dir: Path) -> dict[str, Any]:
    """Copy the built store (its learned topics left out), build each timeline, score it."""
    if not data_dir.exists() or not any(data_dir.iterdir()):
        shutil.copytree(store_dir, data_dir, dirs_exist_ok=True)
        for name in STATE_FILES:
            (data_dir / name).unlink(missing_ok=True)
    newsbot = Newsbot(RetrievalSettings(data_dir=data_dir, llm="none"))
    story_of_url, firsts = stored_stories(newsbot.store)
    rows = read_jsonl(articles_path)
    story_of_row = {r["id"]: story_of_url.get(r["url"], r["id"]) for r in rows}
    topics = [t for t in read_jsonl(topics_path) if len(t["stories"]) >= MIN_STORIES]
    build_timeline(newsbot, "warm up the model and the indexes")
    per_topic: dict[str, dict[str, Any]] = {}
    times: list[float] = []
    right_all = steps_all = judged_all = 0
    for item in topics:
        judged = {story_of_row.get(s, s) for s in item["stories"]}
        happened: dict[str, str] = {}
        for row, day in item.get("happened", {}).items():
            story = story_of_row.get(row, row)
            happened[story] = min(day, happened.get(story, day))
        clock = time.perf_counter()
        steps = build_timeline(newsbot, item["topic"])
        times.append(time.perf_counter() - clock)
        got = [s.article_id for s in steps]
        right = [a for a in got if a in judged]
        published = [str(firsts[a].metadata.get("published_at") or "")[:10] for a in right]
        days = [happened[a] for a in right] if happened else published
        right_all, steps_all = right_all + len(set(right)), steps_all + len(got)
        judged_all += len(judged)
        per_topic[item["topic"]] = {
            "judged": len(judged),
            "steps": len(got),
            "right": len(set(right)),
            "precision": round(len(set(right)) / len(got), 3) if got else None,
            "recall": round(len(set(right)) / len(judged), 3),
            "order": round(in_order(days), 3),
            "order_published": round(in_order(published), 3),
            "ms": round(times[-1] * 1000, 1),
            "wrong": [s.title for s in steps if s.article_id not in judged],
            "missed": sorted(judged - set(got)),
            "steps_dated": [[s.date, s.dated_from, s.published_at, s.article_id] for s in steps],
        }
    ms = sorted(t * 1000 for t in times)
    return {
        "precision": round(right_all / steps_all, 3) if steps_all else None,
        "recall": round(right_all / judged_all, 3) if judged_all else None,
        "order": round(min(t["order"] for t in per_topic.values()), 3) if per_topic else None,
        "ms_median": round(statistics.median(ms), 1) if ms else None,
        "ms_p95": round(ms[min(len(ms) - 1, int(0.95 * len(ms)))], 1) if ms else None,
        "topics": per_topic,
        "store": str(store_dir),
        "topics_file": str(topics_path),
    }


def in_order(days: list[str]) -> float:
    """The share of consecutive days that do not go backwards (1.0 for fewer than two)."""
    pairs = list(itertools.pairwise(days))
    return sum(a <= b for a, b in pairs) / len(pairs) if pairs else 1.0


def table(report: dict[str, Any]) -> str:
    lines = [f"{'topic':40} judged steps right precision recall order     ms"]
    for topic, t in report["topics"].items():
        p = "-" if t["precision"] is None else f"{t['precision']:.2f}"
        lines.append(
            f"{topic[:40]:40} {t['judged']:6} {t['steps']:5} {t['right']:5} {p:>9}"
            f" {t['recall']:6.2f} {t['order']:5.2f} {t['ms']:6.0f}"
        )
    lines.append(
        f"all: precision {report['precision']} recall {report['recall']} order (worst topic)"
        f" {report['order']}, ms median {report['ms_median']} p95 {report['ms_p95']}"
    )
    return "\n".join(lines)
