"""Logical types: from a reader's `Schema` to a `Field`'s type slots."""

from __future__ import annotations

import re
from dataclasses import dataclass

from backend_codegen.domain.model import LogicalType
from backend_codegen.spec.model import Schema

DEFAULT_STRING_LENGTH = 255
EMAIL_LENGTH = 320
URL_LENGTH = 2048
MONEY_WORDS = {
    "price",
    "amount",
    "cost",
    "total",
    "balance",
    "fee",
    "subtotal",
    "tax",
    "salary",
    "budget",
    "revenue",
    "discount",
}

_LOGICAL_RE = re.compile(r"^\s*([a-z_]+)\s*(?:\(\s*(\d+)\s*(?:,\s*(\d+)\s*)?\))?\s*$", re.I)


@dataclass
class TypeInfo:
    type: LogicalType
    length: int | None = None
    precision: int | None = None
    scale: int | None = None
    enum_values: list[str] | None = None
    int_values: list[int] | None = None  # an integer with a closed set of values (`enum`)


def _from_logical(text: str, schema: Schema) -> TypeInfo | None:
    match = _LOGICAL_RE.match(text)
    if not match:
        return None
    word, a, b = match.group(1).lower(), match.group(2), match.group(3)
    length = int(a) if a else schema.max_length
    simple: dict[str, LogicalType] = {
        "text": "text",
        "integer": "integer",
        "int": "integer",
        "bigint": "bigint",
        "smallint": "smallint",
        "float": "float",
        "double": "float",
        "boolean": "boolean",
        "bool": "boolean",
        "date": "date",
        "datetime": "datetime",
        "timestamp": "datetime",
        "time": "time",
        "uuid": "uuid",
        "json": "json",
        "array": "json",
        "object": "json",
    }
    if word in ("string", "varchar", "char"):
        return TypeInfo("string", length=length or DEFAULT_STRING_LENGTH)
    if word in ("decimal", "numeric", "money"):
        return TypeInfo("decimal", precision=int(a) if a else 12, scale=int(b) if b else 2)
    if word == "email":
        return TypeInfo("email", length=EMAIL_LENGTH)
    if word in ("url", "uri"):
        return TypeInfo("url", length=URL_LENGTH)
    if word == "enum":
        values = [str(v) for v in (schema.enum or [])]
        return TypeInfo(
            "enum", length=max((len(v) for v in values), default=20), enum_values=values
        )
    if word in simple:
        return TypeInfo(simple[word])
    return None


def type_of(schema: Schema, field_name: str) -> TypeInfo:
    """The logical type of a scalar property."""
    if schema.logical:
        info = _from_logical(schema.logical, schema)
        if info is not None:
            return info
    if schema.enum:
        values = [str(v) for v in schema.enum if v is not None]
        if schema.type in (None, "string") and values:
            return TypeInfo("enum", length=max(len(v) for v in values), enum_values=values)
    fmt = (schema.format or "").lower()
    if schema.type == "string":
        mapping: dict[str, TypeInfo] = {
            "date": TypeInfo("date"),
            "date-time": TypeInfo("datetime"),
            "datetime": TypeInfo("datetime"),
            "time": TypeInfo("time"),
            "uuid": TypeInfo("uuid"),
            "email": TypeInfo("email", length=EMAIL_LENGTH),
            "idn-email": TypeInfo("email", length=EMAIL_LENGTH),
            "uri": TypeInfo("url", length=URL_LENGTH),
            "url": TypeInfo("url", length=URL_LENGTH),
        }
        if fmt in mapping:
            return mapping[fmt]
        if fmt in ("decimal", "money"):
            return TypeInfo("decimal", precision=12, scale=2)
        if schema.max_length is not None and schema.max_length > 4000:
            return TypeInfo("text")
        if schema.max_length is None and field_name in (
            "body",
            "content",
            "description",
            "bio",
            "notes",
            "text",
            "comment",
            "message",
        ):
            return TypeInfo("text")
        return TypeInfo("string", length=schema.max_length or DEFAULT_STRING_LENGTH)
    if schema.type == "integer":
        kind: LogicalType = "bigint" if fmt == "int64" and field_name != "id" else "integer"
        ints = [v for v in schema.enum or [] if isinstance(v, int) and not isinstance(v, bool)]
        return TypeInfo(kind, int_values=ints or None)
    if schema.type == "number":
        if fmt in ("float", "double"):
            return TypeInfo("float")
        words = set(field_name.lower().split("_"))
        if words & MONEY_WORDS:
            return TypeInfo("decimal", precision=12, scale=2)
        return TypeInfo("float")
    if schema.type == "boolean":
        return TypeInfo("boolean")
    return TypeInfo("json")
