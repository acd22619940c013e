"""backend-codegen against its peers, whole processes measured side by side in one run
(issue 7): OpenAPI Generator's `python-fastapi` generator (PyPI `openapi-generator-cli`,
which runs the bundled jar on the installed Java) and fastapi-code-generator (PyPI).

    python bench/bench_peers.py                 # Petstore and RealWorld, 5 runs each
    python bench/bench_peers.py --quick         # one run each (a smoke run)
    python bench/bench_peers.py --out BENCHMARKS.md

The peers are installed once into their own virtual environment under the cache directory
(uv, from PyPI). Each measured run is one process from start to exit, cold interpreter (or
JVM) start included, writing into a fresh temporary directory. What the peers write is not
comparable to ours (they emit route stubs with no persistence); the table says whether each
run succeeded, and for our output whether the project imports.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"
INPUTS = {
    "Petstore (swagger-petstore-v3)": CORPUS / "specs" / "swagger-petstore-v3.yaml",
    "RealWorld (Conduit)": CORPUS / "realworld" / "openapi.yml",
}
PEERS = ["openapi-generator-cli==7.26.0", "fastapi-code-generator==0.8.1"]
BEGIN, END = "<!-- bench:peers:begin", "<!-- bench:peers:end -->"


def _peer_env() -> Path:
    cache = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "backend-codegen"
    env = cache / "bench-peers"
    if not (env / ".complete").exists():
        uv = shutil.which("uv") or str(Path(sys.executable).with_name("uv"))
        subprocess.run([uv, "venv", "--quiet", "--python", sys.executable, str(env)], check=True)
        subprocess.run(
            [uv, "pip", "install", "--quiet", "--python", str(env / "bin" / "python"), *PEERS],
            check=True,
        )
        (env / ".complete").write_text("\n".join(PEERS) + "\n")
    return env / "bin"


def _commands(spec: Path, out: Path, peers: Path) -> dict[str, list[str]]:
    ours = Path(sys.executable).with_name("backend-codegen")
    return {
        "backend-codegen": [str(ours), "generate", str(spec), "-o", str(out / "backend")],
        "OpenAPI Generator (python-fastapi)": [
            str(peers / "openapi-generator-cli"),
            "generate",
            "-g",
            "python-fastapi",
            "-i",
            str(spec),
            "-o",
            str(out / "oag"),
            "--skip-validate-spec",
        ],
        "fastapi-code-generator": [
            str(peers / "fastapi-codegen"),
            "--input",
            str(spec),
            "--output",
            str(out / "fcg"),
        ],
    }


def _env() -> dict[str, str]:
    """Every tool may keep its byte code (as an installed tool does after its first run), in
    a private cache primed by the untimed warm-up round."""
    env = {**os.environ, "PYTHONPYCACHEPREFIX": str(Path(tempfile.gettempdir()) / "bench-pyc")}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def _time(command: list[str]) -> tuple[float, bool, str]:
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, timeout=600, env=_env())
    elapsed = time.perf_counter() - started
    return elapsed, done.returncode == 0, (done.stderr or done.stdout)[-300:]


def run(repeats: int) -> list[dict[str, Any]]:
    peers = _peer_env()
    rows = []
    for label, spec in INPUTS.items():
        if not spec.exists():
            continue
        timings: dict[str, list[float]] = {}
        failures: dict[str, str] = {}
        for attempt in range(repeats + 1):  # the first round warms the caches, untimed
            with tempfile.TemporaryDirectory(prefix="bench-peers-") as tmp:
                for tool, command in _commands(spec, Path(tmp), peers).items():
                    elapsed, ok, tail = _time(command)
                    if not ok:
                        failures[tool] = tail.strip().splitlines()[-1] if tail.strip() else "failed"
                    elif attempt:
                        timings.setdefault(tool, []).append(elapsed)
        for tool in _commands(spec, Path("x"), peers):
            runs = timings.get(tool, [])
            rows.append(
                {
                    "input": label,
                    "tool": tool,
                    "median_s": statistics.median(runs) if runs else None,
                    "min_s": min(runs) if runs else None,
                    "runs": len(runs),
                    "failure": failures.get(tool, ""),
                }
            )
    return rows


def markdown(rows: list[dict[str, Any]], command: str) -> str:
    lines = [
        f"{BEGIN} (written by bench/bench_peers.py; do not edit) -->",
        "",
        f"_{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; {os.cpu_count()} CPUs; "
        f"load average at the end {' '.join(f'{x:.2f}' for x in os.getloadavg())}._",
        "",
        f"`{command}`: whole processes, cold start included, one warm-up round untimed "
        "(it also primes each tool's byte-code cache).",
        "",
        "| input | tool | wall (median) | fastest | runs | result |",
        "|---|---|--:|--:|--:|---|",
    ]
    for r in rows:
        median = f"{r['median_s']:.2f} s" if r["median_s"] is not None else "–"
        fastest = f"{r['min_s']:.2f} s" if r["min_s"] is not None else "–"
        result = f"failed: {r['failure']}" if r["failure"] else "ok"
        lines.append(
            f"| {r['input']} | {r['tool']} | {median} | {fastest} | {r['runs']} | {result} |"
        )
    lines += ["", END]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="one timed run per tool")
    parser.add_argument("--out", type=Path, help="write the results into this Markdown file")
    args = parser.parse_args()
    repeats = 1 if args.quick else args.repeats
    command = "python bench/bench_peers.py" + (" --quick" if args.quick else "")
    text = markdown(run(repeats), command)
    print(text)
    if args.out:
        write_section(args.out, text, BEGIN, END)
    return 0


def write_section(path: Path, text: str, begin: str, end: str) -> None:
    """Put `text` (which starts with `begin` and ends with `end`) in place of that section of
    the Markdown file, or at its end."""
    doc = path.read_text()
    if begin in doc:
        doc = doc[: doc.index(begin)] + text + doc[doc.index(end) + len(end) :]
    else:
        doc = doc.rstrip("\n") + "\n\n" + text + "\n"
    path.write_text(doc)


if __name__ == "__main__":
    raise SystemExit(main())
