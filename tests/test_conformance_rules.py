"""What a contract says about keys, paging and bodies, and how `verify --conformance` tells a
failure of the server from a gap in the contract."""

from __future__ import annotations

import base64
import json
import textwrap
from pathlib import Path

import pytest

from backend_codegen import api
from backend_codegen.domain.infer import infer
from backend_codegen.domain.model import DomainModel
from backend_codegen.spec.loader import load_spec
from backend_codegen.verify.conformance import (
    Finding,
    beyond_columns,
    contract_of,
    gap_of,
    read_findings,
)

ROOT = Path(__file__).resolve().parents[1]
AZURE = ROOT.parent / "shared" / "corpus" / "specs" / "azure-todo.yaml"

SPEC = """\
openapi: 3.0.3
info: {title: Shelf, version: "1"}
paths:
  /shelves:
    get:
      parameters:
        - {name: top, in: query, schema: {type: number, default: 20}}
        - {name: skip, in: query, schema: {type: number, default: 0}}
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {type: array, items: {$ref: "#/components/schemas/Shelf"}}
    post:
      requestBody:
        content:
          application/json:
            schema: {$ref: "#/components/schemas/Shelf"}
      responses:
        "201":
          description: created
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Shelf"}
  /shelves/{shelfId}:
    parameters:
      - {name: shelfId, in: path, required: true, schema: {type: string}}
    get:
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Shelf"}
  /shelves/{shelfId}/books:
    parameters:
      - {name: shelfId, in: path, required: true, schema: {type: string}}
    post:
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: "#/components/schemas/Book"}
      responses:
        "201":
          description: created
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Book"}
  /counters:
    post:
      requestBody:
        content:
          application/json:
            schema: {$ref: "#/components/schemas/Counter"}
      responses:
        "201":
          description: created
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Counter"}
  /counters/{counterId}:
    get:
      parameters:
        - {name: counterId, in: path, required: true, schema: {type: integer, format: int64}}
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Counter"}
components:
  schemas:
    Shelf:
      type: object
      required: [name]
      properties:
        id: {type: string}
        name: {type: string}
    Book:
      type: object
      required: [title]
      properties:
        id: {type: string}
        shelfId: {type: string}
        title: {type: string}
    Counter:
      type: object
      properties:
        id: {type: integer, format: int64}
        label: {type: string}
        days: {type: array, items: {type: string, format: date}}
        sizes: {type: array, items: {type: string, enum: [S, M]}}
"""


@pytest.fixture(scope="module")
def shelf(tmp_path_factory: pytest.TempPathFactory) -> tuple[DomainModel, Path]:
    spec = tmp_path_factory.mktemp("spec") / "shelf.yaml"
    spec.write_text(SPEC)
    return infer(load_spec([spec])), spec


def test_a_plain_string_id_is_a_text_key_the_server_assigns(
    shelf: tuple[DomainModel, Path],
) -> None:
    model, _ = shelf
    entity = model.entity("Shelf")
    key = entity.field("id")
    assert key is not None
    assert (entity.id_type, key.type, key.length) == ("string", "string", 255)
    # listed in the body but optional: accepted, and the server assigns it
    assert key.ignored_in_body and key.read_only
    assert not key.null_allowed  # the contract does not allow null for it
    fk = model.entity("Book").field("shelf_id")
    assert fk is not None and (fk.type, fk.length) == ("string", 255)


def test_an_int64_id_is_a_64_bit_key(shelf: tuple[DomainModel, Path]) -> None:
    model, _ = shelf
    entity = model.entity("Counter")
    key = entity.field("id")
    assert entity.id_type == "bigint" and key is not None and key.type == "bigint"
    assert any("int64" in r for r in key.reasons)


def test_children_under_a_nested_path_are_deleted_with_their_parent(
    shelf: tuple[DomainModel, Path],
) -> None:
    model, _ = shelf
    rel = next(r for r in model.entity("Book").relations if r.target == "Shelf")
    assert rel.on_delete == "cascade"
    assert any("deleted with its parent" in r for r in rel.reasons)


def test_number_paging_params_and_optional_bodies(shelf: tuple[DomainModel, Path]) -> None:
    model, _ = shelf
    listing = next(b for b in model.bindings if b.key == "GET /shelves")
    assert [(p.role, p.type, p.default) for p in listing.page_params or []] == [
        ("limit", "number", 20),
        ("offset", "number", 0),
    ]
    create = next(b for b in model.bindings if b.key == "POST /shelves")
    assert create.body_optional and create.body_requires_members
    nested = next(b for b in model.bindings if b.key == "POST /shelves/{shelfId}/books")
    assert not nested.body_optional  # `required: true`
    counter = next(b for b in model.bindings if b.key == "POST /counters")
    assert counter.body_optional and not counter.body_requires_members


