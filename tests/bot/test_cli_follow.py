"""`newsbot follow`, `newsbot alerts` and `newsbot digest` as a user runs them."""

from __future__ import annotations

import shutil

import pytest

from tests.bot.test_cli import newsbot
from tests.support.stores import EXAMPLES

pytestmark = pytest.mark.model  # every command loads the model in a process of its own


def test_follow_alerts_and_digest_from_the_command_line(tmp_path):
    folder, data = tmp_path / "news", tmp_path / "data"
    folder.mkdir()
    for name in ("01_harbor-city-electric-ferries.txt", "02_millbrook-budget-vote.txt"):
        shutil.copy(EXAMPLES / name, folder)
    assert newsbot("ingest", str(folder), data_dir=data).returncode == 0

    def run(*args: str) -> str:
        done = newsbot(*args, data_dir=data, NEWSBOT_LLM="none")
        assert done.returncode == 0, done.stderr
        return done.stdout

    assert run("follow").startswith("following nothing yet")
    assert run("follow", "XR-17", "drone", "deliveries").startswith("following: XR-17 drone")
    assert run("follow", "apple", "frost") and run("follow") == (
        "1. XR-17 drone deliveries\n2. apple frost\n"
    )
    missing = newsbot("follow", "--remove", "tulips", data_dir=data)
    assert missing.returncode == 1
    assert missing.stderr.startswith("newsbot: not following 'tulips'")
    assert run("follow", "--remove", "2") == "stopped following: apple frost\n"

    for name in ("06_xr17-island-drone-deliveries.txt", "08_kessler-valley-apple-frost.txt"):
        shutil.copy(EXAMPLES / name, folder)
    assert newsbot("ingest", str(folder), data_dir=data).returncode == 0
    printed = run("alerts")
    assert printed.count("New on “XR-17 drone deliveries”: ") == 1
    assert "Quillfeather Aeronautics Tests XR-17 Drone" in printed and "[1]" in printed
    assert "Kessler" not in printed
    assert run("alerts") == "no new stories on the topics you follow\n"

    digest = run("digest").splitlines()
    assert digest[0].startswith("top stories added since ")
    # The story on the followed topic first, then the rest, newest published first.
    assert len(digest) == 5 and digest[1].startswith("[1] Quillfeather Aeronautics Tests XR-17")
    assert digest[2].startswith("[2] Late Frost Cuts Kessler Valley")
    assert run("digest").startswith("no new stories since")
    assert len(run("digest", "--since", "2020-01-01").splitlines()) == 5
