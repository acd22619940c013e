"""Benchmarks for `backend-codegen generate`: whole process, stages, and scaling.

    python bench/bench_generate.py                      # full run (N=5), tables on stdout
    python bench/bench_generate.py --out BENCHMARKS.md  # ... and refresh the results section
    python bench/bench_generate.py --quick              # smoke run for CI (< 60 s, N=1)

1. Start-up: the interpreter, `import inflect`, `import backend_codegen.cli` and
   `backend-codegen --version`, each as its own process.
2. Whole process: `backend-codegen generate INPUT -o TMP/backend --force` for every example
   and corpus spec, cold start included. Each run goes through a small wrapper process that
   times the CLI and reads `getrusage(RUSAGE_CHILDREN)`, so CPU time and peak RSS are those of
   that one run (the CLI and its `ruff` child; the peak is the largest single process).
3. Stages, in process (warm): read, infer, render, write and docs, via bench/stage_worker.py.
4. Scaling: synthetic OpenAPI documents (bench/synth_openapi.py) of 10 … 2000 operations,
   stages in process (one fresh worker per size) plus whole process for a few sizes; growing
   stops at the first size that fails or takes more than 60 s. Plot: bench/generate_scaling.png.

Other people edit src/ while this runs, so by default the package is copied at the start
(src/backend_codegen, byte-compiled) and every child process imports that snapshot through
PYTHONPATH: one run measures one version of the code (--no-snapshot measures the live tree).
Wall times are medians; on a shared machine compare ratios within one run, not across runs.
The script asserts no timings: it exits 1 only if something failed to run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import itertools
import json
import math
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

from synth_openapi import OPERATIONS_PER_RESOURCE, write_spec

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
EXAMPLES = REPO / "examples"
DEFAULT_CORPUS = Path("/work/shared/corpus")
PLOT = BENCH / "generate_scaling.png"
STAGE_WORKER = BENCH / "stage_worker.py"

SIZES = (10, 50, 100, 250, 500, 1000, 2000)
QUICK_SIZES = (10, 50, 100)
WHOLE_SIZES = (10, 100, 1000, 2000)
QUICK_WHOLE_SIZES = (10,)
LIMIT_S = 60.0  # a size whose generate takes longer than this stops the scaling run
ROW_BUDGET_S = 60.0  # stop repeating one row once it has used this much time (N >= 1)
STAGES = ("read", "infer", "render", "write", "docs")
NO_CACHE = ", *no bytecode cache*"  # label suffix of the rows run without a byte-code cache
BEGIN = "<!-- bench:results:begin (written by bench/bench_generate.py; do not edit) -->"
END = "<!-- bench:results:end -->"

# Runs argv[2:] once and reports its wall time and its own rusage (this wrapper runs only
# that one child, so RUSAGE_CHILDREN is per run).
WRAPPER = r"""
import json, resource, subprocess, sys, time
timeout, argv = float(sys.argv[1]), sys.argv[2:]
t0 = time.perf_counter()
try:
    proc = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=timeout)
    rc, err = proc.returncode, proc.stderr.decode("utf-8", "replace")[-3000:]
except subprocess.TimeoutExpired:
    rc, err = None, f"timed out after {timeout:.0f} s"
wall = time.perf_counter() - t0
ru = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"rc": rc, "stderr": err, "wall": wall,
                  "cpu": ru.ru_utime + ru.ru_stime, "maxrss_kb": ru.ru_maxrss}))
