"""The short soak run (`newsbot soak --short`): real processes under load and faults.

A real `newsbot telegram` with 20 chats of the local Bot API, a `newsbot chat` through a pipe,
`newsbot ingest --watch --prune` SIGKILLed twice and restarted, a `chroma run` server stopped
and restarted: every check of the soak must pass.
"""

from __future__ import annotations

import argparse

import pytest

from newsbot.harness.soak import (
    SHORT_SECONDS,
    add_arguments,
    add_soak_parser,
    run_command,
    run_soak,
    table,
)


# Three children load the real embedding model, and the run lasts SHORT_SECONDS by design.
@pytest.mark.model
@pytest.mark.slow
def test_the_short_soak_passes_every_check(tmp_path):
    report = run_soak(seconds=SHORT_SECONDS, chats=20, workdir=tmp_path)
    failed = [f"{c['name']}: {c['detail']}" for c in report["checks"] if not c["ok"]]
    assert not failed, table(report) + f"\nlogs: {tmp_path / 'logs'}"
    names = {c["name"] for c in report["checks"]}
    assert {"every message gets a reply", "no process died", "no alert lost"} <= names
    assert report["chats"] == 20 and report["telegram"]["answers_served"] > 0
    assert report["chat"]["answers_served"] > 0
    kinds = [f["kind"] for f in report["faults"]]
    assert kinds.count("writer-kill") >= 2 and kinds.count("chroma-restart") >= 1
    assert report["alerts"]["owed"] > 0, "the run must owe alerts for the alert check to mean much"
    assert report["writes"].get("add", 0) > 0


def test_the_soak_command_reads_its_length():
    newsbot = argparse.ArgumentParser(prog="newsbot")
    add_soak_parser(newsbot.add_subparsers(dest="command"))
    assert newsbot.parse_args(["soak", "--short"]).run is run_command
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    assert parser.parse_args([]).minutes == 30
    assert parser.parse_args(["--seconds", "90"]).seconds == 90
    assert parser.parse_args(["--short"]).short
    with pytest.raises(SystemExit):
        parser.parse_args(["--short", "--minutes", "5"])
