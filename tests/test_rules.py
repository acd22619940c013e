"""Relationship and data rules written as sentences (domain/rules.py)."""

from __future__ import annotations

import pytest
from conftest import crud, make_spec, obj, sch

from backend_codegen.domain.infer import infer
from backend_codegen.domain.model import DomainModel, Relation
from backend_codegen.domain.rules import policy_of
from backend_codegen.errors import Location, SpecError


def _model(*rules: str) -> DomainModel:
    schemas = {
        "User": obj({"id": sch("integer"), "name": sch("string")}, name="User"),
        "Order": obj({"id": sch("integer"), "total": sch("number"), "user_id": sch("integer")}),
        "Category": obj({"id": sch("integer"), "name": sch("string")}, name="Category"),
        "Product": obj(
            {
                "id": sch("integer"),
                "sku": sch("string"),
                "unit_price": sch("number"),
                "category_id": sch("integer"),
            },
        ),
        "Post": obj({"id": sch("integer"), "title": sch("string")}),
        "Tag": obj({"id": sch("integer"), "label": sch("string")}),
        "Department": obj({"id": sch("integer"), "name": sch("string")}),
        "Doctor": obj({"id": sch("integer"), "name": sch("string")}),
    }
    for name, schema in schemas.items():
        schema.name = name
    paths = {
        "User": "users",
        "Order": "orders",
        "Category": "categories",
        "Product": "products",
        "Post": "posts",
        "Tag": "tags",
        "Department": "departments",
        "Doctor": "doctors",
    }
    ops = [o for name, path in paths.items() for o in crud(f"/{path}", schemas[name])]
    return infer(make_spec(ops, schemas, list(rules)))


def _m2o(model: DomainModel, entity: str, target: str) -> Relation:
    rels = [
        r for r in model.entity(entity).relations if r.kind == "many_to_one" and r.target == target
    ]
    assert len(rels) == 1, rels
    return rels[0]


def test_without_rules_fk_policy_is_restrict() -> None:
    model = _model()
    assert _m2o(model, "Order", "User").on_delete == "restrict"
    assert _m2o(model, "Product", "Category").on_delete == "restrict"


@pytest.mark.parametrize(
    "rule",
    [
        "User 1 — N Order (cascade delete)",
        "User 1-N Order (cascade)",
        "User 1:N Order, cascade delete",
        "User one-to-many Order (cascade)",
        "Order belongs to User (cascade)",
        "Order N-1 User (cascade)",
        "deleting a user deletes its orders",
        "Deleting a User also removes all its Orders.",
        "**User** 1 — N **Order** (cascade delete)",
    ],
)
def test_cascade_forms(rule: str) -> None:
    rel = _m2o(_model(rule), "Order", "User")
    assert rel.on_delete == "cascade"
    assert any("requirements.md:10" in r for r in rel.reasons)
    assert not any(r.startswith("default FK policy") for r in rel.reasons)


def test_restrict_form() -> None:
    rel = _m2o(_model("Category 1-N Product (restrict)"), "Product", "Category")
    assert rel.on_delete == "restrict"
    assert any("on delete restrict" in r for r in rel.reasons)


@pytest.mark.parametrize(
    "rule",
    [
        "deleting a department with doctors is refused",
        "Deleting a Department that has Doctors is not allowed",
        "Deleting the department with any doctors must be rejected",
    ],
)
def test_refused_adds_the_missing_fk_with_restrict(rule: str) -> None:
    model = _model(rule)
    doctor = model.entity("Doctor")
    fk = doctor.field("department_id")
    assert fk is not None
    assert fk.foreign_key == "Department" and fk.index and fk.reasons
    rel = _m2o(model, "Doctor", "Department")
    assert rel.on_delete == "restrict" and rel.fk_field == "department_id"


def test_has_many_adds_the_missing_fk() -> None:
    model = _model("Department has many Doctors")
    rel = _m2o(model, "Doctor", "Department")
    assert rel.on_delete == "restrict"  # no policy stated
    assert model.entity("Doctor").field("department_id") is not None


