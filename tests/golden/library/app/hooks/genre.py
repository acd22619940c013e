"""Your rules for Genre: app/services/genre.py calls these around each write.

This file is yours: backend-codegen creates it once and never rewrites it (regenerating keeps
it as it is). Put business rules here rather than in the generated files. Raise an error from
app.core.errors (Conflict, Forbidden, NotFound, ...) to refuse a request with its status.
"""

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.models.genre import Genre


async def before_create(session: AsyncSession, values: dict[str, Any]) -> None:
    """Check or change the column values of a new Genre before it is inserted."""


async def after_create(session: AsyncSession, row: Genre) -> None:
    """React to a Genre just inserted and committed (notify, audit, ...)."""
