"""backend-codegen: API design documents in, a complete tested backend out."""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]
