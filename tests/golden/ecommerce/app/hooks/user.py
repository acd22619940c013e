"""Your rules for User: app/services/user.py calls these around each write.

This file is yours: backend-codegen creates it once and never rewrites it (regenerating keeps
it as it is). Put business rules here rather than in the generated files. Raise an error from
app.core.errors (Conflict, Forbidden, NotFound, ...) to refuse a request with its status.
"""

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.models.user import User


async def before_create(session: AsyncSession, values: dict[str, Any]) -> None:
    """Check or change the column values of a new User before it is inserted."""


async def after_create(session: AsyncSession, row: User) -> None:
    """React to a User just inserted and committed (notify, audit, ...)."""
