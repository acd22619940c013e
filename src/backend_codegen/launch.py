"""The `backend-codegen` command's entry point.

For `generate`, a short-lived run whose speed users notice (issue 7):
- helpers do work on the second core (backend_codegen.forked): one, forked before anything
  heavy is imported, imports SQLAlchemy and alembic and computes the migrations and DDL
  (backend_codegen.sql.worker); for a large OpenAPI document another one, forked once the
  document is loaded, imports openapi-spec-validator and validates it
  (backend_codegen.spec.openapi) while this process converts it, infers and renders;
- the cyclic garbage collector is off: a run allocates many long-lived objects (the
  model, the rendered files) and frees them all at exit, and makes little cyclic garbage
  (GitHub's description: the same 320 MiB peak with it off; it spent 0.15 s in 30
  collections that found next to nothing);
- the process ends with os._exit once its output is flushed, skipping the interpreter's
  teardown of every module (about 0.1 s): files are written and closed by then, and no
  atexit work is registered on this path.
"""

from __future__ import annotations

import gc
import os
import sys
from pathlib import Path

from backend_codegen.spec.loader import OPENAPI_SUFFIXES

_GENERATING = {"generate"}
_HELP = {"--help", "-h"}
VALIDATE_APART = 512 * 1024  # bytes of OpenAPI document from which validation gets a helper


def _large_openapi_input(args: list[str]) -> bool:
    """Whether the documents to read (the first argument after the command) are an OpenAPI
    file, or a directory holding one, of at least VALIDATE_APART bytes. Below that, validating
    takes less than importing openapi-spec-validator, and a third process on a two-core
    machine costs more than it saves (RealWorld, 30 KB: 0.98 s with the helper, 0.91 s
    without, medians of five). A wrong guess only costs or saves time."""
    first = next((a for a in args[1:] if not a.startswith("-")), None)
    if first is None:
        return False
    path = Path(first)
    try:
        candidates = list(path.iterdir()) if path.is_dir() else [path]
        return any(
            p.suffix.lower() in OPENAPI_SUFFIXES
            and p.is_file()
            and p.stat().st_size >= VALIDATE_APART
            for p in candidates
        )
    except OSError:
        return False


def main() -> None:
    args = sys.argv[1:]
    generating = bool(args[:1]) and args[0] in _GENERATING and not _HELP.intersection(args)
    if generating:
        from backend_codegen.sql import worker

        worker.start()
        if _large_openapi_input(args):
            from backend_codegen.spec.openapi import start_validation

            start_validation()
        gc.disable()
    from backend_codegen.cli import main as cli

    if not generating:
        cli()
        return
    code: int | str | None = 0
    try:
        cli()
    except SystemExit as exc:
        code = exc.code
    sys.stdout.flush()
    sys.stderr.flush()
    if isinstance(code, str):
        print(code, file=sys.stderr)
        code = 1
    os._exit(code or 0)