"""


# --------------------------------------------------------------------------- measurements


@dataclass
class Proc:
    """One row of a whole-process table: N runs of one command."""

    label: str
    walls: list[float] = field(default_factory=list)
    cpus: list[float] = field(default_factory=list)
    rss_kb: list[int] = field(default_factory=list)
    error: str | None = None

    @property
    def wall(self) -> float:
        return statistics.median(self.walls)

    @property
    def cpu(self) -> float:
        return statistics.median(self.cpus)

    @property
    def rss(self) -> int:
        return max(self.rss_kb)


def run_process(
    label: str,
    argv: Sequence[str],
    repeats: int,
    timeout: float = 2 * LIMIT_S,
    env: dict[str, str] | None = None,
) -> Proc:
    """Run `argv` up to `repeats` times (each in a fresh temporary directory, which replaces
    `{tmp}` in argv) until ROW_BUDGET_S is used up; stop at the first failure. `env`
    replaces the environment (default: inherited)."""
    row = Proc(label)
    started = time.perf_counter()
    while len(row.walls) < repeats:
        tmp = Path(tempfile.mkdtemp(prefix="bench-gen-"))
        try:
            args = [a.replace("{tmp}", str(tmp)) for a in argv]
            done = subprocess.run(
                [sys.executable, "-c", WRAPPER, str(timeout), *args],
                cwd=tmp,
                capture_output=True,
                text=True,
                timeout=timeout + 30,
                env=env,
            )
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        try:
            out = json.loads(done.stdout.strip().splitlines()[-1])
        except (IndexError, json.JSONDecodeError):
            row.error = f"benchmark wrapper failed: {done.stderr.strip()[-2000:]}"
            break
        if out["rc"] != 0:
            row.error = f"exit status {out['rc']}: {out['stderr'].strip()}"
            break
        row.walls.append(out["wall"])
        row.cpus.append(out["cpu"])
        row.rss_kb.append(out["maxrss_kb"])
        if time.perf_counter() - started + out["wall"] > ROW_BUDGET_S:
            break
    return row


@dataclass
class Stages:
    """In-process stage timings of one input (from stage_worker.py)."""

    input: str
    runs: list[dict[str, float]]
    counts: dict[str, int]
    generate_s: float | None = None
    error: str | None = None

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Stages:
        keys: tuple[str, ...] = ("operations", "entities", "files", "bytes")
        counts = {k: int(data[k]) for k in keys if k in data}
        return cls(data["input"], data["runs"], counts, data.get("generate_s"), data["error"])

    @property
    def ok(self) -> bool:
        return self.error is None and bool(self.runs)

    def median(self, key: str) -> float:
        return statistics.median(r[key] for r in self.runs)


@dataclass
class Worker:
    stages: list[Stages]
    maxrss_kb: int = 0
    import_s: float = 0.0
    first_input: str | None = None  # the worker's first, cold api.generate call …
    first_s: float | None = None  # … and its wall time, lazy imports included
    error: str | None = None


def run_worker(
    inputs: Sequence[Path],
    repeats: int,
    *,
    budget_s: float,
    timeout_s: float,
    warmup: Path | None = None,
    generate_check: bool = False,
) -> Worker:
    argv = [sys.executable, str(STAGE_WORKER), "--repeats", str(repeats)]
    argv += ["--budget", str(budget_s)]
    if warmup:
        argv += ["--warmup", str(warmup)]
    if generate_check:
        argv.append("--generate-check")
    argv += [str(p) for p in inputs]
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=timeout_s)
    except subprocess.TimeoutExpired:
        return Worker([], error=f"no result within {timeout_s:.0f} s (killed)")
    try:
        data = json.loads(done.stdout.strip().splitlines()[-1])
    except (IndexError, json.JSONDecodeError):
        return Worker([], error=f"stage worker failed: {done.stderr.strip()[-3000:]}")
    if data.get("warmup") and data["warmup"]["error"]:
        return Worker([], error=f"warm-up failed: {data['warmup']['error']}")
    stages = [Stages.from_json(d) for d in data["inputs"]]
    first = data.get("warmup") or {}
    return Worker(
        stages,
        int(data["maxrss_kb"]),
        float(data["import_s"]),
        first.get("input"),
        first.get("seconds"),
    )


@dataclass
class ScalePoint:
    operations: int
    stages: Stages | None = None
    worker_rss_kb: int | None = None
    whole: Proc | None = None
    status: str = "not run"
    error: str | None = None

    @property
    def resources(self) -> int:
        return math.ceil(self.operations / OPERATIONS_PER_RESOURCE)

    @property
    def ok(self) -> bool:
        return self.status == "ok"


def run_scaling(
    sizes: Sequence[int], whole_sizes: Sequence[int], repeats: int, workdir: Path
) -> list[ScalePoint]:
    points = [ScalePoint(n) for n in sizes]
    warmup = write_spec(min(sizes), workdir)
    for point in points:
        spec = write_spec(point.operations, workdir)
        print(f"  scaling: {point.operations} operations …", file=sys.stderr, flush=True)
        worker = run_worker(
            [spec],
            repeats,
            budget_s=LIMIT_S / 2,
            timeout_s=2 * LIMIT_S + 30,  # start-up, warm-up and untimed inspect too
            warmup=warmup,
        )
        if worker.error or not worker.stages[0].ok:
            point.status = "failed"
            point.error = worker.error or worker.stages[0].error
            break
        point.stages = worker.stages[0]
        point.worker_rss_kb = worker.maxrss_kb
        first = point.stages.runs[0]["total"]
        if first > LIMIT_S:
            point.status = "too slow"
            point.error = f"one generate took {first:.1f} s (> {LIMIT_S:.0f} s)"
            break
        point.status = "ok"
    cli = str(cli_path())
    for point in points:
        if point.ok and point.operations in whole_sizes:
            spec = workdir / f"synth-{point.operations}.yaml"
            print(f"  whole process: {spec.name} …", file=sys.stderr, flush=True)
            argv = [cli, "generate", str(spec), "-o", "{tmp}/backend", "--force"]
            point.whole = run_process(spec.name, argv, repeats)
    return points


# --------------------------------------------------------------------------- environment


def cli_path() -> Path:
    beside = Path(sys.executable).parent / "backend-codegen"
    found = shutil.which("backend-codegen")
    if beside.exists():
        return beside
    if found:
        return Path(found)
    raise SystemExit("backend-codegen is not installed in this environment")


def _first_line(path: str, prefix: str) -> str | None:
    try:
        for line in Path(path).read_text().splitlines():
            if line.startswith(prefix):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return None


def _git(*args: str) -> subprocess.CompletedProcess[str] | None:
    env = {**os.environ, "GIT_OPTIONAL_LOCKS": "0"}  # read-only: no index refresh
    try:
        return subprocess.run(
            ["git", *args], cwd=REPO, capture_output=True, text=True, env=env, timeout=20
        )
    except (OSError, subprocess.TimeoutExpired):
        return None


def source_hash(package: Path) -> str:
    """sha256 over the package's files (paths and contents), without byte code."""
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(path.relative_to(package).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def snapshot_source(dest: Path) -> str:
    """Copy the package to `dest` and put it first on PYTHONPATH for every child process;
    returns its source hash."""
    package = REPO / "src" / "backend_codegen"
    copy = dest / "backend_codegen"
    shutil.copytree(package, copy, ignore=shutil.ignore_patterns("__pycache__"))
    old = os.environ.get("PYTHONPATH")
    os.environ["PYTHONPATH"] = str(dest) + (os.pathsep + old if old else "")
    probe = subprocess.run(
        [sys.executable, "-c", "import backend_codegen; print(backend_codegen.__file__)"],
        capture_output=True,
        text=True,
    )
    if not probe.stdout.strip().startswith(str(copy)):
        raise SystemExit(f"the snapshot is not imported first: {probe.stdout}{probe.stderr}")
    return source_hash(copy)


def use_bytecode_cache(scratch: Path) -> tuple[dict[str, str], str]:
    """Make every child process read and write byte code under a private
    PYTHONPYCACHEPREFIX (nothing is written into the virtualenv or src/), whatever the
    environment says. Returns the environment for the *no bytecode cache* rows (byte code
    neither read nor written: every module compiled from source in every run) and a note."""
    empty = scratch / "empty-pycache"
    empty.mkdir(parents=True)
    no_cache = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "PYTHONPYCACHEPREFIX": str(empty)}
    inherited = os.environ.get("PYTHONDONTWRITEBYTECODE")
    os.environ["PYTHONPYCACHEPREFIX"] = str(scratch / "pycache")
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    note = (
        "cached under a private PYTHONPYCACHEPREFIX, primed by untimed runs; rows marked "
        "*no bytecode cache* compile every module from source in every run (an empty "
        f"PYTHONPYCACHEPREFIX, PYTHONDONTWRITEBYTECODE=1). Inherited PYTHONDONTWRITEBYTECODE: "
        f"{inherited or 'unset'}"
    )
    return no_cache, note


