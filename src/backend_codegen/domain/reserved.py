"""Reserved words of the SQL dialects we compile DDL for (taken from SQLAlchemy itself).

`sql_safe` reads the list kept in `reserved_words.py`; `from_sqlalchemy` derives it from the
installed SQLAlchemy (the suite compares the two) and `python -m backend_codegen.domain.reserved`
rewrites the kept list from it.
"""

from __future__ import annotations

from pathlib import Path

from backend_codegen.domain.reserved_words import RESERVED_WORDS


def from_sqlalchemy() -> frozenset[str]:
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


def sql_reserved_words() -> frozenset[str]:
    return RESERVED_WORDS


def sql_safe(name: str) -> str:
    """A table or column name usable unquoted in every dialect (seed.sql is shared by all)."""
    return f"{name}_" if name.lower() in RESERVED_WORDS else name


def _write_kept_list() -> None:
    target = Path(__file__).with_name("reserved_words.py")
    text = target.read_text(encoding="utf-8")
    head = text[: text.index("RESERVED_WORDS = frozenset(")]
    body = "".join(f'        "{word}",\n' for word in sorted(from_sqlalchemy()))
    target.write_text(f"{head}RESERVED_WORDS = frozenset(\n    {{\n{body}    }}\n)\n")


if __name__ == "__main__":
    _write_kept_list()
