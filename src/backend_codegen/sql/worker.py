"""The SQL artefacts of a model (the initial migration, the DDL scripts, the revision since the
previous generation), computed by a forked helper while this process renders templates.

SQLAlchemy and alembic are the largest part of the generator's start-up (about 0.4 s on a
two-core machine). `backend-codegen generate` calls `start()` first thing: the helper imports
them while this process imports the readers, reads, validates, infers and renders; the model
is handed over (pickled, through a pipe) and the artefacts are picked up when needed. The same
functions compute the same text either way: `artifacts()` computes them in this process when
no helper was started (the library API, the MCP server, tests) or when it failed
(backend_codegen.forked).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from backend_codegen import forked

if TYPE_CHECKING:
    from backend_codegen.domain.model import DomainModel
    from backend_codegen.sql.migrations import Revision

DIALECT_NAMES = ("postgresql", "mysql", "sqlite")  # ddl.DIALECTS' keys, without importing it
HELPER = "sql"


@dataclass
class SqlArtifacts:
    upgrade: str  # the initial revision's upgrade() body
    downgrade: str
    ddl: dict[str, str]  # dialect -> db/schema.<dialect>.sql
    revision: Revision | None  # from the previous model's schema to this one's, if given


def compute(model: DomainModel, previous: DomainModel | None, header: str) -> SqlArtifacts:
    from backend_codegen.sql.ddl import compile_ddl
    from backend_codegen.sql.metadata import build_metadata
    from backend_codegen.sql.migrations import render_ops, render_revision

    metadata = build_metadata(model)
    upgrade, downgrade = render_ops(metadata)
    ddl = {dialect: compile_ddl(metadata, dialect, header) for dialect in DIALECT_NAMES}
    revision = None
    if previous is not None:
        fields = {(e.table, f.column or f.name): f for e in model.entities for f in e.fields}
        revision = render_revision(build_metadata(previous), build_metadata(model), fields)
    return SqlArtifacts(upgrade, downgrade, ddl, revision)


def _prepare() -> None:
    import backend_codegen.sql.ddl  # noqa: F401
    import backend_codegen.sql.migrations  # noqa: F401


def start() -> None:
    forked.start(HELPER, _prepare, compute)


class Pending:
    """Artefacts on their way: `get()` returns them (or raises what computing them raised)."""

    def __init__(self, model: DomainModel, previous: DomainModel | None, header: str) -> None:
        self._request = (model, previous, header)
        self._helper = forked.ask(HELPER, *self._request)

    def ready(self) -> bool:
        """`get()` would not wait for the helper (computing here, when there is none, is
        not waiting for it)."""
        return self._helper is None or self._helper.answered()

    def get(self) -> SqlArtifacts:
        if self._helper is not None:
            outcome, self._helper = self._helper.result(), None
            if outcome is not None:
                kind, value = outcome
                if kind == "ok":
                    return value  # type: ignore[no-any-return]
                raise value
        return compute(*self._request)


def artifacts(model: DomainModel, previous: DomainModel | None, header: str) -> Pending:
    """The model's SQL artefacts: from the helper if one was started and not used yet,
    otherwise computed in this process when asked for."""
    return Pending(model, previous, header)
