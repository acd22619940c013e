"""SQL from the domain model: metadata, DDL per dialect, seed data, Alembic ops (sql/)."""

from __future__ import annotations

import ast
import datetime as dt
import re
import sqlite3
import uuid
from decimal import Decimal

import pytest
import sqlalchemy as sa
from alembic.migration import MigrationContext
from alembic.operations import Operations
from conftest import arr, crud, make_spec, obj, query, sch

from backend_codegen.domain.infer import infer
from backend_codegen.domain.model import DomainModel
from backend_codegen.sql.ddl import compile_ddl
from backend_codegen.sql.metadata import build_metadata
from backend_codegen.sql.migrations import render_ops
from backend_codegen.sql.seed import ROWS, build_seed, literal


def _shop() -> DomainModel:
    category = obj(
        {"id": sch("integer"), "name": sch("string", max_length=50, example="O'Brien")},
        ("name",),
        name="Category",
    )
    product = obj(
        {
            "id": sch("integer"),
            "sku": sch("string", unique=True, max_length=40),
            "price": sch("number", minimum=0, maximum=1000000),
            "active": sch("boolean"),
            "category_id": sch("integer"),
            "tag_ids": arr(sch("integer")),
        },
        ("sku", "category_id"),
        name="Product",
    )
    tag = obj({"id": sch("integer"), "label": sch("string")}, name="Tag")
    ops = [*crud("/categories", category), *crud("/products", product), *crud("/tags", tag)]
    ops[2].parameters = [query("active", "boolean")]
    schemas = {"Category": category, "Product": product, "Tag": tag}
    return infer(make_spec(ops, schemas, ["Category 1-N Product (cascade delete)"]))


def _reserved() -> DomainModel:
    group = obj({"id": sch("integer"), "name": sch("string")}, ("name",), name="Group")
    item = obj(
        {
            "id": sch("integer"),
            "order": sch("integer"),
            "from": sch("string"),
            "group_id": sch("integer"),
            "parent_id": sch("integer"),
        },
        ("order", "group_id"),
        name="Item",
    )
    return infer(
        make_spec([*crud("/groups", group), *crud("/items", item)], {"Group": group, "Item": item})
    )


@pytest.fixture(scope="module")
def shop() -> DomainModel:
    return _shop()


@pytest.fixture(scope="module")
def metadata(shop: DomainModel) -> sa.MetaData:
    return build_metadata(shop)


# --------------------------------------------------------------------------- metadata


def test_tables(metadata: sa.MetaData) -> None:
    assert set(metadata.tables) == {"categories", "products", "tags", "product_tags"}
    products = metadata.tables["products"]
    assert [c.name for c in products.columns] == [
        "id",
        "sku",
        "price",
        "active",
        "category_id",
        "created_at",
        "updated_at",
        "deleted_at",
    ]
    assert products.c.id.primary_key
    assert not products.c.sku.nullable and products.c.active.nullable
    assert products.c.deleted_at.nullable and not products.c.created_at.nullable
    assert isinstance(products.c.price.type, sa.Numeric)
    assert (products.c.price.type.precision, products.c.price.type.scale) == (12, 2)
    assert products.c.sku.type.length == 40  # type: ignore[attr-defined]


def test_foreign_keys_carry_the_delete_policy(metadata: sa.MetaData) -> None:
    (fk,) = metadata.tables["products"].foreign_keys
    assert fk.parent.name == "category_id"
    assert fk.column.table.name == "categories"
    assert fk.ondelete == "CASCADE"


def test_constraint_and_index_names_follow_the_convention(metadata: sa.MetaData) -> None:
    products = metadata.tables["products"]
    names = {c.name for c in products.constraints}
    assert {"pk_products", "uq_products_sku", "fk_products_category_id_categories"} <= names
    indexes = {i.name: [c.name for c in i.columns] for i in products.indexes}
    assert indexes["ix_products_category_id"] == ["category_id"]
    assert indexes["ix_products_deleted_at"] == ["deleted_at"]
    assert indexes["ix_products_active"] == ["active"]  # filtered by GET /products?active=
    assert "ix_products_sku" not in indexes  # unique already gives an index


def test_join_table(metadata: sa.MetaData) -> None:
    join = metadata.tables["product_tags"]
    assert [c.name for c in join.primary_key.columns] == ["product_id", "tag_id"]
    targets = {fk.parent.name: (fk.column.table.name, fk.ondelete) for fk in join.foreign_keys}
    assert targets == {"product_id": ("products", "CASCADE"), "tag_id": ("tags", "CASCADE")}


def test_restrict_is_the_default_policy() -> None:
    metadata = build_metadata(_reserved())
    policies = {fk.parent.name: fk.ondelete for fk in metadata.tables["items"].foreign_keys}
    assert policies == {"group_id": "RESTRICT", "parent_id": "RESTRICT"}


# --------------------------------------------------------------------------- DDL


@pytest.mark.parametrize("dialect", ["postgresql", "mysql", "sqlite"])
def test_compile_ddl(metadata: sa.MetaData, dialect: str) -> None:
    ddl = compile_ddl(metadata, dialect, "-- header line")
    assert ddl.startswith("-- header line\n")
    assert ddl.count("CREATE TABLE") == 4
    assert ddl.index("CREATE TABLE categories") < ddl.index("CREATE TABLE products")
    assert re.search(
        r"FOREIGN KEY ?\(category_id\) REFERENCES categories \(id\) ON DELETE CASCADE", ddl
    )
    assert "CREATE INDEX ix_products_category_id ON products (category_id);" in ddl
    assert "CONSTRAINT uq_products_sku UNIQUE (sku)" in ddl


