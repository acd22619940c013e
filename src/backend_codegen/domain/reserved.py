"""Reserved words of the SQL dialects we compile DDL for (taken from SQLAlchemy itself)."""

from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=1)
def sql_reserved_words() -> frozenset[str]:
    from sqlalchemy.dialects.mysql.reserved_words import (
        RESERVED_WORDS_MARIADB,
        RESERVED_WORDS_MYSQL,
    )
    from sqlalchemy.dialects.postgresql.base import RESERVED_WORDS as POSTGRES
    from sqlalchemy.dialects.sqlite.base import SQLiteIdentifierPreparer

    return frozenset(
        w.lower()
        for w in (
            *POSTGRES,
            *RESERVED_WORDS_MYSQL,
            *RESERVED_WORDS_MARIADB,
            *SQLiteIdentifierPreparer.reserved_words,
        )
    )


def sql_safe(name: str) -> str:
    """A table or column name usable unquoted in every dialect (seed.sql is shared by all)."""
    return f"{name}_" if name.lower() in sql_reserved_words() else name
