"""The peer benchmark (bench/bench_peers.py) runs: one timed run per tool on the Petstore
and RealWorld, so it cannot rot unnoticed. It asserts no timings; BENCHMARKS.md holds the
figures. The peers come from PyPI (installed once into a cached environment) and OpenAPI
Generator needs Java."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.e2e
def test_peer_benchmark_smoke_run() -> None:
    if shutil.which("java") is None:
        pytest.skip("no Java here: OpenAPI Generator runs on it")
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "bench_peers.py"), "--quick"],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    rows = [line for line in done.stdout.splitlines() if line.startswith("| ") and " s |" in line]
    tools = {line.split(" | ")[1] for line in rows}
    assert "backend-codegen" in tools and len(rows) >= 3, done.stdout
    ours = [line for line in rows if line.split(" | ")[1] == "backend-codegen"]
    assert all(line.rstrip(" |").endswith("ok") for line in ours), done.stdout
