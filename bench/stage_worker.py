"""In-process stage timings, run by bench_generate.py in a fresh process per batch.

For each input: read (`load_spec`), infer (`infer`), render (`api.render`), write
(`write_tree`) and docs (the structure document `api.generate` also writes), timed with
`perf_counter` per repetition (plus the run's CPU time, own and children's), each repetition
into a fresh temporary directory. The stack is
taken once per input from `api.inspect` (untimed), as `api.generate` would resolve it.
Inside render, two probes split out Jinja template compilation (`Environment.compile`) and
the `ruff format` pass (`format_python`). Prints one JSON object on stdout; a failing input
is reported, not raised.

    python bench/stage_worker.py --repeats 5 examples/todo examples/blog
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

STAGES = ("read", "infer", "render", "write", "docs")
_T0 = time.perf_counter()

from backend_codegen import __version__, api  # noqa: E402  (import time is measured)
from backend_codegen.domain.infer import InferOptions, infer  # noqa: E402
from backend_codegen.errors import SpecError, Warnings  # noqa: E402
from backend_codegen.output.docs import structure_document  # noqa: E402
from backend_codegen.output.writer import write_text_atomic, write_tree  # noqa: E402
from backend_codegen.spec.loader import load_spec  # noqa: E402

IMPORT_S = time.perf_counter() - _T0
META: dict[str, object] = {"generator": "backend-codegen", "generator_version": __version__}
PROBES = ("render.compile", "render.format")
_probe_s: dict[str, float] = dict.fromkeys(PROBES, 0.0)


def _timed(name: str, func: Callable[..., Any]) -> Callable[..., Any]:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        t0 = time.perf_counter()
        try:
            return func(*args, **kwargs)
        finally:
            _probe_s[name] += time.perf_counter() - t0

    return wrapper


def install_probes() -> list[str]:
    """Wrap Jinja's compile and the target's format_python with timers; names installed."""
    installed: list[str] = []
    import jinja2

    compile_ = _timed("render.compile", jinja2.Environment.compile)
    jinja2.Environment.compile = compile_  # type: ignore[method-assign]
    installed.append("render.compile")
    import backend_codegen.targets.base as base

    original = getattr(base, "format_python", None)
    if original is not None:
        wrapped = _timed("render.format", original)
        for module in list(sys.modules.values()):
            if getattr(module, "format_python", None) is original:
                module.format_python = wrapped  # type: ignore[attr-defined]
        installed.append("render.format")
    return installed


def _cpu_s() -> float:
    """CPU seconds of this process and its finished children (the ruff runs)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def one_run(path: Path, stack: Any, workdir: Path) -> tuple[dict[str, float], dict[str, int]]:
    """One read → infer → render → write → docs pass; stage seconds and output counts."""
    times: dict[str, float] = {}
    _probe_s.update(dict.fromkeys(PROBES, 0.0))
    warnings = Warnings()
    cpu0 = _cpu_s()
    t0 = time.perf_counter()
    spec = load_spec([path], warnings)
    t1 = time.perf_counter()
    model = infer(spec, InferOptions(), warnings)
    model.stack = stack
    t2 = time.perf_counter()
    files = api.render(model)
    t3 = time.perf_counter()
    project = workdir / "backend"
    write_tree(files, project, force=True, meta={**META, "sources": model.sources})
    t4 = time.perf_counter()
    doc = structure_document(model, files, str(project), warnings)
    write_text_atomic(workdir / "output" / api.DOC_NAME, doc)
    t5 = time.perf_counter()
    times.update(read=t1 - t0, infer=t2 - t1, render=t3 - t2, write=t4 - t3, docs=t5 - t4)
    times["total"] = t5 - t0
    times["cpu"] = _cpu_s() - cpu0
    times.update(_probe_s)
    counts = {
        "operations": len(spec.operations),
        "entities": len(model.entities),
        "files": len(files),
        "bytes": sum(len(f.content.encode("utf-8")) for f in files),
    }
    return times, counts


def _error(exc: BaseException) -> str:
    if isinstance(exc, SpecError):
        return f"SpecError: {exc.render()}"
    tail = "".join(traceback.format_exception(exc)[-6:])
    return f"{type(exc).__name__}: {exc}\n{tail}"


def measure(
    path: Path, repeats: int, budget_s: float, generate_check: bool, scratch: Path
) -> dict[str, Any]:
    """Repeat `one_run` up to `repeats` times while the input's time stays within budget."""
    result: dict[str, Any] = {"input": str(path), "ok": False, "runs": [], "error": None}
    started = time.perf_counter()
    try:
        stack = api.inspect([path]).model.stack
        while len(result["runs"]) < repeats:
            workdir = Path(tempfile.mkdtemp(dir=scratch))
            try:
                times, counts = one_run(path, stack, workdir)
            finally:
                shutil.rmtree(workdir, ignore_errors=True)
            result["runs"].append(times)
            result.update(counts)
            elapsed = time.perf_counter() - started
            if elapsed + times["total"] > budget_s:
                break
        if generate_check:
            workdir = Path(tempfile.mkdtemp(dir=scratch))
            try:
                t0 = time.perf_counter()
                api.generate([path], workdir / "backend", force=True)
                result["generate_s"] = time.perf_counter() - t0
            finally:
                shutil.rmtree(workdir, ignore_errors=True)
        result["ok"] = True
    except Exception as exc:  # every failure is data for the report
        result["error"] = _error(exc)
    return result


def first_generate(path: Path, scratch: Path) -> dict[str, Any]:
    """One untimed-by-stage `api.generate` call: the first, cold call of this process,
    lazy imports included."""
    workdir = Path(tempfile.mkdtemp(dir=scratch))
    result: dict[str, Any] = {"input": str(path), "seconds": None, "error": None}
    try:
        t0 = time.perf_counter()
        api.generate([path], workdir / "backend", force=True)
        result["seconds"] = time.perf_counter() - t0
    except Exception as exc:  # reported, not raised
        result["error"] = _error(exc)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("inputs", nargs="+", type=Path)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument(
        "--budget", type=float, default=60.0, help="stop repeating an input after ~S seconds"
    )
    parser.add_argument(
        "--warmup", type=Path, help="generate this input once first (reported as the cold call)"
    )
    parser.add_argument(
        "--generate-check", action="store_true", help="also time one api.generate per input"
    )
    args = parser.parse_args()
    probes = install_probes()
    with tempfile.TemporaryDirectory(prefix="bench-stages-") as tmp:
        scratch = Path(tmp)
        warmup = None
        if args.warmup:
            warmup = first_generate(args.warmup, scratch)
        results = [
            measure(p, args.repeats, args.budget, args.generate_check, scratch) for p in args.inputs
        ]
    out = {
        "import_s": IMPORT_S,
        "probes": probes,
        "warmup": warmup,
        "inputs": results,
        "maxrss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
    }
    json.dump(out, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
