"""`backend-codegen`: a thin shell over BackendScaffold and backend_codegen.api."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from backend_codegen import __version__
from backend_codegen.errors import FormatError, SpecError, Warnings

app = typer.Typer(
    name="backend-codegen",
    help="Turn API design documents (Markdown or OpenAPI 3.x) into a complete, tested backend.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)  # messages stay one line each, greppable

Inputs = Annotated[
    list[Path],
    typer.Argument(
        help="A directory with api-list.md + requirements.md, an OpenAPI file, or "
        "api-list.md [requirements.md].",
        show_default=False,
    ),
]
StackOpt = Annotated[str | None, typer.Option("--stack", help="Target stack: python-fastapi.")]
DbOpt = Annotated[str | None, typer.Option("--db", help="postgresql | mysql | sqlite.")]
OrmOpt = Annotated[
    str | None,
    typer.Option("--orm", help="sqlalchemy (default) or sqlmodel: the table models' flavour."),
]
SoftOpt = Annotated[
    bool | None,
    typer.Option(
        "--soft-delete/--no-soft-delete",
        help="Soft delete with deleted_at (default: on, or as the requirements say).",
    ),
]


def _fail(exc: SpecError) -> None:
    err.print(exc.render(), style="red", markup=False, highlight=False)
    raise typer.Exit(2)


def _warn(warnings: Warnings) -> None:
    if len(warnings):  # one print: rich's cost is per call (GitHub's description warns 400 times)
        text = "\n".join(w.render("warning") for w in warnings)
        err.print(text, style="yellow", markup=False, highlight=False)


def _version(value: bool) -> None:
    if value:
        out.print(f"backend-codegen {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Show the version and exit."
        ),
    ] = False,
) -> None:
    """backend-codegen."""


@app.command()
def inspect(
    inputs: Inputs,
    as_json: Annotated[bool, typer.Option("--json", help="Print the model as JSON.")] = False,
    stack: StackOpt = None,
    db: DbOpt = None,
    orm: OrmOpt = None,
    soft_delete: SoftOpt = None,
) -> None:
    """Show the inferred model: entities, fields, relations, bindings, and why."""
    from backend_codegen import api

    try:
        result = api.inspect(inputs, api.Options(stack, db, orm, soft_delete))
    except SpecError as exc:
        _fail(exc)
        return
    if as_json:
        print(json.dumps(result.model.to_dict(), indent=2, default=str))
        _warn(result.warnings)
        return
    model = result.model
    out.print(
        f"[bold]{model.title}[/bold] {model.version} — {len(model.entities)} entities, "
        f"{len(model.bindings)} operations, auth {'on' if model.auth.enabled else 'off'}, "
        f"soft delete {'on' if model.soft_delete else 'off'}"
    )
    for entity in model.entities:
        table = Table(
            title=f"{entity.name} ({entity.table})", title_justify="left", show_lines=False
        )
        for col in ("field", "type", "null", "key", "why"):
            table.add_column(col, overflow="fold")
        for fld in entity.fields:
            key = (
                "PK"
                if fld.primary_key
                else (
                    f"FK→{fld.foreign_key}" if fld.foreign_key else ("unique" if fld.unique else "")
                )
            )
            table.add_row(
                fld.name,
                fld.type + (f"({fld.length})" if fld.length else ""),
                "yes" if fld.nullable else "no",
                key,
                "; ".join(fld.reasons),
            )
        out.print(table)
        if entity.ownership is not None:
            own = entity.ownership
            out.print(
                f"  ownership [bold]{own.policy.replace('_', ' ')}[/bold] "
                f"(owner {' → '.join(own.path)}): {'; '.join(own.reasons)}",
                highlight=False,
            )
        for rel in entity.relations:
            out.print(
                f"  {rel.kind} [bold]{rel.name}[/bold] → {rel.target} "
                f"(on delete {rel.on_delete}): {'; '.join(rel.reasons)}",
                highlight=False,
            )
    table = Table(title="Operations", title_justify="left")
    for col in ("method", "path", "binding", "auth", "why"):
        table.add_column(col, overflow="fold")
    for b in model.bindings:
        table.add_row(
            b.method.upper(),
            b.path,
            f"{b.action} {b.entity or ''}".strip(),
            b.auth,
            "; ".join(b.reasons),
        )
    out.print(table)
    _warn(result.warnings)


@app.command()
def generate(
    inputs: Inputs,
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="Project directory (default ./backend).")
    ] = None,
    force: Annotated[
        bool,
        typer.Option(
            "--force",
            help="Replace files edited by hand (instead of merging them), or write into a "
            "non-empty directory the generator did not make.",
        ),
    ] = False,
    dry_run: Annotated[
        bool,
        typer.Option("--dry-run", help="Show what would change, file by file; write nothing."),
    ] = False,
    allow_destructive: Annotated[
        bool,
        typer.Option(
            "--allow-destructive",
            help="Let the new migration drop tables or columns the documents no longer have "
            "(their data is lost).",
        ),
    ] = False,
    check: Annotated[
        bool,
        typer.Option(
            "--check",
            help="Exit 1 and print a diff when the project is out of date with its inputs "
            "(for CI); write nothing.",
        ),
    ] = False,
    stack: StackOpt = None,
    db: DbOpt = None,
    orm: OrmOpt = None,
    soft_delete: SoftOpt = None,
    docs_dir: Annotated[
        Path | None,
        typer.Option(
            "--docs-dir",
            help="Where the structure document goes (default: output/ beside the project).",
        ),
    ] = None,
    verify_after: Annotated[
        bool, typer.Option("--verify", help="Run the test gate after generating.")
    ] = False,
    database_url: Annotated[
        str | None,
        typer.Option(
            "--database-url",
            help="The database the project runs on (postgresql://, mysql://, sqlite:///): "
            "picks the database and is written to the project's .env (created once).",
        ),
    ] = None,
    features: Annotated[
        str | None,
        typer.Option(
            "--features", help="Comma-separated: auth, crud, mcp-tools (on top of the documents)."
        ),
    ] = None,
    phase: Annotated[
        str,
        typer.Option(
            "--phase",
            help="web (default): the backend; console: the Phase I console app over in-memory "
            "repositories (default -o console). Regenerate without it to grow to the backend.",
        ),
    ] = "web",
) -> None:
    """Generate a complete backend project, or bring one up to date with its documents
    (your edits are merged; see --dry-run and --check)."""
    from backend_codegen.scaffold import BackendScaffold

    try:
        scaffold = BackendScaffold(
            spec=inputs,
            output=output,
            database_url=database_url,
            features=[f.strip() for f in (features or "").split(",") if f.strip()],
            stack=stack,
            database=db,
            orm=orm,
            soft_delete=soft_delete,
            docs_dir=docs_dir,
            phase=phase,
        )
    except SpecError as exc:
        _fail(exc)
        return
    if check or dry_run:
        try:
            if check:
                stale = scaffold.check()
            else:
                planned = scaffold.plan(force=force, allow_destructive=allow_destructive)
        except SpecError as exc:
            _fail(exc)
            return
        if check:
            for change in stale:
                out.print(change.diff, end="", highlight=False, markup=False, soft_wrap=True)
            if stale:
                err.print(
                    f"{len(stale)} generated files are out of date: "
                    + ", ".join(c.path for c in stale),
                    markup=False,
                )
                raise typer.Exit(1)
            out.print("up to date", highlight=False)
            return
        _warn(planned.warnings)
        for change in planned.report.changes:
            if change.kind != "unchanged":
                out.print(f"{change.kind:<9} {change.path}", highlight=False, markup=False)
        for change in planned.report.changed:
            out.print(change.diff, end="", highlight=False, markup=False, soft_wrap=True)
        out.print(f"dry run: {len(planned.report.changed)} files would change; nothing written")
        return
    try:
        result = scaffold.generate(force=force, allow_destructive=allow_destructive)
    except SpecError as exc:
        _fail(exc)
        return
    except FormatError as exc:
        err.print(
            f"internal error: the generator produced invalid Python in {exc.path} "
            f"({exc.detail}); nothing was written. Please report it with your documents.",
            style="red",
            markup=False,
        )
        raise typer.Exit(1) from None
    _warn(result.warnings)
    for path in result.report.overwritten_edits:
        err.print(
            f"warning: replaced {path}, which had been edited by hand (--force)",
            style="yellow",
            markup=False,
        )
    report = result.report
    for path in report.merged:
        err.print(f"merged your edits into {path}", style="cyan", markup=False)
    for path in report.conflicts:
        err.print(
            f"conflict: your {path} is kept as it is; the new version is {path}.new "
            "(merge it by hand, then delete it)",
            style="yellow",
            markup=False,
        )
    for path in report.orphans:
        err.print(
            f"kept {path}: no longer generated, but edited by hand", style="yellow", markup=False
        )
    for path in report.removed:
        err.print(f"removed {path}: no longer generated", markup=False)
    out.print(f"[green]generated[/green] {len(result.files)} files in {result.project_dir}")
    out.print(f"docs: {result.docs_path}\nlog:  {result.log_path}")
    start = "python src/main.py" if phase == "console" else "uvicorn app.main:app"
    out.print(
        f'next: cd {result.project_dir} && pip install -e ".[test]" && {start}',
        highlight=False,
        markup=False,
    )
    if verify_after:
        _run_verify(result.project_dir, None)


def _run_verify(project: Path, database_url: str | None) -> None:
    from backend_codegen import api

    _gate(
        "verify",
        "installing dependencies and running the generated tests…",
        lambda: api.verify(project, database_url=database_url),
        6000,
    )


def _gate(name: str, status: str, run: Callable[[], Any], tail: int) -> None:
    """Run a test gate (the suite or the conformance run) and report it; exit 1 on failure."""
    with err.status(status):
        try:
            result = run()
        except SpecError as exc:
            _fail(exc)
            return
        except RuntimeError as exc:
            err.print(str(exc), style="red", markup=False)
            raise typer.Exit(1) from None
    if result.ok:
        out.print(f"[green]{name} passed[/green]: {result.summary}")
        return
    sys.stdout.write(result.output[-tail:])
    err.print(f"{name} failed: {result.summary}", style="red")
    raise typer.Exit(1)


@app.command()
def verify(
    project: Annotated[Path, typer.Argument(help="A generated project directory.")],
    database_url: Annotated[
        str | None, typer.Option("--database-url", help="Run the tests on this database.")
    ] = None,
    conformance: Annotated[
        bool,
        typer.Option(
            "--conformance",
            help="Instead of the test suite: start the server on a free port and run "
            "schemathesis (every check) against the OpenAPI contract.",
        ),
    ] = False,
    max_examples: Annotated[
        int, typer.Option("--max-examples", min=1, help="schemathesis examples per operation.")
    ] = 50,
    seed: Annotated[
        int | None, typer.Option("--seed", help="schemathesis seed, to reproduce a run.")
    ] = None,
) -> None:
    """The test gate: install the project's dependencies and run its test suite."""
    if conformance:
        _run_conformance(project, database_url, max_examples, seed)
        return
    _run_verify(project, database_url)


