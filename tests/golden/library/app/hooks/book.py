"""Your rules for Book: app/services/book.py calls these around each write.

This file is yours: backend-codegen creates it once and never rewrites it (regenerating keeps
it as it is). Put business rules here rather than in the generated files. Raise an error from
app.core.errors (Conflict, Forbidden, NotFound, ...) to refuse a request with its status.
"""

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.models.book import Book


async def before_create(session: AsyncSession, values: dict[str, Any]) -> None:
    """Check or change the column values of a new Book before it is inserted."""


async def after_create(session: AsyncSession, row: Book) -> None:
    """React to a Book just inserted and committed (notify, audit, ...)."""


async def before_update(session: AsyncSession, row: Book, values: dict[str, Any]) -> None:
    """Check or change the values about to be set on a Book (a replace or a patch)."""


async def before_delete(session: AsyncSession, row: Book) -> None:
    """Check a Book about to be deleted (raise to refuse)."""
