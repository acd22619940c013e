"""The SQL artefacts of a model (the initial migration, the DDL scripts, the revision since the
previous generation), computed in a second process while the first one renders templates.

SQLAlchemy and alembic are the largest part of the generator's start-up (about 0.4 s of a
1.2 s run on a two-core machine). `backend-codegen generate` calls `start()` first thing: the
process forks, the child imports SQLAlchemy and alembic while the parent imports the readers,
reads, validates, infers and renders templates, then the parent hands the model over (pickled,
through a pipe) and picks the artefacts up when it needs them. Nothing else changes: the same
functions compute the same text, and `artifacts()` computes them in-process when no worker
was started (the library API, the MCP server, tests), when `fork` is not available, when
BACKEND_CODEGEN_SQL_WORKER=0, or if the worker fails for any reason.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import sys
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, BinaryIO

if TYPE_CHECKING:
    from backend_codegen.domain.model import DomainModel
    from backend_codegen.sql.migrations import Revision

DIALECT_NAMES = ("postgresql", "mysql", "sqlite")
_ENV = "BACKEND_CODEGEN_SQL_WORKER"


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


class Pending:
    """Artefacts on their way: `get()` returns them (or raises what computing them raised)."""

    def __init__(
        self, model: DomainModel, previous: DomainModel | None, header: str, worker: _Worker | None
    ) -> None:
        self._request = (model, previous, header)
        self._worker = worker
        if worker is not None and not worker.submit(self._request):
            self._worker = None

    def get(self) -> SqlArtifacts:
        if self._worker is not None:
            outcome = self._worker.result()
            self._worker = None
            if outcome is not None:
                kind, value = outcome
                if kind == "ok":
                    return value  # type: ignore[no-any-return]
                raise value
        return compute(*self._request)


class _Worker:
    def __init__(self) -> None:
        request_read, request_write = os.pipe()
        result_read, result_write = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: never returns
            os.close(request_write)
            os.close(result_read)
            _serve(os.fdopen(request_read, "rb"), os.fdopen(result_write, "wb"))
        os.close(request_read)
        os.close(result_write)
        self.pid = pid
        self._requests: BinaryIO = os.fdopen(request_write, "wb")
        self._results: BinaryIO = os.fdopen(result_read, "rb")
        self._sender: threading.Thread | None = None

    def submit(self, request: tuple[Any, ...]) -> bool:
        try:
            payload = pickle.dumps(request, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception:
            self.close()
            return False

        def send() -> None:  # a thread: the child may still be importing; don't wait for it
            try:
                self._requests.write(payload)
                self._requests.close()
            except OSError:
                pass  # the child is gone: result() notices and the parent computes

        self._sender = threading.Thread(target=send, daemon=True)
        self._sender.start()
        return True

    def result(self) -> tuple[str, Any] | None:
        try:
            data = self._results.read()
            outcome = pickle.loads(data) if data else None
        except Exception:
            outcome = None
        self.close()
        if isinstance(outcome, tuple) and len(outcome) == 2:
            return outcome
        return None

    def close(self) -> None:
        if self._sender is not None:
            self._sender.join(timeout=5)
        for stream in (self._requests, self._results):
            with contextlib.suppress(OSError):
                stream.close()
        with contextlib.suppress(ChildProcessError):
            os.waitpid(self.pid, 0)


def _serve(requests: BinaryIO, results: BinaryIO) -> None:
    code = 0
    try:
        # the imports this process exists for, while the parent does everything else
        import backend_codegen.sql.ddl  # noqa: F401
        import backend_codegen.sql.migrations  # noqa: F401

        data = requests.read()
        if data:  # empty: the parent stopped before it needed us (bad input, --help)
            request = pickle.loads(data)
            try:
                outcome: tuple[str, Any] = ("ok", compute(*request))
            except Exception as exc:  # the parent raises it (e.g. a destructive revision)
                outcome = ("error", exc)
            try:
                payload = pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL)
            except Exception:  # an unpicklable error: the parent computes and raises it
                payload = b""
            results.write(payload)
            results.flush()
    except BaseException:
        code = 1
    finally:
        os._exit(code)


_worker: _Worker | None = None


def start() -> None:
    """Fork the worker (once per process; a no-op where fork is unavailable or disabled)."""
    global _worker
    if _worker is not None or os.environ.get(_ENV, "1") == "0" or not hasattr(os, "fork"):
        return
    try:
        sys.stdout.flush()
        sys.stderr.flush()
        _worker = _Worker()
    except OSError:
        _worker = None


def artifacts(model: DomainModel, previous: DomainModel | None, header: str) -> Pending:
    """The model's SQL artefacts: from the worker if one was started and not used yet,
    otherwise computed in this process when asked for."""
    global _worker
    worker, _worker = _worker, None
    return Pending(model, previous, header, worker)