def prime(cli: str, inputs: Sequence[Path]) -> list[str]:
    """One untimed CLI run and one stage-worker run per input, to fill the byte-code cache;
    returns errors."""
    errors: list[str] = []
    for path in inputs:
        argv = [cli, "generate", str(path), "-o", "{tmp}/backend", "--force"]
        row = run_process(f"priming run {_label(str(path))}", argv, 1)
        if row.error:
            errors.append(f"{row.label}: {row.error}")
    worker = run_worker(inputs, 1, budget_s=ROW_BUDGET_S, timeout_s=600.0)
    if worker.error:
        errors.append(f"priming stage worker: {worker.error}")
    return errors


def machine() -> dict[str, str]:
    mem = _first_line("/proc/meminfo", "MemTotal")
    head = _git("rev-parse", "--short", "HEAD")
    dirty = _git("diff", "--quiet", "HEAD", "--", "src", "templates")
    commit = head.stdout.strip() if head and head.returncode == 0 else "unknown"
    if dirty and dirty.returncode == 1:
        commit += " + uncommitted changes in src/ or templates/"
    try:
        affinity = len(os.sched_getaffinity(0))
    except AttributeError:
        affinity = os.cpu_count() or 0
    return {
        "date (UTC)": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M"),
        "CPU": _first_line("/proc/cpuinfo", "model name") or platform.processor() or "unknown",
        "nproc": f"{affinity} usable ({os.cpu_count()} online)",
        "memory": f"{int(mem.split()[0]) / 1024**2:.1f} GiB" if mem else "unknown",
        "OS": platform.platform(),
        "Python": f"{platform.python_version()} ({sys.executable})",
        "backend-codegen": f"{metadata.version('backend-codegen')}, commit {commit}",
        "load average at start": " ".join(f"{x:.2f}" for x in os.getloadavg()),
    }


