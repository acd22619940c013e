"""Your rules for Category: app/services/category.py calls these around each write.

This file is yours: backend-codegen creates it once and never rewrites it (regenerating keeps
it as it is). Put business rules here rather than in the generated files. Raise an error from
app.core.errors (Conflict, Forbidden, NotFound, ...) to refuse a request with its status.
"""

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.models.category import Category


async def before_create(session: AsyncSession, values: dict[str, Any]) -> None:
    """Check or change the column values of a new Category before it is inserted."""


async def after_create(session: AsyncSession, row: Category) -> None:
    """React to a Category just inserted and committed (notify, audit, ...)."""


async def before_update(session: AsyncSession, row: Category, values: dict[str, Any]) -> None:
    """Check or change the values about to be set on a Category (a replace or a patch)."""


async def before_delete(session: AsyncSession, row: Category) -> None:
    """Check a Category about to be deleted (raise to refuse)."""
