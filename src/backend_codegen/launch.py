"""The `backend-codegen` command's entry point.

For `generate`, a short-lived run whose speed users notice (issue 7):
- the SQL worker starts before anything heavy is imported (see backend_codegen.sql.worker);
- the cyclic garbage collector runs less often: a run allocates many long-lived objects
  (the model, the rendered files) and frees them all at exit;
- the process ends with os._exit once its output is flushed, skipping the interpreter's
  teardown of every module (about 0.1 s): files are written and closed by then, and no
  atexit work is registered on this path.
"""

from __future__ import annotations

import gc
import os
import sys

_GENERATING = {"generate"}
_HELP = {"--help", "-h"}


def main() -> None:
    args = sys.argv[1:]
    generating = bool(args[:1]) and args[0] in _GENERATING and not _HELP.intersection(args)
    if generating:
        from backend_codegen.sql import worker

        worker.start()
        gc.set_threshold(100_000, 50, 100)
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
