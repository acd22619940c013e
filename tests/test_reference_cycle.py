"""Tables that reference each other (a club's optional captain is a member, every member
belongs to a club; GitHub's description has 26 such tables).

Before, one of the two foreign keys referenced a table not created yet: SQLAlchemy warned
"Cannot correctly sort tables", and `db/schema.postgresql.sql` and the initial migration
stopped on PostgreSQL and MariaDB with "relation does not exist". Now the key closing the
cycle (the optional one) is added once both tables exist, and the seed fills it in last."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import warnings
from pathlib import Path

import pytest
from dbserver import fresh_mysql, fresh_postgres

from backend_codegen import api
from backend_codegen.domain.model import DomainModel
from backend_codegen.sql.ddl import compile_ddl
from backend_codegen.sql.metadata import build_metadata
from backend_codegen.sql.migrations import render_ops, render_revision
from backend_codegen.verify.runner import environment_for, verify

SPEC = Path(__file__).parent / "data" / "reference-cycle.yaml"


def _model() -> DomainModel:
    return api.inspect([SPEC]).model


def test_the_optional_key_closes_the_cycle() -> None:
    """Clubs come first although "Club" < "Member" would have made the members' required
    key the one pointing forward (a required key closing a cycle cannot be seeded)."""
    model = _model()
    assert [e.name for e in model.entities] == ["Club", "Member"]
    assert model.forward_references() == {("Club", "captain_id")}


def test_a_cycle_of_required_references_is_reported(tmp_path: Path) -> None:
    spec = tmp_path / "required-cycle.yaml"
    text = SPEC.read_text().replace("required: [name]\n", "required: [name, captain_id]\n")
    spec.write_text(
        text.replace("captain_id: {type: integer, nullable: true,", "captain_id: {type: integer,")
    )
    inspection = api.inspect([spec])
    assert inspection.model.forward_references() == {("Member", "club_id")}
    messages = [w.message for w in inspection.warnings]
    assert any(
        "Member.club_id is required and references Club, whose required references lead back" in m
        for m in messages
    ), messages
    assert not any("is required and references" in w.message for w in api.inspect([SPEC]).warnings)


def test_an_acyclic_model_has_no_forward_reference() -> None:
    model = api.inspect([Path(__file__).parent / "data" / "key-members.yaml"]).model
    assert model.forward_references() == set()


def test_tables_sort_without_a_cycle_warning() -> None:
    metadata = build_metadata(_model())
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert [t.name for t in metadata.sorted_tables] == ["clubs", "members"]
    keys = {k.name: k.use_alter for k in metadata.tables["clubs"].foreign_key_constraints}
    assert keys == {"fk_clubs_captain_id_members": True}


@pytest.mark.parametrize("dialect", ["postgresql", "mysql"])
def test_ddl_adds_the_key_after_both_tables(dialect: str) -> None:
    ddl = compile_ddl(build_metadata(_model()), dialect, "--")
    alter = ddl.index("ALTER TABLE clubs ADD CONSTRAINT fk_clubs_captain_id_members")
    assert ddl.index("CREATE TABLE clubs") < ddl.index("CREATE TABLE members") < alter
    assert "REFERENCES members" not in ddl[: ddl.index("CREATE TABLE members")]


def test_sqlite_ddl_keeps_the_key_inline_whatever_was_compiled_before() -> None:
    """SQLite cannot add a constraint with ALTER (it resolves references lazily); compiling
    the PostgreSQL script first must not take the key out of SQLite's."""
    metadata = build_metadata(_model())
    compile_ddl(metadata, "postgresql", "--")
    ddl = compile_ddl(metadata, "sqlite", "--")
    clubs = ddl[ddl.index("CREATE TABLE clubs") : ddl.index("CREATE TABLE members")]
    assert "FOREIGN KEY(captain_id) REFERENCES members (id)" in clubs
    assert "ALTER TABLE" not in ddl


def test_the_initial_revision_adds_the_key_last_and_drops_it_first() -> None:
    upgrade, downgrade = render_ops(build_metadata(_model()))
    add = upgrade.index("create_foreign_key(")
    assert upgrade.rindex("op.create_table(") < add
    assert "fk_clubs_captain_id_members" in upgrade[add:]
    assert "fk_clubs_captain_id_members" not in upgrade[:add]
    assert "use_alter" not in upgrade[:add]
    drop = downgrade.index("drop_constraint(")
    assert drop < downgrade.index("op.drop_table(")
    assert "op.batch_alter_table(" in upgrade and "op.batch_alter_table(" in downgrade


