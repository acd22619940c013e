"""The generated backend at runtime against a hand-written baseline, on PostgreSQL, measured
side by side in one run (issue 7).

    python bench/bench_runtime.py --database-url postgresql+asyncpg://postgres:pw@127.0.0.1:5432
    python bench/bench_runtime.py --quick   # the CI smoke run: small, short, no timings asserted

What it does:
1. generates bench/runtime (books by authors, with tags) and migrates a fresh database with
   the generated migrations;
2. fills it with SQL: 1,000 authors, 50 tags, --rows books (default 100,000), two tags each;
3. serves the generated app and bench/runtime/baseline.py (a minimal hand-written FastAPI +
   SQLAlchemy app doing the same queries) with uvicorn, one worker each, side by side;
4. loads each with wrk (Debian package `wrk`) on loopback: read a book by id, list a page of 20
   books with their tags, create a book; for each request the two apps are measured back to
   back, in turns (the knobs, with --knobs, are served one at a time after them);
5. reports requests/s and p99 latency per app (median over rounds) and their ratio (the median
   of the rounds' back-to-back pairs), and with --out writes them into BENCHMARKS.md between
   the bench:runtime markers.

Exit status 1 only if something failed (a server that does not start, non-2xx answers).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from backend_codegen import api  # noqa: E402
from backend_codegen.verify.runner import environment_for  # noqa: E402

SPEC = ROOT / "bench" / "runtime"
BEGIN, END = "<!-- bench:runtime:begin", "<!-- bench:runtime:end -->"

SCENARIOS = {
    "read by id": """
math.randomseed(os.time() + math.random(1000))
request = function()
  return wrk.format("GET", "/api/books/" .. math.random(1, {rows}))
end
""",
    "list a page (20, with tags)": """
math.randomseed(os.time() + math.random(1000))
request = function()
  return wrk.format("GET", "/api/books?page=" .. math.random(1, {pages}) .. "&limit=20")
end
""",
    "create": """
math.randomseed(os.time() + math.random(1000))
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
request = function()
  local body = '{{"title": "Bench book", "price": 12.5, "author_id": ' .. math.random(1, 1000)
    .. ', "tag_ids": [' .. math.random(1, 50) .. ']}}'
  return wrk.format("POST", "/api/books", nil, body)
end
""",
}


def _psql(libpq: str, sql: str) -> None:
    subprocess.run(
        ["psql", libpq, "-v", "ON_ERROR_STOP=1", "-qc", sql], check=True, capture_output=True
    )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _serve(
    python: Path, app: str, cwd: Path, env: dict[str, str], workers: int = 1
) -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    proc = subprocess.Popen(
        [
            str(python),
            "-m",
            "uvicorn",
            app,
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--no-access-log",
            "--log-level",
            "warning",
            "--workers",
            str(workers),
        ],
        cwd=cwd,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            with urllib.request.urlopen(f"{url}/api/books/1", timeout=2) as answer:
                if answer.status == 200:
                    return proc, url
        except OSError:
            if proc.poll() is not None:
                log = proc.stderr.read().decode()[-2000:] if proc.stderr else ""
                raise RuntimeError(f"{app} did not start:\n{log}") from None
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError(f"{app} did not answer within 20 s")


def _cpu_s(pid: int) -> float | None:
    """CPU seconds (user + system) the server has used: the process and its live children
    (uvicorn's workers), from /proc; None where there is no /proc."""
    tick = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    total = 0
    try:
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue  # gone meanwhile
            own = int(stat.parent.name)
            if own == pid or int(fields[1]) == pid:  # fields[1]: the parent's pid
                total += int(fields[11]) + int(fields[12])  # utime, stime
    except OSError:
        return None
    return total / tick if total else None


def _wrk(url: str, script: Path, duration: int, connections: int) -> dict[str, float]:
    done = subprocess.run(
        [
            "wrk",
            "-t1",
            f"-c{connections}",
            f"-d{duration}s",
            "--timeout",
            "10s",
            "--latency",
            "-s",
            str(script),
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    text = done.stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))  # type: ignore[union-attr]
    count = re.search(r"(\d+) requests in", text)
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)\b", text)
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text
    )
    return {
        "rps": rps,
        "requests": float(count.group(1)) if count else 0.0,
        "p99_ms": float(p99.group(1)) * scale[p99.group(2)] if p99 else float("nan"),
        "non_2xx": float(bad.group(1)) if bad else 0.0,
        "socket_errors": float(sum(int(n) for n in errors.groups())) if errors else 0.0,
    }


