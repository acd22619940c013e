"""GitHub's REST API description (issue 7): `@octokit/openapi@23.0.2`'s api.github.com.json,
1,223 operations in 13 MB, generated into a backend by the whole `backend-codegen` process
(cold start included); then the generated app is migrated (SQLite), started with uvicorn and
asked for /health and /openapi.json.

    python bench/bench_github.py                 # 3 timed runs, then the app check
    python bench/bench_github.py --quick         # one run and the app check (CI's smoke run)
    python bench/bench_github.py --peers         # also OpenAPI Generator and
                                                 # fastapi-code-generator, one run each
    python bench/bench_github.py --out BENCHMARKS.md

The description comes from npm (`npm pack`, kept under the cache directory). Peak memory is
the largest resident set of the process and the helpers it forks (wait4's rusage).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from bench_peers import _env, _peer_env, write_section  # noqa: E402

from backend_codegen.cache import cache_root  # noqa: E402
from backend_codegen.verify.runner import environment_for  # noqa: E402

PACKAGE = "@octokit/openapi@23.0.2"
MEMBER = "package/generated/api.github.com.json"
BEGIN, END = "<!-- bench:github:begin", "<!-- bench:github:end -->"
TARGET_S, TARGET_MIB = 5.0, 500


def description() -> Path:
    """api.github.com.json from the npm package, fetched once."""
    home = cache_root() / "bench-github"
    spec = home / "api.github.com.json"
    if spec.exists():
        return spec
    npm = shutil.which("npm")
    if npm is None:
        raise SystemExit("npm is needed to fetch " + PACKAGE)
    home.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            [npm, "pack", PACKAGE, "--pack-destination", tmp, "--silent"],
            check=True,
            capture_output=True,
        )
        tarball = next(Path(tmp).glob("*.tgz"))
        with tarfile.open(tarball) as archive:
            member = archive.extractfile(MEMBER)
            assert member is not None
            spec.write_bytes(member.read())
    return spec


def _measure(command: list[str], cwd: Path) -> tuple[float, int, float, bool, str]:
    """(wall seconds, peak RSS in KiB, CPU seconds, success, the output's tail) of one whole
    process. The CPU (user + system) is the process's and that of the children it waited
    for (helpers, ruff, a JVM's threads): steadier than the wall time on a shared machine,
    where other tenants' load stretches a run."""
    started = time.perf_counter()
    with tempfile.TemporaryFile() as out:
        proc = subprocess.Popen(command, cwd=cwd, env=_env(), stdout=out, stderr=out)
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        tail = out.read().decode(errors="replace")[-400:]
    cpu = usage.ru_utime + usage.ru_stime
    return elapsed, usage.ru_maxrss, cpu, proc.returncode == 0, tail


def generate(spec: Path, repeats: int) -> dict[str, Any]:
    ours = Path(sys.executable).with_name("backend-codegen")
    walls: list[float] = []
    peaks: list[int] = []
    cpus: list[float] = []
    project = Path(tempfile.mkdtemp(prefix="bench-github-")) / "backend"
    for _ in range(repeats):
        shutil.rmtree(project.parent, ignore_errors=True)
        project.parent.mkdir(parents=True)
        # the deleted tree's blocks are discarded by the file system in the background;
        # that work belongs to the harness, not to the next run (it cost 1 s of writing)
        os.sync()
        wall, peak, cpu, ok, tail = _measure(
            [str(ours), "generate", str(spec), "-o", str(project)], project.parent
        )
        if not ok:
            return {"ok": False, "failure": tail.strip().splitlines()[-1], "project": None}
        walls.append(wall)
        peaks.append(peak)
        cpus.append(cpu)
    files = sum(1 for p in project.rglob("*.py"))
    return {
        "ok": True,
        "median_s": statistics.median(walls),
        "min_s": min(walls),
        "cpu_s": statistics.median(cpus),
        "runs": len(walls),
        "peak_mib": max(peaks) / 1024,
        "python_files": files,
        "project": project,
    }


def start(project: Path) -> dict[str, Any]:
    """Migrate the generated app on SQLite, start it, ask /health and /openapi.json."""
    python = environment_for(project)
    env = {**os.environ, "DATABASE_URL": "sqlite+aiosqlite:///./bench.db", "PYTHONPATH": "."}
    started = time.perf_counter()
    migrate = subprocess.run(
        [str(python), "-m", "alembic", "upgrade", "head"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    if migrate.returncode != 0:
        return {"ok": False, "failure": "alembic upgrade: " + migrate.stderr[-300:]}
    migrated = time.perf_counter() - started
    port = _free_port()
    server = subprocess.Popen(
        [
            str(python),
            "-m",
            "uvicorn",
            "app.main:app",
            "--port",
            str(port),
            "--log-level",
            "warning",
        ],
        cwd=project,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    started = time.perf_counter()
    try:
        url = f"http://127.0.0.1:{port}"
        while True:
            try:
                with urllib.request.urlopen(f"{url}/health", timeout=5) as answer:
                    health = answer.read().decode()
                break
            except OSError:
                if server.poll() is not None or time.perf_counter() - started > 300:
                    log = server.stderr.read().decode()[-600:] if server.stderr else ""
                    return {"ok": False, "failure": "the app did not start: " + log}
                time.sleep(0.2)
        up = time.perf_counter() - started
        with urllib.request.urlopen(f"{url}/openapi.json", timeout=60) as answer:
            operations = sum(
                1
                for item in __import__("json").loads(answer.read())["paths"].values()
                for method in item
                if method in ("get", "put", "post", "delete", "patch")
            )
    finally:
        server.terminate()
        server.wait(timeout=30)
    return {
        "ok": '"ok"' in health,
        "migrate_s": migrated,
        "start_s": up,
        "operations": operations,
        "failure": "" if '"ok"' in health else health,
    }


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def peers(spec: Path) -> list[dict[str, Any]]:
    bin_dir = _peer_env()
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-github-peers-") as tmp:
        commands = {
            "OpenAPI Generator (python-fastapi)": [
                str(bin_dir / "openapi-generator-cli"),
                "generate",
                "-g",
                "python-fastapi",
                "-i",
                str(spec),
                "-o",
                str(Path(tmp) / "oag"),
                "--skip-validate-spec",
            ],
            "fastapi-code-generator": [
                str(bin_dir / "fastapi-codegen"),
                "--input",
                str(spec),
                "--output",
                str(Path(tmp) / "fcg"),
            ],
        }
        for tool, command in commands.items():
            wall, peak, cpu, ok, tail = _measure(command, Path(tmp))
            last = tail.strip().splitlines()[-1] if tail.strip() else "failed"
            rows.append(
                {
                    "tool": tool,
                    "wall": wall,
                    "cpu_s": cpu,
                    "peak_mib": peak / 1024,
                    "result": "ok" if ok else last,
                }
            )
    return rows


def markdown(
    ours: dict[str, Any], app: dict[str, Any] | None, others: list[dict[str, Any]], command: str
) -> str:
    lines = [
        f"{BEGIN} (written by bench/bench_github.py; do not edit) -->",
        "",
        f"_{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; {os.cpu_count()} CPUs; "
        f"load average at the end {' '.join(f'{x:.2f}' for x in os.getloadavg())}._",
        "",
        f"`{command}`: `{PACKAGE}` api.github.com.json (1,223 operations, 13 MB), whole "
        f"processes. Targets: under {TARGET_S:.0f} s and {TARGET_MIB} MiB, and the app starts. "
        "CPU: user + system time of the process and the children it waited for.",
        "",
        "| tool | wall (median) | fastest | CPU (median) | runs | peak memory | result |",
        "|---|--:|--:|--:|--:|--:|---|",
    ]
    if ours["ok"]:
        lines.append(
            f"| backend-codegen | {ours['median_s']:.2f} s | {ours['min_s']:.2f} s | "
            f"{ours['cpu_s']:.1f} s | {ours['runs']} | {ours['peak_mib']:.0f} MiB | "
            f"ok: {ours['python_files']} Python files |"
        )
    else:
        lines.append(f"| backend-codegen | – | – | – | 0 | – | failed: {ours['failure']} |")
    for row in others:
        lines.append(
            f"| {row['tool']} | {row['wall']:.2f} s | | {row['cpu_s']:.1f} s | 1 "
            f"| {row['peak_mib']:.0f} MiB "
            f"| {row['result']} |"
        )
    if app is not None:
        lines.append("")
        if app["ok"]:
            lines.append(
                f"The generated app: `alembic upgrade head` on SQLite in {app['migrate_s']:.1f} s; "
                f"uvicorn answered /health {app['start_s']:.1f} s after starting, and "
                f"/openapi.json lists {app['operations']} operations."
            )
        else:
            lines.append(f"The generated app did not start: {app['failure']}")
    lines += ["", END]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="one timed run")
    parser.add_argument("--peers", action="store_true", help="also time the two peers once")
    parser.add_argument("--out", type=Path, help="write the results into this Markdown file")
    args = parser.parse_args()
    spec = description()
    ours = generate(spec, 1 if args.quick else args.repeats)
    app = start(ours["project"]) if ours["ok"] else None
    others = peers(spec) if args.peers else []
    command = (
        "python bench/bench_github.py"
        + (" --quick" if args.quick else "")
        + (" --peers" if args.peers else "")
    )
    text = markdown(ours, app, others, command)
    print(text)
    if ours.get("project"):
        shutil.rmtree(ours["project"].parent, ignore_errors=True)
    if args.out:
        write_section(args.out, text, BEGIN, END)
    return 0 if ours["ok"] and app is not None and app["ok"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
