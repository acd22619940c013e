"""The Python API. The CLI is a thin shell over these functions."""

from __future__ import annotations

import contextlib
import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from backend_codegen import __version__
from backend_codegen.domain.infer import InferOptions, infer
from backend_codegen.domain.model import DomainModel, model_from_dict
from backend_codegen.domain.stack import StackOverrides, resolve_stack
from backend_codegen.errors import SpecError, Warnings
from backend_codegen.output.docs import structure_document
from backend_codegen.output.worklog import WorkLog
from backend_codegen.output.writer import (
    MODEL_SNAPSHOT,
    FileChange,
    WriteReport,
    plan_tree,
    previous_generation,
    stale_files,
    write_text_atomic,
    write_tree,
)
from backend_codegen.spec.loader import load_spec
from backend_codegen.targets import GeneratedFile, TargetOptions, get_target

if TYPE_CHECKING:  # the gates import their tooling only when run
    from backend_codegen.spec.model import ApiSpec
    from backend_codegen.verify.conformance import ConformanceResult
    from backend_codegen.verify.runner import VerifyResult

DOC_NAME = "backend-codegen-project-structure.md"


@dataclass
class Options:
    stack: str | None = None
    database: str | None = None
    orm: str | None = None
    soft_delete: bool | None = None
    project: str | None = None
    # capabilities asked for on top of what the documents say (see FEATURES)
    features: list[str] = field(default_factory=list)
    # "web": the backend (Phase II, III with MCP tools); "console": the Phase I console app
    phase: str = "web"


PHASES = {
    "web": "the web backend: FastAPI, a database, migrations, tests (Phase II; III with AI tools)",
    "console": "the console application over in-memory repositories (Phase I)",
}


def check_phase(phase: str) -> None:
    if phase not in PHASES:
        raise SpecError(
            f"unknown phase {phase!r}",
            None,
            "phases: " + ", ".join(f"{k} ({v})" for k, v in PHASES.items()),
        )


def default_output(options: Options | None) -> Path:
    """Where a project goes without -o: ./backend, or ./console for the console app."""
    return Path("console" if options is not None and options.phase == "console" else "backend")


# Features a caller may ask for: `auth` turns JWT auth on even where the documents do not
# ask for it, `crud` is what every project has, `mcp-tools` asks for the MCP server.
FEATURES = {
    "auth": "JWT auth (register, login, current user) even where the documents do not ask",
    "crud": "create, read, update, delete and list endpoints (always generated)",
    "mcp-tools": "MCP tools over the service layer, for AI agents",
}


def check_features(features: list[str]) -> None:
    unknown = [f for f in features if f not in FEATURES]
    if unknown:
        raise SpecError(
            f"unknown feature {', '.join(repr(f) for f in unknown)}",
            None,
            "known features: " + ", ".join(f"{k} ({v})" for k, v in FEATURES.items()),
        )


@dataclass
class Inspection:
    model: DomainModel
    warnings: Warnings
    # waits for checks still running (see ApiSpec.pending) and raises what they found
    settle: Callable[[], None] = lambda: None
    # raises what the checks that have answered already found (no wait)
    settle_answered: Callable[[], None] = lambda: None


@dataclass
class GenerateResult:
    model: DomainModel
    files: list[GeneratedFile]
    project_dir: Path
    docs_path: Path
    log_path: Path
    warnings: Warnings
    report: WriteReport = field(default_factory=WriteReport)


def inspect(
    inputs: list[Path],
    options: Options | None = None,
    log: WorkLog | None = None,
    *,
    defer_checks: bool = False,
) -> Inspection:
    """Read the documents and infer the domain model (nothing is written).

    With `defer_checks`, checks still running in a helper (validating a large OpenAPI
    document) may finish after this returns: the caller calls `Inspection.settle()` before
    it writes anything, and when anything it does first fails (their errors come first)."""
    options = options or Options()
    warnings = Warnings()
    spec = load_spec(inputs, warnings)
    try:
        model = _infer(spec, options, warnings, log)
    except BaseException:
        spec.settle()
        raise
    if not defer_checks:
        spec.settle()
    return Inspection(model, warnings, spec.settle, spec.settle_answered)


