"""The GitHub benchmark (bench/bench_github.py) runs: one generation of GitHub's REST API
description, then the generated app is migrated and started. It asserts no timings
(BENCHMARKS.md holds the figures) but that generation succeeds and the app answers. The
description comes from npm; without npm the test says so and skips."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.e2e
def test_github_benchmark_smoke_run() -> None:
    if shutil.which("npm") is None:
        pytest.skip("no npm here: the description is fetched with `npm pack`")
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "bench_github.py"), "--quick"],
        capture_output=True,
        text=True,
        timeout=1800,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    ours = next(line for line in done.stdout.splitlines() if line.startswith("| backend-codegen"))
    assert "| ok: " in ours, done.stdout
    cpu = ours.split(" | ")[3]  # the process tree's CPU time, from wait4
    assert cpu.endswith(" s") and float(cpu.removesuffix(" s")) > 0, ours
    assert "/openapi.json lists 1224 operations" in done.stdout, done.stdout
