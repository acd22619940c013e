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

from backend_codegen.domain.model import DomainModel, Entity
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


def _row(model: DomainModel, entity: Entity, n: int) -> tuple[list[str], list[str]]:
    columns: list[str] = []
    values: list[str] = []
    for fld in entity.fields:
        if fld.name == "deleted_at":
            continue
        value: Any
        if fld.primary_key:
            if entity.id_type not in ("uuid", "string"):
                continue
            value = _key(entity.id_type, n + 1)
        elif fld.foreign_key:
            target = model.entity(fld.foreign_key)
            if fld.foreign_key == entity.name:  # self reference: first row is the root
                if n == 0:
                    continue
                ref = 1
            else:
                ref = (n % ROWS) + 1
            value = _key(target.id_type, ref)
        elif fld.name in ("created_at", "updated_at"):
            value = dt.datetime(2026, 1, 1 + n, 12, 0, 0)
        else:
            value = sample_value(fld, n)
            if isinstance(value, str) and fld.type == "uuid":
                value = uuid.UUID(value)
        columns.append(fld.column)
        values.append(literal(value))
    return columns, values


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
    for entity in model.entities:
        lines.append(f"-- {entity.name}")
        for n in range(ROWS):
            columns, values = _row(model, entity, n)
            lines.append(
                f"INSERT INTO {entity.table} ({', '.join(columns)}) VALUES ({', '.join(values)});"
            )
        lines.append("")
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
