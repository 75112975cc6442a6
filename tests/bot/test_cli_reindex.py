"""`newsbot reindex` as a user runs it (it once found the module keyword_index, not the
function)."""

from __future__ import annotations

from tests.bot.test_cli import newsbot


def test_reindex_rebuilds_an_empty_index(tmp_path):
    result = newsbot("reindex", data_dir=tmp_path / "data")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("keyword index rebuilt: 0 articles, 0 chunks")
