"""`newsbot bench` on a tiny corpus writes a sane report: its shape is checked, not timings."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest

from newsbot.harness.bench_report import update_markdown
from newsbot.harness.bench_tasks import is_hit, percentile
from tests.support.stores import EXAMPLES, ROOT

FILES = ["01_harbor-city-electric-ferries.txt", "04_valley-united-regional-cup.txt"]


@pytest.mark.model  # `newsbot bench` in a child process loads the model
def test_bench_writes_json_table_and_chart(tmp_path):
    articles = tmp_path / "articles"
    articles.mkdir()
    for name in FILES:
        shutil.copy(EXAMPLES / name, articles / name)
    shutil.copy(EXAMPLES / "wire.jsonl", articles / "wire.jsonl")
    questions = tmp_path / "questions.jsonl"
    questions.write_text(
        json.dumps({"question": "Who scored the winning penalty?", "gold_urls": [FILES[1]]})
        + "\n"
        + json.dumps({"question": "What did the ferries cost?", "asked_on": "2025-01-01"})
        + "\n"
    )
    out = tmp_path / "out"
    markdown = tmp_path / "BENCHMARKS.md"
    markdown.write_text("# Benchmarks\n\nNotes written by hand stay.\n")
    env = {**os.environ, "NEWSBOT_DATA_DIR": str(tmp_path / "unused")}
    args = ["--questions", str(questions), "--out", str(out), "--markdown", str(markdown)]
    args += ["--label", "tiny", "--scale", "100,300", "--scale-budget", "60"]
    args += ["--rss-articles", "5,10", "--cli-repeat", "1", "--json"]
    done = subprocess.run(
        [sys.executable, "-m", "newsbot.bot.cli", "bench", str(articles), *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=900,
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report == json.loads((out / "bench-tiny.json").read_text())
    assert (out / "bench-tiny.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

    assert report["articles"] == 5 and report["questions"] == 2
    assert report["chunks"] > 0 and report["tokens"] > report["chunks"]
    ingest = report["ingest"]
    for key in ("articles_per_s", "chunks_per_s", "tokens_per_s", "raw_encode_chunks_per_s"):
        assert ingest[key] > 0
    assert ingest["report"]["added"] == 5
    assert report["tutorial"]["articles_per_s"] > 0 and report["tutorial"]["chunks"] > 0
    assert 0 <= report["tutorial"]["hit_at_5"] <= 1
    changed = report["reingest"]["changed_report"]
    assert changed["updated"] == 1 and changed["unchanged"] == 4
    assert report["reingest"]["unchanged_s"] >= 0

    answers = report["answers"]
    assert answers["questions_with_gold"] == 1 and answers["hit_at_5"] in (0, 1)
    for part in ("retrieval", "compose", "answer"):
        assert answers[part]["n"] == 2
        assert 0 < answers[part]["p50_ms"] <= answers[part]["p95_ms"]
    assert report["cli"]["help_s"] > 0 and report["cli"]["import_and_load_model_s"] > 0
    assert report["cli"]["import_libraries_s"] > 0
    assert answers["process_peak_rss_mb"] > 50 and ingest["peak_rss_mb"] > 50

    levels = report["scaling"]["query"]["levels"]
    assert [lv["chunks"] for lv in levels] == [100, 300]
    assert all(lv["query"]["n"] > 0 for lv in levels)
    assert [r["articles"] for r in report["scaling"]["ingest_rss"]] == [5, 10]
    assert len(report["targets"]) == 9
    assert all(t["met"] in (True, False, None) for t in report["targets"])

    text = markdown.read_text()
    assert text.startswith("# Benchmarks\n\nNotes written by hand stay.")
    assert "<!-- bench:tiny:start -->" in text and "| ingest (ours) |" in text


def test_markdown_section_is_replaced_in_place(tmp_path):
    path = tmp_path / "B.md"
    update_markdown(path, "a", "first\n")
    update_markdown(path, "b", "other\n")
    update_markdown(path, "a", "second\n")
    text = path.read_text()
    assert "second" in text and "first" not in text and "other" in text
    assert text.index("bench:a:start") < text.index("bench:b:start")


def test_percentile_and_hits():
    assert percentile([], 95) == 0
    assert percentile([5.0], 50) == 5.0
    values = list(range(1, 101))
    assert percentile(values, 50) == 50 and percentile(values, 95) == 95
    assert is_hit(["https://a.example/x"], ["https://a.example/x"])
    assert not is_hit(["https://a.example/xy"], ["https://a.example/x"])
    assert is_hit(["/data/01_ferries.txt#abc"], ["01_ferries.txt"])
