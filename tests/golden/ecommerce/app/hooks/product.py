"""Your rules for Product: app/services/product.py calls these around each write.

This file is yours: backend-codegen creates it once and never rewrites it (regenerating keeps
it as it is). Put business rules here rather than in the generated files. Raise an error from
app.core.errors (Conflict, Forbidden, NotFound, ...) to refuse a request with its status.
"""

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.models.product import Product


async def before_create(session: AsyncSession, values: dict[str, Any]) -> None:
    """Check or change the column values of a new Product before it is inserted."""


async def after_create(session: AsyncSession, row: Product) -> None:
    """React to a Product just inserted and committed (notify, audit, ...)."""


async def before_update(session: AsyncSession, row: Product, values: dict[str, Any]) -> None:
    """Check or change the values about to be set on a Product (a replace or a patch)."""


async def before_delete(session: AsyncSession, row: Product) -> None:
    """Check a Product about to be deleted (raise to refuse)."""