def test_generated_code_follows_those_rules(
    shelf: tuple[DomainModel, Path], tmp_path: Path
) -> None:
    _, spec = shelf
    project = api.generate([spec], tmp_path / "backend").project_dir
    model = (project / "app" / "models" / "shelf.py").read_text()
    assert "String(255)" in model and "default=new_key" in model
    counter = (project / "app" / "models" / "counter.py").read_text()
    assert 'BigInteger().with_variant(Integer(), "sqlite"), primary_key=True' in " ".join(
        counter.split()
    )
    routes = (project / "app" / "api" / "routes" / "shelf.py").read_text()
    assert '"/{shelf_id}"' in routes  # a text key matches any segment
    assert "Query(allow_inf_nan=False)" in routes and "whole(top)" in routes
    assert "raise refused_body(absent)" in routes  # optional body, required members
    counters = (project / "app" / "api" / "routes" / "counter.py").read_text()
    assert '"/{counter_id:sint}"' in counters  # an integer key matches signed digits only
    assert 'register_url_convertor("sint"' in (project / "app" / "api" / "__init__.py").read_text()
    assert "payload = empty_body(CounterCreate)" in counters  # optional body, nothing required
    schemas = (project / "app" / "schemas" / "shelf.py").read_text()
    assert "id: StrictStr | SkipJsonSchema[None] = None" in schemas
    assert '"id"' in (project / "app" / "services" / "shelf.py").read_text()  # not stored
    counter_schemas = (project / "app" / "schemas" / "counter.py").read_text()
    assert "list[IsoDateText]" in counter_schemas and 'list[Literal["S", "M"]]' in counter_schemas
    contract = contract_of(project)
    assert contract.optional_bodies == {"POST /shelves"}


def test_arrays_of_scalars_check_their_items(shelf: tuple[DomainModel, Path]) -> None:
    model, spec = shelf
    counter = model.entity("Counter")
    days, sizes = counter.field("days"), counter.field("sizes")
    assert days is not None and (days.type, days.items) == ("json", "date")
    assert sizes is not None and (sizes.items, sizes.item_enum) == ("enum", ["S", "M"])


def test_query_values_are_read_in_their_own_notation(tmp_path: Path) -> None:
    spec = tmp_path / "events.yaml"
    spec.write_text(
        textwrap.dedent(
            """\
            openapi: 3.0.3
            info: {title: Events, version: "1"}
            paths:
              /events:
                get:
                  parameters:
                    - {name: startDate, in: query, schema: {type: string, format: date}}
                    - {name: seats, in: query, schema: {type: integer}}
                  responses:
                    "200":
                      description: ok
                      content:
                        application/json:
                          schema: {type: array, items: {$ref: "#/components/schemas/Event"}}
            components:
              schemas:
                Event:
                  type: object
                  properties:
                    id: {type: integer}
                    startDate: {type: string, format: date}
                    seats: {type: integer}
            """
        )
    )
    project = api.generate([spec], tmp_path / "backend").project_dir
    routes = (project / "app" / "api" / "routes" / "event.py").read_text()
    assert "TextDate | None" in routes and "QueryInt | None" in routes
    service = (project / "app" / "services" / "event.py").read_text()
    assert "dt.date | None" in service and "TextDate" not in service  # plain types below


def _event(operation: str, code: str, status: int, body: object | None) -> str:
    request = {"method": operation.split()[0], "uri": "http://x" + operation.split()[1]}
    if body is not None:
        request["body"] = body
    return json.dumps(
        {
            "ScenarioFinished": {
                "recorder": {
                    "label": operation,
                    "checks": {
                        "c1": [
                            {
                                "name": "check",
                                "status": "failure",
                                "failure_info": {
                                    "failure": {
                                        "code": code,
                                        "operation": operation,
                                        "title": "t",
                                        "message": "first line\nsecond",
                                    }
                                },
                            },
                            {"name": "not_a_server_error", "status": "success"},
                        ]
                    },
                    "interactions": {
                        "c1": {"request": request, "response": {"status_code": status}}
                    },
                }
            }
        }
    )


