"""Target stacks. Each is a package with `generate(model, options) -> list[GeneratedFile]`.

Targets read only the DomainModel; they never import a reader.
"""

from __future__ import annotations

from collections.abc import Callable

from backend_codegen.domain.model import DomainModel
from backend_codegen.targets.base import GeneratedFile, TargetOptions

Generator = Callable[[DomainModel, TargetOptions], list[GeneratedFile]]

SUPPORTED = {
    "python-fastapi": "Python + FastAPI + SQLAlchemy 2 (async)",
}


def get_target(stack: str) -> Generator:
    if stack == "python-fastapi":
        from backend_codegen.targets.python_fastapi.plan import generate

        return generate
    raise KeyError(stack)


__all__ = ["GeneratedFile", "TargetOptions", "SUPPORTED", "get_target"]
