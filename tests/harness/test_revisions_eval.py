"""`newsbot eval-revisions`: the revised-figure finder against judged pairs of reports."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.bot.test_cli import newsbot

ROOT = Path(__file__).resolve().parents[2]
MADE_UP = ROOT / "examples" / "revision_pairs_made_up.jsonl"
DEV_PAIRS = ROOT / "examples" / "revision_pairs_dev.jsonl"
DEV_ARTICLES = Path("/work/shared/data/realtimeqa-dev/articles.jsonl")


def test_the_made_up_pairs_are_scored_pair_by_pair(tmp_path):
    out = tmp_path / "report.json"
    done = newsbot("eval-revisions", "--pairs", str(MADE_UP), "--out", str(out), data_dir=tmp_path)
    assert done.returncode == 0, done.stderr
    report = json.loads(out.read_text("utf-8"))
    story = report["story/text"]["all"]
    rows = [json.loads(line) for line in MADE_UP.read_text("utf-8").splitlines()]
    assert story["pairs"] == len(rows) >= 10
    assert story["true_pairs"] == sum(r["revised"] for r in rows)
    # Every near miss gives no note and every true revision its judged values.
    assert story["false_on_near_misses"] == 0
    assert story["recall"] == 1.0 and story["precision"] == 1.0
    ferry = next(r for r in story["rows"] if r["story"] == "ferry toll")
    assert ferry["note"] == ["14", "23"] and ferry["right"]
    assert "story/opening" in done.stdout and "answer/text" in done.stdout


def test_dev_pairs_need_the_articles_file(tmp_path):
    done = newsbot("eval-revisions", "--pairs", str(DEV_PAIRS), data_dir=tmp_path)
    assert done.returncode != 0
    assert "--articles" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.skipif(not DEV_ARTICLES.exists(), reason="RealTimeQA dev articles absent")
def test_the_dev_pairs_are_read_from_the_articles_file(tmp_path):
    out = tmp_path / "report.json"
    done = newsbot(
        "eval-revisions",
        "--pairs",
        str(DEV_PAIRS),
        "--articles",
        str(DEV_ARTICLES),
        "--out",
        str(out),
        data_dir=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    story = json.loads(out.read_text("utf-8"))["story/text"]["all"]
    assert story["pairs"] == 13 and story["true_pairs"] == 9
    assert story["false_on_near_misses"] == 0
