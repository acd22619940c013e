"""The initial Alembic revision, computed with alembic's autogenerate API.

Autogenerate compares the model's metadata with an empty in-memory SQLite database and
renders the operations as Python; nothing touches the user's database.
"""

from __future__ import annotations

import re

import sqlalchemy as sa
from alembic.autogenerate import produce_migrations, render_python_code
from alembic.migration import MigrationContext

_COMMENT = re.compile(r"^\s*# ### .*###\s*$")


def render_ops(metadata: sa.MetaData) -> tuple[str, str]:
    """(upgrade body, downgrade body) for creating every table of `metadata`."""
    engine = sa.create_engine("sqlite://")
    with engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "target_metadata": metadata}
        )
        script = produce_migrations(context, metadata)
    engine.dispose()
    opts = {"alembic_module_prefix": "op.", "sqlalchemy_module_prefix": "sa."}
    upgrade = render_python_code(script.upgrade_ops, **opts)  # type: ignore[arg-type]
    downgrade = render_python_code(script.downgrade_ops, **opts)  # type: ignore[arg-type]
    return _clean(upgrade), _clean(downgrade)


def _clean(code: str) -> str:
    lines = [line for line in code.splitlines() if not _COMMENT.match(line)]
    return "\n".join(lines).strip("\n")
