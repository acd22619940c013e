"""Helper processes forked when `backend-codegen generate` starts, so that the slow imports
(SQLAlchemy and alembic, openapi-spec-validator) and the work that needs them run on another
core while this process reads, infers and renders.

A helper is a child process that imports what it needs (`prepare`), then waits for one
request through a pipe, answers it (`handle`) through another and exits. The parent hands a
request over with `submit` and picks the answer up with `result`; an exception `handle`
raised comes back and is raised by the caller. Whatever goes wrong with a helper (no `fork`,
BACKEND_CODEGEN_WORKERS=0, a child that died, an answer that does not unpickle), the caller
does the work itself: a helper changes when the work is done, never what it gives.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import select
import sys
import threading
from collections.abc import Callable
from typing import Any, BinaryIO

_ENV = "BACKEND_CODEGEN_WORKERS"


class Helper:
    def __init__(self, prepare: Callable[[], None], handle: Callable[..., Any]) -> None:
        request_read, request_write = os.pipe()
        result_read, result_write = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: never returns
            os.close(request_write)
            os.close(result_read)
            # it answers through its pipe only: holding the caller's stdout or stderr open
            # would keep a caller that reads them waiting after the parent stopped early
            quiet = os.open(os.devnull, os.O_RDWR)
            for fd in (0, 1, 2):
                os.dup2(quiet, fd)
            os.close(quiet)
            for other in _helpers.values():  # a child must not hold another's pipes open
                other.close_streams()
            _serve(prepare, handle, os.fdopen(request_read, "rb"), os.fdopen(result_write, "wb"))
        os.close(request_read)
        os.close(result_write)
        self.pid = pid
        self._requests: BinaryIO = os.fdopen(request_write, "wb")
        self._results: BinaryIO = os.fdopen(result_read, "rb")
        self._sender: threading.Thread | None = None

    def submit(self, *args: Any) -> bool:
        """Hand `handle(*args)` over (False: it cannot be pickled; do the work yourself)."""
        try:
            payload = pickle.dumps(args, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception:
            self.close()
            return False

        def send() -> None:  # a thread: the child may still be importing; don't wait for it
            with contextlib.suppress(OSError):  # the child is gone: result() says so
                self._requests.write(payload)
                self._requests.close()

        self._sender = threading.Thread(target=send, daemon=True)
        self._sender.start()
        return True

    def answered(self) -> bool:
        """The answer is there (or the helper is gone): `result()` would not wait."""
        try:
            return bool(select.select([self._results], [], [], 0)[0])
        except (OSError, ValueError):  # closed already: result() answers at once
            return True

    def result(self) -> tuple[str, Any] | None:
        """("ok", value) or ("error", exception); None if the helper failed."""
        try:
            data = self._results.read()
            outcome = pickle.loads(data) if data else None
        except Exception:
            outcome = None
        self.close()
        if isinstance(outcome, tuple) and len(outcome) == 2:
            return outcome
        return None

    def close_streams(self) -> None:
        for stream in (self._requests, self._results):
            with contextlib.suppress(OSError):
                stream.close()

    def close(self) -> None:
        if self._sender is not None:
            self._sender.join(timeout=5)
        self.close_streams()
        with contextlib.suppress(ChildProcessError):
            os.waitpid(self.pid, 0)


def _serve(
    prepare: Callable[[], None], handle: Callable[..., Any], requests: BinaryIO, results: BinaryIO
) -> None:
    code = 0
    try:
        prepare()  # the imports this process exists for, while the parent does the rest
        data = requests.read()
        if data:  # empty: the parent stopped before it needed us (bad input, --help)
            args = pickle.loads(data)
            try:
                outcome: tuple[str, Any] = ("ok", handle(*args))
            except Exception as exc:  # the caller raises it
                outcome = ("error", exc)
            try:
                payload = pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL)
            except Exception:  # unpicklable: the caller does the work and meets it itself
                payload = b""
            results.write(payload)
            results.flush()
    except BaseException:
        code = 1
    finally:
        os._exit(code)


_helpers: dict[str, Helper] = {}


def enabled() -> bool:
    return os.environ.get(_ENV, "1") != "0" and hasattr(os, "fork")


def start(name: str, prepare: Callable[[], None], handle: Callable[..., Any]) -> None:
    """Fork the helper `name` (once; a no-op where fork is unavailable or disabled)."""
    if name in _helpers or not enabled():
        return
    try:
        sys.stdout.flush()
        sys.stderr.flush()
        _helpers[name] = Helper(prepare, handle)
    except OSError:
        pass


def ask(name: str, *args: Any) -> Helper | None:
    """The helper `name`, handed `handle(*args)`, if one was started and not taken yet;
    None: do the work yourself."""
    helper = take(name)
    if helper is not None and not helper.submit(*args):
        return None
    return helper


def take(name: str) -> Helper | None:
    """The helper `name` if one was started and not taken yet (each serves one request)."""
    return _helpers.pop(name, None)


def started(name: str) -> bool:
    return name in _helpers