# --------------------------------------------------------------------------- reporting


def fmt_s(seconds: float | None) -> str:
    if seconds is None:
        return "–"
    if seconds >= 1:
        return f"{seconds:.2f} s"
    if seconds >= 0.01:
        return f"{seconds * 1000:.0f} ms"
    return f"{seconds * 1000:.1f} ms"


def fmt_ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f}" if seconds < 0.1 else f"{seconds * 1000:.0f}"


def fmt_mb(kb: int | None) -> str:
    return "–" if kb is None else f"{kb / 1024:.0f} MB"


def table(header: Sequence[str], rows: Sequence[Sequence[str]], align: str = "") -> list[str]:
    align = align or "l" + "r" * (len(header) - 1)
    marks = {"l": "---", "r": "--:"}
    out = ["| " + " | ".join(header) + " |", "|" + "|".join(marks[a] for a in align) + "|"]
    out += ["| " + " | ".join(row) + " |" for row in rows]
    return out


def proc_rows(rows: Sequence[Proc]) -> list[list[str]]:
    out: list[list[str]] = []
    for row in rows:
        if row.error and not row.walls:
            out.append([row.label, "**failed**", "", "", "", ""])
            continue
        runs = f"{len(row.walls)}, then **failed**" if row.error else str(len(row.walls))
        spread = f"{fmt_s(min(row.walls))} – {fmt_s(max(row.walls))}"
        out.append(
            [
                row.label,
                fmt_s(row.wall),
                spread,
                fmt_s(row.cpu),
                fmt_mb(row.rss),
                runs,
            ]
        )
    return out


def stage_split(st: Stages) -> dict[str, float]:
    """Median stage seconds with render split into compile, format and the rest."""
    split = {s: st.median(s) for s in STAGES}
    compile_s = st.median("render.compile") if "render.compile" in st.runs[0] else 0.0
    format_s = st.median("render.format") if "render.format" in st.runs[0] else 0.0
    split["render: jinja compile"] = compile_s
    split["render: ruff check+format"] = format_s
    split["render: other"] = max(split["render"] - compile_s - format_s, 0.0)
    return split


def _marginal(a: ScalePoint, b: ScalePoint, key: str = "total") -> float:
    """Milliseconds per added operation from size a to size b (in process, median of
    `key`: "total" wall or "cpu")."""
    assert a.stages is not None and b.stages is not None
    delta = b.stages.median(key) - a.stages.median(key)
    return delta / (b.operations - a.operations) * 1000


def linear_fit(
    points: Sequence[ScalePoint], key: str = "total"
) -> tuple[float, float, float] | None:
    """(intercept s, slope s/op, R²) of in-process `key` time against operations."""
    xs = [float(p.operations) for p in points if p.stages]
    ys = [p.stages.median(key) for p in points if p.stages]
    if len(xs) < 3:
        return None
    slope, intercept = statistics.linear_regression(xs, ys)
    r = statistics.correlation(xs, ys)
    return intercept, slope, r * r


@dataclass
class Results:
    quick: bool
    repeats: int
    env: dict[str, str]
    startup: list[Proc]
    whole: list[Proc]
    stages: Worker
    scaling: list[ScalePoint]
    priming_errors: list[str] = field(default_factory=list)
    elapsed_s: float = 0.0

    def failures(self) -> list[str]:
        out = list(self.priming_errors)
        out += [f"{p.label}: {p.error}" for p in self.startup + self.whole if p.error]
        if self.stages.error:
            out.append(f"stage worker: {self.stages.error}")
        out += [f"{s.input}: {s.error}" for s in self.stages.stages if s.error]
        out += [
            f"synthetic {p.operations} ops: {p.error}" for p in self.scaling if p.status == "failed"
        ]
        out += [
            f"{p.whole.label}: {p.whole.error}" for p in self.scaling if p.whole and p.whole.error
        ]
        return out


