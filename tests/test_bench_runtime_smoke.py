"""The runtime benchmark (bench/bench_runtime.py) runs: a smoke run on PostgreSQL with a
small table and one-second loads, so it cannot rot unnoticed. It asserts no timings;
BENCHMARKS.md holds the measured figures. Needs BACKEND_CODEGEN_TEST_POSTGRES and wrk (CI
installs both); skips locally without them."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PG_URL = os.environ.get("BACKEND_CODEGEN_TEST_POSTGRES")
IN_CI = os.environ.get("CI") == "true"


@pytest.mark.e2e
def test_runtime_benchmark_smoke_run() -> None:
    missing = [
        n
        for n, ok in (("BACKEND_CODEGEN_TEST_POSTGRES", PG_URL), ("wrk", shutil.which("wrk")))
        if not ok
    ]
    if missing:
        if IN_CI:
            pytest.fail(f"{', '.join(missing)} missing: .ci/run must provide them")
        pytest.skip(f"{', '.join(missing)} not available here (CI provides them)")
    done = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "bench_runtime.py"),
            "--quick",
            "--json",
            "--database-url",
            str(PG_URL),
        ],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    result = json.loads(done.stdout)
    assert not result["failures"]
    scenarios = {row["scenario"] for row in result["rows"]}
    assert scenarios == {"read by id", "list a page (20, with tags)", "create"}
    for row in result["rows"]:
        assert row["generated_rps"] > 0 and row["baseline_rps"] > 0
        assert row["generated_cpu_ms"] > 0 and row["baseline_cpu_ms"] > 0  # /proc, on Linux
        # the ratio is the median of the back-to-back pairs (one round: its only pair)
        assert row["ratio_low"] <= row["ratio"] <= row["ratio_high"]
        assert row["ratio"] == pytest.approx(row["generated_rps"] / row["baseline_rps"])
    # deep pages: offset and cursor reached the same rows (a mismatch is a failure above)
    assert [d["page"] for d in result["depths"]] == [1, 10, 50, 100]
    assert all(d["offset_ms"] > 0 and d["cursor_ms"] > 0 for d in result["depths"])
