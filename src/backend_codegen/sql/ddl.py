"""CREATE TABLE / CREATE INDEX scripts per dialect, compiled by SQLAlchemy offline."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects import mysql, postgresql, sqlite
from sqlalchemy.schema import CreateIndex, CreateTable

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
    return "\n".join(parts)