def test_sqlite_ddl_and_seed_run_with_foreign_keys_enforced(shop: DomainModel) -> None:
    metadata = build_metadata(shop)
    db = sqlite3.connect(":memory:")
    db.execute("PRAGMA foreign_keys = ON")
    db.executescript(compile_ddl(metadata, "sqlite", "-- ddl"))
    db.executescript(build_seed(shop, "-- seed"))
    for table in ("categories", "products", "tags"):
        assert db.execute(f"SELECT count(*) FROM {table}").fetchone() == (ROWS,)
    assert db.execute("SELECT count(*) FROM product_tags").fetchone()[0] > 0
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    assert db.execute("SELECT name FROM categories WHERE id = 1").fetchone() == ("O'Brien",)


def test_reserved_names_run_unquoted_in_sqlite() -> None:
    model = _reserved()
    db = sqlite3.connect(":memory:")
    db.execute("PRAGMA foreign_keys = ON")
    db.executescript(compile_ddl(build_metadata(model), "sqlite", "--"))
    db.executescript(build_seed(model, "--"))
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    item_table = model.entity("Item").table
    columns = {row[1] for row in db.execute(f"PRAGMA table_info({item_table})")}
    assert {"order_", "from_", "group_id"} <= columns


# --------------------------------------------------------------------------- seed


def test_seed_has_one_insert_per_row_in_fk_order(shop: DomainModel) -> None:
    seed = build_seed(shop, "-- generated")
    inserts = [line for line in seed.splitlines() if line.startswith("INSERT INTO")]
    tables = [line.split()[2] for line in inserts]
    assert tables.count("categories") == tables.count("products") == tables.count("tags") == ROWS
    last_category = max(i for i, t in enumerate(tables) if t == "categories")
    first_product = tables.index("products")
    assert last_category < first_product
    assert min(i for i, t in enumerate(tables) if t == "product_tags") > max(
        i for i, t in enumerate(tables) if t in ("products", "tags")
    )
    assert all(line.endswith(");") for line in inserts)
    assert "deleted_at" not in seed
    # integer ids are left to the database
    assert not any(line.startswith("INSERT INTO products (id") for line in inserts)


def test_seed_literals_are_portable(shop: DomainModel) -> None:
    seed = build_seed(shop, "--")
    products = [line for line in seed.splitlines() if line.startswith("INSERT INTO products")]
    assert len(products) == ROWS
    assert all("TRUE" in line or "FALSE" in line for line in products)  # the boolean column
    assert "'O''Brien'" in seed
    assert "True" not in seed and "False" not in seed


@pytest.mark.parametrize(
    ("value", "sql"),
    [
        (None, "NULL"),
        (True, "TRUE"),
        (False, "FALSE"),
        (3, "3"),
        (Decimal("9.50"), "9.50"),
        ("it's", "'it''s'"),
        (dt.datetime(2026, 1, 2, 3, 4, 5), "'2026-01-02 03:04:05'"),
        (dt.date(2026, 1, 2), "'2026-01-02'"),
        (uuid.UUID(int=1), "'00000000000000000000000000000001'"),
        ({"b": 1, "a": "x'y"}, """'{"a": "x''y", "b": 1}'"""),
    ],
)
def test_literal(value: object, sql: str) -> None:
    assert literal(value) == sql


# --------------------------------------------------------------------------- migrations


def test_render_ops_is_valid_python_that_creates_the_tables(metadata: sa.MetaData) -> None:
    upgrade, downgrade = render_ops(metadata)
    assert "op.create_table('products'" in upgrade
    assert "ondelete='CASCADE'" in upgrade
    assert "op.drop_table('products')" in downgrade
    source = f"def upgrade():\n{upgrade}\n\n\ndef downgrade():\n{downgrade}\n"
    ast.parse(source)
    engine = sa.create_engine("sqlite://")
    with engine.begin() as conn:
        namespace = {"op": Operations(MigrationContext.configure(conn)), "sa": sa}
        exec(compile(source, "<migration>", "exec"), namespace)
        namespace["upgrade"]()  # type: ignore[operator]
        inspector = sa.inspect(conn)
        assert set(inspector.get_table_names()) == set(metadata.tables)
        fks = inspector.get_foreign_keys("products")
        assert fks[0]["referred_table"] == "categories"
        namespace["downgrade"]()  # type: ignore[operator]
        assert sa.inspect(conn).get_table_names() == []
    engine.dispose()


def test_the_kept_reserved_words_are_sqlalchemys() -> None:
    """`sql_safe` reads a kept list (no dialect import while inferring); it must be the
    installed SQLAlchemy's. Regenerate it with `python -m backend_codegen.domain.reserved`."""
    from backend_codegen.domain.reserved import from_sqlalchemy, sql_safe
    from backend_codegen.domain.reserved_words import RESERVED_WORDS

    assert from_sqlalchemy() == RESERVED_WORDS
    assert sql_safe("order") == "order_" and sql_safe("Select") == "Select_"
    assert sql_safe("title") == "title"
