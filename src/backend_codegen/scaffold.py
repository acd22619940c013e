"""The Python API: `BackendScaffold` reads API documents and generates, inspects, checks and
verifies a backend. The `backend-codegen` CLI is a thin shell over the same functions.

    from backend_codegen import BackendScaffold

    scaffold = BackendScaffold(
        project_name="todo-api",
        database_url="postgresql://app:secret@localhost/todo",
        features=["auth", "crud"],
        spec="api-list.md",
    )
    scaffold.inspect()    # the inferred model, with the reason for every decision
    scaffold.generate()   # ./todo-api: the project (regenerating merges your edits)
    scaffold.verify()     # install it and run its tests: the test gate
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from backend_codegen import api
from backend_codegen.errors import Location, SpecError
from backend_codegen.output.writer import FileChange, write_text_atomic

if TYPE_CHECKING:
    from backend_codegen.verify.conformance import ConformanceResult
    from backend_codegen.verify.runner import VerifyResult

# URL schemes -> (the database, the async driver the generated project uses)
_DRIVERS = {
    "postgresql": ("postgresql", "postgresql+asyncpg"),
    "postgres": ("postgresql", "postgresql+asyncpg"),
    "mysql": ("mysql", "mysql+asyncmy"),
    "mariadb": ("mysql", "mysql+asyncmy"),
    "sqlite": ("sqlite", "sqlite+aiosqlite"),
}


def async_database_url(url: str) -> tuple[str, str]:
    """(the database, the URL with the async driver the generated project uses) for a
    database URL (`postgresql://u:p@h/db` -> `postgresql+asyncpg://u:p@h/db`)."""
    scheme, sep, rest = url.partition("://")
    base = scheme.split("+", 1)[0].lower()
    if not sep or base not in _DRIVERS:
        raise SpecError(
            f"database URL {url!r} names no database this tool generates for",
            None,
            "use postgresql://..., mysql://... (MariaDB too) or sqlite:///path.db",
        )
    database, driver = _DRIVERS[base]
    return database, f"{scheme if '+' in scheme else driver}://{rest}"


@dataclass
class BackendScaffold:
    """A backend generated from API documents.

    project_name: the project's name (kebab-case), and its directory when `output` is not
        given; default: from the API's title, in ./backend.
    spec: the documents: a directory (api-list.md + requirements.md, or one OpenAPI file), an
        OpenAPI file, or the Markdown files.
    database_url: the database the project runs on; it picks the production database
        (PostgreSQL, MySQL/MariaDB, SQLite) and is written, with the async driver and a
        random SECRET_KEY, to the project's `.env` (created once, never rewritten).
    features: "auth", "crud", "mcp-tools" on top of what the documents ask for.
    orm: "sqlalchemy" (default) or "sqlmodel", the table models' flavour; like `stack` and
        `database` it overrides the requirements document.
    phase: "web" (default): the backend; "console": the Phase I console application over
        in-memory repositories (./console without `output`), regenerable to the web backend.
    """

    project_name: str | None = None
    spec: str | Path | Sequence[str | Path] = "."
    output: str | Path | None = None
    database_url: str | None = None
    features: Sequence[str] = ()
    stack: str | None = None
    database: str | None = None
    orm: str | None = None
    soft_delete: bool | None = None
    docs_dir: str | Path | None = None
    phase: str = "web"
    _inputs: list[Path] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        specs = [self.spec] if isinstance(self.spec, str | Path) else list(self.spec)
        self._inputs = [Path(s) for s in specs]
        api.check_features(list(self.features))
        api.check_phase(self.phase)
        if self.database_url is not None:
            database, _ = async_database_url(self.database_url)
            self.database = self.database or database

    @property
    def options(self) -> api.Options:
        return api.Options(
            self.stack,
            self.database,
            self.orm,
            self.soft_delete,
            self.project_name,
            list(self.features),
            self.phase,
        )

    @property
    def project_dir(self) -> Path:
        if self.output is not None:
            return Path(self.output)
        return Path(self.project_name) if self.project_name else api.default_output(self.options)

    def inspect(self) -> api.Inspection:
        """The inferred model (entities, fields, relations, operations, ownership) and the
        warnings; nothing is written."""
        return api.inspect(self._inputs, self.options)

    def generate(
        self, *, force: bool = False, allow_destructive: bool = False
    ) -> api.GenerateResult:
        """Write the project (or bring it up to date: see `check` and `plan`)."""
        result = api.generate(
            self._inputs,
            self.project_dir,
            force=force,
            allow_destructive=allow_destructive,
            options=self.options,
            docs_dir=Path(self.docs_dir) if self.docs_dir else None,
        )
        if self.database_url is not None:
            write_env(result.project_dir, self.database_url, result.model.auth.enabled)
        return result

    def plan(self, *, force: bool = False, allow_destructive: bool = False) -> api.GenerateResult:
        """What `generate` would change, file by file (`report.changes`); writes nothing."""
        return api.plan(
            self._inputs,
            self.project_dir,
            force=force,
            allow_destructive=allow_destructive,
            options=self.options,
        )

    def check(self) -> list[FileChange]:
        """The generated files out of date with the documents (empty: up to date)."""
        return api.check(self._inputs, self.project_dir, options=self.options)

    def verify(self, *, database_url: str | None = None) -> VerifyResult:
        """Install the project's dependencies and run its tests (on `database_url`, else a
        throwaway SQLite database)."""
        url = async_database_url(database_url)[1] if database_url else None
        return api.verify(self.project_dir, database_url=url)

    def conformance(self, *, max_examples: int = 50, seed: int | None = None) -> ConformanceResult:
        """Serve the project and run schemathesis against its contract."""
        return api.conformance(self.project_dir, max_examples=max_examples, seed=seed)


def write_env(project: Path, database_url: str, auth: bool) -> Path | None:
    """The project's `.env`: its database (with the async driver) and, for an API with auth, a
    random SECRET_KEY. Created once: an existing `.env` is the user's and is left alone."""
    env = project / ".env"
    if env.exists():
        return None
    if not project.is_dir():
        raise SpecError(f"{project} is not a directory", Location(str(project)), None)
    _, url = async_database_url(database_url)
    lines = [f"DATABASE_URL={url}"]
    if auth:
        lines.append(f"SECRET_KEY={secrets.token_urlsafe(48)}")
    write_text_atomic(env, "\n".join(lines) + "\n")
    env.chmod(0o600)
    return env
