"""`db/seed.sql`: a few realistic rows per table, in FK order, portable across dialects.

Ids are left to the database (fresh tables number rows 1, 2, 3), so the script needs no
dialect-specific sequence handling; FK values point at those rows. Identifiers that are
reserved words were renamed during inference, so nothing needs quoting.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from decimal import Decimal
from typing import Any

from backend_codegen.domain.model import DomainModel, Entity, Field
from backend_codegen.domain.samples import SEED_PASSWORD, sample_value

ROWS = 3


def literal(value: Any) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float | Decimal):
        return str(value)
    if isinstance(value, dt.datetime):
        return f"'{value.strftime('%Y-%m-%d %H:%M:%S')}'"
    if isinstance(value, dt.date | dt.time):
        return f"'{value.isoformat()}'"
    if isinstance(value, uuid.UUID):
        return f"'{value.hex}'"
    if isinstance(value, dict | list):
        value = json.dumps(value, sort_keys=True)
    text = str(value).replace("'", "''")
    return f"'{text}'"


def _row(
    model: DomainModel, entity: Entity, n: int, forward: set[tuple[str, str]]
) -> tuple[list[str], list[str]]:
    """The columns and values of the n-th seed row; keys closing a cycle of references
    (`forward`) are left out when they may be NULL, and set by `_forward_updates`."""
    columns: list[str] = []
    values: list[str] = []
    for fld in entity.fields:
        if fld.name == "deleted_at" or ((entity.name, fld.name) in forward and fld.nullable):
            continue
        value: Any
        if fld.primary_key:
            if entity.id_type not in ("uuid", "string"):
                continue
            value = _key(entity.id_type, n + 1)
        elif fld.foreign_key:
            if fld.foreign_key == entity.name and n == 0:  # self reference: the root
                continue
            value = _reference(model, entity, fld, n)
        elif fld.name in ("created_at", "updated_at"):
            value = dt.datetime(2026, 1, 1 + n, 12, 0, 0)
        else:
            value = sample_value(fld, n)
            if isinstance(value, str) and fld.type == "uuid":
                value = uuid.UUID(value)
        columns.append(fld.column)
        values.append(literal(value))
    return columns, values


def _reference(model: DomainModel, entity: Entity, fld: Field, n: int) -> Any:
    """The key the n-th row's foreign key `fld` holds: the root for a self reference."""
    assert fld.foreign_key
    ref = 1 if fld.foreign_key == entity.name else (n % ROWS) + 1
    return _key(model.entity(fld.foreign_key).id_type, ref)


def _forward_updates(model: DomainModel, forward: set[tuple[str, str]]) -> list[str]:
    """The nullable keys closing a cycle, set once the rows they reference exist."""
    lines: list[str] = []
    for entity in model.entities:
        keys = [f for f in entity.fields if (entity.name, f.name) in forward and f.nullable]
        pk = next((f for f in entity.fields if f.primary_key), None)
        if not keys or pk is None:
            continue
        lines.append(f"-- {entity.name}: references closing a cycle")
        for n in range(ROWS):
            sets = ", ".join(
                f"{f.column} = {literal(_reference(model, entity, f, n))}" for f in keys
            )
            where = literal(_key(entity.id_type, n + 1))
            lines.append(f"UPDATE {entity.table} SET {sets} WHERE {pk.column} = {where};")
        lines.append("")
    return lines


def _key(id_type: str, n: int) -> Any:
    """The seed key of the n-th row (1-based) for a key of this type."""
    if id_type == "uuid":
        return uuid.UUID(int=n)
    return str(uuid.UUID(int=n)) if id_type == "string" else n


def _is_uuid(model: DomainModel, name: str) -> bool:
    return model.entity(name).id_type == "uuid"


def build_seed(model: DomainModel, header: str) -> str:
    lines = [header.rstrip(), ""]
    account = model.auth.account
    if account:
        lines.append(
            f"-- Accounts in {model.entity(account).table} log in with the password "
            f"'{SEED_PASSWORD}'."
        )
        lines.append("")
    forward = model.forward_references()
    for entity in model.entities:
        lines.append(f"-- {entity.name}")
        for n in range(ROWS):
            columns, values = _row(model, entity, n, forward)
            lines.append(
                f"INSERT INTO {entity.table} ({', '.join(columns)}) VALUES ({', '.join(values)});"
            )
        lines.append("")
    lines.extend(_forward_updates(model, forward))
    for entity in model.entities:
        for rel in entity.relations:
            if rel.kind != "many_to_many":
                continue
            lines.append(f"-- {entity.name} <-> {rel.target}")
            pairs = [(1, 1), (1, 2), (2, 2)] if rel.target != entity.name else [(1, 2), (2, 3)]
            for a, b in pairs:
                left = uuid.UUID(int=a) if _is_uuid(model, entity.name) else a
                right = uuid.UUID(int=b) if _is_uuid(model, rel.target) else b
                lines.append(
                    f"INSERT INTO {rel.join_table} ({rel.join_source_column}, "
                    f"{rel.join_target_column}) VALUES ({literal(left)}, "
                    f"{literal(right)});"
                )
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"


__all__ = ["build_seed", "literal"]