def headline(res: Results) -> list[str]:
    lines: list[str] = []

    def cached(rows: list[Proc]) -> list[Proc]:
        return [p for p in rows if p.walls and not p.label.endswith(NO_CACHE)]

    examples = [p for p in cached(res.whole) if p.label.startswith("examples/")]
    version = next((p for p in cached(res.startup) if "--version" in p.label), None)
    if examples:
        walls = [p.wall for p in examples]
        under = sum(w < 1 for w in walls)
        lines.append(
            f"Whole process, examples: {fmt_s(min(walls))} – {fmt_s(max(walls))} wall "
            f"(median of runs); {under} of {len(walls)} under 1 s."
        )
        if version:
            shares = [version.wall / w * 100 for w in walls]
            text = (
                f"Start-up alone (`backend-codegen --version`) takes {fmt_s(version.wall)}, "
                f"{min(shares):.0f} – {max(shares):.0f} % of an example's wall time"
            )
            if res.stages.first_s is not None:
                text += (
                    f"; the first in-process `api.generate` (cold: lazy imports included) takes "
                    f"{fmt_s(res.stages.first_s)}"
                )
            lines.append(text + ".")
    cold = [p for p in res.startup + res.whole if p.walls and p.label.endswith(NO_CACHE)]
    if cold:
        text = ", ".join(f"{p.label.removesuffix(NO_CACHE)} {fmt_s(p.wall)}" for p in cold)
        lines.append(f"With every module compiled from source (no byte-code cache): {text}.")
    ok = [s for s in res.stages.stages if s.ok]
    ex = [s for s in ok if _label(s.input).startswith("examples/")]
    if ex:
        totals = [s.median("total") for s in ex]
        render = sum(stage_split(s)["render"] for s in ex) / sum(totals) * 100
        lines.append(
            f"In process (warm), examples: {fmt_s(min(totals))} – {fmt_s(max(totals))} per "
            f"generate; render is {render:.0f} % of it."
        )
    done = [p for p in res.scaling if p.ok and p.stages]
    if len(done) >= 2:
        last, big = done[-1], done[-1].stages
        assert big is not None
        total = big.median("total")
        split = stage_split(big)
        top = max((k for k in split if k != "render"), key=lambda k: split[k])
        marginals = [
            f"{_marginal(a, b):.1f} ms/op, CPU {_marginal(a, b, 'cpu'):.1f} "
            f"({a.operations}→{b.operations})"
            for a, b in ((done[0], done[1]), (done[-2], done[-1]))
        ]
        line = (
            f"Scaling, in process: {last.operations} operations take {fmt_s(total)} "
            f"({total / last.operations * 1000:.1f} ms/op); marginal cost {marginals[0]} "
            f"… {marginals[1]}"
        )
        fit, cpu_fit = linear_fit(done), linear_fit(done, "cpu")
        if fit and cpu_fit:
            line += (
                f"; least-squares slope {fit[1] * 1000:.2f} ms/op (R² = {fit[2]:.3f}), "
                f"CPU {cpu_fit[1] * 1000:.2f} ms/op (R² = {cpu_fit[2]:.3f})"
            )
        line += f". Largest part at {last.operations}: {top} ({split[top] / total * 100:.0f} %)"
        if last.whole and last.whole.walls:
            line += f"; whole process {fmt_s(last.whole.wall)}, peak RSS {fmt_mb(last.whole.rss)}"
        lines.append(line + ".")
    stopped = [p for p in res.scaling if p.status in ("failed", "too slow")]
    for p in stopped:
        lines.append(f"Scaling stopped at {p.operations} operations ({p.status}).")
    fails = res.failures()
    lines.append(f"Failures: {len(fails)}." if fails else "Everything ran; no failures.")
    return [f"- {line}" for line in lines]