def _run_conformance(
    project: Path, database_url: str | None, max_examples: int, seed: int | None
) -> None:
    from backend_codegen import api

    _gate(
        "conformance",
        "starting the server and running schemathesis…",
        lambda: api.conformance(
            project, database_url=database_url, max_examples=max_examples, seed=seed
        ),
        20000,
    )


@app.command()
def detect(
    directory: Annotated[
        Path, typer.Argument(help="The project (default: the current directory).")
    ] = Path("."),
) -> None:
    """Say which phase the project is in (console app, web backend, AI) and how to run it."""
    from backend_codegen.phase import detect as detect_phase

    try:
        found = detect_phase(directory)
    except SpecError as exc:
        _fail(exc)
        return
    out.print(f"phase {found.phase}: {found.description}", highlight=False)
    for reason in found.reasons:
        out.print(f"  {reason}", highlight=False, markup=False)
    out.print(
        f"run:   cd {found.root} && {' '.join(found.command())}", highlight=False, markup=False
    )


@app.command("run")
def run_project(
    directory: Annotated[
        Path, typer.Argument(help="The project (default: the current directory).")
    ] = Path("."),
    host: Annotated[str, typer.Option("--host", help="Interface a web backend binds to.")] = (
        "127.0.0.1"
    ),
    port: Annotated[int, typer.Option("--port", "-p", help="Port of a web backend.")] = 8000,
    reload: Annotated[
        bool, typer.Option("--reload/--no-reload", help="Restart a web backend on code changes.")
    ] = True,
) -> None:
    """Run the project as its phase says: the console app, or the web backend with uvicorn
    (from its directory). Ctrl-C stops it; a server that fails to start exits 1."""
    import signal
    import subprocess

    from backend_codegen.phase import detect as detect_phase

    try:
        found = detect_phase(directory)
    except SpecError as exc:
        _fail(exc)
        return
    python = _interpreter(found.root, found.web)
    command = [str(python), *found.command(host, port, reload)[1:]]
    err.print(f"{found.description}", style="bold", highlight=False)
    err.print(f"in {found.root}: {' '.join(command)}", highlight=False, markup=False)

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    # Ctrl-C, and a SIGTERM (a supervisor, `kill`), stop the server cleanly, even when this
    # process was started with SIGINT ignored (in the background of a script)
    signal.signal(signal.SIGINT, interrupt)
    signal.signal(signal.SIGTERM, interrupt)
    process = subprocess.Popen(command, cwd=found.root, start_new_session=True)
    try:
        code = process.wait()
    except KeyboardInterrupt:
        process.send_signal(signal.SIGINT)  # uvicorn stops its workers and exits
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        err.print("stopped", highlight=False)
        return
    if code != 0:
        what = "the server" if found.web else "the application"
        err.print(f"error: {what} exited with status {code}", style="red", highlight=False)
        raise typer.Exit(1)


@app.command("mcp")
def mcp_server() -> None:
    """Serve backend-codegen to AI agents as an MCP server over stdio: inspect documents,
    generate a backend, verify it, read its structure document."""
    from backend_codegen.mcp_server import main as serve

    serve()


def _interpreter(root: Path, web: bool) -> Path:
    """The project's own environment (`.venv`), else for a generated web backend the one
    `verify` keeps for its dependencies, else this Python."""
    own = root / ".venv" / "bin" / "python"
    if own.is_file():
        return own
    if web and (root / "pyproject.toml").is_file():
        from backend_codegen.verify.runner import environment_for

        with err.status("installing the project's dependencies…"):
            return environment_for(root)
    return Path(sys.executable)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
