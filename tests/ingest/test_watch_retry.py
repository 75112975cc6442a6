"""A watch pass that failed (store down, lock busy) runs again though no file changed."""

from __future__ import annotations

import threading

from newsbot.ingest.watch import watch_roots


def test_a_failed_pass_runs_again_and_a_done_one_waits_for_a_change(tmp_path):
    (tmp_path / "a.txt").write_text("Title\n\nBody.\n", encoding="utf-8")
    results = iter([False, True, True])
    passes: list[int] = []

    def one_pass() -> bool:
        passes.append(1)
        return next(results)

    stop = threading.Event()
    # Stop after a few intervals: the failed pass is retried once, the done one is not.
    timer = threading.Timer(0.5, stop.set)
    timer.start()
    watch_roots([str(tmp_path)], one_pass, 0.05, stop)
    timer.cancel()
    assert len(passes) == 2
