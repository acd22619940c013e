"""The SQLModel flavour (`--orm sqlmodel`, or `ORM: SQLModel` in the requirements): the same
project with SQLModel table models (`Field`, `Relationship`, `table=True`) and `<Entity>Base`
classes shared by the table and its Create/Read schemas. Same tables, same migrations, same
API: the generated tests pass on SQLite, PostgreSQL and MariaDB (the e2e part below)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from dbserver import fresh_mysql, fresh_postgres
from test_e2e import _run
from typer.testing import CliRunner

from backend_codegen import BackendScaffold, api
from backend_codegen.cli import app
from backend_codegen.errors import SpecError
from backend_codegen.verify.runner import verify

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted(p for p in (ROOT / "examples").iterdir() if p.is_dir())


def _generate(example: Path, out: Path, orm: str) -> Path:
    return api.generate([example], out, options=api.Options(orm=orm)).project_dir


def _tree(project: Path, *dirs: str) -> dict[str, str]:
    return {
        str(p.relative_to(project)): p.read_text()
        for d in dirs
        for p in sorted((project / d).rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts
    }


@pytest.fixture(scope="module")
def flavours(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, Path]]:
    """Every example generated in both flavours: {example: (sqlalchemy, sqlmodel)}."""
    base = tmp_path_factory.mktemp("flavours")
    return {
        ex.name: (
            _generate(ex, base / ex.name / "sqlalchemy", "sqlalchemy"),
            _generate(ex, base / ex.name / "sqlmodel", "sqlmodel"),
        )
        for ex in EXAMPLES
    }


@pytest.mark.parametrize("example", [p.name for p in EXAMPLES])
def test_same_migrations_and_sql_in_both_flavours(
    flavours: dict[str, tuple[Path, Path]], example: str
) -> None:
    plain, sqlmodel = flavours[example]
    assert _tree(sqlmodel, "migrations", "db") == _tree(plain, "migrations", "db")
    # the routes and services do not depend on the flavour either
    assert _tree(sqlmodel, "app/api") == _tree(plain, "app/api")


def test_todo_models_are_sqlmodel_tables_with_shared_bases(
    flavours: dict[str, tuple[Path, Path]],
) -> None:
    _, project = flavours["todo"]
    source = (project / "app/models/task.py").read_text()
    tree = ast.parse(source)
    classes = {c.name: c for c in tree.body if isinstance(c, ast.ClassDef)}
    base, table = classes["TaskBase"], classes["Task"]
    assert [ast.unparse(b) for b in base.bases] == ["SQLModel"]
    assert [ast.unparse(b) for b in table.bases][0] == "TaskBase"
    assert [ast.unparse(k) for k in table.keywords] == ["table=True"]
    # the client's members live in the base, with the column type and the length bound
    base_fields = {
        s.target.id: ast.unparse(s.value)
        for s in base.body
        if isinstance(s, ast.AnnAssign) and isinstance(s.target, ast.Name)
    }
    assert set(base_fields) == {"title", "description", "completed"}
    assert (
        "max_length=200" in base_fields["title"] and "sa_type=String(200)" in base_fields["title"]
    )
    assert "default=False" in base_fields["completed"]
    table_src = ast.unparse(table)
    assert 'Field(foreign_key="users.id", ondelete="CASCADE"' in table_src.replace("'", '"')
    assert "Relationship(" in table_src and "primary_key=True" in table_src
    assert "mapped_column" not in source and "DeclarativeBase" not in source
    schemas = (project / "app/schemas/task.py").read_text()
    assert "class TaskCreate(BodySchema, TaskBase):" in schemas
    assert "class TaskRead(ReadSchema, TaskBase):" in schemas
    assert "from app.models.task import TaskBase" in schemas
    base_py = (project / "app/models/base.py").read_text()
    assert "Base = SQLModel" in base_py and "naming_convention = NAMING_CONVENTION" in base_py
    pyproject = (project / "pyproject.toml").read_text()
    assert '"sqlmodel>=' in pyproject


def test_the_sqlalchemy_flavour_names_no_sqlmodel(flavours: dict[str, tuple[Path, Path]]) -> None:
    for plain, _ in flavours.values():
        for path in plain.rglob("*.py"):
            assert "sqlmodel" not in path.read_text().lower(), path
        assert "sqlmodel" not in (plain / "pyproject.toml").read_text()


def test_computed_members_are_properties_not_columns(
    flavours: dict[str, tuple[Path, Path]],
) -> None:
    """RealWorld's `following` / `favorited` / `favoritesCount` are set per caller by the
    services: in a SQLModel table (a pydantic model) they are declared properties."""
    _, project = flavours["realworld"]
    user = (project / "app/models/user.py").read_text()
    assert "def following(self) -> bool:" in user and "@following.setter" in user
    assert "def token(self) -> str | None:" in user
    article = (project / "app/models/article.py").read_text()
    assert "@favorites_count.setter" in article or "@favorites.setter" in article


def test_the_requirements_document_picks_sqlmodel(tmp_path: Path) -> None:
    req = tmp_path / "requirements.md"
    text = (ROOT / "examples/todo/requirements.md").read_text()
    assert "ORM: SQLAlchemy" in text
    req.write_text(text.replace("ORM: SQLAlchemy", "ORM: SQLModel"))
    inspection = api.inspect([ROOT / "examples/todo/api-list.md", req])
    assert inspection.model.stack.orm == "sqlmodel"
    assert any(
        r.startswith("ORM SQLModel (") and "requirements.md:8)" in r
        for r in inspection.model.stack.reasons
    )
    assert not [w for w in inspection.warnings if "SQLModel" in w.message]


def test_an_unsupported_orm_is_refused_with_a_hint() -> None:
    with pytest.raises(SpecError) as info:
        api.inspect([ROOT / "examples/todo"], api.Options(orm="prisma"))
    assert "ORM 'prisma' is not supported" in str(info.value.message)
    assert "--orm sqlmodel" in (info.value.hint or "")


def test_cli_orm_sqlmodel_and_bad_orm(tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "bad"
    bad = runner.invoke(
        app, ["generate", str(ROOT / "examples/todo"), "-o", str(out), "--orm", "hibernate"]
    )
    assert bad.exit_code == 2, bad.output
    assert "not supported" in bad.output and not out.exists()
    good = tmp_path / "good"
    done = runner.invoke(
        app, ["generate", str(ROOT / "examples/todo"), "-o", str(good), "--orm", "sqlmodel"]
    )
    assert done.exit_code == 0, done.output
    assert "table=True" in (good / "app/models/task.py").read_text()


def test_the_python_api_takes_the_flavour(tmp_path: Path) -> None:
    scaffold = BackendScaffold(spec=ROOT / "examples/todo", output=tmp_path / "api", orm="sqlmodel")
    assert scaffold.inspect().model.stack.orm == "sqlmodel"
    scaffold.generate()
    assert "class TaskBase(SQLModel):" in (tmp_path / "api/app/models/task.py").read_text()


# -- end to end: the generated suites pass on the SQLModel flavour -------------------------


@pytest.mark.e2e
@pytest.mark.parametrize("example", [p.name for p in EXAMPLES])
def test_sqlmodel_example_passes_its_own_tests_on_sqlite(
    flavours: dict[str, tuple[Path, Path]], example: str, tmp_path: Path
) -> None:
    _, project = flavours[example]
    result = verify(project)
    assert result.ok, result.output[-4000:]
    url = f"sqlite+aiosqlite:///{tmp_path / 'migrated.db'}"
    _run(project, "-m", "alembic", "upgrade", "head", database_url=url)
    _run(project, "-m", "alembic", "check", database_url=url)  # models == migrations
    _run(project, "-m", "alembic", "downgrade", "base", database_url=url)


# the richest examples: computed members, many-to-many, owned children, soft delete
SERVER_EXAMPLES = ["realworld", "ecommerce"]


@pytest.mark.e2e
@pytest.mark.parametrize("database", ["postgres", "mariadb"])
@pytest.mark.parametrize("example", SERVER_EXAMPLES)
def test_sqlmodel_example_on_a_database_server(
    flavours: dict[str, tuple[Path, Path]], example: str, database: str
) -> None:
    _, project = flavours[example]
    fresh = fresh_postgres if database == "postgres" else fresh_mysql
    name = f"bcg_sm_{example}"
    result = verify(project, database_url=fresh(name)[0], pytest_args=["-m", "not conformance"])
    assert result.ok, result.output[-4000:]
    url = fresh(name)[0]
    _run(project, "-m", "alembic", "upgrade", "head", database_url=url)
    _run(project, "-m", "alembic", "check", database_url=url)
