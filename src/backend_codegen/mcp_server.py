"""backend-codegen as an MCP server (`backend-codegen mcp`, over stdio): AI agents inspect API
documents, generate a backend, verify it and read its structure document with the same
functions as the CLI.

Bad documents come back as tool errors carrying the CLI's message (file, line or JSON pointer,
hint), never as a traceback.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError

from backend_codegen import __version__, api
from backend_codegen.errors import SpecError
from backend_codegen.scaffold import BackendScaffold

server = MCPServer(
    "backend-codegen",
    instructions=(
        "Turn API design documents (a Markdown API list + requirements document, or an "
        "OpenAPI 3.x file) into a complete, tested FastAPI backend. Write or take the "
        "documents, call `inspect_documents` and check the inferred model, `generate_backend`, "
        "then `verify_backend`: every generated test must pass. On a failure, fix the "
        "documents (not the generated code) and retry, at most 5 times per problem."
    ),
    version=__version__,
)


@contextlib.contextmanager
def _clear_errors() -> Iterator[None]:
    """Bad input becomes a tool error with the CLI's message (location and hint)."""
    try:
        yield
    except SpecError as exc:
        raise ToolError(exc.render()) from None


def _paths(documents: list[str]) -> list[Path]:
    if not documents:
        raise ToolError("name the documents: a directory, an OpenAPI file, or api-list.md")
    return [Path(d) for d in documents]


@server.tool()
def inspect_documents(documents: list[str], features: list[str] | None = None) -> dict[str, Any]:
    """The model inferred from API documents: entities (fields, relations, ownership, each
    with the reason for it), operations and how each is served, auth, and the warnings.
    `documents`: a directory (api-list.md + requirements.md, or one OpenAPI file), an OpenAPI
    file, or the Markdown files. Writes nothing."""
    with _clear_errors():
        inspection = api.inspect(_paths(documents), api.Options(features=list(features or [])))
    model: dict[str, Any] = json.loads(json.dumps(inspection.model.to_dict(), default=str))
    model["warnings"] = [w.render("warning") for w in inspection.warnings]
    return model


@server.tool()
def generate_backend(
    documents: list[str],
    output: str = "backend",
    features: list[str] | None = None,
    database_url: str | None = None,
    force: bool = False,
    orm: str | None = None,
    phase: str = "web",
) -> dict[str, Any]:
    """Generate the backend project into `output` (or bring it up to date: edits to generated
    files are merged, conflicts are reported with the new version beside the file). `orm`:
    "sqlalchemy" or "sqlmodel"; `phase`: "web" (the backend) or "console" (the Phase I console
    app). Answers what changed, the warnings, and where the structure document and the log
    are."""
    with _clear_errors():
        scaffold = BackendScaffold(
            spec=_paths(documents),
            output=output,
            features=list(features or []),
            database_url=database_url,
            orm=orm,
            phase=phase,
        )
        result = scaffold.generate(force=force)
    report = result.report
    return {
        "project": str(result.project_dir),
        "files": len(result.files),
        "changes": {c.path: c.kind for c in report.changes if c.kind != "unchanged"},
        "conflicts": [f"{p} (new version in {p}.new)" for p in report.conflicts],
        "warnings": [w.render("warning") for w in result.warnings],
        "structure_document": str(result.docs_path),
        "log": str(result.log_path),
    }


@server.tool()
def verify_backend(project: str = "backend", database_url: str | None = None) -> dict[str, Any]:
    """The test gate: install the project's dependencies and run its generated tests. `ok` is
    true only when every test passes; `output` ends with pytest's summary."""
    with _clear_errors():
        result = api.verify(Path(project), database_url=database_url)
    return {
        "ok": result.ok,
        "summary": result.summary,
        "passed": result.passed,
        "failed": result.failed,
        "errors": result.errors,
        "output": result.output[-6000:],
    }


@server.tool()
def read_structure_document(project: str = "backend") -> str:
    """The structure document of a generated project (entities, relations, endpoints,
    decisions, warnings, files), written beside it in `output/` by `generate_backend`."""
    path = Path(project).resolve().parent / "output" / api.DOC_NAME
    if not path.is_file():
        raise ToolError(f"{path} does not exist: generate the project first (generate_backend)")
    return path.read_text(encoding="utf-8")


def main() -> None:
    server.run("stdio")
