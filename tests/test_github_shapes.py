"""Shapes GitHub's REST description has that smaller documents did not (issue 7): each one
stopped generation or produced a project that did not import."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from backend_codegen import api
from backend_codegen.verify.runner import verify

SPEC = Path(__file__).parent / "data" / "github-shapes.yaml"


@pytest.fixture(scope="module")
def files() -> dict[str, str]:
    return {f.path: f.content for f in api.render(api.inspect([SPEC]).model)}


def test_two_lists_of_the_same_objects_are_two_tables() -> None:
    """`provider_overrides` and `custom_overrides`, both lists of Override: one table would
    mix them up (before: 'two fields named slug')."""
    model = api.inspect([SPEC]).model
    owned = {r.api_name: r.target for r in model.entity("Configuration").relations}
    assert owned["provider_overrides"] == "Override"
    assert owned["custom_overrides"] == "ConfigurationCustomOverride"
    for name in owned.values():
        fields = [f.name for f in model.entity(name).fields]
        assert len(fields) == len(set(fields)) and "slug" in fields


def test_a_required_query_parameter_comes_before_the_optional_ones(files: dict[str, str]) -> None:
    """Python refuses a parameter without a default after ones with (before: invalid code)."""
    routes = files["app/api/routes/configuration.py"]
    tree = ast.parse(routes)
    search = next(
        f
        for f in ast.walk(tree)
        if isinstance(f, ast.AsyncFunctionDef)
        and f.name.startswith("list_configurations")
        and any(a.arg == "_repository_id" for a in f.args.args)
    )
    names = [a.arg for a in search.args.args]
    assert names.index("_repository_id") < names.index("q")


def test_a_205_answer_has_no_body(files: dict[str, str]) -> None:
    """FastAPI refuses a response model on 204 and 205 (before: the app did not import)."""
    routes = " ".join(files["app/api/routes/ping.py"].split())
    assert "status_code=205, response_model=None, response_class=Response" in routes
    assert "return Response(status_code=205)" in routes


def test_an_empty_closed_response_does_not_close_the_entity() -> None:
    """`{type: object, additionalProperties: false}` with no members answered by one
    operation left the entity's read schema without members (before: invalid code)."""
    spec = Path(__file__).parent / "data" / "closed-empty-response.yaml"
    model = api.inspect([spec]).model
    assert model.entity("Note").closed_members is None
    schema = {f.path: f.content for f in api.render(model)}["app/schemas/note.py"]
    read = schema[schema.index("class NoteRead(") :]
    assert "text: str" in read


def test_a_put_or_patch_without_a_body_is_not_a_replace(tmp_path: Path) -> None:
    """GitHub's `PUT /user/starred/{owner}/{repo}` and `PATCH
    /notifications/threads/{thread_id}` take no body: as a replace or a patch the generated
    route required one and refused every valid request with 422."""
    text = SPEC.read_text().replace(
        "    put:\n      operationId: replaceConfiguration",
        "    patch:\n"
        "      operationId: markConfigurationSeen\n"
        "      parameters: [{name: id, in: path, required: true, schema: {type: integer}}]\n"
        '      responses: {"205": {description: seen}}\n'
        "    put:\n      operationId: replaceConfiguration",
    )
    spec = tmp_path / "bodiless.yaml"
    spec.write_text(text)
    model = api.inspect([spec]).model
    bindings = {b.operation_id: b for b in model.bindings}
    assert bindings["replaceConfiguration"].action == "replace"
    seen = bindings["markConfigurationSeen"]
    assert seen.action == "custom"
    assert any("takes no body" in r for r in seen.reasons), seen.reasons


USERS = """\
openapi: 3.0.3
info: {title: Users, version: "1"}
paths:
  /users:
    get:
      operationId: listUsers
      responses:
        "200":
          description: users
          content:
            application/json:
              schema: {type: array, items: {$ref: "#/components/schemas/SimpleUser"}}
  /users/{username}:
    get:
      operationId: getUser
      parameters: [{name: username, in: path, required: true, schema: {type: string}}]
      responses:
        "200":
          description: one
          content: {application/json: {schema: {$ref: "#/components/schemas/SimpleUser"}}}
  /orgs/{org}/users:
    get:
      operationId: listOrgUsers
      parameters: [{name: org, in: path, required: true, schema: {type: string}}]
      responses:
        "200":
          description: members
          content:
            application/json:
              schema: {type: array, items: {$ref: "#/components/schemas/Membership"}}
  /users/{username}/card:
    get:
      operationId: getHovercard
      parameters: [{name: username, in: path, required: true, schema: {type: string}}]
      responses:
        "200":
          description: card
          content: {application/json: {schema: {$ref: "#/components/schemas/Hovercard"}}}
  /users/{username}/projectsV2:
    get:
      operationId: listUserProjects
      parameters: [{name: username, in: path, required: true, schema: {type: string}}]
      responses:
        "200":
          description: projects
          content:
            application/json:
              schema: {type: array, items: {$ref: "#/components/schemas/ProjectsV2"}}
components:
  schemas:
    SimpleUser:
      type: object
      properties: {id: {type: integer}, login: {type: string}}
    Membership:
      type: object
      properties: {id: {type: integer}, role: {type: string}}
    Hovercard:
      type: object
      properties: {contexts: {type: array, items: {type: string}}}
    ProjectsV2:
      type: object
      properties:
        id: {type: integer}
        title: {type: string}
        owner: {$ref: "#/components/schemas/SimpleUser"}
"""


def test_a_collection_is_named_by_its_own_operations_not_by_its_actions(
    tmp_path: Path,
) -> None:
    """GitHub's `/users` collection took the entity of the last GET under it: `GET
    /users/{username}/projectsV2` (read as an action `projectsV2` on a user), so `GET /users`
    and `GET /users/{username}` answered ProjectsV2 rows. The operations on the collection
    at the top of the path decide; those under a parent or an action only when none does."""
    spec = tmp_path / "users.yaml"
    spec.write_text(USERS)
    model = api.inspect([spec]).model
    bindings = {b.operation_id: b for b in model.bindings}
    assert (bindings["listUsers"].entity, bindings["listUsers"].action) == ("SimpleUser", "list")
    assert (bindings["getUser"].entity, bindings["getUser"].action) == ("SimpleUser", "read")
    assert bindings["listOrgUsers"].entity == "SimpleUser"
    assert bindings["getHovercard"].entity == "SimpleUser"  # an action on one user: custom
    projects = bindings["listUserProjects"]  # `projectsV2` is a collection under a user
    assert (projects.entity, projects.action, projects.parent) == (
        "ProjectsV2",
        "sub_list",
        "SimpleUser",
    )


@pytest.mark.e2e
def test_the_generated_project_passes_its_tests_and_conformance(tmp_path: Path) -> None:
    result = api.generate([SPEC], tmp_path / "backend")
    outcome = verify(result.project_dir)
    assert outcome.ok, outcome.output[-4000:]