def test_findings_separate_contract_gaps_from_failures(tmp_path: Path) -> None:
    report = tmp_path / "events.ndjson"
    lines = [
        _event("GET /items/{id}", "ST103", 404, None),  # no 404 declared: a gap
        _event("GET /items/{id}", "ST103", 404, None),  # the same again: counted once
        _event("GET /items/{id}", "ST103", 501, None),  # 5xx: always a failure
        _event("POST /items", "ST202", 400, None),  # bodiless, listed: a gap
        _event("POST /items", "ST202", 400, {"$base64": "e30="}),  # with a body: a failure
        _event("PUT /items/{id}", "ST202", 400, None),  # bodiless, not listed: a failure
        _event("GET /items", "ST103", 405, None),  # 405 is never an operation's answer
        "not json",
    ]
    report.write_text("\n".join(lines) + "\n")
    findings, errors = read_findings(report, frozenset({"POST /items"}))
    assert errors == 0
    gaps = [(f.operation, f.code, f.status) for f in findings if f.contract_gap]
    assert gaps == [("GET /items/{id}", "ST103", 404), ("POST /items", "ST202", 400)]
    real = [(f.operation, f.code, f.status) for f in findings if not f.contract_gap]
    assert sorted(real) == [
        ("GET /items", "ST103", 405),
        ("GET /items/{id}", "ST103", 501),
        ("POST /items", "ST202", 400),
        ("PUT /items/{id}", "ST202", 400),
    ]
    assert all(f.message in ("", "first line") for f in findings)


def test_errors_outside_the_checks_are_counted(tmp_path: Path) -> None:
    report = tmp_path / "events.ndjson"
    report.write_text(json.dumps({"NonFatalError": {"label": "GET /x"}}) + "\n")
    assert read_findings(report) == ([], 1)
    assert read_findings(tmp_path / "missing.ndjson") == ([], 1)


def test_gap_of_explains_each_kind() -> None:
    missing = Finding("GET /a/{id}", "ST103", 404, "")
    assert gap_of(missing, frozenset()) == "answers 404, which it does not declare"
    bodiless = Finding("POST /a", "ST202", 422, "x", bodiless=True)
    assert "optional in the contract" in gap_of(bodiless, frozenset({"POST /a"}))
    assert gap_of(bodiless, frozenset()) == ""
    assert gap_of(Finding("GET /a", "ST101", 500, "x"), frozenset()) == ""
    # 501 from an operation the generator left to fill in (listed), and only from those
    unfilled = Finding("GET /a/{id}/qr", "ST101", 501, "x")
    assert "not implemented" in gap_of(unfilled, frozenset(), frozenset({"GET /a/{id}/qr"}))
    assert gap_of(unfilled, frozenset(), frozenset()) == ""
    assert gap_of(Finding("GET /b", "ST101", 501, "x"), frozenset(), frozenset({"GET /a"})) == ""


def _answered(body: object, answer: str, uri: str = "http://x/items") -> dict[str, object]:
    encode = lambda text: {"$base64": base64.b64encode(text.encode()).decode()}  # noqa: E731
    request = {"method": "POST", "uri": uri, "body": encode(json.dumps(body))}
    return {"request": request, "response": {"status_code": 422, "content": encode(answer)}}


COLUMN_ANSWER = (
    '{"detail":[{"loc":["body","size"],"msg":"Input should be less than or equal to 2147483647"}]}'
)


def test_an_integer_beyond_its_column_is_a_gap_only_when_the_answer_names_a_column() -> None:
    """The contract leaves `size` unbounded; the column is int32. Refusing 2**70 with the
    column's bound is the contract's gap, not the server's failure."""
    assert beyond_columns(_answered({"size": 2**70, "name": "x"}, COLUMN_ANSWER))
    assert beyond_columns(_answered({"rows": [{"size": -(2**40)}]}, COLUMN_ANSWER))
    assert beyond_columns(_answered({}, COLUMN_ANSWER, "http://x/items?size=99999999999"))
    # a value the column holds, or a refusal naming another bound (the contract's own)
    assert not beyond_columns(_answered({"size": 2**31 - 1}, COLUMN_ANSWER))
    assert not beyond_columns(_answered({"size": True}, COLUMN_ANSWER))
    other = COLUMN_ANSWER.replace("2147483647", "100")
    assert not beyond_columns(_answered({"size": 2**70}, other))
    assert not beyond_columns(_answered({"size": 2**70}, '{"detail": "bad"}'))
    beyond = Finding("POST /items", "ST202", 422, "x", beyond_column=True)
    assert "beyond what its column stores" in gap_of(beyond, frozenset())
    assert gap_of(Finding("POST /items", "ST202", 422, "x"), frozenset()) == ""
    assert gap_of(Finding("POST /items", "ST101", 500, "x", beyond_column=True), frozenset()) == ""


