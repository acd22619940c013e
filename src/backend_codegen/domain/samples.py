"""Realistic sample values for a field: used for seed data, docs and generated tests.

Deterministic (no randomness): row `n` always gets the same value, and unique fields get
distinct values per row.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import replace
from decimal import Decimal
from typing import Any

from backend_codegen.domain.model import Field

_FIRST = ["Alice", "Bob", "Carol", "Dave", "Erin", "Frank", "Grace", "Heidi"]
_WORDS = ["Aurora", "Beacon", "Cedar", "Delta", "Ember", "Falcon", "Garnet", "Harbor"]

# A fixed argon2id hash of "changeme123" (pwdlib's recommended parameters).
SEED_PASSWORD = "changeme123"
SEED_PASSWORD_HASH = (
    "$argon2id$v=19$m=65536,t=3,p=4$9ZX1CsHZgPbZatBSTXHIWQ$"
    "a5e4TZK2mHL9c5asGgtvKlBwL5mCPVorW8TErkw9QG0"
)


def _fit(text: str, fld: Field) -> str:
    if fld.length is not None and len(text) > fld.length:
        text = text[: fld.length]
    if fld.min_length is not None and len(text) < fld.min_length:
        text = text + ("0" if text.isdigit() else "x") * (fld.min_length - len(text))
    return text


def _number(fld: Field, n: int, base: float) -> float:
    value = base + n
    if fld.minimum is not None and value < fld.minimum:
        value = fld.minimum + n
    if fld.maximum is not None and value > fld.maximum:
        value = fld.maximum - (n % max(1, int(fld.maximum - (fld.minimum or 0)) or 1))
        if fld.minimum is not None and value < fld.minimum:
            value = fld.minimum
    return value


def sample_value(fld: Field, n: int = 0) -> Any:
    """A valid value for `fld` (row index `n`, 0-based)."""
    name = fld.name
    if n == 0 and not fld.unique and _usable_example(fld) and not _holds_copy(fld):
        return fld.example
    if fld.type == "enum":
        return fld.enum_values[n % len(fld.enum_values)] if fld.enum_values else None
    if fld.int_enum:
        return fld.int_enum[n % len(fld.int_enum)]
    if fld.type == "email":
        return f"{_FIRST[n % len(_FIRST)].lower()}{n}@example.com"
    if fld.type == "url":
        return f"https://example.com/{name}/{n + 1}"
    if fld.type == "uuid":
        return str(uuid.UUID(int=n + 1))
    if fld.type == "boolean":
        return n % 2 == 1
    if fld.type in ("integer", "bigint", "smallint"):
        base = 1.0 if any(w in name for w in ("quantity", "count", "qty")) else 10.0
        return int(_number(fld, n, base))
    if fld.type == "decimal":
        scale = fld.scale if fld.scale is not None else 2
        value = _number(fld, n, 19.99 if scale else 20)
        return Decimal(str(round(value, scale)))
    if fld.type == "float":
        return round(_number(fld, n, 4.5), 2)
    if fld.type == "date":
        return dt.date(2026, 1, 1 + n % 28)
    if fld.type == "datetime":
        return dt.datetime(2026, 1, 1 + n % 28, 9, 30, 0, tzinfo=dt.UTC)
    if fld.type == "time":
        return dt.time(9 + n % 8, 30)
    if fld.type == "json" and fld.items is not None:
        item = Field(
            name=fld.name, api_name=fld.api_name, type=fld.items, enum_values=fld.item_enum
        )
        if fld.item_field is not None:  # within the item schema's own bounds
            item = replace(fld.item_field, name=fld.name, enum_values=fld.item_enum)
        values: list[Any] = []
        for k in range(max(1, fld.min_items or 0)):  # as many as the array needs, distinct
            one: Any = sample_value(item, n + k)
            if isinstance(one, dt.date | dt.time):  # datetime is a date
                one = one.isoformat()
            values.append(float(one) if isinstance(one, Decimal) else one)
        return values
    if fld.type == "json" and fld.members:  # an object with declared members: each one
        sample: dict[str, Any] = {}
        for member in fld.members:
            if _holds_copy(member, top=True) and not member.required:
                continue  # a copy of a row must name one that exists: left out
            each: Any = sample_value(member, n)
            if isinstance(each, dt.date | dt.time):
                each = each.isoformat()
            sample[member.api_name] = float(each) if isinstance(each, Decimal) else each
        return sample
    if fld.type == "json" and fld.json_kind == "array":
        return []
    if fld.type == "json" and fld.extra_members is not None:
        return {}  # other members are typed (or none are allowed)
    if fld.type == "json":
        return {"note": f"sample {n + 1}"}
    if fld.type == "password":
        return SEED_PASSWORD_HASH
    return _string(fld, n)


def _holds_copy(fld: Field, *, top: bool = False) -> bool:
    """`fld` is (`top`: itself), or holds, a copy of a row inside JSON: an object whose
    contract requires the row's read-only id in responses (see Field.row_key)."""
    if any(m.row_key for m in fld.members):
        return True
    if top:
        return False
    inner = [*fld.members, *([fld.json_item] if fld.json_item else [])]
    return any(_holds_copy(m) for m in inner)


