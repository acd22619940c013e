"""Tests for the Markdown reader (spec/markdown.py): examples, tolerance, types, errors."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import pytest

from backend_codegen.errors import Location, SpecError, Warnings
from backend_codegen.spec.markdown import (
    apply_constraints,
    find_markdown_inputs,
    parse_type,
    read_markdown,
    schema_from_example,
)
from backend_codegen.spec.model import ApiSpec, Operation, Schema

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
EXAMPLE_NAMES = ["ecommerce", "user-system", "blog", "todo"]


def _write(directory: Path, name: str, text: str) -> Path:
    path = directory / name
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return path


def _read(tmp_path: Path, api: str, requirements: str | None = None) -> ApiSpec:
    api_path = _write(tmp_path, "api-list.md", api)
    req_path = _write(tmp_path, "requirements.md", requirements) if requirements else None
    return read_markdown(api_path, req_path)


def _op(spec: ApiSpec, key: str) -> Operation:
    matches = [op for op in spec.operations if op.key == key]
    assert matches, f"{key} not in {[op.key for op in spec.operations]}"
    return matches[0]


def _example(name: str) -> ApiSpec:
    directory = EXAMPLES / name
    return read_markdown(directory / "api-list.md", directory / "requirements.md")


def _prop(schema: Schema | None, name: str) -> Schema:
    assert schema is not None
    return schema.properties[name]


# --------------------------------------------------------------------------- examples


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_every_example_reads(name: str) -> None:
    warnings = Warnings()
    directory = EXAMPLES / name
    spec = read_markdown(directory / "api-list.md", directory / "requirements.md", warnings)
    assert spec.source_format == "markdown"
    assert spec.sources == [str(directory / "api-list.md"), str(directory / "requirements.md")]
    assert spec.operations and spec.title
    assert all(op.location and op.location.line for op in spec.operations)
    assert all(op.path.startswith("/api/") for op in spec.operations)
    assert spec.stack.language and spec.stack.framework and spec.stack.database
    assert spec.requirements and spec.rules
    assert len(warnings) == 0, [d.render() for d in warnings]


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_find_markdown_inputs_on_examples(name: str) -> None:
    directory = EXAMPLES / name
    assert find_markdown_inputs(directory) == (
        directory / "api-list.md",
        directory / "requirements.md",
    )


def test_templates_read() -> None:
    spec = read_markdown(
        ROOT / "templates" / "api-list-template.md",
        ROOT / "templates" / "requirements-template.md",
    )
    assert spec.title == "Shop API"
    assert spec.base_path == "/api" and spec.version == "0.1.0"
    assert "POST /api/orders" in {op.key for op in spec.operations}
    assert set(spec.schemas) == {"Category", "OrderItem"}
    assert spec.stack.database == "PostgreSQL"
    assert spec.features == []  # trigger words inside ```text blocks are not read
    assert "Soft delete: on" in [r.text for r in spec.rules]


def test_ecommerce_order_body_has_items_array_of_objects() -> None:
    body = _op(_example("ecommerce"), "POST /api/orders").request_body
    items = _prop(body, "items")
    assert items.type == "array" and items.min_items == 1
    assert items.items is not None and items.items.type == "object"
    assert set(items.items.properties) == {"product_id", "quantity", "unit_price"}
    assert items.items.required == ["product_id", "quantity", "unit_price"]
    quantity = items.items.properties["quantity"]
    assert (quantity.minimum, quantity.maximum) == (1, 100)
    assert items.items.properties["product_id"].references == "Product"
    assert body is not None and body.required == ["shipping_address", "items"]


def test_ecommerce_product_fields() -> None:
    spec = _example("ecommerce")
    body = _op(spec, "POST /api/products").request_body
    assert _prop(body, "price").logical == "decimal(10,2)"
    assert _prop(body, "price").type == "number"
    assert _prop(body, "sku").unique is True
    status = _prop(body, "status")
    assert status.enum == ["draft", "active", "archived"] and status.logical == "enum"
    assert (status.default, status.has_default) == ("draft", True)
    stock = _prop(body, "stock")
    assert (stock.default, stock.has_default, stock.minimum) == (0, True, 0)
    assert _prop(body, "category_id").references == "Category"
    category = _op(spec, "POST /api/categories").request_body
    assert _prop(category, "parent_id").references == "Category"
    assert _prop(category, "parent_id").nullable is True


def test_ecommerce_query_params_and_path_params() -> None:
    spec = _example("ecommerce")
    params = {p.name: p for p in _op(spec, "GET /api/products").parameters}
    assert set(params) == {"category_id", "status", "q", "min_price", "max_price", "page", "limit"}
    assert all(p.location_in == "query" and not p.required for p in params.values())
    assert params["min_price"].schema.logical == "decimal(10,2)"
    assert params["limit"].schema.default == 20 and params["limit"].schema.maximum == 100
    (path_param,) = _op(spec, "GET /api/products/{id}").parameters
    assert (path_param.location_in, path_param.required, path_param.schema.type) == (
        "path",
        True,
        "integer",
    )


def test_ecommerce_auth_and_security_scheme() -> None:
    spec = _example("ecommerce")
    assert _op(spec, "POST /api/products").security == ["bearerAuth"]
    assert _op(spec, "POST /api/categories").security == ["bearerAuth"]  # 🔒
    assert _op(spec, "GET /api/orders").security == ["bearerAuth"]  # ✓
    assert _op(spec, "GET /api/products").security == []
    assert _op(spec, "POST /api/auth/login").security == []
    scheme = spec.security_schemes["bearerAuth"]
    assert (scheme.type, scheme.scheme, scheme.bearer_format) == ("http", "bearer", "JWT")


def test_ecommerce_rules_and_stack() -> None:
    spec = _example("ecommerce")
    rules = {r.text: r.location for r in spec.rules}
    api = str(EXAMPLES / "ecommerce" / "api-list.md")
    req = str(EXAMPLES / "ecommerce" / "requirements.md")
    cascade = rules["User 1 — N Order (cascade delete)"]
    assert cascade is not None and cascade.file == api and cascade.line
    source = (EXAMPLES / "ecommerce" / "api-list.md").read_text().splitlines()
    assert "User 1 — N Order (cascade delete)" in source[cascade.line - 1]
    assert "Deleting a category with products is refused (409 Conflict)." in rules
    product_rule = rules["Deleting a Product with OrderItems is refused."]
    assert product_rule is not None and product_rule.file == req
    stack = spec.stack
    assert (stack.language, stack.framework, stack.database, stack.orm, stack.auth) == (
        "Python 3.11",
        "FastAPI",
        "PostgreSQL",
        "SQLAlchemy 2",
        "JWT",
    )
    assert stack.locations["database"] == Location(req, 9)
    assert spec.features == []


def test_ecommerce_response_from_json_example() -> None:
    (response,) = _op(_example("ecommerce"), "POST /api/orders").responses
    assert response.status == "201" and response.content_type == "application/json"
    assert response.schema is not None
    assert _prop(response.schema, "created_at").format == "date-time"
    assert _prop(response.schema, "total").type == "number"
    assert response.schema.properties["items"].items is not None


def test_user_system_json_examples_and_prose_constraints() -> None:
    spec = _example("user-system")
    register = _op(spec, "POST /api/auth/register")
    body = register.request_body
    assert body is not None and body.required == ["email", "password", "display_name"]
    assert _prop(body, "email").format == "email" and _prop(body, "email").unique
    assert _prop(body, "email").example == "ada@example.com"
    password = _prop(body, "password")
    assert (password.min_length, password.max_length, password.write_only) == (8, 128, True)
    name = _prop(body, "display_name")
    assert (name.min_length, name.max_length) == (2, 50)
    (created,) = register.responses
    assert created.status == "201"
    role = _prop(created.schema, "role")
    assert role.enum == ["member", "admin"] and role.read_only
    patch = _op(spec, "PATCH /api/users/me").request_body
    assert patch is not None and patch.required == []
    statuses = [r.status for r in _op(spec, "POST /api/users/me/password").responses]
    assert statuses == ["204"]
    admin = _op(spec, "GET /api/admin/users/{id}")  # written as :id
    assert admin.security == ["bearerAuth"]
    params = {p.name: p for p in _op(spec, "GET /api/admin/users").parameters}
    assert params["limit"].schema.maximum == 100 and params["limit"].schema.default == 20
    assert params["is_active"].schema.type == "boolean"
    assert spec.stack.orm == "SQLAlchemy 2.0" and spec.stack.database == "PostgreSQL"


def test_blog_data_dictionary() -> None:
    spec = _example("blog")
    assert set(spec.schemas) == {"User", "Post", "Comment", "Tag"}
    post = spec.schemas["Post"]
    assert post.name == "Post" and post.type == "object"
    assert post.required == ["title", "slug", "body", "status", "author_id"]
    tag_ids = post.properties["tag_ids"]
    assert tag_ids.type == "array" and tag_ids.items is not None
    assert tag_ids.items.type == "integer" and tag_ids.references == "Tag"
    assert tag_ids.max_items == 10
    assert post.properties["author_id"].references == "User"
    assert post.properties["title"].logical == "string(200)"
    parent = spec.schemas["Comment"].properties["parent_id"]
    assert parent.references == "Comment" and parent.nullable
    assert spec.schemas["User"].properties["username"].pattern == "^[a-z0-9_]+$"
    location = post.properties["slug"].location
    assert location is not None and location.line
    comments = _op(spec, "POST /api/posts/{post_id}/comments")
    assert [p.name for p in comments.parameters] == ["post_id"]
    assert spec.stack.database == "MySQL"
    assert "Post N — N Tag" in [r.text for r in spec.rules]


def test_todo_example() -> None:
    spec = _example("todo")
    assert spec.features == ["mcp-tools"]
    body = _op(spec, "POST /api/tasks").request_body
    title = _prop(body, "title")
    assert (title.max_length, title.min_length) == (200, 1)
    description = _prop(body, "description")
    assert (description.max_length, description.default, description.has_default) == (
        1000,
        "",
        True,
    )
    completed = _prop(body, "completed")
    assert (completed.type, completed.default, completed.has_default) == ("boolean", False, True)
    assert body is not None and body.required == ["title"]
    assert _op(spec, "PATCH /api/tasks/{id}/complete").security == ["bearerAuth"]
    task = spec.schemas["Task"]
    assert task.properties["user_id"].references == "User"
    assert spec.stack.orm == "SQLAlchemy" and spec.stack.database == "PostgreSQL"


# --------------------------------------------------------------------------- tolerance


def test_columns_in_any_order_with_synonyms(tmp_path: Path) -> None:
    spec = _read(
        tmp_path,
        """
        # Shop

        ## Products

        | Login required | Notes | URL | HTTP method |
        |---|---|---|---|
        | 🔒 | Create | /api/products | post |
        | - | Read | /api/products/:id | GET |
        | optional | Feed | /api/feed | GET |
        """,
    )
    create = _op(spec, "POST /api/products")
    assert create.summary == "Create" and create.tags == ["Products"]
    assert create.security == ["bearerAuth"] and not create.auth_optional
    assert _op(spec, "GET /api/products/{id}").security == []
    feed = _op(spec, "GET /api/feed")
    assert feed.security == ["bearerAuth"] and feed.auth_optional and not feed.requires_auth


def test_single_column_table_and_bullet_endpoints(tmp_path: Path) -> None:
    spec = _read(
        tmp_path,
        """
        # Shop

        ## Catalogue

        | API | Purpose |
        |---|---|
        | `GET /api/products?category_id=&q=` | List products |
        | `DELETE /api/products/{id}` | Remove one |

        ## Misc

        - `GET /api/health` — Liveness probe
        - `POST /api/reports` — Build a report 🔒
        """,
    )
    listing = _op(spec, "GET /api/products")
    assert [(p.name, p.location_in) for p in listing.parameters] == [
        ("category_id", "query"),
        ("q", "query"),
    ]
    assert listing.summary == "List products" and listing.tags == ["Catalogue"]
    assert _op(spec, "GET /api/health").summary == "Liveness probe"
    assert _op(spec, "POST /api/reports").security == ["bearerAuth"]


@pytest.mark.parametrize(
    ("mark", "security", "optional"),
    [
        ("yes", True, False),
        ("Y", True, False),
        ("true", True, False),
        ("✓", True, False),
        ("✔", True, False),
        ("🔒", True, False),
        ("JWT", True, False),
        ("Bearer", True, False),
        ("required", True, False),
        ("admin only", True, False),
        ("no", False, False),
        ("N", False, False),
        ("-", False, False),
        ("—", False, False),
        ("", False, False),
        ("public", False, False),
        ("false", False, False),
        ("optional", True, True),
    ],
)
def test_auth_marks(tmp_path: Path, mark: str, security: bool, optional: bool) -> None:
    spec = _read(
        tmp_path,
        f"""
        # A

        ## Things

        | Method | Path | Auth |
        |---|---|---|
        | GET | /api/things | {mark} |
        """,
    )
    op = spec.operations[0]
    assert bool(op.security) is security and op.auth_optional is optional
    assert ("bearerAuth" in spec.security_schemes) is security


def test_endpoint_sections_labels_and_defaults(tmp_path: Path) -> None:
    spec = _read(
        tmp_path,
        """
        # Reviews

        ## Reviews

        | Method | Path | Summary |
        |---|---|---|
        | GET | /api/reviews | List |

        ### GET /api/reviews

        | Name | Type | Mandatory |
        |---|---|---|
        | rating | int | no |

        ### POST /api/reviews — Write a review 🔒

        ```json
        {"rating": 5, "title": "Great", "tags": ["x"], "posted_on": "2024-05-01"}
        ```

        - `rating` 1-5
        - `title`: max 200, optional

        ```json
        {"id": 1, "rating": 5}
        ```

        ### DELETE /api/reviews/{review_id}

        Auth: required

        Response: 204 No Content
        """,
    )
    (query,) = _op(spec, "GET /api/reviews").parameters
    assert (query.name, query.location_in, query.schema.type) == ("rating", "query", "integer")
    create = _op(spec, "POST /api/reviews")
    assert create.summary == "Write a review" and create.security == ["bearerAuth"]
    assert create.tags == ["Reviews"]
    body = create.request_body
    assert body is not None and body.required == ["rating", "tags", "posted_on"]
    assert (_prop(body, "rating").minimum, _prop(body, "rating").maximum) == (1, 5)
    assert _prop(body, "title").max_length == 200
    assert _prop(body, "posted_on").format == "date"
    tags = _prop(body, "tags")
    assert tags.items is not None and (tags.items.type, tags.items.example) == ("string", "x")
    assert [r.status for r in create.responses] == ["201"]  # second unlabelled JSON
    delete = _op(spec, "DELETE /api/reviews/{review_id}")
    assert delete.security == ["bearerAuth"]
    assert [(r.status, r.schema) for r in delete.responses] == [("204", None)]
    assert delete.parameters[0].schema.type == "integer"  # from the name, no table applies


def test_explicit_path_parameter_table_overrides_default(tmp_path: Path) -> None:
    spec = _read(
        tmp_path,
        """
        # A

        ### GET /api/files/{file_id}

        Path parameters

        | Parameter | Type | Required | Description |
        |---|---|---|---|
        | file_id | uuid | yes | The file |
        """,
    )
    (param,) = spec.operations[0].parameters
    assert param.location_in == "path" and param.required
    assert param.schema.format == "uuid" and param.description == "The file"


def test_in_column_routes_rows(tmp_path: Path) -> None:
    spec = _read(
        tmp_path,
        """
        # A

        ### PUT /api/items/{id}

        | Field | In | Type | Required |
        |---|---|---|---|
        | id | path | int | yes |
        | dry_run | query | bool | no |
        | Authorization | header | string | yes |
        | name | body | string(50) | yes |
        """,
    )
    op = spec.operations[0]
    assert [(p.name, p.location_in) for p in op.parameters] == [
        ("id", "path"),
        ("dry_run", "query"),
    ]
    assert op.security == ["bearerAuth"]  # an Authorization header row
    assert op.request_body is not None and list(op.request_body.properties) == ["name"]
    assert op.request_content_type == "application/json" and op.request_required


def test_nested_field_names_build_objects_and_arrays(tmp_path: Path) -> None:
    spec = _read(
        tmp_path,
        """
        # A

        ### POST /api/orders

        | Field | Type | Required |
        |---|---|---|
        | address.city | string | yes |
        | address.zip | string(10) | no |
        | lines[].sku | string | yes |
        | lines[].qty | int | yes |
        | notes[] | string | no |
        """,
    )
    body = spec.operations[0].request_body
    assert body is not None and body.required == []
    address = _prop(body, "address")
    assert address.type == "object" and address.required == ["city"]
    lines = _prop(body, "lines")
    assert lines.type == "array" and lines.items is not None
    assert lines.items.required == ["sku", "qty"]
    notes = _prop(body, "notes")
    assert notes.type == "array" and notes.items is not None and notes.items.type == "string"


def test_data_dictionary_styles(tmp_path: Path) -> None:
    spec = _read(
        tmp_path,
        """
        # A

        | Method | Path |
        |---|---|
        | GET | /api/doctors |

        ## Data Model

        ### `appointment_slots` (table)

        | Property | Data type | Req | Constraints |
        |---|---|---|---|
        | doctor_id | int | Y | FK Doctor |
        | minutes | int | Y | 5..240 |
        | visit | Visit | N | |

        ### Entity: Doctor

        ```json
        {"name": "Dr. Who", "fee": 12.5}
        ```

        ## Patients

        | Field | Type | Required |
        |---|---|---|
        | name | string(80) | yes |
        """,
    )
    slot = spec.schemas["AppointmentSlot"]
    assert slot.properties["doctor_id"].references == "Doctor"
    minutes = slot.properties["minutes"]
    assert (minutes.minimum, minutes.maximum) == (5, 240)
    assert slot.properties["visit"].name == "Visit"
    doctor = spec.schemas["Doctor"]
    assert doctor.properties["fee"].type == "number" and doctor.required == []
    assert spec.schemas["Patient"].properties["name"].max_length == 80


def test_requirements_stack_bullets_features_and_rules(tmp_path: Path) -> None:
    spec = _read(
        tmp_path,
        """
        # A

        | Method | Path |
        |---|---|
        | GET | /api/a |
        """,
        """
        # Requirements

        ## Stack

        - **Backend language**: Python
        - Web framework - FastAPI
        - ORM / data access: SQLAlchemy
        - DB: MySQL 8

        ## Features

        - A chatbot answers questions about orders.
        - Deleting a customer deletes their orders.

        ## Relationships

        | From | To | Cardinality | On delete |
        |---|---|---|---|
        | Customer | Order | 1 — N | cascade |

        Order many-to-many with Product
        """,
    )
    stack = spec.stack
    assert (stack.language, stack.framework, stack.orm, stack.database) == (
        "Python",
        "FastAPI",
        "SQLAlchemy",
        "MySQL 8",
    )
    assert stack.locations["orm"].line == 7 and stack.auth is None
    assert spec.features == ["mcp-tools"]
    assert spec.requirements == [
        "A chatbot answers questions about orders.",
        "Deleting a customer deletes their orders.",
    ]
    assert [r.text for r in spec.rules] == [
        "Deleting a customer deletes their orders.",
        "Customer 1 — N Order (cascade)",
        "Order many-to-many with Product",
    ]


def test_transposed_stack_table_and_requirements_win(tmp_path: Path) -> None:
    spec = _read(
        tmp_path,
        """
        # A

        Database: SQLite

        | Method | Path |
        |---|---|
        | GET | /api/a |
        """,
        """
        # R

        | Language | Framework | Database |
        |---|---|---|
        | Python | FastAPI | PostgreSQL |
        """,
    )
    assert spec.stack.database == "PostgreSQL" and spec.stack.language == "Python"
    assert spec.stack.locations["database"].file.endswith("requirements.md")


def test_multiline_paragraph_is_one_rule(tmp_path: Path) -> None:
    spec = _read(
        tmp_path,
        """
        # A

        | Method | Path |
        |---|---|
        | GET | /api/users |

        Deleting a user with open invoices
        is refused.
        """,
    )
    assert [(r.text, r.location.line if r.location else None) for r in spec.rules] == [
        ("Deleting a user with open invoices is refused.", 7)
    ]


# --------------------------------------------------------------------------- types


@pytest.mark.parametrize(
    ("spelling", "json_type", "fmt", "logical"),
    [
        ("string", "string", None, "string"),
        ("String(100)", "string", None, "string(100)"),
        ("varchar(120)", "string", None, "string(120)"),
        ("VARCHAR(120)", "string", None, "string(120)"),
        ("char(2)", "string", None, "string(2)"),
        ("character varying(30)", "string", None, "string(30)"),
        ("text", "string", None, "text"),
        ("int", "integer", None, "integer"),
        ("integer", "integer", None, "integer"),
        ("bigint", "integer", "int64", "bigint"),
        ("smallint", "integer", None, "smallint"),
        ("decimal(10,2)", "number", None, "decimal(10,2)"),
        ("Decimal(12, 4)", "number", None, "decimal(12,4)"),
        ("numeric", "number", None, "decimal(12,2)"),
        ("money", "number", None, "decimal(12,2)"),
        ("number", "number", None, None),
        ("float", "number", "float", "float"),
        ("double", "number", "double", "float"),
        ("bool", "boolean", None, "boolean"),
        ("boolean", "boolean", None, "boolean"),
        ("date", "string", "date", "date"),
        ("datetime", "string", "date-time", "datetime"),
        ("timestamp", "string", "date-time", "datetime"),
        ("date-time", "string", "date-time", "datetime"),
        ("time", "string", "time", "time"),
        ("uuid", "string", "uuid", "uuid"),
        ("email", "string", "email", "email"),
        ("url", "string", "uri", "url"),
        ("uri", "string", "uri", "url"),
        ("object", "object", None, "object"),
        ("json", None, None, "json"),
        ("file", "string", "binary", "string"),
        ("array", "array", None, "array"),
    ],
)
def test_scalar_types(spelling: str, json_type: str | None, fmt: str | None, logical: str) -> None:
    schema = parse_type(spelling)
    assert (schema.type, schema.format, schema.logical) == (json_type, fmt, logical)


def test_string_length_types_set_max_length() -> None:
    assert parse_type("string(100)").max_length == 100
    assert parse_type("varchar(120)").max_length == 120
    assert parse_type("string").max_length is None


@pytest.mark.parametrize(
    "spelling",
    ["enum(a, b)", "enum: a, b", "enum[a|b]", "enum{a,b}", "ENUM(a,b)", "'a' | 'b'", "enum (a/b)"],
)
def test_enum_spellings(spelling: str) -> None:
    schema = parse_type(spelling)
    assert (schema.type, schema.enum, schema.logical) == ("string", ["a", "b"], "enum")


@pytest.mark.parametrize(
    ("spelling", "item_type", "item_name"),
    [
        ("int[]", "integer", None),
        ("string[]", "string", None),
        ("Tag[]", "object", "Tag"),
        ("array of OrderItem", "object", "OrderItem"),
        ("array of objects", "object", None),
        ("list of strings", "string", None),
        ("array<uuid>", "string", None),
        ("List[int]", "integer", None),
        ("array of Tags", "object", "Tag"),
        ("string array", "string", None),
    ],
)
def test_array_spellings(spelling: str, item_type: str, item_name: str | None) -> None:
    schema = parse_type(spelling)
    assert schema.type == "array" and schema.logical == "array"
    assert schema.items is not None
    assert (schema.items.type, schema.items.name) == (item_type, item_name)


def test_entity_reference_and_nullable_types() -> None:
    category = parse_type("Category")
    assert (category.type, category.name, category.logical) == ("object", "Category", "object")
    for spelling in ("string?", "string | null", "nullable string", "Optional[str]"):
        schema = parse_type(spelling)
        assert schema.type == "string" and schema.nullable, spelling


def test_unknown_type_has_did_you_mean_hint() -> None:
    with pytest.raises(SpecError) as caught:
        parse_type("strng", "title", Location("api.md", 3))
    assert caught.value.message == "unknown type 'strng' for field 'title'"
    assert caught.value.hint == "did you mean 'string'?"
    with pytest.raises(SpecError, match="unknown type 'blarg'") as other:
        parse_type("blarg(3)", "x")
    assert other.value.hint is not None and "string(100)" in other.value.hint


# --------------------------------------------------------------------------- constraints


def _constrained(json_type: str, text: str) -> tuple[Schema, bool | None]:
    schema = Schema(type=json_type)
    return schema, apply_constraints(schema, text)


@pytest.mark.parametrize(
    ("json_type", "text", "expected"),
    [
        ("string", "unique", {"unique": True}),
        ("string", "not unique", {"unique": False}),
        ("integer", "default 20", {"default": 20, "has_default": True}),
        ("string", 'default: "draft"', {"default": "draft", "has_default": True}),
        ("integer", "defaults to 0", {"default": 0, "has_default": True}),
        ("boolean", "default false", {"default": False, "has_default": True}),
        ("string", "one of: draft, live; default draft", {"default": "draft"}),
        ("string", "default: anonymous", {"default": "anonymous", "has_default": True}),
        ("string", "the default sort", {"has_default": False}),
        ("integer", "default null", {"default": None, "has_default": True}),
        ("number", "default 9.5", {"default": 9.5}),
        ("integer", "0..50", {"minimum": 0, "maximum": 50}),
        ("integer", "1-4", {"minimum": 1, "maximum": 4}),
        ("string", "5..240", {"min_length": 5, "max_length": 240}),
        ("integer", "between 1 and 5", {"minimum": 1, "maximum": 5}),
        ("integer", "1 to 5", {"minimum": 1, "maximum": 5}),
        ("array", "1..3", {"min_items": 1, "max_items": 3}),
        ("string", "max 200", {"max_length": 200}),
        ("string", "max length 200", {"max_length": 200}),
        ("string", "≤ 200", {"max_length": 200}),
        ("string", "200 chars max", {"max_length": 200}),
        ("integer", "max 200", {"maximum": 200}),
        ("array", "max 10", {"max_items": 10}),
        ("integer", "min 1", {"minimum": 1}),
        ("string", "at least 8 characters", {"min_length": 8}),
        ("integer", ">= 1", {"minimum": 1}),
        ("array", "at least 1", {"min_items": 1}),
        ("number", "> 0", {"minimum": 0, "exclusive_minimum": True}),
        ("integer", "positive", {"minimum": 1}),
        ("number", "non-negative", {"minimum": 0}),
        ("string", "must not be blank", {"min_length": 1}),
        ("integer", "FK Doctor", {"references": "Doctor"}),
        ("integer", "→ Category", {"references": "Category"}),
        ("integer", "-> Category", {"references": "Category"}),
        ("integer", "references users", {"references": "users"}),
        ("integer", "ref: Category", {"references": "Category"}),
        ("integer", "FK to users.id", {"references": "users"}),
        ("integer", "FK, unique", {"references": None, "unique": True}),
        ("integer", "read-only", {"read_only": True}),
        ("integer", "readonly", {"read_only": True}),
        ("integer", "output only", {"read_only": True}),
        ("string", "write-only", {"write_only": True}),
        ("string", "password", {"write_only": False}),
        ("string", "nullable", {"nullable": True}),
        ("string", "pattern: ^[a-z]+$", {"pattern": "^[a-z]+$"}),
        ("string", "one of: a, b, c", {"enum": ["a", "b", "c"], "logical": "enum"}),
        ("string", "ISO 3166-1 code", {"minimum": None, "max_length": None}),
        ("string", "e.g. 2024-01-31", {"min_length": None, "max_length": None}),
        ("string", "png, max 2 MB", {"max_length": None}),
        ("string", "1-5 MB", {"min_length": None, "max_length": None}),
        ("string", "max 200.", {"max_length": 200}),
    ],
)
def test_constraints(json_type: str, text: str, expected: dict[str, Any]) -> None:
    schema, _ = _constrained(json_type, text)
    assert {key: getattr(schema, key) for key in expected} == expected


@pytest.mark.parametrize(
    ("text", "required", "nullable"),
    [
        ("required", True, False),
        ("not required", False, False),
        ("optional", False, True),
        ("not null", True, False),
        ("unique", None, False),
    ],
)
def test_constraint_requiredness(text: str, required: bool | None, nullable: bool) -> None:
    schema, stated = _constrained("string", text)
    assert (stated, schema.nullable) == (required, nullable)


def test_type_cell_with_trailing_constraints(tmp_path: Path) -> None:
    spec = _read(
        tmp_path,
        """
        # A

        ### POST /api/things

        | Field | Type | Required |
        |---|---|---|
        | category_id | int, FK → Category | yes |
        | code | string (max 12) unique | yes |
        | owner | User (FK) | no |
        | nick? | string | |
        | `slug*` | string | |
        | _hidden | string | |
        """,
    )
    body = spec.operations[0].request_body
    assert _prop(body, "category_id").references == "Category"
    code = _prop(body, "code")
    assert code.max_length == 12 and code.unique
    assert _prop(body, "owner").name == "User"
    assert body is not None and body.required == ["category_id", "code", "slug"]
    assert "_hidden" in body.properties and "nick" in body.properties


def test_default_column_and_required_marks(tmp_path: Path) -> None:
    spec = _read(
        tmp_path,
        """
        # A

        ### POST /api/things

        | Field | Type | Required | Default | Example |
        |---|---|---|---|---|
        | a | int | ✓ | 5 | 7 |
        | b | bool | ✔ | true | |
        | c | string | x | - | |
        | d | string | N | | |
        | e | string | - | | |
        | f | string | optional | | |
        | g | string | Y | | |
        """,
    )
    body = spec.operations[0].request_body
    assert body is not None and body.required == ["a", "b", "c", "g"]
    a = _prop(body, "a")
    assert (a.default, a.has_default, a.example) == (5, True, 7)
    assert _prop(body, "b").default is True
    assert not _prop(body, "c").has_default


# --------------------------------------------------------------------------- JSON examples


@pytest.mark.parametrize(
    ("value", "json_type", "fmt"),
    [
        (3, "integer", None),
        (3.5, "number", None),
        (True, "boolean", None),
        ("2024-05-01", "string", "date"),
        ("2024-05-01T10:30:00Z", "string", "date-time"),
        ("a@b.co", "string", "email"),
        ("123e4567-e89b-12d3-a456-426614174000", "string", "uuid"),
        ("https://example.com/x", "string", "uri"),
        ("hello", "string", None),
    ],
)
def test_json_scalars(value: Any, json_type: str, fmt: str | None) -> None:
    schema = schema_from_example(value)
    assert (schema.type, schema.format, schema.example) == (json_type, fmt, value)


def test_json_objects_and_arrays() -> None:
    value = {"items": [{"a": 1}, {"a": 2, "b": "x"}], "meta": None}
    schema = schema_from_example(value, required=True)
    assert schema.type == "object" and schema.required == ["items", "meta"]
    assert schema.example == value
    items = schema.properties["items"].items
    assert items is not None and set(items.properties) == {"a", "b"}
    assert items.required == ["a"]  # only keys present in every element
    assert schema.properties["meta"].nullable
    assert schema_from_example(value).required == []


def test_json_type_descriptor_examples() -> None:
    schema = schema_from_example({"title": "string(200)", "price": "decimal(10,2)"})
    assert schema.properties["title"].max_length == 200
    assert schema.properties["price"].logical == "decimal(10,2)"
    assert schema.properties["title"].example is None
    literal = schema_from_example({"title": "string", "status": "draft"})
    assert literal.properties["title"].example == "string"


def test_json_with_comments_and_trailing_commas(tmp_path: Path) -> None:
    spec = _read(
        tmp_path,
        """
        # A

        ### POST /api/notes

        ```json
        {
          // the note text
          "text": "hi",
          "pinned": false,
        }
        ```
        """,
    )
    body = spec.operations[0].request_body
    assert body is not None and body.required == ["text", "pinned"]


def test_invalid_json_is_a_warning(tmp_path: Path) -> None:
    api = _write(
        tmp_path,
        "api.md",
        """
        # A

        ### POST /api/notes

        ```json
        {"text": oops}
        ```
        """,
    )
    warnings = Warnings()
    spec = read_markdown(api, None, warnings)
    assert spec.operations[0].request_body is None
    assert len(warnings) == 1 and "not valid JSON" in warnings.items[0].message


# --------------------------------------------------------------------------- bad input


def test_unknown_type_in_table_reports_line(tmp_path: Path) -> None:
    api = _write(
        tmp_path,
        "api-list.md",
        """
        # A

        ### POST /api/posts

        | Field | Type | Required |
        |---|---|---|
        | title | strng | yes |
        """,
    )
    with pytest.raises(SpecError) as caught:
        read_markdown(api, None)
    error = caught.value
    assert error.location == Location(str(api), 7)
    assert error.message == "unknown type 'strng' for field 'title'"
    assert error.hint == "did you mean 'string'?"
    assert f"{api}:7: unknown type 'strng'" in error.render()


def test_missing_file(tmp_path: Path) -> None:
    missing = tmp_path / "nope.md"
    with pytest.raises(SpecError, match="file not found") as caught:
        read_markdown(missing, None)
    assert caught.value.location == Location(str(missing)) and caught.value.hint
    api = _write(tmp_path, "api.md", "# A\n\n| Method | Path |\n|---|---|\n| GET | /api/a |\n")
    with pytest.raises(SpecError, match="file not found"):
        read_markdown(api, tmp_path / "requirements.md")


def test_no_operations(tmp_path: Path) -> None:
    api = _write(tmp_path, "api.md", "# Nothing here\n\nJust prose.\n")
    with pytest.raises(SpecError, match="no API operations") as caught:
        read_markdown(api, None)
    assert caught.value.hint is not None and "api-list-template.md" in caught.value.hint


def test_duplicate_operation_names_both_lines(tmp_path: Path) -> None:
    api = _write(
        tmp_path,
        "api.md",
        """
        # A

        | Method | Path |
        |---|---|
        | GET | /api/a/{id} |
        | get | /api/a/:id |
        """,
    )
    with pytest.raises(SpecError, match="duplicate operation GET /api/a/{id}") as caught:
        read_markdown(api, None)
    assert f"{api}:5" in caught.value.message and f"{api}:6" in caught.value.message


def test_table_row_and_section_for_same_operation_merge(tmp_path: Path) -> None:
    spec = _read(
        tmp_path,
        """
        # A

        | Method | Path | Summary |
        |---|---|---|
        | GET | /api/a | List |

        ### GET /api/a

        `GET /api/a?page=2` returns the second page.
        """,
    )
    assert [op.key for op in spec.operations] == ["GET /api/a"]


def test_find_markdown_inputs_by_content_and_errors(tmp_path: Path) -> None:
    table = "# A\n\n| Method | Path |\n|---|---|\n| GET | /api/a |\n"
    _write(tmp_path, "design.md", table)
    _write(tmp_path, "prd.md", "# PRD\n")
    _write(tmp_path, "notes.md", "# Notes\n")
    assert find_markdown_inputs(tmp_path) == (tmp_path / "design.md", tmp_path / "prd.md")

    _write(tmp_path, "other.md", table)
    with pytest.raises(SpecError, match="cannot tell which file is the API list") as caught:
        find_markdown_inputs(tmp_path)
    assert "design.md" in caught.value.message and "other.md" in caught.value.message
    assert caught.value.hint is not None and "explicitly" in caught.value.hint

    named = tmp_path / "named"
    named.mkdir()
    _write(named, "api.md", table)
    _write(named, "endpoints.md", table)
    with pytest.raises(SpecError, match=r"api\.md, endpoints\.md"):
        find_markdown_inputs(named)

    reqs = tmp_path / "reqs"
    reqs.mkdir()
    _write(reqs, "api-list.md", table)
    _write(reqs, "requirements.md", "# R\n")
    _write(reqs, "stack.md", "# S\n")
    with pytest.raises(SpecError, match="requirements document"):
        find_markdown_inputs(reqs)

    with pytest.raises(SpecError, match="not a directory"):
        find_markdown_inputs(tmp_path / "missing")


def test_find_markdown_inputs_without_requirements(tmp_path: Path) -> None:
    _write(tmp_path, "API.md", "# A\n\n| Method | Path |\n|---|---|\n| GET | /api/a |\n")
    assert find_markdown_inputs(tmp_path) == (tmp_path / "API.md", None)


def test_standalone_rule_lines_and_path_styles(tmp_path: Path) -> None:
    spec = _read(
        tmp_path,
        """
        # A

        | Method | Path |
        |---|---|
        | GET | /api/users/<id> |
        | GET | /api/users/<int:user_id>/posts |

        Author 1..* Book
        Book many-to-many with Genre
        Prices are shown in euros.
        """,
    )
    assert [op.path for op in spec.operations] == ["/api/users/{id}", "/api/users/{user_id}/posts"]
    assert [r.text for r in spec.rules] == ["Author 1..* Book", "Book many-to-many with Genre"]


def test_entity_defined_twice_in_the_data_dictionary_is_an_error(tmp_path: Path) -> None:
    table = "| Field | Type | Required |\n|---|---|---|\n| title | string | yes |\n"
    api = tmp_path / "api-list.md"
    api.write_text(
        "# Dup\n\n## Items\n\n| Method | Path |\n|---|---|\n| GET | /api/items |\n\n"
        f"## Data Dictionary\n\n### Item\n\n{table}\n### Item\n\n{table}"
    )
    with pytest.raises(SpecError) as info:
        read_markdown(api, None)
    assert "defined twice" in info.value.message
    assert info.value.location is not None and info.value.location.line == 17
    assert "first at line 11" in info.value.message
