"""Run a script under several hash seeds: Python orders a set differently in every process."""

from __future__ import annotations

import os
import subprocess
import sys


def outputs_under_seeds(script: str, seeds: int) -> set[str]:
    """What the script prints under PYTHONHASHSEED 0 .. seeds-1; one output when order-free."""
    seen = set()
    for seed in range(seeds):
        env = {**os.environ, "PYTHONHASHSEED": str(seed)}
        run = subprocess.run(
            [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
        )
        seen.add(run.stdout.strip())
    return seen