def _get_ms(url: str) -> tuple[float, Any]:
    started = time.perf_counter()
    with urllib.request.urlopen(url, timeout=30) as answer:
        body = json.loads(answer.read())
    return (time.perf_counter() - started) * 1000, body


def _depths(server: str, rows: int, samples: int) -> tuple[list[dict[str, Any]], list[str]]:
    """Latency of one page of 20 at growing depth, one request at a time: `?page=N`
    (OFFSET: the database skips (N-1)*20 rows first) against `?cursor=` (the key of the
    previous page's last row: read through the primary key). Both must give the same rows."""
    pages = max(1, rows // 20)
    depths = sorted({d for d in (1, 10, 100, 1000, pages // 2, pages) if 1 <= d <= pages})
    out: list[dict[str, Any]] = []
    failures: list[str] = []
    for depth in depths:
        urls = {
            "offset": f"{server}/api/books?page={depth}&limit=20",
            "cursor": f"{server}/api/books?cursor={(depth - 1) * 20}&limit=20",
        }
        entry: dict[str, Any] = {"page": depth, "row": (depth - 1) * 20 + 1}
        for how, url in urls.items():
            times = []
            for n in range(samples + 2):  # two warm-up requests
                took, body = _get_ms(url)
                if n >= 2:
                    times.append(took)
            first = body["items"][0]["id"] if body.get("items") else None
            if first != entry["row"]:
                failures.append(f"{how} page {depth} starts at {first}, not {entry['row']}")
            entry[f"{how}_ms"] = statistics.median(times)
        out.append(entry)
    return out, failures


def run(args: argparse.Namespace) -> dict[str, Any]:
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed (Debian: apt-get install wrk)")
    base = args.database_url.rstrip("/")
    libpq_base = base.replace("+asyncpg", "")
    work = Path(tempfile.mkdtemp(prefix="bench-runtime-"))
    project = api.generate([SPEC], work / "backend").project_dir
    python = environment_for(project)
    name = "bcg_bench_runtime"
    _psql(f"{libpq_base}/postgres", f"DROP DATABASE IF EXISTS {name}")
    _psql(f"{libpq_base}/postgres", f"CREATE DATABASE {name}")
    url, libpq = f"{base}/{name}", f"{libpq_base}/{name}"
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "AUTO_MIGRATE": "false",
        "ENVIRONMENT": "production",
        "PYTHONPATH": str(project),
    }
    subprocess.run(
        [str(python), "-m", "alembic", "upgrade", "head"],
        cwd=project,
        env=env,
        check=True,
        capture_output=True,
    )
    started = time.perf_counter()
    _psql(
        libpq,
        f"""
        INSERT INTO authors (name) SELECT 'Author ' || g FROM generate_series(1, 1000) g;
        INSERT INTO tags (name) SELECT 'tag-' || g FROM generate_series(1, 50) g;
        INSERT INTO books (title, price, author_id)
          SELECT 'Book ' || g, (g % 100) + 0.99, 1 + (g % 1000)
          FROM generate_series(1, {args.rows}) g;
        INSERT INTO book_tags (book_id, tag_id)
          SELECT g, 1 + (g % 50) FROM generate_series(1, {args.rows}) g
          UNION ALL SELECT g, 1 + ((g + 25) % 50) FROM generate_series(1, {args.rows}) g;
        ANALYZE;
    """,
    )
    seeded = time.perf_counter() - started
    scripts = {}
    for scenario, lua in SCENARIOS.items():
        path = work / f"{len(scripts)}.lua"
        path.write_text(lua.format(rows=args.rows, pages=max(1, args.rows // 20)))
        scripts[scenario] = path
    # (ASGI app, directory, extra settings, uvicorn workers)
    apps: dict[str, tuple[str, Path, dict[str, str], int]] = {
        "generated": ("app.main:app", project, {}, 1),
        "baseline": ("baseline:app", SPEC, {}, 1),
    }
    if args.knobs:  # the generated app's production settings, one change at a time
        apps |= {
            "DB_POOL_PRE_PING=false": ("app.main:app", project, {"DB_POOL_PRE_PING": "false"}, 1),
            "DB_POOL_PING_IDLE=0": ("app.main:app", project, {"DB_POOL_PING_IDLE": "0"}, 1),
            "DB_POOL_SIZE=32": ("app.main:app", project, {"DB_POOL_SIZE": "32"}, 1),
            "DB_POOL_SIZE=2, DB_MAX_OVERFLOW=0": (
                "app.main:app",
                project,
                {"DB_POOL_SIZE": "2", "DB_MAX_OVERFLOW": "0"},
                1,
            ),
            "uvicorn --workers 2": ("app.main:app", project, {}, 2),
        }
    samples: dict[tuple[str, str], list[dict[str, float]]] = {}
    failures: list[str] = []

    def measure(who: str, pid: int, server: str, scenario: str) -> None:
        _wrk(server, scripts[scenario], 1, args.connections)  # warm-up: pools, caches
        before = _cpu_s(pid)
        result = _wrk(server, scripts[scenario], args.duration, args.connections)
        after = _cpu_s(pid)
        if before is not None and after is not None and result["requests"]:
            result["cpu_ms"] = (after - before) * 1000 / result["requests"]
        samples.setdefault((who, scenario), []).append(result)
        if result["non_2xx"] or result["socket_errors"]:
            failures.append(f"{who} / {scenario}: {result}")

    def serve(who: str) -> tuple[subprocess.Popen[bytes], str]:
        app, cwd, extra, workers = apps[who]
        return _serve(python, app, cwd, {**env, **extra, "PYTHONPATH": str(cwd)}, workers)

    pair = ["generated", "baseline"]
    for round_no in range(args.rounds):
        # The generated app and the baseline are served together (the one not loaded is
        # idle) and measured back to back for each scenario, in turns: each pair of figures
        # is taken within seconds, so the other tenants' load varies less between them.
        served: dict[str, tuple[subprocess.Popen[bytes], str]] = {}
        try:
            for who in pair:  # inside the try: one that fails to start stops the other
                served[who] = serve(who)
            for number, scenario in enumerate(scripts):
                order = pair if (round_no + number) % 2 == 0 else pair[::-1]
                for who in order:
                    proc, server = served[who]
                    measure(who, proc.pid, server, scenario)
        finally:
            for proc, _ in served.values():
                proc.terminate()
                proc.wait(10)
        for who in list(apps)[2:]:  # the knobs, one server at a time
            proc, server = serve(who)
            try:
                for scenario in scripts:
                    measure(who, proc.pid, server, scenario)
            finally:
                proc.terminate()
                proc.wait(10)
    # deep pages: the generated app at its defaults, after the loads (caches warm alike)
    proc, server = _serve(python, "app.main:app", project, {**env, "PYTHONPATH": str(project)})
    try:
        depths, depth_failures = _depths(server, args.rows, 3 if args.quick else 15)
        failures += depth_failures
    finally:
        proc.terminate()
        proc.wait(10)
    rows = []
    for scenario in SCENARIOS:
        gen, bas = samples[("generated", scenario)], samples[("baseline", scenario)]
        g_rps = statistics.median(s["rps"] for s in gen)
        b_rps = statistics.median(s["rps"] for s in bas)
        paired = [g["rps"] / b["rps"] for g, b in zip(gen, bas, strict=True) if b["rps"]]
        rows.append(
            {
                "scenario": scenario,
                "generated_rps": g_rps,
                "baseline_rps": b_rps,
                # the median of each round's pair, measured back to back
                "ratio": statistics.median(paired) if paired else float("nan"),
                "ratio_low": min(paired, default=float("nan")),
                "ratio_high": max(paired, default=float("nan")),
                "generated_p99_ms": statistics.median(s["p99_ms"] for s in gen),
                "baseline_p99_ms": statistics.median(s["p99_ms"] for s in bas),
                "generated_cpu_ms": _median_of(gen, "cpu_ms"),
                "baseline_cpu_ms": _median_of(bas, "cpu_ms"),
            }
        )
    knobs = []
    for who in list(apps)[2:]:
        entry: dict[str, Any] = {"setting": who}
        for scenario in SCENARIOS:
            default = statistics.median(s["rps"] for s in samples[("generated", scenario)])
            changed = statistics.median(s["rps"] for s in samples[(who, scenario)])
            entry[scenario] = {"rps": changed, "vs_default": changed / default if default else 0}
        knobs.append(entry)
    _psql(f"{libpq_base}/postgres", f"DROP DATABASE IF EXISTS {name}")
    shutil.rmtree(work, ignore_errors=True)
    return {
        "rows": rows,
        "knobs": knobs,
        "depths": depths,
        "failures": failures,
        "settings": {
            "books": args.rows,
            "duration_s": args.duration,
            "connections": args.connections,
            "rounds": args.rounds,
            "seed_s": round(seeded, 1),
            "depth_samples": 3 if args.quick else 15,
            "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, "
            f"Python {platform.python_version()}",
            "load_average": " ".join(f"{x:.2f}" for x in os.getloadavg()),
            "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        },
    }


def _median_of(samples: list[dict[str, float]], key: str) -> float | None:
    values = [s[key] for s in samples if key in s]
    return statistics.median(values) if values else None


def _spread(row: dict[str, Any]) -> str:
    low, high = row.get("ratio_low"), row.get("ratio_high")
    if low is None or high is None or low != low or low == high:  # one round, or NaN
        return ""
    return f" ({low:.0%}–{high:.0%})"


def _ms(value: float | None) -> str:
    return f"{value:.1f} ms" if value is not None else "n/a"


def markdown(result: dict[str, Any], command: str) -> str:
    s = result["settings"]
    lines = [
        f"{BEGIN} (written by bench/bench_runtime.py; do not edit) -->",
        "",
        f"_{s['date']}; {s['machine']}; load average at the end {s['load_average']}._",
        "",
        f"`{command}`: {s['books']:,} books (two tags each), 1,000 authors, 50 tags on "
        f"PostgreSQL; wrk, 1 thread, {s['connections']} connections, {s['duration_s']} s per "
        f"measurement after a 1 s warm-up, {s['rounds']} rounds; uvicorn with one worker for "
        "each app. Both apps are served together and measured back to back for each request, "
        "in turns; requests/s and p99 are medians over the rounds, and generated / baseline "
        "is the median of the rounds' pairs (in brackets: the lowest and highest pair).",
        "",
        "| request | generated req/s | baseline req/s | generated / baseline "
        "| generated p99 | baseline p99 | generated CPU / request | baseline CPU / request |",
        "|---|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for r in result["rows"]:
        lines.append(
            f"| {r['scenario']} | {r['generated_rps']:,.0f} | {r['baseline_rps']:,.0f} | "
            f"{r['ratio']:.0%}{_spread(r)} | {r['generated_p99_ms']:.1f} ms | "
            f"{r['baseline_p99_ms']:.1f} ms "
            f"| {_ms(r.get('generated_cpu_ms'))} | {_ms(r.get('baseline_cpu_ms'))} |"
        )
    lines += [
        "",
        "CPU / request: the server process's CPU time (user + system, /proc) during the "
        "measurement over the requests it answered; PostgreSQL's and wrk's are not in it.",
    ]
    if result["knobs"]:
        lines += [
            "",
            "The generated app's production settings, one at a time (requests/s, and against "
            "the defaults: pool 10 + 10 overflow, connections tested after 10 s idle, one "
            "worker):",
            "",
            "| setting | " + " | ".join(SCENARIOS) + " |",
            "|---|" + "--:|" * len(SCENARIOS),
        ]
        for k in result["knobs"]:
            cells = [f"{k[s]['rps']:,.0f} ({k[s]['vs_default']:.0%})" for s in SCENARIOS]
            lines.append(f"| `{k['setting']}` | " + " | ".join(cells) + " |")
    if result.get("depths"):
        lines += [
            "",
            "Deep pages of the generated app (one request at a time, median of "
            f"{s.get('depth_samples', 15)}): `?page=N` against `?cursor=` (the previous "
            "page's last key), the same 20 rows; each answer also counts the live rows. "
            "Plotted, with the table above, in bench/runtime.png.",
            "",
            "| page | first row | `?page=` | `?cursor=` |",
            "|--:|--:|--:|--:|",
        ]
        for d in result["depths"]:
            lines.append(
                f"| {d['page']:,} | {d['row']:,} | {d['offset_ms']:.1f} ms "
                f"| {d['cursor_ms']:.1f} ms |"
            )
    if result["failures"]:
        lines += ["", "Failures: " + "; ".join(result["failures"])]
    lines += ["", END]
    return "\n".join(lines)


def make_plot(result: dict[str, Any], path: Path) -> bool:
    """Left: requests/s of the generated app and the baseline per request; right: the
    latency of a page at growing depth, by offset and by cursor."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib is not installed: skipping the plot", file=sys.stderr)
        return False
    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4.6))
    names = [r["scenario"] for r in result["rows"]]
    xs = range(len(names))
    width = 0.38
    left.bar(
        [x - width / 2 for x in xs],
        [r["generated_rps"] for r in result["rows"]],
        width,
        label="generated",
    )
    left.bar(
        [x + width / 2 for x in xs],
        [r["baseline_rps"] for r in result["rows"]],
        width,
        label="hand-written baseline",
    )
    for x, r in zip(xs, result["rows"], strict=True):
        left.annotate(
            f"{r['ratio']:.0%}",
            (x, max(r["generated_rps"], r["baseline_rps"])),
            ha="center",
            va="bottom",
            fontsize=9,
        )
    left.set_xticks(list(xs), names, fontsize=8)
    left.set(ylabel="requests/s", title="PostgreSQL, 100k rows, wrk 32 connections")
    left.legend(fontsize=8)
    left.grid(axis="y", alpha=0.3)
    depths = result.get("depths") or []
    if depths:
        pages = [d["page"] for d in depths]
        right.plot(pages, [d["offset_ms"] for d in depths], "o-", label="?page=N (OFFSET)")
        right.plot(pages, [d["cursor_ms"] for d in depths], "s-", label="?cursor= (keyset)")
        right.set_xscale("log")
        right.set(
            xlabel="page (20 rows each)",
            ylabel="ms per request (median)",
            title="a page at growing depth",
        )
        right.legend(fontsize=8)
        right.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return True


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url",
        default=os.environ.get(
            "BACKEND_CODEGEN_TEST_POSTGRES", "postgresql+asyncpg://postgres:postgres@127.0.0.1:5432"
        ),
    )
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="smoke run: 2,000 books, 1 s, 1 round")
    parser.add_argument("--out", type=Path, help="write the results into this Markdown file")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument(
        "--knobs",
        action="store_true",
        help="also measure the generated app with other pool settings and two workers",
    )
    args = parser.parse_args()
    if args.quick:
        args.rows, args.duration, args.rounds = 2000, 1, 1
    command = "python bench/bench_runtime.py" + (" --quick" if args.quick else "")
    command += " --knobs" if args.knobs else ""
    command += f" --rounds {args.rounds}" if args.rounds != 3 and not args.quick else ""
    result = run(args)
    text = markdown(result, command)
    print(json.dumps(result, indent=2) if args.json else text)
    if args.out and not args.quick:
        make_plot(result, ROOT / "bench" / "runtime.png")
    if args.out:
        doc = args.out.read_text()
        if BEGIN in doc:
            start, stop = doc.index(BEGIN), doc.index(END) + len(END)
            doc = doc[:start] + text + doc[stop:]
        else:
            doc = doc.rstrip("\n") + "\n\n" + text + "\n"
        args.out.write_text(doc)
    return 1 if result["failures"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
