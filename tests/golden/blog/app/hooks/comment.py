"""Your rules for Comment: app/services/comment.py calls these around each write.

This file is yours: backend-codegen creates it once and never rewrites it (regenerating keeps
it as it is). Put business rules here rather than in the generated files. Raise an error from
app.core.errors (Conflict, Forbidden, NotFound, ...) to refuse a request with its status.
"""

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.models.comment import Comment


async def before_create(session: AsyncSession, values: dict[str, Any]) -> None:
    """Check or change the column values of a new Comment before it is inserted."""


async def after_create(session: AsyncSession, row: Comment) -> None:
    """React to a Comment just inserted and committed (notify, audit, ...)."""


async def before_delete(session: AsyncSession, row: Comment) -> None:
    """Check a Comment about to be deleted (raise to refuse)."""
