"""`logs/workflow.log`: what was read, inferred, written and verified, one line each."""

from __future__ import annotations

import datetime as dt
from pathlib import Path


class WorkLog:
    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.lines: list[str] = []

    def __call__(self, stage: str, message: str) -> None:
        stamp = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        self.lines.append(f"{stamp} [{stage}] {message}")

    def flush(self) -> None:
        if self.path is None or not self.lines:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a", encoding="utf-8") as handle:
            handle.write("\n".join(self.lines) + "\n")
        self.lines.clear()
