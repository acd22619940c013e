"""Your own routes, served after the generated ones (same error handling, same /docs).

This file is yours: backend-codegen creates it once and never rewrites it. Use the
dependencies the generated routes use, e.g.

    from app.api.deps import SessionDep, CurrentUser

    @router.get("/api/stats")
    async def stats(session: SessionDep) -> dict[str, int]:
        ...

and add tests for them in tests/ (files you add there are yours too).
"""

from fastapi import APIRouter

router = APIRouter()
