# ruff: noqa: E501  (the contract below is written one OpenAPI member per line)
"""Ownership and security of generated backends: which account's rows an entity's are, the
hints that say so, and the generated code and tests that enforce it (domain/ownership.py)."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
from test_cli import assert_clean_failure, run

from backend_codegen import api
from backend_codegen.domain.model import DomainModel
from backend_codegen.errors import SpecError
from backend_codegen.verify.runner import verify

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
PROJECTS = (ROOT / "tests" / "data" / "projects-api-list.md").read_text(encoding="utf-8")
REQUIREMENTS = """\
# Projects — Requirements

## Stack

Backend language: Python
Framework: FastAPI
Database: SQLite
Auth: JWT

## Rules

{rules}
"""


def _projects(tmp_path: Path, *rules: str) -> Path:
    """The projects/tasks documents (tasks belong to projects) with these rules."""
    docs = tmp_path / "docs"
    docs.mkdir(parents=True, exist_ok=True)
    (docs / "api-list.md").write_text(PROJECTS, encoding="utf-8")
    text = REQUIREMENTS.format(rules="\n".join(f"- {r}" for r in rules) or "- Soft delete: on")
    (docs / "requirements.md").write_text(text, encoding="utf-8")
    return docs


def _model(*inputs: Path) -> DomainModel:
    return api.inspect(list(inputs)).model


def _policy(model: DomainModel, entity: str) -> str | None:
    own = model.entity(entity).ownership
    return own.policy if own else None


NOTES = """\
openapi: 3.0.3
info: {{title: Notes, version: "1"}}
components:
  securitySchemes:
    bearer: {{type: http, scheme: bearer}}
  schemas:
    User:
      type: object
      properties:
        id: {{type: integer, readOnly: true}}
        email: {{type: string, format: email}}
    Note:
      type: object
{note_hints}
      required: [title]
      properties:
        id: {{type: integer, readOnly: true}}
        title: {{type: string, maxLength: 100}}
        writer: {{type: integer, readOnly: true, x-references: User}}
security: [{{bearer: []}}]
paths:
  /auth/login:
    post:
      security: []
      requestBody:
        content:
          application/json:
            schema: {{type: object, properties: {{email: {{type: string}}, password: {{type: string}}}}}}
      responses:
        "200": {{description: token}}
  /notes:
    get:
      responses:
        "200":
          description: notes
          content: {{application/json: {{schema: {{type: array, items: {{$ref: "#/components/schemas/Note"}}}}}}}}
    post:
      requestBody:
        content: {{application/json: {{schema: {{$ref: "#/components/schemas/Note"}}}}}}
      responses:
        "201":
          description: created
          content: {{application/json: {{schema: {{$ref: "#/components/schemas/Note"}}}}}}
  /notes/{{id}}:
    parameters: [{{name: id, in: path, required: true, schema: {{type: integer}}}}]
    get:
      {read_security}
      responses:
        "200":
          description: one
          content: {{application/json: {{schema: {{$ref: "#/components/schemas/Note"}}}}}}
    delete:
      responses:
        "204": {{description: gone}}
