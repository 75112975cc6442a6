"""The judged alert sets hold judgments only: article ids, never article text."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SETS = sorted((ROOT / "examples").glob("alert_topics*.jsonl"))
DEV = Path("/work/shared/data/realtimeqa-dev/articles.jsonl")
ROW_ID = re.compile(r"^[0-9a-f]{16}$")


def rows(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


@pytest.mark.parametrize("path", SETS, ids=[p.name for p in SETS])
def test_a_set_names_articles_by_id_and_judges_each_once(path):
    topics = rows(path)
    assert topics and len({t["topic"] for t in topics}) == len(topics)
    for topic in topics:
        assert set(topic) <= {"topic", "stories", "rejected", "why"}
        right, wrong = topic["stories"], topic.get("rejected", [])
        assert isinstance(right, list) and isinstance(wrong, list)
        assert all(isinstance(i, str) and ROW_ID.match(i) for i in right + wrong)
        assert not set(right) & set(wrong) and len(set(right)) == len(right)
        # The judge's reason for each rejection, in their own few words, not the article's.
        why = topic.get("why", {})
        assert isinstance(why, dict) and set(why) <= set(wrong)
        assert all(isinstance(r, str) and len(r) <= 120 for r in why.values())


@pytest.mark.skipif(not DEV.exists(), reason="RealTimeQA dev is not on this machine")
def test_every_judged_id_is_a_dev_article():
    known = {json.loads(line)["id"] for line in DEV.read_text(encoding="utf-8").splitlines()}
    for path in SETS:
        for topic in rows(path):
            assert set(topic["stories"]) | set(topic.get("rejected", [])) <= known, path.name


# Each fresh set was written and judged before the rule met it, after the sets before it.
FRESH = [f"alert_topics_fresh{n}" for n in ("", 2, 3, 4, 5, 6, 7)]
IN_ORDER = ["alert_topics", "alert_topics_judged", *FRESH]


@pytest.mark.parametrize("k", range(2, len(IN_ORDER)), ids=IN_ORDER[2:])
def test_a_fresh_set_shares_no_story_or_topic_with_the_sets_before_it(k):
    fresh = rows(ROOT / f"examples/{IN_ORDER[k]}.jsonl")
    assert len(fresh) >= 12
    before = [t for name in IN_ORDER[:k] for t in rows(ROOT / f"examples/{name}.jsonl")]
    earlier = {i for t in before for i in t["stories"]}
    assert not earlier & {i for t in fresh for i in t["stories"]}
    assert not {t["topic"].casefold() for t in before} & {t["topic"].casefold() for t in fresh}
