"""`ask`, `chat` and `stats` on a data dir they cannot write; a missing data dir is reported.

The read-only data dir is a real read-only mount (a bind mount remounted read-only in a mount
namespace of the command's own, as a replica's snapshot would be mounted): as root, a chmod
would not stop a single write. Without root, the folder is made read-only with chmod instead.
Either way, the data dir must come out of the commands byte for byte as it went in.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from newsbot.store.read_only import mirror_of
from tests.support.stores import EXAMPLES

DRONE = "How much weight can the XR-17 drone carry?"
ARTICLES = ("01_harbor-city-electric-ferries.txt", "06_xr17-island-drone-deliveries.txt")
CLI = [sys.executable, "-m", "newsbot.bot.cli"]
# Mount the data dir ($0) read-only over itself, then run the command ("$@") under it.
READ_ONLY_MOUNT = 'mount --bind "$0" "$0" && mount -o remount,bind,ro "$0" && exec "$@"'


def env_for(data_dir: Path) -> dict[str, str]:
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith("NEWSBOT_")},
        "NEWSBOT_DATA_DIR": str(data_dir),
    }


def tree(folder: Path) -> dict[str, tuple[int, int, int]]:
    """Every entry under a folder with its mode, size and modification time."""
    found = {}
    for path in [folder, *folder.rglob("*")]:
        info = path.lstat()
        found[str(path.relative_to(folder))] = (info.st_mode, info.st_size, info.st_mtime_ns)
    return found


def can_mount_read_only(folder: Path) -> bool:
    probe = subprocess.run(
        ["unshare", "-m", "sh", "-c", READ_ONLY_MOUNT, str(folder), "true"],
        capture_output=True,
    )
    return probe.returncode == 0


class ReadOnly:
    """Run commands on a data dir they cannot write."""

    def __init__(self, data_dir: Path):
        self.data_dir = data_dir
        self.as_root = os.geteuid() == 0
        if self.as_root and not (shutil.which("unshare") and can_mount_read_only(data_dir)):
            pytest.skip("running as root without a read-only mount: nothing stops a write")
        if not self.as_root:
            for path in [data_dir, *data_dir.rglob("*")]:
                path.chmod(path.stat().st_mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))

    def run(self, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
        command = [*CLI, *args]
        if self.as_root:
            command = ["unshare", "-m", "sh", "-c", READ_ONLY_MOUNT, str(self.data_dir), *command]
        return subprocess.run(
            command,
            input=stdin,
            capture_output=True,
            text=True,
            env=env_for(self.data_dir),
            timeout=300,
        )

    def close(self) -> None:
        if not self.as_root:
            for path in [self.data_dir, *self.data_dir.rglob("*")]:
                path.chmod(path.stat().st_mode | stat.S_IWUSR)
        shutil.rmtree(mirror_of(self.data_dir), ignore_errors=True)


@pytest.mark.model  # the ingest and the three commands load the real embedding model
def test_ask_chat_and_stats_read_a_data_dir_they_cannot_write(tmp_path):
    corpus, data_dir = tmp_path / "articles", tmp_path / "data"
    corpus.mkdir()
    for name in ARTICLES:
        shutil.copy(EXAMPLES / name, corpus / name)
    ingest = subprocess.run(
        [*CLI, "ingest", str(corpus)], capture_output=True, text=True, env=env_for(data_dir)
    )
    assert ingest.returncode == 0, ingest.stderr
    assert (data_dir / "ingest.lock").exists(), "the snapshot holds lock files too"
    before = tree(data_dir)

    read_only = ReadOnly(data_dir)
    try:
        stats = read_only.run("stats")
        ask = read_only.run("ask", DRONE)
        chat = read_only.run("chat", stdin=f"{DRONE}\nquit\n")
        again = read_only.run("ask", DRONE)  # the mirror made by the first command is reused
    finally:
        read_only.close()

    assert stats.returncode == 0, stats.stderr
    assert "articles: 2\n" in stats.stdout
    assert f"store:    {data_dir / 'chroma'}\n" in stats.stdout, "the data dir, not the mirror"
    for run in (ask, again, chat):
        assert run.returncode == 0, run.stderr
        assert "4.5 kilograms" in run.stdout, run.stdout
    assert "newsbot: 2 articles" in chat.stdout
    for run in (stats, ask, chat, again):
        assert run.stderr == "", run.stderr
    assert tree(data_dir) == before, "nothing under the data dir was written"


@pytest.mark.parametrize("command", [["ask", DRONE], ["stats"], ["chat"], ["telegram"]])
def test_a_missing_data_dir_is_reported_not_created(command, tmp_path):
    missing = tmp_path / "no-such-dir"
    env = {
        **env_for(missing),
        "NEWSBOT_TELEGRAM_TOKEN": "123456:TEST-TOKEN",
        "NEWSBOT_TELEGRAM_OPEN": "true",
    }
    run = subprocess.run(
        [*CLI, *command], input="", capture_output=True, text=True, env=env, timeout=120
    )
    assert run.returncode == 1 and run.stdout == ""
    assert run.stderr == f"newsbot: no article store at {missing}; run `newsbot ingest` first\n"
    assert not missing.exists()


def test_a_read_only_data_dir_without_a_store_is_reported_and_left_as_it_was(tmp_path):
    data_dir = tmp_path / "data"
    data_dir.mkdir()  # e.g. an empty snapshot, mounted before any ingest
    read_only = ReadOnly(data_dir)
    try:
        run = read_only.run("stats")
    finally:
        read_only.close()
    assert run.returncode == 1
    assert run.stderr == f"newsbot: no article store at {data_dir}; run `newsbot ingest` first\n"
    assert list(data_dir.iterdir()) == []
