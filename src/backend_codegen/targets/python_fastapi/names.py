"""Python identifiers and type maps for the python-fastapi target (its own sanitiser)."""

from __future__ import annotations

import keyword
import re

from backend_codegen.domain.model import Entity, Field, LogicalType

# Attribute names that clash with SQLAlchemy declarative or pydantic BaseModel internals.
_RESERVED_ATTRS = {
    "metadata",
    "registry",
    "schema",
    "json",
    "dict",
    "copy",
    "fields",
    "validate",
    "construct",
    "self",
    "cls",
    "session",
    "settings",
    "current_user",
}
_NOT_IDENT = re.compile(r"[^0-9a-zA-Z_]")


def py_name(name: str) -> str:
    """A safe snake_case attribute: illegal chars -> _, leading digit -> prefix, keywords and
    reserved names -> trailing underscore."""
    text = _NOT_IDENT.sub("_", name) or "field"
    if text[0].isdigit():
        text = f"f_{text}"
    if keyword.iskeyword(text) or text in _RESERVED_ATTRS or text.startswith("model_"):
        text = f"{text}_"
    return text


PY_TYPES: dict[LogicalType, str] = {
    "string": "str",
    "text": "str",
    "email": "str",
    "url": "str",
    "enum": "str",
    "password": "str",
    "integer": "int",
    "bigint": "int",
    "smallint": "int",
    "decimal": "Decimal",
    "float": "float",
    "boolean": "bool",
    "date": "dt.date",
    "datetime": "dt.datetime",
    "time": "dt.time",
    "uuid": "UUID",
    "json": "Any",
}


def sa_type_expr(fld: Field) -> str:
    """SQLAlchemy type as source code; mirrors backend_codegen.sql.metadata.sa_type."""
    t = fld.type
    if t in ("string", "email", "url", "password"):
        return f"String({fld.length or 255})"
    if t == "enum":
        values = ", ".join(repr(v) for v in fld.enum_values)
        length = max((len(v) for v in fld.enum_values), default=20)
        return (
            f"Enum({values}, name={fld.column!r}, native_enum=False, "
            f"create_constraint=True, length={length})"
        )
    if t == "decimal":
        scale = fld.scale if fld.scale is not None else 2
        return f"Numeric({fld.precision or 12}, {scale})"
    return {
        "text": "Text()",
        "integer": "Integer()",
        "bigint": "BigInteger()",
        "smallint": "SmallInteger()",
        "float": "Float()",
        "boolean": "Boolean()",
        "date": "Date()",
        "datetime": "DateTime(timezone=True)",
        "time": "Time()",
        "uuid": "Uuid()",
        "json": "JSON()",
    }[t]


def id_annotation(entity: Entity) -> str:
    """The Python type of an entity's key."""
    return {"uuid": "UUID", "string": "str"}.get(entity.id_type, "int")