"""


def _notes(tmp_path: Path, hints: str = "", read_security: str = "") -> Path:
    spec = tmp_path / "notes.yaml"
    note_hints = "\n".join(f"      {line}" for line in hints.splitlines())
    spec.write_text(NOTES.format(note_hints=note_hints, read_security=read_security))
    return spec


# -- inference ------------------------------------------------------------------------------


def test_rows_read_only_with_a_token_are_private() -> None:
    model = _model(EXAMPLES / "todo")
    own = model.entity("Task").ownership
    assert own is not None and own.policy == "private" and own.path == ["user_id"]
    assert "every operation reading it requires a token" in own.reasons[0]


def test_rows_anyone_may_read_are_changed_by_their_owner_only() -> None:
    model = _model(EXAMPLES / "blog")
    assert _policy(model, "Post") == "owner_writes"
    assert _policy(model, "Comment") == "owner_writes"
    assert _policy(model, "Tag") is None  # nobody's: no owner column
    assert _policy(model, "User") is None


def test_rows_that_need_a_private_parent_are_private_through_it(tmp_path: Path) -> None:
    model = _model(_projects(tmp_path))
    task = model.entity("Task").ownership
    assert task is not None and task.policy == "private"
    assert task.path == ["project_id", "owner_id"] and task.via == ["Project"]
    assert "cannot exist without a Project" in task.reasons[0]


@pytest.mark.parametrize(
    ("rule", "project", "task"),
    [
        ("Projects are shared", "shared", None),
        ("only the owner can edit or delete a Project", "owner_writes", None),
        ("Only the project's owner may delete it", "owner_writes", None),
        ("users only see their own projects", "private", "private"),
        ("Project is private", "private", "private"),
        ("anyone can edit any Project", "shared", None),
    ],
)
def test_requirements_rules_set_the_ownership(
    tmp_path: Path, rule: str, project: str, task: str | None
) -> None:
    model = _model(_projects(tmp_path, rule))
    assert _policy(model, "Project") == project
    assert _policy(model, "Task") == task
    assert "rule:" in model.entity("Project").ownership.reasons[0]  # type: ignore[union-attr]


def test_inspect_and_the_structure_document_show_the_ownership(tmp_path: Path) -> None:
    docs = _projects(tmp_path)
    result = run("inspect", docs)
    assert result.exit_code == 0, result.output
    flat = " ".join(result.output.split())
    assert "ownership private (owner project_id → owner_id): it cannot exist without" in flat
    out = tmp_path / "out"
    run("generate", docs, "-o", out / "backend")
    structure = next(out.rglob("backend-codegen-project-structure.md")).read_text()
    assert "- ownership: private, owner `owner_id`: every operation reading it" in structure


def test_a_rule_names_the_owner_field(tmp_path: Path) -> None:
    model = _model(_projects(tmp_path, "Project.owner_id is the owner", "Project is private"))
    assert model.entity("Project").ownership.path == ["owner_id"]  # type: ignore[union-attr]
    docs = _projects(tmp_path, "Task.project_id is the owner")
    with pytest.raises(SpecError, match="not a reference to User"):
        _model(docs)


def test_x_hints_set_the_owner_and_policy(tmp_path: Path) -> None:
    model = _model(_notes(tmp_path, "x-owner: writer\nx-ownership: owner-writes"))
    note = model.entity("Note")
    assert note.ownership is not None and note.ownership.policy == "owner_writes"
    writer = note.field("writer")
    assert writer is not None and writer.from_current_user and writer.read_only
    assert "x- hint on schema Note" in note.ownership.reasons[0]
    # without the hint the member is a plain reference: the rows are nobody's
    assert _model(_notes(tmp_path)).entity("Note").ownership is None


def test_a_public_read_of_a_private_entity_is_warned(tmp_path: Path) -> None:
    spec = _notes(tmp_path, "x-owner: writer\nx-ownership: private", "security: []")
    inspection = api.inspect([spec])
    assert inspection.model.entity("Note").ownership.policy == "private"  # type: ignore[union-attr]
    messages = [w.message for w in inspection.warnings]
    assert any("Note is private but GET /notes/{id} is public" in m for m in messages), messages


@pytest.mark.parametrize(
    ("hints", "needles"),
    [
        ("x-ownership: everyone", ["x-ownership of schema 'Note' is 'everyone'", "owner-writes"]),
        ("x-owner: title", ["the owner of Note is named 'title'", "not a reference to User"]),
        ("x-owner: nobody", ["the owner of Note is named 'nobody'", "no such field"]),
        ("x-ownership: private", ["Note is declared private", "has no owner", "x-owner"]),
        ("x-owner: 3", ["x-owner of schema 'Note' is 3"]),
    ],
)
def test_bad_ownership_hints_exit_2_and_write_nothing(
    tmp_path: Path, hints: str, needles: list[str]
) -> None:
    spec = _notes(tmp_path, hints)
    out = tmp_path / "out"
    result = run("generate", spec, "-o", out)
    assert_clean_failure(result, *needles)
    assert not out.exists()


def test_a_private_rule_on_an_entity_without_owner_exits_2(tmp_path: Path) -> None:
    docs = _projects(tmp_path, "Users are private")
    result = run("generate", docs, "-o", tmp_path / "out")
    assert_clean_failure(result, "User is declared private", "has no owner")


def test_an_unsupported_scheme_is_warned_and_its_operations_stay_protected(
    tmp_path: Path,
) -> None:
    text = (
        _notes(tmp_path)
        .read_text()
        .replace(
            "bearer: {type: http, scheme: bearer}",
            "oidc: {type: openIdConnect, openIdConnectUrl: 'https://id.example/.well-known'}",
        )
    )
    spec = tmp_path / "oidc.yaml"
    spec.write_text(text.replace("security: [{bearer: []}]", "security: [{oidc: []}]"))
    inspection = api.inspect([spec])
    messages = " ".join(w.message for w in inspection.warnings)
    assert "security scheme 'oidc' is OpenID Connect" in messages
    assert "none is left open" in messages
    hint = next(w.hint for w in inspection.warnings if "OpenID Connect" in w.message)
    assert hint is not None and "decode_access_token" in hint
    protected = [b for b in inspection.model.bindings if b.path.startswith("/notes")]
    assert protected and all(b.auth == "required" for b in protected)


# -- generated code -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def projects_backend(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("projects")
    return api.generate([_projects(base)], base / "backend").project_dir


def test_generated_access_rules_and_routes(projects_backend: Path) -> None:
    access = " ".join((projects_backend / "app/services/access.py").read_text().split())
    assert "return Project.owner_id == account_id" in access
    assert (
        "return Task.project_id.in_(select(Project.id).where(Project.owner_id == account_id))"
        in access
    )
    routes = " ".join((projects_backend / "app/api/routes/task.py").read_text().split())
    assert 'service.get_task(session, task_id, "id", visible_to=current_user.id)' in routes
    assert "visible_to=current_user.id" in routes.split("def create_task")[1].split("@router")[0]
    security = (projects_backend / "SECURITY.md").read_text()
    assert "**Task** is private (owned through its Project: `project_id` → Project.owner_id)" in (
        security
    )
    assert "| `GET /api/tasks/{task_id}` | required | the caller's own (others' are 404) |" in (
        security
    )
    assert "SECRET_KEY" in security


def test_generated_tests_cover_tokens_ownership_and_hashes(projects_backend: Path) -> None:
    tests = (projects_backend / "tests/test_task.py").read_text()
    for name in (
        "test_task_of_another_account_is_not_found",
        "test_create_task_naming_another_accounts_project_is_refused",
        "test_list_project_tasks_under_another_accounts_project_is_not_found",
        "test_get_task_refuses_a_missing_or_bad_token",
    ):
        assert f"async def {name}(" in tests, name
    factories = (projects_backend / "tests/factories.py").read_text()
    assert '"alg_none"' in factories and 'algorithm="none"' in factories
    assert "$argon2" in (projects_backend / "tests/conftest.py").read_text()
    auth = (projects_backend / "tests/test_auth.py").read_text()
    assert "async def test_password_form_login_for_the_docs(" in auth
    assert "async def test_me_refuses_a_missing_or_bad_token(" not in auth  # no /me declared
    deps = (projects_backend / "app/api/deps.py").read_text()
    assert 'OAuth2PasswordBearer(tokenUrl="/api/auth/token", auto_error=False)' in deps


def test_owner_writes_rows_answer_403_to_others(tmp_path: Path) -> None:
    project = api.generate([EXAMPLES / "blog"], tmp_path / "backend").project_dir
    routes = (project / "app/api/routes/post.py").read_text()
    assert routes.count("check_owner(row, current_user.id)") == 2  # replace and delete
    tests = (project / "tests/test_post.py").read_text()
    assert "async def test_post_of_another_account_cannot_be_changed(" in tests
    assert "== 403" in tests


# -- the generated suites enforce it ----------------------------------------------------------


@pytest.mark.e2e
def test_generated_ownership_tests_pass_on_sqlite_and_postgres(projects_backend: Path) -> None:
    result = verify(projects_backend, pytest_args=["-m", "not conformance"])
    assert result.ok, result.output[-4000:]
    from dbserver import PG_URL, fresh_postgres

    if PG_URL or os.environ.get("CI") == "true":
        url, _ = fresh_postgres("bcg_ownership")
        result = verify(projects_backend, database_url=url, pytest_args=["-m", "not conformance"])
        assert result.ok, result.output[-4000:]


@pytest.mark.e2e
def test_generated_ownership_tests_fail_without_the_checks(
    projects_backend: Path, tmp_path: Path
) -> None:
    """The generated tests can fail: a backend whose routes forget the caller is caught."""
    broken = tmp_path / "broken"
    shutil.copytree(projects_backend, broken)
    routes = broken / "app/api/routes/task.py"
    routes.write_text(re.sub(r", visible_to=current_user\.id", "", routes.read_text()))
    result = verify(broken, pytest_args=["-m", "not conformance", "tests/test_task.py"])
    assert not result.ok
    for name in (
        "test_task_of_another_account_is_not_found",
        "test_create_task_naming_another_accounts_project_is_refused",
        "test_create_project_task_under_another_accounts_project_is_not_found",
    ):
        assert f"FAILED tests/test_task.py::{name}" in result.output, result.output[-3000:]