def _usable_example(fld: Field) -> bool:
    """The documents' own example, when it is a valid value of the field's Python type."""
    value = fld.example
    if value is None or isinstance(value, dict | list):
        return False
    if fld.type == "enum":
        return value in fld.enum_values
    if fld.type in ("string", "text", "email", "url"):
        return (
            isinstance(value, str)
            and (fld.length is None or len(value) <= fld.length)
            and (fld.min_length is None or len(value) >= fld.min_length)
            and _matches(fld, value)
        )
    if fld.type in ("integer", "bigint", "smallint"):
        ok = isinstance(value, int) and not isinstance(value, bool)
        if fld.int_enum:
            return ok and value in fld.int_enum
    elif fld.type in ("float", "decimal"):
        ok = isinstance(value, int | float) and not isinstance(value, bool)
    elif fld.type == "boolean":
        return isinstance(value, bool)
    else:
        return False
    return (
        ok
        and (fld.minimum is None or value >= fld.minimum)
        and (fld.maximum is None or value <= fld.maximum)
    )


def _string(fld: Field, n: int) -> str:
    name = fld.name
    word = _WORDS[n % len(_WORDS)]
    if name in ("username", "login", "handle", "nickname"):
        text = f"{_FIRST[n % len(_FIRST)].lower()}{n}"
    elif name.endswith("name") and ("first" in name or name in ("name", "full_name")):
        text = f"{_FIRST[n % len(_FIRST)]} {word}" if name != "first_name" else _FIRST[n % 8]
    elif name in ("phone", "phone_number", "mobile"):
        text = f"+1555000{n:04d}"
    elif name in ("slug",):
        text = f"{word.lower()}-{n + 1}"
    elif name in ("sku", "code"):
        text = f"{word[:3].upper()}-{1000 + n}"
    elif fld.type == "text":
        text = f"{word} {fld.name.replace('_', ' ')} number {n + 1}, written for the seed data."
    else:
        text = f"{word} {fld.name.replace('_', ' ')} {n + 1}"
    if fld.unique and str(n + 1) not in text:
        text = f"{text}-{n + 1}"
    text = _fit(text, fld)
    if fld.pattern and not _matches(fld, text):
        for candidate in (
            f"{5550100 + n}",
            word.lower(),
            word,
            f"{word.lower()}{n + 1}",
            f"{word[0]}{n + 1}",
        ):
            if _matches(fld, _fit(candidate, fld)):
                return _fit(candidate, fld)
        made = _from_pattern(fld, n)
        if made is not None:
            return made
    return text


def _from_pattern(fld: Field, n: int) -> str | None:
    """A text the field's pattern matches, made from the pattern itself (rstr, seeded by
    `n`: the same text on every run), within the field's length; None when Python cannot
    read the pattern (`\\p{L}`) or no try fits."""
    import random

    import rstr

    assert fld.pattern is not None
    for attempt in range(8):
        try:
            text = rstr.Rstr(random.Random(n * 8 + attempt)).xeger(fld.pattern)
        except Exception:  # a pattern Python's parser cannot read: left to the app
            return None
        if _fit(text, fld) == text and _matches(fld, text):
            return text
    return None


def compile_pattern(pattern: str) -> Any:
    """The compiled pattern, or None when it cannot be read. Uses the `regex` module, which
    knows Unicode classes such as \\p{L} as pydantic-core's Rust regex does (`re` does
    not)."""
    import regex

    try:
        return regex.compile(pattern)
    except regex.error:
        return None


def _matches(fld: Field, text: str) -> bool:
    """Whether `text` matches the field's pattern (true when there is none, or when the
    pattern cannot be read in Python and the check is left to the generated app)."""
    if not fld.pattern:
        return True
    compiled = compile_pattern(fld.pattern)
    return compiled is None or compiled.search(text) is not None
