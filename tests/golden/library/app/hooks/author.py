"""Your rules for Author: app/services/author.py calls these around each write.

This file is yours: backend-codegen creates it once and never rewrites it (regenerating keeps
it as it is). Put business rules here rather than in the generated files. Raise an error from
app.core.errors (Conflict, Forbidden, NotFound, ...) to refuse a request with its status.
"""

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.models.author import Author


async def before_create(session: AsyncSession, values: dict[str, Any]) -> None:
    """Check or change the column values of a new Author before it is inserted."""


async def after_create(session: AsyncSession, row: Author) -> None:
    """React to a Author just inserted and committed (notify, audit, ...)."""


async def before_update(session: AsyncSession, row: Author, values: dict[str, Any]) -> None:
    """Check or change the values about to be set on a Author (a replace or a patch)."""


async def before_delete(session: AsyncSession, row: Author) -> None:
    """Check a Author about to be deleted (raise to refuse)."""
