"""CREATE TABLE / CREATE INDEX scripts per dialect, compiled by SQLAlchemy offline."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects import mysql, postgresql, sqlite
from sqlalchemy.schema import AddConstraint, CreateIndex, CreateTable

DIALECTS: dict[str, sa.engine.Dialect] = {
    "postgresql": postgresql.dialect(),  # type: ignore[no-untyped-call]
    "mysql": mysql.dialect(),
    "sqlite": sqlite.dialect(),
}


def compile_ddl(metadata: sa.MetaData, dialect: str, header: str) -> str:
    target = DIALECTS[dialect]
    parts = [header.rstrip() + "\n"]
    for table in metadata.sorted_tables:
        create = str(CreateTable(table).compile(dialect=target)).strip()
        parts.append(f"{create};\n")
        for index in sorted(table.indexes, key=lambda i: i.name or ""):
            parts.append(f"{str(CreateIndex(index).compile(dialect=target)).strip()};\n")
    if target.supports_alter:  # SQLite keeps them inline: it checks references lazily
        for key in forward_keys(metadata):
            add = AddConstraint(key, isolate_from_table=False)  # keeps it inline elsewhere
            parts.append(f"{str(add.compile(dialect=target)).strip()};\n")
    return "\n".join(parts)


def forward_keys(metadata: sa.MetaData) -> list[sa.ForeignKeyConstraint]:
    """The foreign keys that close a cycle of references (`use_alter`): a table cannot
    reference one not created yet, so they are added after every table exists."""
    return [
        key
        for table in metadata.sorted_tables
        for key in sorted(table.foreign_key_constraints, key=lambda k: str(k.name))
        if key.use_alter
    ]