def render_markdown(res: Results, plot_rel: str | None) -> str:
    out: list[str] = [BEGIN, ""]
    mode = "quick smoke run (N=1: numbers are indicative only)" if res.quick else "full run"
    out += [f"_{mode}; N = {res.repeats}; benchmark took {res.elapsed_s:.0f} s._", ""]
    out += ["### Machine", ""]
    out += table(["", ""], [[k, v] for k, v in res.env.items()], "ll")
    out += ["", "### Headline", ""] + headline(res)

    out += ["", "### 1. Start-up (one process each)", ""]
    header = ["command", "wall (median)", "min – max", "CPU user+sys", "peak RSS", "runs"]
    out += table(header, proc_rows(res.startup))

    out += ["", "### 2. Whole process: `backend-codegen generate INPUT -o TMP --force`", ""]
    out += [
        "Cold start included; CPU and peak RSS from `getrusage(RUSAGE_CHILDREN)` of a wrapper "
        "that runs only that one CLI process (CPU includes its `ruff` child).",
        "",
    ]
    counts = {_label(s.input): s.counts for s in res.stages.stages}
    rows: list[list[str]] = []
    for row, cells in zip(res.whole, proc_rows(res.whole), strict=True):
        c = counts.get(row.label.removesuffix(NO_CACHE), {})
        ops, files = str(c.get("operations", "?")), str(c.get("files", "?"))
        rows.append([cells[0], ops, files, *cells[1:]])
    out += table(["input", "ops", "files", *header[1:]], rows)

    out += ["", "### 3. Stages in process (warm; ms, median)", ""]
    out += [
        "`read` = `load_spec`, `infer` = `infer`, `render` = `api.render`, of which "
        "Jinja template compilation (↳ compile) and `format_python` (↳ ruff: `ruff check "
        "--fix` + `ruff format` over the generated Python) are shown separately; `write` = "
        "`write_tree`, `docs` = the structure document. `api.generate` is one separate call "
        "(it also writes the log), as a check on the sum.",
        "",
    ]
    srows: list[list[str]] = []
    for st in res.stages.stages:
        label = _label(st.input)
        if not st.ok:
            srows.append([label] + ["**failed**"] + [""] * 9)
            continue
        sp = stage_split(st)
        total = st.median("total")
        srows.append(
            [
                label,
                str(st.counts.get("operations", "?")),
                *(fmt_ms(sp[s]) for s in ("read", "infer", "render")),
                fmt_ms(sp["render: jinja compile"]),
                fmt_ms(sp["render: ruff check+format"]),
                *(fmt_ms(sp[s]) for s in ("write", "docs")),
                fmt_ms(total),
                fmt_ms(st.generate_s) if st.generate_s is not None else "–",
            ]
        )
    sheader = ["input", "ops", "read", "infer", "render", "↳ compile", "↳ ruff", "write", "docs"]
    out += table([*sheader, "total", "api.generate"], srows)
    if res.stages.stages:
        text = f"Worker: imports {fmt_s(res.stages.import_s)}"
        if res.stages.first_input and res.stages.first_s is not None:
            text += (
                f"; its first `api.generate` (cold: lazy imports included), of "
                f"{_label(res.stages.first_input)}, took {fmt_s(res.stages.first_s)}"
            )
        out += ["", text + f"; peak RSS {fmt_mb(res.stages.maxrss_kb)}."]

    out += ["", "### 4. Scaling: synthetic OpenAPI documents", ""]
    out += [
        f"`bench/synth_openapi.py`: N operations over N/{OPERATIONS_PER_RESOURCE} CRUD "
        "resources, three fields each, a foreign key on every second resource. In process: "
        "one fresh worker per size, warmed up on the smallest document, median of up to N runs "
        f"within {LIMIT_S / 2:.0f} s. *Marginal* = Δtime / Δoperations from the previous size; "
        "it stays flat if the cost is linear. CPU = user + system time of the worker and its "
        "`ruff` children, less sensitive than wall time to other load on the machine.",
        "",
    ]
    prows: list[list[str]] = []
    prev: ScalePoint | None = None
    for p in res.scaling:
        if not p.ok or p.stages is None:
            prows.append([str(p.operations), str(p.resources), f"**{p.status}**"] + [""] * 12)
            continue
        sp = stage_split(p.stages)
        total = p.stages.median("total")
        marginal = f"{_marginal(prev, p):.2f}" if prev is not None else "–"
        cpu_marginal = f"{_marginal(prev, p, 'cpu'):.2f}" if prev is not None else "–"
        whole = p.whole if p.whole and p.whole.walls else None
        prows.append(
            [
                str(p.operations),
                str(p.resources),
                *(fmt_s(sp[s]) for s in ("read", "infer", "render")),
                fmt_s(sp["render: ruff check+format"]),
                fmt_s(sp["write"]),
                fmt_s(total),
                f"{total / p.operations * 1000:.2f}",
                marginal,
                fmt_s(p.stages.median("cpu")),
                cpu_marginal,
                fmt_mb(p.worker_rss_kb),
                fmt_s(whole.wall) if whole else "–",
                fmt_mb(whole.rss) if whole else "–",
            ]
        )
        prev = p
    pheader = ["ops", "resources", "read", "infer", "render", "↳ ruff", "write", "total"]
    pheader += ["ms/op", "marginal ms/op", "CPU", "CPU marginal ms/op"]
    pheader += ["worker RSS", "whole process", "whole RSS"]
    out += table(pheader, prows)
    for key, name in (("total", "wall"), ("cpu", "CPU")):
        fit = linear_fit([p for p in res.scaling if p.ok], key)
        if fit:
            intercept, slope, r2 = fit
            out += [
                "",
                f"Least-squares fit (in process, {name}): time = {fmt_s(intercept)} + "
                f"{slope * 1000:.3f} ms × operations, R² = {r2:.4f}.",
            ]
    for p in res.scaling:
        if p.status in ("failed", "too slow"):
            out += ["", f"Stopped at {p.operations} operations ({p.status}):", "", "```text"]
            out += [(p.error or "").strip(), "```"]
    if plot_rel:
        out += ["", f"![generate time against operations]({plot_rel})"]

    fails = res.failures()
    if fails:
        out += ["", "### Failures", "", "```text", *fails, "```"]
    out += ["", END]
    return "\n".join(out) + "\n"


