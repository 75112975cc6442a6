"""The story grouping measure, on a set built from the sample articles."""

from __future__ import annotations

import json
import random

from newsbot.harness import story_eval
from newsbot.ingest.near_copies import is_copy, shingles
from tests.support.stores import EXAMPLES


def sample_jsonl(path):
    rows = []
    for n, file in enumerate(sorted(EXAMPLES.glob("*.txt"))):
        title, _, body = file.read_text("utf-8").partition("\n\n")
        body = body.split("\n\nMarch")[0].split("\n\nSource:")[0]
        rows.append(
            {
                "id": str(n),
                "url": f"https://samples.example/{file.stem}",
                "title": title,
                "source": "samples.example",
                "published_at": "2024-03-03",
                "text": body,
            }
        )
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), "utf-8")
    return rows


def test_every_kind_of_made_copy_is_a_near_copy(tmp_path):
    rows = sample_jsonl(tmp_path / "a.jsonl")
    rng = random.Random(1)
    for n, kind in enumerate(story_eval.KINDS):
        made = story_eval.make_copy(rows[0], kind, n, rng, rows[1]["text"].split("\n\n")[0])
        assert made["text"] != rows[0]["text"] or made["title"] != rows[0]["title"], kind
        assert is_copy(shingles(rows[0]["text"]), shingles(made["text"])), kind


def test_pairs_are_scored_both_ways():
    truth = {"a": "1", "b": "1", "c": "2", "d": "2"}
    predicted = {"a": "x", "b": "x", "c": "x", "d": "d"}
    scores = story_eval.pair_scores(predicted, truth)
    assert (scores["precision"], scores["recall"]) == (round(1 / 3, 4), 0.5)


def test_grouping_on_the_samples_is_exact(tmp_path):
    path = tmp_path / "samples.jsonl"
    sample_jsonl(path)
    test = story_eval.build(path, seeds=3, copies=6, briefs=2)
    assert sum(1 for k in test.kind.values() if k) == 6 + 2
    report = story_eval.run(
        path, tmp_path / "work", embedder=story_eval.StandInEmbedder(), test=test
    )
    assert (report["precision"], report["recall"], report["topic_pairs_merged"]) == (1.0, 1.0, 0)