def _infer(spec: ApiSpec, options: Options, warnings: Warnings, log: WorkLog | None) -> DomainModel:
    check_features(options.features)
    if "auth" in options.features and not spec.stack.auth:
        spec.stack.auth = "JWT (asked for with the auth feature)"
    spec.features += [f for f in options.features if f not in spec.features and f == "mcp-tools"]
    if log:
        log(
            "read",
            f"{', '.join(spec.sources)}: {len(spec.operations)} operations, "
            f"{len(spec.schemas)} schemas ({spec.source_format})",
        )
    stack = resolve_stack(
        spec.stack, StackOverrides(options.stack, options.database, options.orm), warnings
    )
    model = infer(spec, InferOptions(options.soft_delete, options.project), warnings)
    model.stack = stack
    if log:
        log(
            "infer",
            f"{len(model.entities)} entities "
            f"({', '.join(e.name for e in model.entities)}), "
            f"{len(model.bindings)} bindings, auth {'on' if model.auth.enabled else 'off'}",
        )
    return model


def render(
    model: DomainModel,
    project_dir: Path | None = None,
    *,
    allow_destructive: bool = False,
    warnings: Warnings | None = None,
    phase: str = "web",
    checkpoint: Callable[[], None] = lambda: None,
    idle: Callable[[], None] = lambda: None,
) -> list[GeneratedFile]:
    """The generated files, in memory. For a project generated before (at `project_dir`),
    its migration revisions are kept and a new one takes its schema to this model's.
    `checkpoint` is called between rendering steps; what it raises stops rendering. `idle`
    is called when rendering starts waiting for other processes (a time for threads)."""
    if phase == "console":
        from backend_codegen.targets.python_console.plan import generate as console

        return console(
            model, TargetOptions(generator_version=__version__, sources=list(model.sources))
        )
    previous = previous_generation(project_dir) if project_dir is not None else None
    previous_model = None
    if previous is not None and previous.model is not None:
        try:
            previous_model = model_from_dict(previous.model)
        except (TypeError, ValueError, KeyError) as exc:
            if warnings is not None:
                warnings.add(
                    f"the model snapshot of {project_dir} cannot be read ({exc}); no migration "
                    "was added for the changes since the last generation",
                    None,
                    "write the migration with `alembic revision --autogenerate`",
                )
    elif previous is not None and previous.revisions and warnings is not None:
        warnings.add(
            f"{project_dir} keeps no model snapshot; no migration was added for the changes "
            "since the last generation",
            None,
            "write the migration with `alembic revision --autogenerate`",
        )
    target = get_target("python-fastapi")
    contract_text, contract_name = None, "openapi.yaml"
    openapi = [s for s in model.sources if s.endswith((".yaml", ".yml", ".json"))]
    if model.source_format == "openapi" and openapi:
        source = Path(openapi[0])
        contract_text, contract_name = source.read_text(encoding="utf-8"), source.name
    return target(
        model,
        TargetOptions(
            database=model.stack.database,
            generator_version=__version__,
            sources=list(model.sources),
            contract_text=contract_text,
            contract_name=contract_name,
            previous_model=previous_model,
            previous_revisions=previous.revisions if previous is not None else {},
            user_revisions=previous.user_revisions if previous is not None else {},
            allow_destructive=allow_destructive,
            checkpoint=checkpoint,
            idle=idle,
        ),
    )


def generate(
    inputs: list[Path],
    output: Path | None = None,
    *,
    force: bool = False,
    allow_destructive: bool = False,
    options: Options | None = None,
    docs_dir: Path | None = None,
    log_file: Path | None = None,
) -> GenerateResult:
    """Read, infer, render and write a project. Nothing is written if anything fails first."""
    project_dir = (output or default_output(options)).resolve()
    root = project_dir.parent
    docs_dir = docs_dir or root / "output"
    log_path = log_file or root / "logs" / "workflow.log"
    log = WorkLog(log_path)
    inspection = inspect(inputs, options, log, defer_checks=True)
    model, warnings = inspection.model, inspection.warnings
    phase = options.phase if options is not None else "web"
    snapshot = _Snapshot(model)
    try:
        files = render(
            model,
            project_dir,
            allow_destructive=allow_destructive,
            warnings=warnings,
            phase=phase,
            checkpoint=inspection.settle_answered,
            idle=snapshot.start,
        )
    finally:
        inspection.settle()  # a validation error comes first, before anything is written
    stack = "python-console" if phase == "console" else "python-fastapi"
    log("render", f"{len(files)} files for {stack}")
    report = write_tree(
        files,
        project_dir,
        force=force,
        meta={
            "generator": "backend-codegen",
            "generator_version": __version__,
            "stack": stack,
            "sources": model.sources,
        },
        state={MODEL_SNAPSHOT: snapshot.text()},
    )
    log("write", f"{len(report.written)} files in {project_dir}")
    for path in report.overwritten_edits:
        log("write", f"replaced a file edited by hand (--force): {path}")
    for path in report.merged:
        log("write", f"merged your edits with the new output: {path}")
    for path in report.conflicts:
        log("write", f"conflict: kept your {path}; the new version is {path}.new")
    for path in report.orphans:
        log("write", f"no longer generated, kept because it was edited: {path}")
    doc = structure_document(model, files, _display(project_dir), warnings)
    docs_path = docs_dir / DOC_NAME
    write_text_atomic(docs_path, doc)
    log("write", f"documentation {docs_path}")
    for w in warnings:
        log("warn", w.render("warning").replace("\n", " "))
    log.flush()
    return GenerateResult(model, files, project_dir, docs_path, log_path, warnings, report)


