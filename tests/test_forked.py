"""The forked helpers (backend_codegen.forked): the migrations and DDL computed by the SQL
helper, and the validation of a large OpenAPI document by the validation helper, give exactly
what doing the work in-process gives; errors raised there are raised here (a validation error
first, as when validating came first); a helper that dies costs nothing but its head start.

Forking inside pytest (whose xdist workers run threads) is avoided: each scenario runs in a
fresh interpreter, as the CLI does.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="the SQL worker needs fork")

PRELUDE = """
import os, signal, sys
from pathlib import Path
from backend_codegen import forked
from backend_codegen.sql import worker
worker.start()
assert forked.started("sql"), "no helper was started"
child = forked._helpers["sql"].pid
from backend_codegen import api
from backend_codegen.domain.model import model_from_dict

def model_of(name):
    return api.inspect([Path(sys.argv[1]) / name]).model
"""


def _run(body: str) -> str:
    script = PRELUDE + textwrap.dedent(body)
    env = {k: v for k, v in os.environ.items() if k != "BACKEND_CODEGEN_WORKERS"}
    done = subprocess.run(
        [sys.executable, "-c", script, str(EXAMPLES)],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def test_the_worker_computes_what_the_process_would() -> None:
    out = _run(
        """
        current, previous = model_of("library"), model_of("todo")
        from_worker = worker.artifacts(current, previous, "-- h").get()
        here = worker.compute(current, previous, "-- h")
        assert from_worker == here, "the worker's artefacts differ"
        assert set(here.ddl) == {"postgresql", "mysql", "sqlite"}
        assert "op.create_table" in here.upgrade and here.revision is not None
        print("same")
        # used once: the next call computes in this process
        assert worker.artifacts(current, None, "-- h").get().revision is None
        """
    )
    assert "same" in out


def test_an_error_in_the_worker_is_raised_by_the_caller() -> None:
    out = _run(
        """
        # a second helper whose compute fails (the child is a copy of this process)
        forked.take("sql").close()
        original = worker.compute
        def failing(*args):
            raise ValueError("refused in the worker")
        worker.compute = failing
        worker.start()
        worker.compute = original  # this process would succeed
        model = model_of("todo")
        try:
            worker.artifacts(model, None, "-- h").get()
        except ValueError as exc:
            print("raised:", exc)
        """
    )
    assert "raised: refused in the worker" in out


def test_a_dead_worker_means_computing_here() -> None:
    out = _run(
        """
        os.kill(child, signal.SIGKILL)
        model = model_of("todo")
        got = worker.artifacts(model, None, "-- h").get()
        assert got == worker.compute(model, None, "-- h")
        print("computed here")
        """
    )
    assert "computed here" in out


def test_the_cli_output_is_the_same_with_and_without_the_worker(tmp_path: Path) -> None:
    command = Path(sys.executable).with_name("backend-codegen")
    if not command.exists():
        pytest.skip("the backend-codegen command is not installed next to this interpreter")
    trees = {}
    for setting in ("1", "0"):
        out = tmp_path / f"worker-{setting}" / "backend"
        env = {**os.environ, "BACKEND_CODEGEN_WORKERS": setting}
        done = subprocess.run(
            [str(command), "generate", str(EXAMPLES / "ecommerce"), "-o", str(out)],
            capture_output=True,
            text=True,
            timeout=300,
            env=env,
        )
        assert done.returncode == 0, done.stderr
        trees[setting] = {
            p.relative_to(out).as_posix(): p.read_bytes()
            for p in sorted(out.rglob("*"))
            if p.is_file()
        }
    assert trees["1"].keys() == trees["0"].keys()
    differing = [path for path in trees["1"] if trees["1"][path] != trees["0"][path]]
    assert not differing
    assert "migrations/versions/0001_initial.py" in trees["1"]


VALIDATION = """
from backend_codegen.errors import SpecError, Warnings
from backend_codegen.spec import openapi

validated_here = []
_validate = openapi._Reader._validate

def _counted(self, doc, version):
    validated_here.append(doc.label)  # in the helper, this list is the helper's copy
    return _validate(self, doc, version)