def test_keys_closing_cycles_come_in_name_order_every_time(tmp_path: Path) -> None:
    """A table's constraints are a set, ordered by object ids: two keys of one table that
    close cycles were added in a different order from one run to the next (GitHub's
    initial revision changed on every `generate`)."""
    spec = tmp_path / "two-forward-keys.yaml"
    spec.write_text(
        SPEC.read_text().replace(
            "        captain_id: {type: integer, nullable: true, x-references: Member}\n",
            "        captain_id: {type: integer, nullable: true, x-references: Member}\n"
            "        vice_captain_id: {type: integer, nullable: true, x-references: Member}\n",
        )
    )
    model = api.inspect([spec]).model
    assert model.forward_references() == {("Club", "captain_id"), ("Club", "vice_captain_id")}
    names = ["fk_clubs_captain_id_members", "fk_clubs_vice_captain_id_members"]
    renders = set()
    for _ in range(8):  # each metadata's constraint set has its own order
        upgrade, downgrade = render_ops(build_metadata(model))
        assert upgrade.index(names[0]) < upgrade.index(names[1])
        renders.add((upgrade, downgrade))
    assert len(renders) == 1


def test_a_later_revision_creating_the_cycle_adds_the_key_last() -> None:
    """The previous model had no tables; the next one has both."""
    current = _model()
    previous = api.inspect([SPEC]).model
    previous.entities = []
    revision = render_revision(build_metadata(previous), build_metadata(current))
    upgrade = revision.upgrade
    assert (
        upgrade.index("op.create_table('clubs'")
        < upgrade.index("op.create_table('members'")
        < upgrade.index("create_foreign_key(batch_op.f('fk_clubs_captain_id_members')")
    )
    assert "use_alter" not in upgrade[: upgrade.index("create_foreign_key(")]
    assert revision.downgrade.index("drop_constraint(") < revision.downgrade.index("op.drop_table(")


def test_the_seed_fills_the_key_once_members_exist() -> None:
    files = {f.path: f.content for f in api.render(_model())}
    seed = files["db/seed.sql"]
    assert "INSERT INTO clubs (name, created_at" in seed  # no captain_id yet
    assert seed.index("INSERT INTO members") < seed.index("UPDATE clubs SET captain_id = 1")
    connection = sqlite3.connect(":memory:")
    connection.execute("PRAGMA foreign_keys = ON")
    connection.executescript(files["db/schema.sqlite.sql"])
    connection.executescript(seed)
    assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
    rows = connection.execute("SELECT captain_id FROM clubs ORDER BY id").fetchall()
    assert rows == [(1,), (2,), (3,)]


@pytest.mark.parametrize("orm", ["sqlalchemy", "sqlmodel"])
def test_the_models_mark_the_key(orm: str) -> None:
    model = api.inspect([SPEC], api.Options(orm=orm)).model
    club = {f.path: f.content for f in api.render(model)}["app/models/club.py"]
    if orm == "sqlalchemy":
        assert 'ForeignKey("members.id", ondelete="RESTRICT", use_alter=True)' in club
    else:
        assert (
            'sa_column_args=[ForeignKey("members.id", ondelete="RESTRICT", use_alter=True)]' in club
        )


# -- end to end ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return api.generate([SPEC], tmp_path_factory.mktemp("cycle") / "backend").project_dir


def _alembic(project: Path, url: str, *steps: str) -> None:
    env = {**os.environ, "PYTHONPATH": str(project), "DATABASE_URL": url}
    for step in steps:
        done = subprocess.run(
            [str(environment_for(project)), "-m", "alembic", *step.split()],
            cwd=project,
            env=env,
            capture_output=True,
            text=True,
        )
        assert done.returncode == 0, f"alembic {step}:\n{done.stdout}\n{done.stderr}"


@pytest.mark.e2e
def test_the_project_passes_its_tests_and_migrates_both_ways_on_sqlite(
    project: Path, tmp_path: Path
) -> None:
    outcome = verify(project)
    assert outcome.ok, outcome.output[-4000:]
    url = f"sqlite+aiosqlite:///{tmp_path / 'migrate.db'}"
    _alembic(project, url, "upgrade head", "check", "downgrade base", "upgrade head")


@pytest.mark.e2e
def test_postgres_migrates_both_ways_and_applies_the_sql(project: Path) -> None:
    url, _ = fresh_postgres("bcg_cycle")
    outcome = verify(project, database_url=url, pytest_args=["-m", "not conformance"])
    assert outcome.ok, outcome.output[-4000:]
    url, _ = fresh_postgres("bcg_cycle")
    _alembic(project, url, "upgrade head", "check", "downgrade base", "upgrade head")
    _, libpq = fresh_postgres("bcg_cycle")
    for script in ("schema.postgresql.sql", "seed.sql"):
        path = str(project / "db" / script)
        done = subprocess.run(
            ["psql", libpq, "-v", "ON_ERROR_STOP=1", "-qf", path], capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr


@pytest.mark.e2e
def test_mariadb_migrates_both_ways_and_applies_the_sql(project: Path) -> None:
    url, _ = fresh_mysql("bcg_cycle")
    outcome = verify(project, database_url=url, pytest_args=["-m", "not conformance"])
    assert outcome.ok, outcome.output[-4000:]
    url, _ = fresh_mysql("bcg_cycle")
    _alembic(project, url, "upgrade head", "check", "downgrade base", "upgrade head")
    _, client = fresh_mysql("bcg_cycle")
    for script in ("schema.mysql.sql", "seed.sql"):
        with (project / "db" / script).open() as handle:
            done = subprocess.run(client, stdin=handle, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
