"""Living projects: regenerating after the documents change keeps the user's code and data
(output/writer.py merges files; sql/migrations.py adds the revision that follows the model)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.operations import Operations
from alembic.runtime.migration import MigrationContext
from test_cli import assert_clean_failure, run

from backend_codegen import api
from backend_codegen.errors import SpecError
from backend_codegen.sql.migrations import render_revision
from backend_codegen.verify.runner import environment_for, verify

ROOT = Path(__file__).resolve().parent.parent
TODO = ROOT / "examples" / "todo"
PG_URL = os.environ.get("BACKEND_CODEGEN_TEST_POSTGRES")
MYSQL_URL = os.environ.get("BACKEND_CODEGEN_TEST_MYSQL")

PROJECTS = """
## Projects

| Method | Path | Summary | Auth |
|--------|------|---------|------|
| GET | /api/projects | List my projects | 🔒 |
| POST | /api/projects | Create a project | 🔒 |

### POST /api/projects

| Field | Type | Required | Notes |
|-------|------|----------|-------|
| name | string(80) | yes | |
"""


def todo_v2(directory: Path) -> Path:
    """The todo documents, changed: a new entity (Project), a new required field
    (Task.priority), a new relation (Task.project_id) and a longer title."""
    shutil.copytree(TODO, directory)
    api_list = directory / "api-list.md"
    text = api_list.read_text(encoding="utf-8")
    text = text.replace("| title | string | yes | max 200 |", "| title | string | yes | max 300 |")
    text = text.replace(
        "| completed | boolean | yes | default false |\n| user_id",
        "| completed | boolean | yes | default false |\n| priority | int | yes | 1..5 |\n"
        "| project_id | int | no | FK → Project |\n| user_id",
    )
    text = text.replace("## Data model", PROJECTS + "\n## Data model")
    text = text.replace(
        "### User\n",
        "### Project\n\n| Field | Type | Required | Notes |\n|---|---|---|---|\n"
        "| name | string(80) | yes | |\n"
        "| user_id | int | yes | FK → User, read-only |\n\n### User\n",
    )
    api_list.write_text(text, encoding="utf-8")
    return directory


# -- the revision ---------------------------------------------------------------------------


def _tables(*columns: sa.Column[object], extra: bool = False) -> sa.MetaData:
    metadata = sa.MetaData()
    sa.Table("items", metadata, sa.Column("id", sa.Integer, primary_key=True), *columns)
    if extra:
        sa.Table("tags", metadata, sa.Column("id", sa.Integer, primary_key=True))
    return metadata


def test_a_revision_adds_tables_and_columns_and_fills_required_ones() -> None:
    before = _tables(sa.Column("name", sa.String(50), nullable=False))
    after = _tables(
        sa.Column("name", sa.String(80), nullable=False),
        sa.Column("rank", sa.Integer, nullable=False),
        sa.Column("open", sa.Boolean, nullable=False),
        sa.Column("kind", sa.Enum("a", "b", name="kind"), nullable=False),
        sa.Column("note", sa.Text, nullable=True),
        extra=True,
    )
    revision = render_revision(before, after)
    assert revision.summary == [
        "add table tags",
        "add column items.rank",
        "add column items.open",
        "add column items.kind",
        "add column items.note",
        "alter column items.name (type)",
    ]
    assert revision.destructive == []
    up = revision.upgrade
    assert 'sa.Column("rank", sa.Integer(), nullable=True)' in up.replace("'", '"')
    assert ".values({'rank': 0})" in up and ".values({'open': False})" in up
    assert ".values({'kind': 'a'})" in up
    assert "note" not in up.split("op.execute")[-1]  # an optional column needs no value
    assert up.index("op.execute") < up.rindex("nullable=False")  # filled, then NOT NULL
    assert "existing_type=sa.String(length=50)" in up and "type_=sa.String(length=80)" in up
    down = revision.downgrade
    assert "drop_column('rank')" in down and "op.drop_table('tags')" in down
    assert "type_=sa.String(length=50)" in down


def test_dropping_is_destructive_and_nothing_is_empty() -> None:
    before = _tables(sa.Column("name", sa.String(50)), extra=True)
    revision = render_revision(before, _tables())
    assert revision.destructive == [
        "table tags and every row in it",
        "column items.name and its values",
    ]
    assert render_revision(before, before).empty


def test_a_new_required_reference_needs_a_value() -> None:
    before = _tables(extra=True)
    after = _tables(sa.Column("tag_id", sa.ForeignKey("tags.id"), nullable=False), extra=True)
    with pytest.raises(SpecError, match="has no value for the rows already there"):
        render_revision(before, after)


def test_a_column_made_required_gets_its_nulls_filled_first() -> None:
    """A read-only `done` every answer requires became NOT NULL with a default: rows holding
    NULL there must get the default before the column is tightened (before: the upgrade
    failed on such a row). A reference has no value to give, and is tightened as it is."""
    before = _tables(
        sa.Column("done", sa.Boolean, nullable=True),
        sa.Column("tag_id", sa.ForeignKey("tags.id"), nullable=True),
        extra=True,
    )
    after = _tables(
        sa.Column("done", sa.Boolean, nullable=False, default=False),
        sa.Column("tag_id", sa.ForeignKey("tags.id"), nullable=False),
        extra=True,
    )
    up = render_revision(before, after).upgrade
    assert ".where(sa.column('done').is_(None)).values({'done': False})" in up
    assert "tag_id" not in up.split("op.execute")[1].split("batch_alter_table")[0]
    assert up.index("op.execute") < up.rindex("alter_column('done'")
    engine = sa.create_engine("sqlite://")
    with engine.begin() as conn:
        before.create_all(conn)
        conn.execute(sa.text("INSERT INTO tags (id) VALUES (1)"))
        conn.execute(sa.text("INSERT INTO items (id, done, tag_id) VALUES (1, NULL, 1)"))
        namespace: dict[str, object] = {
            "op": Operations(MigrationContext.configure(conn)),
            "sa": sa,
        }
        exec(f"def upgrade():\n{up}\n", namespace)
        namespace["upgrade"]()  # type: ignore[operator]
        assert conn.execute(sa.text("SELECT done FROM items")).scalar() in (0, False)
        columns = {c["name"]: c for c in sa.inspect(conn).get_columns("items")}
        assert columns["done"]["nullable"] is False


# -- regenerating from the CLI --------------------------------------------------------------


def test_regenerating_adds_one_revision_and_keeps_the_first(tmp_path: Path) -> None:
    proj = tmp_path / "proj"
    assert run("generate", TODO, "-o", proj).exit_code == 0
    initial = (proj / "migrations/versions/0001_initial.py").read_text()
    assert run("generate", TODO, "-o", proj).exit_code == 0
    assert sorted(p.name for p in (proj / "migrations/versions").glob("*.py")) == [
        "0001_initial.py"
    ]  # nothing changed: no revision
    result = run("generate", todo_v2(tmp_path / "v2"), "-o", proj)
    assert result.exit_code == 0, result.output
    versions = sorted(p.name for p in (proj / "migrations/versions").glob("*.py"))
    assert versions == ["0001_initial.py", "0002_add_table_projects.py"]
    assert (proj / "migrations/versions/0001_initial.py").read_text() == initial
    second = (proj / "migrations/versions/0002_add_table_projects.py").read_text()
    assert 'down_revision: str | None = "0001"' in second
    assert "add column tasks.priority" in second.lower()
    assert "add column tasks.project_id" in second.lower()


def test_dropping_a_field_is_refused_without_allow_destructive(tmp_path: Path) -> None:
    proj = tmp_path / "proj"
    assert run("generate", TODO, "-o", proj).exit_code == 0
    before = {p: p.read_text() for p in proj.rglob("*.py")}
    v2 = tmp_path / "v2"
    shutil.copytree(TODO, v2)
    text = (v2 / "api-list.md").read_text()
    kept = [line for line in text.splitlines(keepends=True) if "description" not in line]
    (v2 / "api-list.md").write_text("".join(kept))
    result = run("generate", v2, "-o", proj)
    assert_clean_failure(result, "column tasks.description and its values", "--allow-destructive")
    assert {p: p.read_text() for p in proj.rglob("*.py")} == before
    result = run("generate", v2, "-o", proj, "--allow-destructive")
    assert result.exit_code == 0, result.output
    revision = next((proj / "migrations/versions").glob("0002_*.py")).read_text()
    assert "drop_column('description')" in revision.replace('"', "'")


# -- end to end: data and edits survive -------------------------------------------------------


def _alembic(project: Path, url: str, *args: str) -> str:
    env = {**os.environ, "PYTHONPATH": str(project), "DATABASE_URL": url}
    done = subprocess.run(
        [str(environment_for(project)), "-m", "alembic", *args],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, f"alembic {' '.join(args)}:\n{done.stdout}\n{done.stderr}"
    return done.stdout + done.stderr


def _databases(tmp_path: Path) -> list[str]:
    """An empty database on SQLite and on each server this run has (CI: PostgreSQL and
    MariaDB, which it must have there)."""
    urls = [f"sqlite+aiosqlite:///{tmp_path}/app.db"]
    if PG_URL or os.environ.get("CI") == "true":
        from dbserver import fresh_postgres

        urls.append(fresh_postgres("bcg_regenerate")[0])
    if MYSQL_URL or os.environ.get("CI") == "true":
        from dbserver import fresh_mysql

        urls.append(fresh_mysql("bcg_regenerate")[0])
    return urls


def _rows(project: Path, url: str, sql: str) -> list[tuple[object, ...]]:
    script = (
        "import asyncio, json, sys\n"
        "from sqlalchemy import text\n"
        "from sqlalchemy.ext.asyncio import create_async_engine\n"
        "async def main():\n"
        "    engine = create_async_engine(sys.argv[1])\n"
        "    async with engine.begin() as conn:\n"
        "        for statement in sys.argv[2].split(';'):\n"
        "            if statement.strip():\n"
        "                result = await conn.execute(text(statement))\n"
        "        rows = result.fetchall() if result.returns_rows else []\n"
        "    await engine.dispose()\n"
        "    print(json.dumps([list(r) for r in rows], default=str))\n"
        "asyncio.run(main())\n"
    )
    done = subprocess.run(
        [str(environment_for(project)), "-c", script, url, sql],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return [tuple(row) for row in json.loads(done.stdout)]


@pytest.mark.e2e
def test_data_and_edits_survive_a_change_of_the_documents(tmp_path: Path) -> None:
    proj = tmp_path / "proj"
    assert run("generate", TODO, "-o", proj).exit_code == 0
    hooks = proj / "app/hooks/task.py"
    hooks.write_text(hooks.read_text() + "\n\nMY_RULE = 'kept'\n")
    routes = proj / "app/api/routes/task.py"
    routes.write_text(routes.read_text().replace('"""HTTP routes for Task."""', '"""Mine."""'))
    databases = _databases(tmp_path)
    for url in databases:
        _alembic(proj, url, "upgrade", "head")
        _rows(
            proj,
            url,
            "INSERT INTO users (email, password_hash, created_at, updated_at) VALUES "
            "('a@example.com', 'x', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP);"
            "INSERT INTO tasks (title, description, completed, user_id, created_at, updated_at) "
            "VALUES ('kept row', '', false, 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)",
        )
    result = run("generate", todo_v2(tmp_path / "v2"), "-o", proj)
    assert result.exit_code == 0, result.output
    assert "merged your edits into app/api/routes/task.py" in result.stderr
    assert hooks.read_text().endswith("MY_RULE = 'kept'\n")
    assert (
        '"""Mine."""' in routes.read_text()
        and "priority" in (proj / "app/models/task.py").read_text()
    )
    for url in databases:
        _alembic(proj, url, "upgrade", "head")
        rows = _rows(proj, url, "SELECT title, priority, project_id FROM tasks")
        assert rows == [("kept row", 5, None)], url
        assert "No new upgrade operations detected" in _alembic(proj, url, "check")
        _alembic(proj, url, "downgrade", "-1")
        assert _rows(proj, url, "SELECT title FROM tasks") == [("kept row",)]
        _alembic(proj, url, "upgrade", "head")
    outcome = verify(proj, pytest_args=["-m", "not conformance"])
    assert outcome.ok, outcome.output[-4000:]


def test_a_revision_the_user_added_is_followed(tmp_path: Path) -> None:
    proj = tmp_path / "proj"
    assert run("generate", TODO, "-o", proj).exit_code == 0
    mine = proj / "migrations/versions/3f2a9c1b7d4e_seed_admin.py"
    mine.write_text(
        '"""Seed an admin."""\n\nrevision = "3f2a9c1b7d4e"\n'
        "down_revision: Union[str, None] = '0001'\n\n\ndef upgrade() -> None:\n    pass\n\n\n"
        "def downgrade() -> None:\n    pass\n"
    )
    assert run("generate", todo_v2(tmp_path / "v2"), "-o", proj).exit_code == 0
    second = next((proj / "migrations/versions").glob("0002_*.py")).read_text()
    assert 'down_revision: str | None = "3f2a9c1b7d4e"' in second
    assert mine.is_file()  # the user's revision is theirs: untouched


def test_two_heads_are_refused(tmp_path: Path) -> None:
    proj = tmp_path / "proj"
    assert run("generate", TODO, "-o", proj).exit_code == 0
    for rev in ("aaa111", "bbb222"):
        (proj / f"migrations/versions/{rev}_x.py").write_text(
            f'revision = "{rev}"\ndown_revision = "0001"\n'
        )
    result = run("generate", todo_v2(tmp_path / "v2"), "-o", proj)
    assert_clean_failure(result, "2 heads", "alembic merge heads")


def test_a_renamed_column_keeps_its_values(tmp_path: Path) -> None:
    """`renamed from title` in the Notes (x-renamed-from in OpenAPI): one rename, not a drop
    and an add, so nothing is destructive; the downgrade renames it back."""
    proj = tmp_path / "proj"
    assert run("generate", TODO, "-o", proj).exit_code == 0
    v2 = tmp_path / "v2"
    shutil.copytree(TODO, v2)
    text = (v2 / "api-list.md").read_text()
    for before, after in (
        (
            "| title | string | yes | max 200 |",
            "| name | string | yes | max 200, renamed from title |",
        ),
        (
            "| title | string | yes | max 200, must not be blank |",
            "| name | string | yes | max 200 |",
        ),
        ('"title": "Buy milk"', '"name": "Buy milk"'),
    ):
        text = text.replace(before, after)
    (v2 / "api-list.md").write_text(text)
    model = api.inspect([v2]).model
    name = model.entity("Task").field("name")
    assert name is not None and name.renamed_from == "title"
    result = run("generate", v2, "-o", proj)
    assert result.exit_code == 0, result.output
    revision = next((proj / "migrations/versions").glob("0002_*.py")).read_text()
    up, down = (
        " ".join(part.replace('"', "'").split()) for part in revision.split("def downgrade")
    )
    assert (
        "alter_column( 'title', existing_type=sa.String(length=200), new_column_name='name'" in up
    )
    assert "drop_column" not in revision and "add_column" not in revision
    assert "alter_column( 'name', existing_type=sa.String(length=200), new_column_name='title'" in (
        down
    )


def test_constraints_and_indexes_follow_the_model() -> None:
    from backend_codegen.sql.metadata import NAMING_CONVENTION

    def schema(unique: bool, index: bool) -> sa.MetaData:
        metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)
        sa.Table(
            "items",
            metadata,
            sa.Column("id", sa.Integer, primary_key=True),
            sa.Column("name", sa.String(50), unique=unique),
            sa.Column("code", sa.String(10), index=index),
        )
        return metadata

    revision = render_revision(schema(False, False), schema(True, True))
    assert revision.summary == [
        "add index ix_items_code on items",
        "add constraint uq_items_name on items",
    ]
    assert "create_unique_constraint(batch_op.f('uq_items_name'), ['name'])" in revision.upgrade
    assert "drop_index(batch_op.f('ix_items_code'))" in revision.downgrade
    assert revision.destructive == []


def test_a_dropped_table_takes_its_indexes_with_it() -> None:
    """MariaDB refuses to drop an index a foreign key needs: the revision drops the table
    alone (its indexes go with it), both ways."""
    from backend_codegen.sql.metadata import NAMING_CONVENTION

    def schema(projects: bool) -> sa.MetaData:
        metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)
        sa.Table("users", metadata, sa.Column("id", sa.Integer, primary_key=True))
        if projects:
            sa.Table(
                "projects",
                metadata,
                sa.Column("id", sa.Integer, primary_key=True),
                sa.Column("user_id", sa.ForeignKey("users.id"), index=True),
            )
        return metadata

    added = render_revision(schema(False), schema(True))
    assert "create_index(batch_op.f('ix_projects_user_id')" in added.upgrade
    assert added.downgrade.strip() == "op.drop_table('projects')"
    dropped = render_revision(schema(True), schema(False))
    assert dropped.upgrade.strip() == "op.drop_table('projects')"


@pytest.mark.parametrize("example", sorted(p.name for p in (ROOT / "examples").iterdir()))
def test_rendering_only_reads_the_model(example: str) -> None:
    """`generate` writes the model snapshot from a thread while rendering waits for ruff
    and the SQL helper: rendering must leave the model as it found it."""
    model = api.inspect([ROOT / "examples" / example]).model
    before = json.dumps(model.to_dict(), default=str, sort_keys=True)
    api.render(model)
    assert json.dumps(model.to_dict(), default=str, sort_keys=True) == before


def test_the_snapshot_is_the_model_whichever_thread_made_it(tmp_path: Path) -> None:
    from backend_codegen.api import _model_json, _Snapshot

    model = api.inspect([TODO]).model
    made = _Snapshot(model)
    made.start()
    made.start()  # once
    assert made.text() == _model_json(model)
    assert _Snapshot(model).text() == _model_json(model)  # never started: made here
    api.generate([TODO], tmp_path / "proj")
    written = (tmp_path / "proj" / ".backend-codegen" / "model.json").read_text()
    assert json.loads(written) == json.loads(_model_json(model))