def _label(path: str) -> str:
    p = Path(path)
    try:
        return p.resolve().relative_to(REPO).as_posix()
    except ValueError:
        return p.name if p.parent.name in ("specs", "realworld") else str(p)


def write_out(path: Path, section: str) -> None:
    """Replace the results section between the markers (or append one)."""
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n\n"
    if BEGIN in text and END in text:
        head, rest = text.split(BEGIN, 1)
        tail = rest.split(END, 1)[1]
        text = head + section.rstrip("\n") + tail
    else:
        text = text.rstrip("\n") + "\n\n" + section
    path.write_text(text, encoding="utf-8")


def make_plot(points: Sequence[ScalePoint], path: Path, title: str) -> bool:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib is not installed: skipping the plot", file=sys.stderr)
        return False
    done = [p for p in points if p.ok and p.stages]
    if len(done) < 2:
        print("fewer than two scaling sizes succeeded: skipping the plot", file=sys.stderr)
        return False
    xs = [p.operations for p in done]
    splits = [stage_split(p.stages) for p in done if p.stages]
    parts = (
        "read",
        "infer",
        "render: jinja compile",
        "render: ruff check+format",
        "render: other",
        "write",
        "docs",
    )
    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4.8))
    left.stackplot(xs, [[s[k] for s in splits] for k in parts], labels=parts, alpha=0.85)
    whole = [(p.operations, p.whole.wall) for p in done if p.whole and p.whole.walls]
    if whole:
        left.plot(*zip(*whole, strict=True), "ko--", label="whole process (wall)")
    fit = linear_fit(done)
    if fit:
        intercept, slope, r2 = fit
        left.plot(
            [0, xs[-1]],
            [intercept, intercept + slope * xs[-1]],
            "k:",
            label=f"fit: {slope * 1000:.2f} ms/op, R²={r2:.3f}",
        )
    left.set(xlabel="operations", ylabel="seconds", title="generate time by stage (in process)")
    left.legend(fontsize=8, loc="upper left")
    left.grid(alpha=0.3)
    totals = [p.stages.median("total") / p.operations * 1000 for p in done if p.stages]
    right.plot(xs, totals, "o-", label="in process (warm): total / operations")
    cpu = [p.stages.median("cpu") / p.operations * 1000 for p in done if p.stages]
    right.plot(xs, cpu, "s-", label="in process (warm): CPU / operations")
    marginal = [_marginal(a, b) for a, b in itertools.pairwise(done)]
    right.plot(xs[1:], marginal, "^:", label="in process: marginal (Δtime / Δoperations)")
    if whole:
        right.plot(
            [x for x, _ in whole], [w / x * 1000 for x, w in whole], "ks--", label="whole process"
        )
    right.set_xscale("log")
    right.set_yscale("log")
    right.set(xlabel="operations", ylabel="ms per operation", title="cost per operation")
    right.legend(fontsize=8)
    right.grid(alpha=0.3, which="both")
    fig.suptitle(title, fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return True


# --------------------------------------------------------------------------- main


def corpus_inputs(corpus: Path) -> list[Path]:
    found = sorted((corpus / "specs").glob("*.y*ml"))
    realworld = corpus / "realworld" / "openapi.yml"
    return found + ([realworld] if realworld.exists() else [])


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Benchmark backend-codegen generate.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=__doc__,
    )
    parser.add_argument("--quick", action="store_true", help="smoke run for CI: N=1, fewer rows")
    parser.add_argument("--out", type=Path, help="refresh the results section of this file")
    parser.add_argument("--plot", type=Path, help=f"plot path (default {PLOT.relative_to(REPO)})")
    parser.add_argument("--repeats", type=int, help="runs per measurement (default 5; --quick 1)")
    parser.add_argument("--sizes", help="comma-separated operation counts for the scaling run")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="corpus directory")
    parser.add_argument(
        "--no-snapshot",
        dest="snapshot",
        action="store_false",
        help="measure the live src/ instead of a copy taken at the start",
    )
    args = parser.parse_args(argv)
    started = time.perf_counter()
    repeats = args.repeats or (1 if args.quick else 5)
    sizes = [int(s) for s in args.sizes.split(",")] if args.sizes else None
    sizes = sizes or list(QUICK_SIZES if args.quick else SIZES)
    cli = str(cli_path())
    examples = sorted(p for p in EXAMPLES.iterdir() if (p / "api-list.md").exists())
    corpus = corpus_inputs(args.corpus) if args.corpus.is_dir() else []
    if not corpus:
        print(f"no corpus at {args.corpus}: skipping corpus specs", file=sys.stderr)
    env = machine()
    scratch = Path(tempfile.mkdtemp(prefix="bench-generate-"))
    live = REPO / "src" / "backend_codegen"
    if args.snapshot:
        snapshot = snapshot_source(scratch / "src")
        env["code measured"] = f"snapshot of src/ at start, sha256 {snapshot}"
    else:
        env["code measured"] = f"live src/ (may change during the run), sha256 {source_hash(live)}"
    no_cache, env["byte code"] = use_bytecode_cache(scratch)
    print("priming the byte-code cache …", file=sys.stderr, flush=True)
    priming_errors = prime(cli, [*examples[:1], write_spec(10, scratch / "prime")])

    print("start-up …", file=sys.stderr, flush=True)
    startup_cmds: list[tuple[str, list[str]]] = [
        ("`python -c pass`", [sys.executable, "-c", "pass"]),
        ("`python -c 'import inflect'`", [sys.executable, "-c", "import inflect"]),
        (
            "`python -c 'import backend_codegen.cli'`",
            [sys.executable, "-c", "import backend_codegen.cli"],
        ),
        ("`backend-codegen --version`", [cli, "--version"]),
    ]
    if args.quick:
        startup_cmds = startup_cmds[-1:]
    startup = [run_process(label, cmd, repeats) for label, cmd in startup_cmds]
    if not args.quick:
        label = "`backend-codegen --version`" + NO_CACHE
        startup.append(run_process(label, [cli, "--version"], repeats, env=no_cache))

    whole_inputs = examples + corpus
    if args.quick:
        whole_inputs = examples[:1]
    whole: list[Proc] = []
    for path in whole_inputs:
        label = _label(str(path))
        print(f"whole process: {label} …", file=sys.stderr, flush=True)
        cmd = [cli, "generate", str(path), "-o", "{tmp}/backend", "--force"]
        whole.append(run_process(label, cmd, repeats))
    if examples and not args.quick:
        label = _label(str(examples[0])) + NO_CACHE
        print(f"whole process: {label} …", file=sys.stderr, flush=True)
        cmd = [cli, "generate", str(examples[0]), "-o", "{tmp}/backend", "--force"]
        whole.append(run_process(label, cmd, repeats, env=no_cache))

    print("stages in process …", file=sys.stderr, flush=True)
    stage_inputs = examples + corpus
    stages = run_worker(
        stage_inputs,
        repeats,
        budget_s=ROW_BUDGET_S,
        timeout_s=max(600.0, 60.0 * len(stage_inputs)),
        warmup=stage_inputs[0] if stage_inputs else None,
        generate_check=not args.quick,
    )

    print("scaling …", file=sys.stderr, flush=True)
    whole_sizes = QUICK_WHOLE_SIZES if args.quick else WHOLE_SIZES
    with tempfile.TemporaryDirectory(prefix="bench-synth-") as tmp:
        scaling = run_scaling(sizes, whole_sizes, repeats, Path(tmp))

        plot = args.plot or (Path(tmp) / "plot.png" if args.quick else PLOT)
        title = (
            f"backend-codegen generate — {env['CPU']}, {env['nproc']}, "
            f"Python {platform.python_version()}"
        )
        plotted = make_plot(scaling, plot, title)
        env["load average at end"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
        changed = source_hash(live) not in env["code measured"]
        env["src/ changed during the run"] = "yes" if changed else "no"
        res = Results(args.quick, repeats, env, startup, whole, stages, scaling, priming_errors)
        res.elapsed_s = time.perf_counter() - started
        plot_rel = None
        if plotted and args.out and not (args.quick and not args.plot):
            plot_rel = os.path.relpath(plot.resolve(), args.out.resolve().parent)
        section = render_markdown(res, plot_rel)
    shutil.rmtree(scratch, ignore_errors=True)
    print(section)
    if args.out:
        write_out(args.out, section)
        print(f"wrote {args.out}", file=sys.stderr)
    if plotted and not (args.quick and not args.plot):
        print(f"wrote {plot}", file=sys.stderr)
    fails = res.failures()
    for fail in fails:
        print(f"FAILED: {fail.splitlines()[0]}", file=sys.stderr)
    print(f"done in {res.elapsed_s:.0f} s", file=sys.stderr)
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