openapi._Reader._validate = _counted

def read(path, helper):
    if helper:
        openapi.start_validation()
    validated_here.clear()
    warnings = Warnings()
    try:
        spec = openapi.read_openapi(Path(path), warnings)
        spec.settle()
    except SpecError as exc:
        return "error", exc.render(), [w.render() for w in warnings]
    finally:
        assert bool(validated_here) != helper, validated_here
        assert not forked.started(openapi.VALIDATION_HELPER)  # used: gone
    return len(spec.operations), sorted(spec.schemas), [w.render() for w in warnings]
"""

BAD_DOCUMENT = """\
openapi: 3.0.3
info:
  title: t
paths:
  /things:
    get:
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema:
                type: object
                properties:
                  code:
                    type: string
                    pattern: '\\p{L}+'

"""


def test_the_validation_helper_finds_what_validating_here_finds(tmp_path: Path) -> None:
    corpus = ROOT.parent / "shared" / "corpus" / "realworld" / "openapi.yml"
    if not corpus.exists():
        pytest.skip("shared corpus not available")
    bad = tmp_path / "bad.yaml"
    bad.write_text(BAD_DOCUMENT)
    out = _run(
        VALIDATION
        + textwrap.dedent(f"""
        for path in ({str(corpus)!r}, {str(bad)!r}):
            here = read(path, helper=False)
            there = read(path, helper=True)
            assert here == there, (here, there)
            print(here[0], here[1][:200] if here[0] == "error" else "")
        """)
    )
    assert "error" in out and "'version' is a required property" in out


def _on_bad_document(tmp_path: Path, body: str) -> str:
    """Run `body` (with `bad`, the path of BAD_DOCUMENT) after the VALIDATION prelude."""
    bad = tmp_path / "bad.yaml"
    bad.write_text(BAD_DOCUMENT)
    return _run(VALIDATION + f"bad = {str(bad)!r}\n" + textwrap.dedent(body))


def test_a_validation_error_comes_before_a_conversion_error(tmp_path: Path) -> None:
    out = _on_bad_document(
        tmp_path,
        """
        def broken(self, doc):
            raise RuntimeError("the converter choked on an invalid document")
        openapi._Reader._convert = broken
        print(read(bad, helper=True)[:2])
        """,
    )
    assert "'error'" in out and "is a required property" in out


def test_a_dead_validation_helper_means_validating_here(tmp_path: Path) -> None:
    out = _on_bad_document(
        tmp_path,
        """
        openapi.start_validation()
        openapi._prepare_validation = lambda: os._exit(3)  # the helper dies as it starts
        warnings = Warnings()
        try:
            openapi.read_openapi(Path(bad), warnings).settle()
        except SpecError as exc:
            print("validated here:", exc.render())
        """,
    )
    assert "validated here:" in out and "is a required property" in out


def test_an_answered_validation_error_stops_rendering(tmp_path: Path) -> None:
    """generate checks between rendering steps whether the validation helper has answered:
    a large invalid document is reported without waiting for the whole rendering (before,
    8.8 s on a 2.8 MB document, most of it rendering what was then thrown away)."""
    out = _on_bad_document(
        tmp_path,
        """
        import time
        from backend_codegen.spec.model import ApiSpec
        from backend_codegen.targets.python_fastapi import plan

        original = ApiSpec.settle_answered

        def answered_then_settle(self):
            while self.pending and not self.pending[0][1]():
                time.sleep(0.01)  # the test waits for the helper to answer; generate does not
            original(self)

        ApiSpec.settle_answered = answered_then_settle
        formatted = []
        plan.format_python = lambda files: formatted.append(len(files))
        openapi.start_validation()
        out = Path(bad).parent / "out"
        try:
            api.generate([Path(bad)], out)
        except SpecError as exc:
            print("stopped:", exc.render().splitlines()[0], "formatted:", formatted)
        print("written:", out.exists())
        """,
    )
    assert "stopped:" in out and "is a required property" in out, out
    assert "formatted: []" in out and "written: False" in out, out
