"""`newsbot bench-live` on a tiny store: the report's shape, and the new article answered."""

from __future__ import annotations

import pytest

from newsbot.harness.bench_live import LiveConfig, markdown, run_live
from newsbot.harness.bench_live_corpus import synthetic_articles


def test_synthetic_articles_fill_the_size_with_stored_metadata():
    from datetime import date

    articles = list(synthetic_articles(50, date(2025, 6, 1)))
    chunks = [c for article in articles for c in article]
    assert len(chunks) == 50
    assert {"article_id", "published_day", "content_hash", "n_chunks", "position"} <= set(
        chunks[0].metadata
    )
    assert all(len(a) == a[0].metadata["n_chunks"] for a in articles)


@pytest.mark.model  # the ingest child embeds the new article with the real model
def test_live_bench_reports_an_ingested_article_answered(tmp_path):
    report = run_live(LiveConfig(sizes=[300], repeats=1, workdir=tmp_path))

    assert list(report["live"]) == ["300", "300000", "1000000"]
    assert report["live"]["300000"] == report["live"]["1000000"] == "not run"
    result = report["live"]["300"]
    assert result["store"]["chunks"] == 300
    assert result["not_visible"] == 0
    (round_,) = result["rounds"]
    assert not round_["cited_before_ingest"]
    assert round_["visible_s"] is not None and round_["warm_cites_article"]
    assert round_["ingest"]["added"] == 1
    for key in ("visible_s", "first_answer_s", "warm_answer_s", "first_vs_warm"):
        assert set(result[key]) == {"p50", "p95", "max", "n"}
    assert result["keyword_query_ms"]["n"] == 50
    assert result["serving_rss_mb"]["peak"] > 0
    assert result["disk_mb"]["keyword"] > 0 and result["disk_mb"]["chroma"] > 0
    assert {t["chunks"] for t in report["targets"]} == {300}
    assert {t["met"] for t in report["targets"]} <= {"met", "missed", "not measured"}
    table = markdown(report)
    assert "not run" in table and "300 chunks" in table
