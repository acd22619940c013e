"""An everyday OpenAPI 3.0 design (bearer auth, nested tasks, declared headers and filters),
whose generated project failed its own tests or schemathesis before: an array filter's
test sent a date, an integer-enum filter took any integer, a declared header was never
checked, a read-only `done` was answered as null, `POST /tasks/{id}/complete` answered
501 and `assignee_id` referenced nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from backend_codegen import api

SPEC = Path(__file__).parent / "data" / "projects-api.yaml"


@pytest.fixture(scope="module")
def files() -> dict[str, str]:
    return {f.path: f.content for f in api.render(api.inspect([SPEC]).model)}


def test_declared_headers_are_checked_as_declared(files: dict[str, str]) -> None:
    headers = files["app/api/headers.py"]
    assert '"list_projects": (("X-Request-Id", TypeAdapter(UUID), False),)' in headers
    main = files["app/main.py"]
    assert "dependencies=[Depends(declared_headers)]" in main
    # an API declaring no header gets neither
    plain = Path(__file__).parent / "data" / "member-shapes.yaml"
    others = {f.path: f.content for f in api.render(api.inspect([plain]).model)}
    assert "app/api/headers.py" not in others
    assert "declared_headers" not in others["app/main.py"]


def test_header_parameters_the_security_schemes_own_are_not_checked_twice(
    tmp_path: Path,
) -> None:
    spec = tmp_path / "keyed.yaml"
    text = SPEC.read_text().replace(
        "- {name: X-Request-Id, in: header, schema: {type: string, format: uuid}}",
        "- {name: Authorization, in: header, schema: {type: string}}\n"
        "        - {name: X-Trace, in: header, required: true, schema: {type: integer, "
        "minimum: 1}}",
    )
    spec.write_text(text)
    model = api.inspect([spec]).model
    listing = next(b for b in model.bindings if b.operation_id == "listProjects")
    assert [(h.name, h.type, h.required) for h in listing.headers] == [("X-Trace", "integer", True)]
    headers = {f.path: f.content for f in api.render(model)}["app/api/headers.py"]
    assert '("X-Trace", TypeAdapter(Annotated[QueryInt, Field(ge=1)]), True)' in headers


def test_an_integer_enum_filter_takes_only_its_values(files: dict[str, str]) -> None:
    routes = files["app/api/routes/task.py"]
    assert "priority: Annotated[query_int_of(1, 2, 3) | None, Query()] = None" in routes
    assert "priority: int | None = None" in files["app/services/task.py"]


def test_an_array_filter_is_tested_with_a_value_of_its_own(files: dict[str, str]) -> None:
    tests = files["tests/test_project.py"]
    start = tests.index("async def test_list_projects_filters_by_status(")
    body = tests[start : tests.index("\n\n\nasync def", start)]
    assert "2000-01-01" not in body
    assert 'value = "planned"' in body and "not-a-valid-value" in body


def test_states_and_people_are_inferred() -> None:
    model = api.inspect([SPEC]).model
    task = model.entity("Task")
    done = next(f for f in task.fields if f.name == "done")
    assert (done.default, done.nullable) == (False, False)  # required in every answer
    complete = next(b for b in model.bindings if b.operation_id == "completeTask")
    assert (complete.action, complete.set_field, complete.set_value) == ("set_field", "done", True)
    assignee = next(f for f in task.fields if f.name == "assignee_id")
    assert assignee.foreign_key == "User" and not assignee.from_current_user


def test_it_generates_without_a_warning() -> None:
    assert [
        w.message for w in api.inspect([SPEC]).warnings
    ] == []  # every operation and reference inferred
