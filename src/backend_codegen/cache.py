"""Where backend-codegen keeps caches (compiled templates, test environments)."""

from __future__ import annotations

import os
from pathlib import Path


def cache_root() -> Path:
    """`$BACKEND_CODEGEN_CACHE`, else `~/.cache/backend-codegen`."""
    env = os.environ.get("BACKEND_CODEGEN_CACHE")
    return Path(env) if env else Path.home() / ".cache" / "backend-codegen"
