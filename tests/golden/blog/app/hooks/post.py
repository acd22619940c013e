"""Your rules for Post: app/services/post.py calls these around each write.

This file is yours: backend-codegen creates it once and never rewrites it (regenerating keeps
it as it is). Put business rules here rather than in the generated files. Raise an error from
app.core.errors (Conflict, Forbidden, NotFound, ...) to refuse a request with its status.
"""

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.models.post import Post


async def before_create(session: AsyncSession, values: dict[str, Any]) -> None:
    """Check or change the column values of a new Post before it is inserted."""


async def after_create(session: AsyncSession, row: Post) -> None:
    """React to a Post just inserted and committed (notify, audit, ...)."""


async def before_update(session: AsyncSession, row: Post, values: dict[str, Any]) -> None:
    """Check or change the values about to be set on a Post (a replace or a patch)."""


async def before_delete(session: AsyncSession, row: Post) -> None:
    """Check a Post about to be deleted (raise to refuse)."""
