"""`newsbot eval-support`: the sentences it makes, and its report, on the bundled samples."""

from __future__ import annotations

import json
import random
import re

from newsbot.harness.support_eval import CORRUPTED, FAITHFUL, build, load, run
from newsbot.harness.support_rewrite import corrupt_figure, paraphrase, rewrite_figures
from tests.support.stores import EXAMPLES


def samples_jsonl(tmp_path):
    """The bundled articles as one .jsonl, as the dev set is written."""
    wire = (EXAMPLES / "wire.jsonl").read_text(encoding="utf-8")
    rows = [json.loads(line) for line in wire.splitlines() if line.strip()]
    for path in sorted(EXAMPLES.glob("*.txt")):
        title, _, text = path.read_text(encoding="utf-8").partition("\n")
        rows.append({"id": path.stem, "title": title, "text": text, "published_at": None})
    target = tmp_path / "articles.jsonl"
    target.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    return target


def test_figures_are_rewritten_another_way_and_corrupted_one_at_a_time():
    rng = random.Random(0)
    assert rewrite_figures("It cost $9.7 million.", rng) == "It cost $9,700,000."
    assert rewrite_figures("Five boats and 3 piers.", rng) == "Five boats and three piers."
    assert rewrite_figures("A 3-2 vote at 01:02.", rng) == "A 3-2 vote at 01:02."
    sentence = "The 12 boats carried 2,100 riders in 2024."
    for seed in range(20):
        changed = corrupt_figure(sentence, random.Random(seed))
        before, after = re.findall(r"[\d,]+", sentence), re.findall(r"[\d,]+", changed)
        assert sum(a != b for a, b in zip(before, after, strict=True)) == 1, changed
    assert corrupt_figure("No figures here.", rng) is None
    assert paraphrase("Officials said the company would buy it.", rng) != (
        "Officials said the company would buy it."
    )


def test_every_kind_is_made_and_scored_without_writing_article_text_to_the_repo(tmp_path):
    articles = samples_jsonl(tmp_path)
    items = build(load(articles), n_passages=10, seed=1)
    kinds = {item.kind for item in items}
    assert {"taken", "figure", "name", "unrelated"} <= kinds
    for item in items:
        assert item.sentence and item.passage
        if item.kind in CORRUPTED:
            assert item.sentence not in item.passage
    report = run(articles, tmp_path / "out", passages=10, seed=1)
    assert report["sentences"] == len(items)
    for kind, row in report["check"]["by_kind"].items():
        assert 0 <= row["kept" if kind in FAITHFUL else "caught"] <= 1
    assert report["cost"]["answers"] == 100 and report["cost"]["median_ms"] > 0
    assert (tmp_path / "out" / "report.json").exists()
