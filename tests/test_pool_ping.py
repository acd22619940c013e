"""The generated app's pool tests a connection leaving it only after it sat idle
(`DB_POOL_PING_IDLE`, 10 s by default): a connection the database closed meanwhile (a
restart, an idle timeout) is replaced before a request uses it, and under load, where
connections come back and leave again at once, no request pays for a test.

Each case closes the pooled connection from the server side, waits, and uses the pool
again, in the generated project's own environment, on PostgreSQL and MariaDB."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from dbserver import fresh_mysql, fresh_postgres

from backend_codegen import api
from backend_codegen.verify.runner import environment_for

pytestmark = pytest.mark.e2e

SPEC = Path(__file__).parent / "data" / "reference-cycle.yaml"

SCRIPT = """
import asyncio, sys
from sqlalchemy import text
from sqlalchemy.pool import NullPool
from app.core.config import settings
from app.db import make_engine

WHO = {"postgresql": "SELECT pg_backend_pid()", "mysql": "SELECT CONNECTION_ID()"}
KILL = {"postgresql": "SELECT pg_terminate_backend({})", "mysql": "KILL {}"}


async def main() -> None:
    engine = make_engine(settings.database_url)
    dialect = engine.dialect.name
    async with engine.connect() as conn:
        first = (await conn.execute(text(WHO[dialect]))).scalar_one()
    killer = make_engine(settings.database_url, poolclass=NullPool)
    async with killer.connect() as conn:
        await conn.execute(text(KILL[dialect].format(first)))
    await killer.dispose()
    await asyncio.sleep(float(sys.argv[1]))
    async with engine.connect() as conn:
        second = (await conn.execute(text(WHO[dialect]))).scalar_one()
    print("replaced" if second != first else "same")
    await engine.dispose()


asyncio.run(main())
"""


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return api.generate([SPEC], tmp_path_factory.mktemp("ping") / "backend").project_dir


def _reuse(
    project: Path, url: str, wait: float, **settings: str
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(project), "DATABASE_URL": url, **settings}
    return subprocess.run(
        [str(environment_for(project)), "-c", SCRIPT, str(wait)],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize("database", ["postgres", "mariadb"])
def test_a_connection_closed_while_idle_is_replaced(project: Path, database: str) -> None:
    fresh = fresh_postgres if database == "postgres" else fresh_mysql
    url, _ = fresh("bcg_ping")
    # idle longer than DB_POOL_PING_IDLE: tested, found closed, replaced
    done = _reuse(project, url, 0.6, DB_POOL_PING_IDLE="0.3")
    assert done.returncode == 0 and done.stdout.strip() == "replaced", done.stderr[-2000:]
    # DB_POOL_PING_IDLE=0: every checkout is tested (SQLAlchemy's pool_pre_ping)
    done = _reuse(project, url, 0.1, DB_POOL_PING_IDLE="0")
    assert done.returncode == 0 and done.stdout.strip() == "replaced", done.stderr[-2000:]
    # back sooner than DB_POOL_PING_IDLE: not tested, so the closed connection is used and
    # the statement fails (this is what the test saves requests from)
    done = _reuse(project, url, 0.1, DB_POOL_PING_IDLE="60")
    assert done.returncode != 0, done.stdout
    # DB_POOL_PRE_PING=false: never tested
    done = _reuse(project, url, 0.6, DB_POOL_PRE_PING="false", DB_POOL_PING_IDLE="0.3")
    assert done.returncode != 0, done.stdout
