"""The PostgreSQL and MariaDB servers end-to-end tests run on: CI starts them and exports
their URLs; without them those tests skip with the reason (in CI they fail instead).

    BACKEND_CODEGEN_TEST_POSTGRES   e.g. postgresql+asyncpg://postgres:postgres@127.0.0.1:5432
    BACKEND_CODEGEN_TEST_MYSQL      e.g. mysql+asyncmy://codegen:codegen@127.0.0.1:3306

Import with `from dbserver import ...` (pytest puts this directory on sys.path).
"""

from __future__ import annotations

import os
import re
import subprocess

import pytest

PG_URL = os.environ.get("BACKEND_CODEGEN_TEST_POSTGRES")
MYSQL_URL = os.environ.get("BACKEND_CODEGEN_TEST_MYSQL")
IN_CI = os.environ.get("CI") == "true"


def require_url(url: str | None, name: str) -> str:
    if url:
        return url
    if IN_CI:
        pytest.fail(f"{name} is not set: .ci/run must start the database and export it")
    pytest.skip(f"{name} not set: no database server for this test (CI provides one)")


def fresh_postgres(name: str) -> tuple[str, str]:
    """(async URL, libpq URL) of a new empty PostgreSQL database."""
    base = require_url(PG_URL, "BACKEND_CODEGEN_TEST_POSTGRES").rstrip("/")
    libpq = base.replace("+asyncpg", "")
    for sql in (f"DROP DATABASE IF EXISTS {name}", f"CREATE DATABASE {name}"):
        subprocess.run(["psql", f"{libpq}/postgres", "-qc", sql], check=True, capture_output=True)
    return f"{base}/{name}", f"{libpq}/{name}"


def _mysql_args(base: str) -> list[str]:
    match = re.match(r"mysql\+\w+://([^:]+):([^@]+)@([^:/]+):?(\d+)?", base)
    assert match, base
    user, password, host, port = match.groups()
    return ["mariadb", f"-u{user}", f"-p{password}", f"-h{host}", f"-P{port or 3306}"]


def fresh_mysql(name: str) -> tuple[str, list[str]]:
    base = require_url(MYSQL_URL, "BACKEND_CODEGEN_TEST_MYSQL").rstrip("/")
    client = _mysql_args(base)
    subprocess.run(
        [*client, "-e", f"DROP DATABASE IF EXISTS {name}; CREATE DATABASE {name}"],
        check=True,
        capture_output=True,
    )
    return f"{base}/{name}", [*client, name]
