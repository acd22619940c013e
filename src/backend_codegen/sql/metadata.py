"""SQLAlchemy `MetaData` built from the DomainModel.

The generated project's models describe the same tables; this copy lets the generator
compile DDL for every dialect and the initial Alembic revision without a database.
CI runs `alembic check` against the generated models to prove the two agree.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from backend_codegen.domain.model import DomainModel, Entity, Field

NAMING_CONVENTION: dict[str, str] = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

ON_DELETE = {"cascade": "CASCADE", "restrict": "RESTRICT", "set null": "SET NULL"}


def sa_type(fld: Field) -> sa.types.TypeEngine[Any]:
    """The SQLAlchemy column type of a field (mirrored by the target's type map)."""
    t = fld.type
    if t in ("string", "email", "url", "password"):
        return sa.String(fld.length or 255)
    if t == "enum":
        return sa.Enum(
            *fld.enum_values,
            name=fld.column,
            native_enum=False,
            create_constraint=True,
            length=max((len(v) for v in fld.enum_values), default=20),
        )
    simple: dict[str, sa.types.TypeEngine[Any]] = {
        "text": sa.Text(),
        "integer": sa.Integer(),
        "bigint": sa.BigInteger(),
        "smallint": sa.SmallInteger(),
        "float": sa.Float(),
        "boolean": sa.Boolean(),
        "date": sa.Date(),
        "datetime": sa.DateTime(timezone=True),
        "time": sa.Time(),
        "uuid": sa.Uuid(),
        "json": sa.JSON(),
    }
    if t == "decimal":
        return sa.Numeric(fld.precision or 12, fld.scale if fld.scale is not None else 2)
    return simple[t]


def _column(
    model: DomainModel, entity: Entity, fld: Field, forward: set[tuple[str, str]]
) -> sa.Column[Any]:
    args: list[Any] = []
    if fld.foreign_key:
        target = model.entity(fld.foreign_key)
        rel = next((r for r in entity.relations if r.fk_field == fld.name), None)
        policy = ON_DELETE[rel.on_delete] if rel else "RESTRICT"
        args.append(
            sa.ForeignKey(
                f"{target.table}.id",
                ondelete=policy,
                use_alter=(entity.name, fld.name) in forward,
            )
        )
    server_default = (
        sa.text("CURRENT_TIMESTAMP") if fld.name in ("created_at", "updated_at") else None
    )
    return sa.Column(
        fld.column,
        big_key() if fld.primary_key and fld.type == "bigint" else sa_type(fld),
        *args,
        primary_key=fld.primary_key,
        nullable=fld.nullable and not fld.primary_key,
        unique=fld.unique or None,
        index=(fld.index and not fld.unique) or None,
        server_default=server_default,
    )


def build_metadata(model: DomainModel) -> sa.MetaData:
    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)
    forward = model.forward_references()
    for entity in model.entities:
        columns = (_column(model, entity, f, forward) for f in entity.fields)
        sa.Table(entity.table, metadata, *columns)
    for entity in model.entities:
        for rel in entity.relations:
            if rel.kind != "many_to_many":
                continue
            assert rel.join_table and rel.join_source_column and rel.join_target_column
            target = model.entity(rel.target)
            sa.Table(
                rel.join_table,
                metadata,
                sa.Column(
                    rel.join_source_column,
                    sa_type_for_id(entity),
                    sa.ForeignKey(f"{entity.table}.id", ondelete="CASCADE"),
                    primary_key=True,
                ),
                sa.Column(
                    rel.join_target_column,
                    sa_type_for_id(target),
                    sa.ForeignKey(f"{target.table}.id", ondelete="CASCADE"),
                    primary_key=True,
                    index=True,
                ),
            )
    return metadata


def sa_type_for_id(entity: Entity) -> sa.types.TypeEngine[Any]:
    if entity.id_type == "uuid":
        return sa.Uuid()
    if entity.id_type == "string":
        return sa.String(entity.id_length)
    return big_key() if entity.id_type == "bigint" else sa.Integer()


def big_key() -> sa.types.TypeEngine[Any]:
    """A 64-bit key: BIGINT on PostgreSQL and MySQL; on SQLite only INTEGER PRIMARY KEY
    autoincrements, and SQLite's INTEGER is 64-bit already."""
    return sa.BigInteger().with_variant(sa.Integer(), "sqlite")
