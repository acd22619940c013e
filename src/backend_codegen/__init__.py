"""backend-codegen: API design documents in, a complete tested backend out.

from backend_codegen import BackendScaffold

BackendScaffold(project_name="todo-api", spec="api-list.md").generate()
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = ["BackendScaffold", "__version__"]

if TYPE_CHECKING:
    from backend_codegen.scaffold import BackendScaffold


def __getattr__(name: str) -> Any:
    """`BackendScaffold` is imported on first use (the CLI starts without loading it)."""
    if name == "BackendScaffold":
        from backend_codegen.scaffold import BackendScaffold

        return BackendScaffold
    raise AttributeError(name)