@pytest.mark.skipif(not AZURE.exists(), reason="shared corpus not available")
def test_azure_todo_path_fields_generate_routes_and_tests(tmp_path: Path) -> None:
    project = api.generate([AZURE], tmp_path / "backend").project_dir
    routes = (project / "app" / "api" / "routes" / "todo_item.py").read_text()
    assert "state: Literal['todo', 'inprogress', 'done']" in routes.replace('"', "'")
    assert (
        "await service.set_todo_items_state(session, payload, state, list_id=parent.id)" in routes
    )
    service = (project / "app" / "services" / "todo_item.py").read_text()
    assert "stmt = stmt.where(TodoItem.state == state)" in service
    assert 'raise NotFound(f"TodoItem {missing[0]} not found")' in service
    tests = (project / "tests" / "test_todo_item.py").read_text()
    assert "async def test_list_todo_list_todo_items_by_state(" in tests
    assert "async def test_set_todo_items_state(" in tests
    assert not (project / "app" / "services" / "custom.py").exists()  # nothing left at 501
    # listId is required in the body by the contract: checked there, the path's value stored
    schemas = (project / "app" / "schemas" / "todo_item.py").read_text()
    assert 'list_id: StrictStr = Field(alias="listId")' in schemas
    assert '"list_id"' in (project / "app" / "services" / "todo_item.py").read_text()


@pytest.mark.skipif(not AZURE.exists(), reason="shared corpus not available")
def test_azure_todo_keys_and_bodies_come_from_the_contract() -> None:
    model = infer(load_spec([AZURE]))
    assert model.entity("TodoList").id_type == "string"
    by_state = next(b for b in model.bindings if b.key == "GET /lists/{listId}/items/state/{state}")
    assert (by_state.action, by_state.parent, by_state.path_field) == (
        "sub_list",
        "TodoList",
        "state",
    )
    assert by_state.function == "list_todo_list_todo_items_by_state"
    bulk = next(b for b in model.bindings if b.key == "PUT /lists/{listId}/items/state/{state}")
    assert (bulk.action, bulk.path_field, bulk.path_field_param) == ("set_many", "state", "state")
    assert bulk.function == "set_todo_items_state" and bulk.status_code == 204
    assert "on each listed row" in bulk.reasons[-1]
    bodies = sorted(b.key for b in model.bindings if b.body_optional and b.body_requires_members)
    assert (
        bodies
        == textwrap.dedent(
            """\
        POST /lists
        POST /lists/{listId}/items
        PUT /lists/{listId}
        PUT /lists/{listId}/items/{itemId}"""
        ).splitlines()
    )


def test_form_encoded_bodies_are_read_as_the_contract_types_them(tmp_path: Path) -> None:
    spec = tmp_path / "notes.yaml"
    spec.write_text(
        textwrap.dedent(
            """\
            openapi: 3.0.3
            info: {title: Notes, version: "1"}
            paths:
              /notes:
                post:
                  requestBody:
                    required: true
                    content:
                      application/json:
                        schema: {$ref: "#/components/schemas/Note"}
                      application/x-www-form-urlencoded:
                        schema: {$ref: "#/components/schemas/Note"}
                  responses:
                    "201":
                      description: created
                      content:
                        application/json:
                          schema: {$ref: "#/components/schemas/Note"}
            components:
              schemas:
                Note:
                  type: object
                  required: [title]
                  properties:
                    id: {type: integer, readOnly: true}
                    title: {type: string}
                    stars: {type: integer}
            """
        )
    )
    model = infer(load_spec([spec]))
    assert next(b for b in model.bindings if b.key == "POST /notes").form_body
    project = api.generate([spec], tmp_path / "backend").project_dir
    routes = (project / "app" / "api" / "routes" / "note.py").read_text()
    assert "Depends(read_body(NoteCreate, optional=False))" in routes
    deps = (project / "app" / "api" / "deps.py").read_text()
    assert "parse_qs(" in deps and "def _form_value(" in deps


PETCLINIC = AZURE.parent / "petclinic-rest.yaml"


@pytest.mark.skipif(not PETCLINIC.exists(), reason="shared corpus not available")
def test_an_id_the_operations_schema_does_not_declare_is_an_extra_member(
    tmp_path: Path,
) -> None:
    """`PUT /visits/{visitId}` takes `VisitFields`, which has no `id`: an `id` sent there is an
    undeclared member (ignored, whatever its value), while `Visit`'s read-only id stays refused
    in the bodies whose schema declares it."""
    project = api.generate([PETCLINIC], tmp_path / "backend").project_dir
    schemas = (project / "app" / "schemas" / "visit.py").read_text()
    variant = schemas.split("class VisitFieldsBody(VisitCreate):")[1].split("\nclass ")[0]
    assert "id: SkipJsonSchema[Any] = Field(None, exclude=True)" in variant
    create = schemas.split("class VisitCreate(BodySchema):")[1].split("\nclass ")[0]
    assert "id: ReadOnlyMember = Field(None, exclude=True)" in create