class _Snapshot:
    """The model as JSON (`.backend-codegen/model.json`), made by a thread once rendering
    waits for other processes (ruff, the SQL helper: seconds on a large API) — rendering
    only reads the model. Made here when nothing started it."""

    def __init__(self, model: DomainModel) -> None:
        self._model = model
        self._text: str | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._make, daemon=True)
            self._thread.start()

    def _make(self) -> None:
        with contextlib.suppress(Exception):  # text() makes it again and meets it itself
            self._text = _model_json(self._model)

    def text(self) -> str:
        if self._thread is not None:
            self._thread.join()
        return self._text if self._text is not None else _model_json(self._model)


def _model_json(model: DomainModel) -> str:
    return json.dumps(model.to_dict(), default=str, sort_keys=True)


def plan(
    inputs: list[Path],
    output: Path | None = None,
    *,
    force: bool = False,
    allow_destructive: bool = False,
    options: Options | None = None,
) -> GenerateResult:
    """What `generate` would do to each file (`--dry-run`): nothing is written, no log."""
    project_dir = (output or default_output(options)).resolve()
    inspection = inspect(inputs, options)
    files = render(
        inspection.model,
        project_dir,
        allow_destructive=allow_destructive,
        warnings=inspection.warnings,
        phase=options.phase if options is not None else "web",
    )
    report = plan_tree(files, project_dir, force=force)
    return GenerateResult(
        inspection.model,
        files,
        project_dir,
        Path(),
        Path(),
        inspection.warnings,
        report,
    )


def check(
    inputs: list[Path], output: Path | None = None, *, options: Options | None = None
) -> list[FileChange]:
    """The generated files that are out of date with the inputs (`--check`), as changes from
    what was generated last time; empty when the project is up to date. Writes nothing."""
    project_dir = (output or default_output(options)).resolve()
    # destructive changes count as out of date too: the check reports, it does not refuse
    files = render(
        inspect(inputs, options).model,
        project_dir,
        allow_destructive=True,
        phase=options.phase if options is not None else "web",
    )
    return stale_files(files, project_dir)


def verify(
    project_dir: Path, *, database_url: str | None = None, log_file: Path | None = None
) -> VerifyResult:
    """The test gate: install the project's dependencies and run its tests."""
    log = WorkLog(log_file or project_dir.resolve().parent / "logs" / "workflow.log")
    steps: list[str] = []
    from backend_codegen.verify.runner import verify as run_verify

    result = run_verify(project_dir, database_url=database_url, log=steps)
    for step in steps:
        log("verify", step)
    log("verify", f"{project_dir}: {result.summary} ({'pass' if result.ok else 'FAIL'})")
    log.flush()
    return result


def conformance(
    project_dir: Path,
    *,
    database_url: str | None = None,
    max_examples: int = 50,
    seed: int | None = None,
    log_file: Path | None = None,
) -> ConformanceResult:
    """Start the generated server and run schemathesis (every check) against its contract."""
    log = WorkLog(log_file or project_dir.resolve().parent / "logs" / "workflow.log")
    steps: list[str] = []
    from backend_codegen.verify.conformance import conformance as run_conformance

    result = run_conformance(
        project_dir, database_url=database_url, max_examples=max_examples, seed=seed, log=steps
    )
    for step in steps:
        log("conformance", step)
    log("conformance", f"{project_dir}: {result.summary}")
    log.flush()
    return result


def _display(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)