@pytest.mark.parametrize(
    "rule",
    [
        "Order.user_id is set to null when User is deleted",
        "Deleting a User sets Order.user_id to null",
        "User 1-N Order (set null)",
    ],
)
def test_set_null_makes_the_fk_nullable(rule: str) -> None:
    model = _model(rule)
    rel = _m2o(model, "Order", "User")
    assert rel.on_delete == "set null" and rel.nullable
    fk = model.entity("Order").field("user_id")
    assert fk is not None and fk.nullable and not fk.required


@pytest.mark.parametrize(
    "rule", ["Post many-to-many with Tag", "Post N — N Tag", "Post M:N Tag", "Post <-> Tag"]
)
def test_many_to_many_forms(rule: str) -> None:
    model = _model(rule)
    rels = [r for r in model.entity("Post").relations if r.kind == "many_to_many"]
    assert len(rels) == 1
    rel = rels[0]
    assert (rel.target, rel.name, rel.api_name, rel.join_table) == (
        "Tag",
        "tags",
        "tag_ids",
        "post_tags",
    )
    assert (rel.join_source_column, rel.join_target_column) == ("post_id", "tag_id")
    assert not [r for r in model.entity("Tag").relations if r.kind == "many_to_many"]


def test_many_to_many_stated_twice_gives_one_relation() -> None:
    model = _model("Post many-to-many with Tag", "Tag many-to-many with Post")
    count = sum(r.kind == "many_to_many" for e in model.entities for r in e.relations)
    assert count == 1


@pytest.mark.parametrize("rule", ["Product.sku is unique", "`Product.sku` must be unique."])
def test_unique(rule: str) -> None:
    sku = _model(rule).entity("Product").field("sku")
    assert sku is not None and sku.unique
    assert any("unique" in r for r in sku.reasons)


def test_unique_on_a_snake_case_field() -> None:
    # Markdown emphasis is stripped from rules, but '_' inside a field name is kept.
    fld = _model("**Product.unit_price** is unique").entity("Product").field("unit_price")
    assert fld is not None and fld.unique
    assert any("unit_price" in r for r in fld.reasons)


def test_unknown_entity_has_a_did_you_mean_hint_and_location() -> None:
    with pytest.raises(SpecError) as info:
        _model("Usr 1 — N Order (cascade delete)")
    err = info.value
    assert "Usr" in err.message
    assert err.location == Location("requirements.md", 10)
    assert err.hint == "did you mean 'User'?"


def test_unknown_entity_without_a_close_match_lists_known_entities() -> None:
    with pytest.raises(SpecError) as info:
        _model("Widget many-to-many with Tag")
    assert info.value.hint is not None and "Department" in info.value.hint


def test_unknown_field_in_unique_rule_lists_fields() -> None:
    with pytest.raises(SpecError) as info:
        _model("Product.skuu is unique")
    assert "skuu" in info.value.message
    assert info.value.hint is not None and "sku" in info.value.hint


def test_unrelated_sentences_are_ignored() -> None:
    model = _model("Prices are shown in euros.", "Users can log in.")
    assert _m2o(model, "Order", "User").on_delete == "restrict"


@pytest.mark.parametrize(
    ("text", "policy"),
    [
        ("cascade delete", "cascade"),
        ("ON DELETE SET NULL", "set null"),
        ("nullify", "set null"),
        ("restrict", "restrict"),
        ("protect", "restrict"),
        ("whatever", None),
        (None, None),
    ],
)
def test_policy_of(text: str | None, policy: str | None) -> None:
    assert policy_of(text) == policy


def test_self_many_to_many_rule_has_distinct_join_columns() -> None:
    person = obj({"id": sch("integer"), "name": sch("string")}, name="Person")
    spec = make_spec(
        crud("/people", person), {"Person": person}, ["Person many-to-many with Person"]
    )
    (rel,) = infer(spec).entity("Person").relations
    assert rel.kind == "many_to_many" and rel.target == "Person"
    assert rel.join_source_column != rel.join_target_column
