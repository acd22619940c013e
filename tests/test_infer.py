"""Inference: ApiSpec -> DomainModel (domain/infer.py)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from conftest import arr, crud, make_spec, obj, op, query, sch

from backend_codegen.domain.infer import InferOptions, infer
from backend_codegen.domain.model import Binding, DomainModel, Entity
from backend_codegen.domain.reserved import sql_reserved_words
from backend_codegen.errors import Location, SpecError, Warnings
from backend_codegen.spec.model import ApiSpec, SecurityScheme
from backend_codegen.spec.openapi import read_openapi

SYSTEM = ["id", "created_at", "updated_at", "deleted_at"]


def shop_spec() -> ApiSpec:
    category = obj(
        {
            "id": sch("integer", read_only=True),
            "name": sch("string", max_length=80),
            "parent_id": sch("integer", nullable=True),
        },
        ("name",),
        name="Category",
    )
    product = obj(
        {
            "id": sch("integer"),
            "name": sch("string", max_length=100),
            "price": sch("number", minimum=0, maximum=1000000),
            "category_id": sch("integer"),
            "tag_ids": arr(sch("integer")),
            "status": sch("string", enum=["draft", "active"]),
        },
        ("name", "price", "category_id"),
        name="Product",
    )
    tag = obj({"id": sch("integer"), "label": sch("string")}, ("label",), name="Tag")
    line = obj({"product_id": sch("integer"), "quantity": sch("integer")}, ("product_id",))
    order = obj({"id": sch("integer"), "items": arr(line), "note": sch("string")}, ("items",))
    order.name = "Order"
    post = obj({"id": sch("integer"), "title": sch("string")}, ("title",), name="Post")
    comment = obj({"id": sch("integer"), "body": sch("string")}, ("body",), name="Comment")
    task = obj({"id": sch("integer"), "title": sch("string"), "completed": sch("boolean")})
    task.name = "Task"
    products_query = (
        query("category_id", "integer"),
        query("status"),
        query("q"),
        query("min_price", "number"),
        query("max_price", "number"),
        query("page", "integer"),
        query("limit", "integer"),
        query("bogus"),
    )
    ops = [
        *crud("/api/categories", category),
        op("get", "/api/products", resp=arr(product), params=products_query),
        op("post", "/api/products", body=product, resp=product),
        op("get", "/api/products/{id}", resp=product),
        op("put", "/api/products/{id}", body=product, resp=product),
        op("patch", "/api/products/{id}", body=product, resp=product),
        op("delete", "/api/products/{id}"),
        *crud("/api/tags", tag),
        op("post", "/api/orders", body=order, resp=order),
        *crud("/api/posts", post),
        *crud("/api/posts/{post_id}/comments", comment),
        *crud("/api/tasks", task),
        op("patch", "/api/tasks/{id}/complete", resp=task),
        op("post", "/api/tasks/{id}/frobnicate", resp=task),
    ]
    schemas = {s.name: s for s in (category, product, tag, order, post, comment, task)}
    return make_spec(ops, schemas, title="Shop API", base_path="/api")  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def shop() -> tuple[DomainModel, Warnings]:
    warnings = Warnings()
    return infer(shop_spec(), warnings=warnings), warnings


@pytest.fixture(scope="module")
def model(shop: tuple[DomainModel, Warnings]) -> DomainModel:
    return shop[0]


def binding(model: DomainModel, key: str) -> Binding:
    found = [b for b in model.bindings if b.key == key]
    assert found, f"{key} not in {[b.key for b in model.bindings]}"
    return found[0]


def field_names(entity: Entity) -> list[str]:
    return [f.name for f in entity.fields]


# --------------------------------------------------------------------------- entities


def test_entities_are_named_from_schemas_and_paths(model: DomainModel) -> None:
    assert {e.name: e.table for e in model.entities} == {
        "Category": "categories",
        "Comment": "comments",
        "Order": "orders",
        "OrderItem": "order_items",
        "Post": "posts",
        "Product": "products",
        "Tag": "tags",
        "Task": "tasks",
    }
    assert model.project == "shop-api"


def test_collection_without_a_schema_is_named_from_the_path() -> None:
    thing = obj({"id": sch("integer"), "label": sch("string")})  # inline, no name
    model = infer(make_spec(crud("/api/order-items", thing), base_path="/api"))
    assert [(e.name, e.table) for e in model.entities] == [("OrderItem", "order_items")]


def test_entities_are_ordered_parents_first(model: DomainModel) -> None:
    order = [e.name for e in model.entities]
    assert order.index("Category") < order.index("Product") < order.index("OrderItem")
    assert order.index("Order") < order.index("OrderItem")
    assert order.index("Post") < order.index("Comment")


def test_system_fields_first_and_last(model: DomainModel) -> None:
    for entity in model.entities:
        names = field_names(entity)
        assert names[0] == "id"
        assert names[-3:] == ["created_at", "updated_at", "deleted_at"]
        pk = entity.field("id")
        assert pk is not None and pk.primary_key and pk.system and not pk.nullable
        deleted = entity.field("deleted_at")
        assert deleted is not None and deleted.nullable and deleted.index
        created = entity.field("created_at")
        assert created is not None and not created.nullable and created.read_only


def test_scalar_fields_types_and_nullability(model: DomainModel) -> None:
    product = model.entity("Product")
    name, price, status = product.field("name"), product.field("price"), product.field("status")
    assert name is not None and (name.type, name.length, name.nullable) == ("string", 100, False)
    assert name.required
    assert price is not None and price.type == "decimal"  # money word
    assert (
        status is not None
        and status.type == "enum"
        and status.enum_values
        == [
            "draft",
            "active",
        ]
    )
    assert status.nullable and not status.required
    # `id` in the body never becomes a second column
    assert field_names(product).count("id") == 1


def test_id_column_is_uuid_when_the_schema_says_so() -> None:
    doc = obj({"id": sch("string", format="uuid"), "title": sch("string")}, name="Doc")
    model = infer(make_spec(crud("/docs", doc), {"Doc": doc}))
    entity = model.entity("Doc")
    assert entity.id_type == "uuid"
    assert entity.field("id").type == "uuid"  # type: ignore[union-attr]


# --------------------------------------------------------------------------- relations


def test_x_id_field_is_an_indexed_many_to_one(model: DomainModel) -> None:
    product = model.entity("Product")
    fk = product.field("category_id")
    assert fk is not None
    assert (fk.foreign_key, fk.type, fk.index, fk.nullable) == ("Category", "integer", True, False)
    rel = product.relation("category")
    assert rel is not None
    assert (rel.kind, rel.target, rel.fk_field, rel.on_delete) == (
        "many_to_one",
        "Category",
        "category_id",
        "restrict",
    )
    assert not rel.nullable


def test_nested_path_adds_a_not_null_fk_to_the_parent(model: DomainModel) -> None:
    comment = model.entity("Comment")
    fk = comment.field("post_id")
    assert fk is not None
    assert fk.foreign_key == "Post" and not fk.nullable and fk.read_only and fk.index
    rel = comment.relation("post")
    assert rel is not None and rel.kind == "many_to_one" and not rel.nullable
    assert any("nested path" in r for r in rel.reasons)


def test_x_ids_array_is_many_to_many_through_a_join_table(model: DomainModel) -> None:
    product = model.entity("Product")
    assert product.field("tag_ids") is None  # not a column
    rel = product.relation("tags")
    assert rel is not None
    assert (rel.kind, rel.target, rel.api_name) == ("many_to_many", "Tag", "tag_ids")
    assert (rel.join_table, rel.join_source_column, rel.join_target_column) == (
        "product_tags",
        "product_id",
        "tag_id",
    )


def test_parent_id_is_a_self_reference(model: DomainModel) -> None:
    category = model.entity("Category")
    rel = category.relation("parent")
    assert rel is not None and rel.target == "Category" and rel.kind == "many_to_one"
    fld = category.field("parent_id")
    assert fld is not None and fld.foreign_key == "Category" and fld.nullable


def test_array_of_objects_is_an_owned_child_with_cascade(model: DomainModel) -> None:
    order = model.entity("Order")
    owned = order.relation("items")
    assert owned is not None
    assert (owned.kind, owned.target, owned.on_delete, owned.required) == (
        "owned",
        "OrderItem",
        "cascade",
        True,
    )
    assert order.field("items") is None
    item = model.entity("OrderItem")
    assert item.owned_by == "Order"
    back = item.relation("order")
    assert back is not None and back.on_delete == "cascade" and not back.nullable
    fk = item.field("order_id")
    assert fk is not None and fk.foreign_key == "Order" and not fk.nullable
    # the child's own reference is resolved too
    product_fk = item.field("product_id")
    assert product_fk is not None and product_fk.foreign_key == "Product"


def test_unknown_explicit_reference_is_an_error_with_location_and_hint() -> None:
    where = Location("spec.yaml", pointer="/components/schemas/Item/properties/ref")
    item = obj({"id": sch("integer"), "ref": sch("integer", references="Nope", location=where)})
    item.name = "Item"
    with pytest.raises(SpecError) as info:
        infer(make_spec(crud("/items", item), {"Item": item}))
    err = info.value
    assert "Nope" in err.message and "ref" in err.message
    assert err.location == where
    assert err.hint is not None and "Item" in err.hint


def test_misspelt_reference_hint_suggests_the_entity() -> None:
    group = obj({"id": sch("integer"), "name": sch("string")}, name="Group")
    where = Location("spec.yaml", pointer="/x")
    item = obj({"grp": sch("integer", references="Gruop", location=where)}, name="Item")
    ops = [*crud("/groups", group), *crud("/items", item)]
    with pytest.raises(SpecError) as info:
        infer(make_spec(ops, {"Group": group, "Item": item}))
    assert info.value.hint == "did you mean 'Group'?"


def test_unknown_reference_from_openapi_points_at_the_line(tmp_path: Path) -> None:
    path = tmp_path / "api.yaml"
    path.write_text(
        textwrap.dedent(
            """\
            openapi: 3.0.3
            info: {title: T, version: "1"}
            components:
              schemas:
                Item:
                  type: object
                  properties:
                    id: {type: integer}
                    ref: {type: integer, x-references: Nope}
            paths:
              /items:
                get:
                  responses:
                    "200":
                      description: ok
                      content:
                        application/json:
                          schema: {type: array, items: {$ref: '#/components/schemas/Item'}}
            """
        )
    )
    with pytest.raises(SpecError) as info:
        infer(read_openapi(path))
    where = info.value.location
    assert where is not None and where.file.endswith("api.yaml")
    assert where.line == 9  # the `ref:` line


def test_unresolvable_x_id_is_kept_as_a_column_with_a_warning() -> None:
    thing = obj({"id": sch("integer"), "widget_id": sch("integer")}, name="Thing")
    warnings = Warnings()
    model = infer(make_spec(crud("/things", thing), {"Thing": thing}), warnings=warnings)
    fld = model.entity("Thing").field("widget_id")
    assert fld is not None and fld.foreign_key is None
    assert any("widget_id" in w.message for w in warnings)


# --------------------------------------------------------------------------- bindings


@pytest.mark.parametrize(
    ("key", "action", "entity", "status"),
    [
        ("GET /api/products", "list", "Product", 200),
        ("POST /api/products", "create", "Product", 201),
        ("GET /api/products/{id}", "read", "Product", 200),
        ("PUT /api/products/{id}", "replace", "Product", 200),
        ("PATCH /api/products/{id}", "patch", "Product", 200),
        ("DELETE /api/products/{id}", "delete", "Product", 204),
        ("GET /api/posts/{post_id}/comments", "sub_list", "Comment", 200),
        ("POST /api/posts/{post_id}/comments", "sub_create", "Comment", 201),
        ("PATCH /api/tasks/{id}/complete", "set_field", "Task", 200),
        ("POST /api/tasks/{id}/frobnicate", "custom", "Task", 201),
    ],
)
def test_bindings(model: DomainModel, key: str, action: str, entity: str, status: int) -> None:
    b = binding(model, key)
    assert (b.action, b.entity, b.status_code) == (action, entity, status)


def test_binding_details(model: DomainModel) -> None:
    read = binding(model, "GET /api/products/{id}")
    assert (read.id_param, read.id_field, read.function) == ("id", "id", "get_product")
    sub = binding(model, "GET /api/posts/{post_id}/comments")
    assert (sub.parent, sub.parent_param, sub.parent_fk) == ("Post", "post_id", "post_id")
    assert sub.function == "list_post_comments"
    complete = binding(model, "PATCH /api/tasks/{id}/complete")
    assert (complete.set_field, complete.set_value) == ("completed", True)
    custom = binding(model, "POST /api/tasks/{id}/frobnicate")
    assert any("501" in r for r in custom.reasons)
    functions = [b.function for b in model.bindings]
    assert len(functions) == len(set(functions))


def test_filters_from_query_parameters(shop: tuple[DomainModel, Warnings]) -> None:
    model, warnings = shop
    b = binding(model, "GET /api/products")
    got = {f.param: (f.target, f.op) for f in b.filters}
    assert got == {
        "category_id": ("category_id", "eq"),
        "status": ("status", "eq"),
        "q": ("name", "search"),
        "min_price": ("price", "gte"),
        "max_price": ("price", "lte"),
    }
    search = next(f for f in b.filters if f.op == "search")
    assert "name" in search.search_fields
    assert b.pagination == "page"
    status = model.entity("Product").field("status")
    assert status is not None and status.index  # filtered -> indexed
    assert any("'bogus'" in w.message for w in warnings)


def test_offset_parameter_switches_pagination() -> None:
    note = obj({"id": sch("integer"), "text": sch("string")}, name="Note")
    ops = [op("get", "/notes", resp=arr(note), params=(query("offset", "integer"),))]
    model = infer(make_spec(ops, {"Note": note}))
    assert model.bindings[0].pagination == "offset"


def test_every_decision_has_a_reason(model: DomainModel) -> None:
    for entity in model.entities:
        assert entity.reasons, entity.name
        for fld in entity.fields:
            assert fld.reasons, f"{entity.name}.{fld.name}"
        for rel in entity.relations:
            assert rel.reasons, f"{entity.name}.{rel.name}"
    for b in model.bindings:
        assert b.reasons, b.key
        for f in b.filters:
            assert f.reasons, f"{b.key} ?{f.param}"


# --------------------------------------------------------------------------- soft delete


def _notes(rules: list[str] | None = None, options: InferOptions | None = None) -> DomainModel:
    note = obj({"id": sch("integer"), "text": sch("string")}, name="Note")
    return infer(make_spec(crud("/notes", note), {"Note": note}, rules), options)


def test_soft_delete_is_on_by_default() -> None:
    model = _notes()
    assert model.soft_delete and model.entity("Note").soft_delete
    assert "deleted_at" in field_names(model.entity("Note"))


@pytest.mark.parametrize("rule", ["Soft delete: off", "soft-delete = no", "Use hard delete."])
def test_soft_delete_off_by_rule(rule: str) -> None:
    model = _notes([rule])
    assert not model.soft_delete and not model.entity("Note").soft_delete
    assert "deleted_at" not in field_names(model.entity("Note"))
    assert any("requirements.md:10" in n for n in model.notes)


def test_soft_delete_option_wins_over_the_documents() -> None:
    off = _notes(options=InferOptions(soft_delete=False))
    assert not off.soft_delete and "deleted_at" not in field_names(off.entity("Note"))
    on = _notes(["Soft delete: off"], InferOptions(soft_delete=True))
    assert on.soft_delete and "deleted_at" in field_names(on.entity("Note"))


# --------------------------------------------------------------------------- auth


def auth_spec() -> ApiSpec:
    task = obj({"id": sch("integer"), "title": sch("string")}, ("title",), name="Task")
    creds = obj({"email": sch("string", format="email"), "password": sch("string")})
    creds.required = ["email", "password"]
    me = obj({"id": sch("integer"), "email": sch("string", format="email")}, name="User")
    ops = [
        op("post", "/auth/register", body=creds, resp=me),
        op(
            "post",
            "/auth/login",
            body=creds,
            resp=obj({"access_token": sch("string")}),
            status="200",
        ),
        op("get", "/users/me", resp=me, security=("bearer",)),
        op("get", "/tasks", resp=arr(task), security=("bearer",)),
        op("post", "/tasks", body=task, resp=task, security=("bearer",)),
    ]
    return make_spec(
        ops,
        {"Task": task},
        security_schemes={"bearer": SecurityScheme("bearer", "http", scheme="bearer")},
    )


def test_auth_endpoints_and_account_entity() -> None:
    model = infer(auth_spec())
    assert model.auth.enabled and model.auth.account == "User" and model.auth.scheme == "bearer"
    assert model.auth.reasons
    user = model.entity("User")
    assert user.is_account and user.login_field == "email"
    assert user.password_field == "password_hash"
    email, pw = user.field("email"), user.field("password_hash")
    assert email is not None and email.unique and not email.nullable
    assert pw is not None and pw.type == "password" and pw.write_only
    assert user.field("password") is None  # only the hash is stored
    assert binding(model, "POST /auth/register").action == "register"
    assert binding(model, "POST /auth/register").status_code == 201
    assert binding(model, "POST /auth/login").action == "login"
    me = binding(model, "GET /users/me")
    assert (me.action, me.entity, me.auth) == ("me", "User", "required")
    assert binding(model, "GET /tasks").auth == "required"


def test_security_alone_creates_a_user_with_email_and_password() -> None:
    task = obj({"id": sch("integer"), "title": sch("string")}, name="Task")
    spec = make_spec([op("get", "/tasks", resp=arr(task), security=("bearer",))], {"Task": task})
    model = infer(spec)
    assert model.auth.enabled and model.auth.account == "User"
    user = model.entity("User")
    email = user.field("email")
    assert email is not None and email.unique and email.type == "email"
    assert user.field("password_hash") is not None


def test_no_security_means_no_auth(model: DomainModel) -> None:
    assert not model.auth.enabled
    assert model.auth.account is None
    assert all(b.auth == "none" for b in model.bindings)


def test_owner_field_is_filled_from_the_current_user() -> None:
    task = obj({"id": sch("integer"), "title": sch("string"), "user_id": sch("integer")})
    task.name = "Task"
    spec = make_spec([op("get", "/tasks", resp=arr(task), security=("bearer",))], {"Task": task})
    fld = infer(spec).entity("Task").field("user_id")
    assert fld is not None
    assert fld.foreign_key == "User" and fld.from_current_user and not fld.nullable


def test_read_only_owner_field_in_the_body_is_filled_from_the_current_user() -> None:
    task = obj(
        {"id": sch("integer"), "title": sch("string"), "user_id": sch("integer", read_only=True)}
    )
    task.name = "Task"
    ops = [op("post", "/tasks", body=task, resp=task, security=("bearer",))]
    fld = infer(make_spec(ops, {"Task": task})).entity("Task").field("user_id")
    assert fld is not None and fld.read_only
    assert fld.from_current_user and not fld.nullable


# --------------------------------------------------------------------------- reserved words


def test_reserved_words_get_safe_columns_and_tables() -> None:
    item = obj(
        {
            "id": sch("integer"),
            "from": sch("string"),
            "class": sch("string"),
            "order": sch("integer"),
            "group_id": sch("integer"),
        },
        name="Item",
    )
    group = obj({"id": sch("integer"), "name": sch("string")}, name="Group")
    model = infer(
        make_spec([*crud("/items", item), *crud("/groups", group)], {"Item": item, "Group": group})
    )
    reserved = sql_reserved_words()
    group_entity = model.entity("Group")
    assert group_entity.table not in reserved and group_entity.table.startswith("groups")
    entity = model.entity("Item")
    cols = {f.name: (f.api_name, f.column) for f in entity.fields}
    assert cols["from"] == ("from", "from_")
    assert cols["order"] == ("order", "order_")
    assert cols["class"][0] == "class"
    for e in model.entities:
        assert e.table not in reserved
        for f in e.fields:
            assert f.column and f.column.lower() not in reserved, f"{e.name}.{f.name}"
    fk = entity.field("group_id")
    assert fk is not None and fk.foreign_key == "Group"


def test_two_entities_on_one_table_is_an_error() -> None:
    a = obj({"id": sch("integer"), "x": sch("string")}, name="Person")
    b = obj({"id": sch("integer"), "y": sch("string")}, name="People")
    spec = make_spec([*crud("/persons", a), *crud("/peoples", b)], {"Person": a, "People": b})
    with pytest.raises(SpecError, match="both map to the table 'people'") as info:
        infer(spec)
    assert info.value.location is not None and info.value.hint


def test_money_columns_hold_what_the_contract_allows(model: DomainModel) -> None:
    from backend_codegen.domain.infer import infer as run
    from backend_codegen.spec.model import ApiSpec, Operation, Response

    price = model.entity("Product").field("price")
    assert price is not None and price.type == "decimal" and price.precision == 12
    # no maximum: any JSON number is valid, which only a float column holds
    item = obj({"id": sch("integer"), "price": sch("number"), "cost": sch("number", maximum=1e14)})
    spec = ApiSpec(
        title="t",
        version="1",
        source_format="openapi",
        operations=[
            Operation("post", "/items", request_body=item, responses=[Response("201", schema=item)])
        ],
    )
    entity = run(spec).entity("Item")
    unbounded, bounded = entity.field("price"), entity.field("cost")
    assert unbounded is not None and unbounded.type == "float"
    assert bounded is not None and bounded.type == "decimal" and bounded.precision == 17


@pytest.mark.parametrize("example", ["todo", "realworld", "ecommerce", "library", "blog"])
def test_the_model_snapshot_is_what_asdict_gives(example: str) -> None:
    """`DomainModel.to_dict` (the snapshot kept for the next migration) skips asdict's deep
    copies; it must give the same data."""
    from dataclasses import asdict

    from backend_codegen import api

    examples = Path(__file__).resolve().parents[1] / "examples"
    model = api.inspect([examples / example]).model
    assert model.to_dict() == asdict(model)
