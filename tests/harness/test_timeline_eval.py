"""The timeline measure's order and its judged sets (ids and judgments only, no article text)."""

from __future__ import annotations

import json
from pathlib import Path

from newsbot.harness.timeline_eval import MIN_STORIES, in_order

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def test_order_is_the_share_of_consecutive_days_that_do_not_go_backwards():
    assert in_order(["2022-08-08", "2022-08-09", "2022-08-09"]) == 1.0
    assert in_order(["2022-08-08", "2022-08-10", "2022-08-09"]) == 0.5
    assert in_order(["2022-08-08"]) == 1.0


def test_the_fresh_timeline_set_judges_each_story_and_the_day_it_happened():
    rows = [
        json.loads(line)
        for line in (EXAMPLES / "timeline_topics_fresh.jsonl").read_text("utf-8").splitlines()
    ]
    old = {
        json.loads(line)["topic"]
        for line in (EXAMPLES / "alert_topics_judged.jsonl").read_text("utf-8").splitlines()
    }
    assert len(rows) >= 8 and not {r["topic"] for r in rows} & old
    for row in rows:
        assert set(row) == {"topic", "stories", "happened"}
        assert len(row["stories"]) >= MIN_STORIES
        assert list(row["happened"]) == row["stories"]  # listed in the order they happened
        assert list(row["happened"].values()) == sorted(row["happened"].values())


def test_the_later_timeline_sets_judge_each_story_once_and_share_none_with_the_sets_before():
    names = [f"timeline_topics_fresh{n}" for n in ("", 2, 3, 4, 5, 6)]
    sets = [
        [json.loads(line) for line in (EXAMPLES / f"{n}.jsonl").read_text("utf-8").splitlines()]
        for n in names
    ]
    for k, rows in enumerate(sets[1:], start=1):
        earlier = {i for r in (r for s in sets[:k] for r in s) for i in r["stories"]}
        # The corpus runs out of stories covered three times: the fourth and fifth sets hold
        # five topics, the sixth three.
        assert len(rows) >= (5 if k < 5 else 3)
        assert not earlier & {i for r in rows for i in r["stories"]}
        for row in rows:
            assert set(row) == {"topic", "stories", "happened", "rejected", "why"}
            assert len(row["stories"]) >= MIN_STORIES
            assert not set(row["stories"]) & set(row["rejected"])
            assert set(row["why"]) <= set(row["rejected"])
            assert list(row["happened"]) == row["stories"]
            assert list(row["happened"].values()) == sorted(row["happened"].values())
