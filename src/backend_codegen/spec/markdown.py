"""Markdown reader: an API list plus an optional requirements document -> `ApiSpec`.

Both documents are parsed with markdown-it-py into a flat list of blocks (headings, text
lines, tables, fenced code). One pass over those blocks keeps a little context -- the current
endpoint section, data-dictionary entity, label ("Request body", "Response 201") and the schema
filled last -- and routes every table, JSON example and line to its place in the spec.

The accepted format is documented for users in templates/api-list-template.md and
templates/requirements-template.md; keep those files in step with this module.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from markdown_it import MarkdownIt
from markdown_it.token import Token

from backend_codegen.errors import Location, SpecError, Warnings
from backend_codegen.naming import Name, singular
from backend_codegen.spec.model import (
    HTTP_METHODS,
    ApiSpec,
    Operation,
    Parameter,
    Response,
    Rule,
    Schema,
    SecurityScheme,
)

__all__ = [
    "apply_constraints",
    "find_markdown_inputs",
    "parse_type",
    "read_markdown",
    "schema_from_example",
]

TEMPLATE_HINT = "see templates/api-list-template.md for the accepted format"
BEARER = "bearerAuth"

# --------------------------------------------------------------------------- blocks


@dataclass(frozen=True)
class _Heading:
    level: int
    text: str
    line: int


@dataclass(frozen=True)
class _Line:
    """One source line of a paragraph or list item."""

    text: str  # plain text, inline markup removed
    raw: str  # the Markdown source of the line
    line: int
    bullet: bool


@dataclass(frozen=True)
class _Row:
    cells: tuple[str, ...]
    line: int


@dataclass(frozen=True)
class _Table:
    header: tuple[str, ...]
    rows: tuple[_Row, ...]
    line: int


@dataclass(frozen=True)
class _Fence:
    info: str
    text: str
    line: int


_Block = _Heading | _Line | _Table | _Fence

_MD = MarkdownIt("commonmark").enable("table")
_BR_RE = re.compile(r"<br\s*/?>", re.I)


def _plain(inline: Token) -> str:
    """The text of an inline token without emphasis, code or link markup."""
    parts: list[str] = []
    for child in inline.children or []:
        if child.type in ("text", "code_inline", "image"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append("\n")
        elif child.type == "html_inline":
            parts.append(" " if _BR_RE.fullmatch(child.content.strip()) else child.content)
    return "".join(parts)


def _line_no(token: Token) -> int:
    return token.map[0] + 1 if token.map else 0


def _continues(previous: str, line: str) -> bool:
    """A wrapped line: it starts in lower case or the previous line ends mid-sentence with ','."""
    return line[:1].islower() or previous.rstrip().endswith(",")


def _text_lines(inline: Token, bullet: bool) -> list[_Line]:
    """A list item as one _Line; a paragraph as one _Line per statement (wrapped lines joined)."""
    plain = [p.strip() for p in _plain(inline).split("\n")]
    raw = [r.strip() for r in inline.content.split("\n")]
    if len(raw) != len(plain):
        raw = plain
    start = _line_no(inline)
    groups: list[tuple[int, list[str], list[str]]] = []
    for k, (text, source) in enumerate(zip(plain, raw, strict=True)):
        if not text:
            continue
        if groups and (bullet or _continues(groups[-1][1][-1], text)):
            groups[-1][1].append(text)
            groups[-1][2].append(source)
        else:
            groups.append((start + k, [text], [source]))
    return [
        _Line(" ".join(texts), " ".join(sources), line, bullet) for line, texts, sources in groups
    ]


def _table(tokens: list[Token], line: int) -> _Table:
    rows: list[_Row] = []
    cells: list[str] = []
    row_line = line
    for tok in tokens:
        if tok.type == "tr_open":
            cells, row_line = [], _line_no(tok) or row_line
        elif tok.type == "inline":
            cells.append(_plain(tok).strip())
        elif tok.type == "tr_close":
            rows.append(_Row(tuple(cells), row_line))
    header = rows[0].cells if rows else ()
    return _Table(header, tuple(rows[1:]), line)


def _blocks(source: str) -> list[_Block]:
    """Flatten a Markdown document into headings, text lines, tables and fences."""
    tokens = _MD.parse(source)
    blocks: list[_Block] = []
    depth = 0
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if tok.type == "heading_open":
            blocks.append(_Heading(int(tok.tag[1]), _plain(tokens[i + 1]).strip(), _line_no(tok)))
            i += 3
            continue
        if tok.type == "table_open":
            end = next(j for j in range(i, len(tokens)) if tokens[j].type == "table_close")
            blocks.append(_table(tokens[i:end], _line_no(tok)))
            i = end + 1
            continue
        if tok.type in ("bullet_list_open", "ordered_list_open"):
            depth += 1
        elif tok.type in ("bullet_list_close", "ordered_list_close"):
            depth -= 1
        elif tok.type == "inline" and tokens[i - 1].type == "paragraph_open":
            blocks.extend(_text_lines(tok, bullet=depth > 0))
        elif tok.type == "fence":
            blocks.append(_Fence(tok.info.strip().lower(), tok.content, _line_no(tok)))
        i += 1
    return blocks


# --------------------------------------------------------------------------- vocabulary

_NORM_DROP_RE = re.compile(r"[*`'\"?:.()\[\]]")
_NUMBERING_RE = re.compile(r"^\s*(?:\d+(?:\.\d+)*\.?|[A-Za-z]\.)\s+")


def _norm(text: str) -> str:
    """Lower-case words only: '**Login-required?**' -> 'login required'."""
    text = _NORM_DROP_RE.sub("", text.lower())
    return " ".join(re.sub(r"[_\-/]", " ", text).split())


def _strip_numbering(text: str) -> str:
    return _NUMBERING_RE.sub("", text).strip(" `*_")


def _find_column(
    header: list[str], synonyms: Iterable[str], skip: Iterable[int] = ()
) -> int | None:
    """Index of the first column named by one of `synonyms` (earlier synonyms win)."""
    taken = set(skip)
    for name in synonyms:
        for index, head in enumerate(header):
            if head == name and index not in taken:
                return index
    return None


def _words(text: str) -> tuple[str, ...]:
    """'a | b c | d' -> ('a', 'b c', 'd'): synonym lists written compactly."""
    return tuple(word.strip() for word in text.split("|"))


_METHOD_HEADERS = _words("method | http method | verb | http verb | http")
_PATH_HEADERS = _words(
    "path | endpoint | url | route | uri | api | url path | api path | resource path"
    " | endpoint path | path url | interface | operation"
)
_SUMMARY_HEADERS = _words(
    "summary | description | desc | notes | note | purpose | action | function | details"
    " | remarks | comment | comments | name | title"
)
_AUTH_HEADERS = _words(
    "auth | protected | login required | security | authentication | auth required"
    " | requires auth | authorization | access | permission | permissions | login | jwt"
    " | token required | secured | private"
)
_NAME_HEADERS = _words(
    "field | name | param | parameter | property | attribute | column | key | field name"
    " | parameter name | param name | property name | attr"
)
_TYPE_HEADERS = _words("type | data type | datatype | field type | value type | kind | format")
_REQUIRED_HEADERS = _words("required | mandatory | req | must | is required")
_DESCRIPTION_HEADERS = _words(
    "description | desc | meaning | details | summary | comment | comments"
)
_NOTES_HEADERS = _words(
    "constraints | constraint | notes | note | rules | rule | validation | validations | remarks"
    " | extra | description | desc | details"
)
_REQUIREMENT_HEADERS = _words(
    "requirement | user story | story | feature | description | title | flow | step"
)
_WHERE_HEADERS = _words("in | location | where | param type | parameter type | source | param in")

_AUTH_PUBLIC = set(
    _words(
        " | no | n | - | — | – | public | false | none | anonymous | open | ✗ | ✘ | ❌ | 🔓 | 0"
        " | n/a | na | not required | guest | off"
    )
)
_AUTH_REQUIRED = set(
    _words(
        "yes | y | true | ✓ | ✔ | ✔️ | ✅ | 🔒 | jwt | bearer | required | auth | authenticated"
        " | login | logged in | token | x | user | users | admin | owner | private | protected"
        " | 1 | member | on | session"
    )
)
_YES = set(
    _words(
        "yes | y | true | ✓ | ✔ | ✔️ | ✅ | x | required | req | mandatory | must | 1"
        " | always | * | r"
    )
)
_NO = set(_words("no | n | false | optional | opt | - | — | – | ✗ | ✘ | ❌ | 0 | o | never"))


def _mark(text: str) -> str:
    return text.strip().lower().strip("`*_ .")


def _yes_no(text: str) -> bool | None:
    """A Required-column mark: True, False or None when blank / not recognised."""
    mark = _mark(text)
    if not mark:
        return None
    first = re.split(r"[\s,;(]+", mark)[0]
    for candidate in (mark, first):
        if candidate in _YES:
            return True
        if candidate in _NO:
            return False
    return None


AuthMark = Literal["required", "optional", "public"]


def _auth_mark(text: str) -> AuthMark | None:
    """An Auth-column mark; None when the mark is not recognised."""
    mark = _mark(text)
    if mark in _AUTH_PUBLIC:
        return "public"
    if "optional" in mark:
        return "optional"
    if mark in _AUTH_REQUIRED or "🔒" in mark:
        return "required"
    first = re.split(r"[\s,;(/]+", mark)[0]
    if first in _AUTH_REQUIRED:
        return "required"
    if first in _AUTH_PUBLIC:
        return "public"
    return None


# --------------------------------------------------------------------------- types

# word -> (JSON-schema type, format, logical type). A logical type of None leaves the choice
# to inference (plain `number` becomes decimal for price-like names, float otherwise).
_BASE_TYPES: dict[str, tuple[str | None, str | None, str | None]] = {
    **dict.fromkeys(
        ("string", "str", "varchar", "char", "nvarchar", "character"), ("string", None, "string")
    ),
    **dict.fromkeys(
        ("text", "longtext", "mediumtext", "tinytext", "clob"), ("string", None, "text")
    ),
    **dict.fromkeys(("int", "integer", "id", "serial"), ("integer", None, "integer")),
    "int32": ("integer", "int32", "integer"),
    **dict.fromkeys(("bigint", "long", "int64", "bigserial"), ("integer", "int64", "bigint")),
    **dict.fromkeys(("smallint", "tinyint", "short", "int16"), ("integer", None, "smallint")),
    **dict.fromkeys(("decimal", "numeric", "money"), ("number", None, "decimal")),
    "number": ("number", None, None),
    **dict.fromkeys(("float", "real"), ("number", "float", "float")),
    "double": ("number", "double", "float"),
    **dict.fromkeys(("bool", "boolean"), ("boolean", None, "boolean")),
    "date": ("string", "date", "date"),
    **dict.fromkeys(("datetime", "timestamp", "timestamptz"), ("string", "date-time", "datetime")),
    "time": ("string", "time", "time"),
    **dict.fromkeys(("uuid", "guid"), ("string", "uuid", "uuid")),
    "email": ("string", "email", "email"),
    **dict.fromkeys(("url", "uri", "link"), ("string", "uri", "url")),
    **dict.fromkeys(("object", "dict", "map"), ("object", None, "object")),
    **dict.fromkeys(("json", "jsonb"), (None, None, "json")),
    **dict.fromkeys(("array", "list"), ("array", None, "array")),
    **dict.fromkeys(("file", "binary", "image", "blob"), ("string", "binary", "string")),
    "password": ("string", "password", "string"),
}
_TYPE_WORDS = sorted({*_BASE_TYPES, "enum"})
_DEFAULT_DECIMAL = (12, 2)
_TYPE_ALIASES = {
    "character varying": "varchar",
    "double precision": "double",
    "timestamp with time zone": "timestamp",
    "timestamp without time zone": "timestamp",
    "date time": "datetime",
    "date-time": "datetime",
    "big int": "bigint",
    "small int": "smallint",
}
_ALIAS_RE = re.compile("|".join(re.escape(a) for a in _TYPE_ALIASES))
_BASE_RE = re.compile(r"^([a-z][\w]*)\s*(?:\(\s*(\d+)\s*(?:,\s*(\d+)\s*)?\))?$")
_ENUM_RE = re.compile(
    r"^enum\s*(?:\((?P<p>.*)\)|\[(?P<b>.*)\]|\{(?P<c>.*)\}|<(?P<a>.*)>|:\s*(?P<colon>.*)|\s+(?P<sp>.+))?$",
    re.I | re.S,
)
_UNION_RE = re.compile(r"^(?:([\"'])[^\"']*\1\s*\|\s*)+([\"'])[^\"']*\2$")
_ARRAY_SUFFIX_RE = re.compile(r"^(.+?)\s*\[\s*\]$")
_ARRAY_GENERIC_RE = re.compile(
    r"^(?:array|list|set)\s*(?:<\s*(.+?)\s*>|\[\s*(.+?)\s*\]|\(\s*(.+?)\s*\)|\s+of\s+(.+))$", re.I
)
_ARRAY_POSTFIX_RE = re.compile(r"^(\w+)\s+(?:array|list)$", re.I)
_ENTITY_RE = re.compile(r"^[A-Z][A-Za-z0-9_]*$")
_NULLABLE_TYPE_RES = (
    re.compile(r"^(.+?)\s*\?$"),
    re.compile(r"^(.+?)\s*\|\s*null$", re.I),
    re.compile(r"^null\s*\|\s*(.+)$", re.I),
    re.compile(r"^(.+?)\s+or\s+null$", re.I),
    re.compile(r"^(?:nullable|optional)\s*(?:\[(.+)\]|<(.+)>|\s+(.+))$", re.I),
)


def _split_values(text: str) -> list[str]:
    parts = re.split(r"\s*(?:,|\||/|\bor\b)\s*", text.strip())
    return [v.strip(" \"'`“”()") for v in parts if v.strip(" \"'`“”()")]


def _enum_schema(values: list[str]) -> Schema:
    return Schema(type="string", enum=values or None, logical="enum")


def _base_schema(word: str, a: str | None, b: str | None) -> Schema | None:
    known = _BASE_TYPES.get(word)
    if known is None:
        return None
    json_type, fmt, logical = known
    schema = Schema(type=json_type, format=fmt, logical=logical)
    if logical == "decimal":
        precision, scale = (int(a), int(b or 0)) if a else _DEFAULT_DECIMAL
        schema.logical = f"decimal({precision},{scale})"
    elif logical == "string" and fmt is None and a:
        schema.max_length = int(a)
        schema.logical = f"string({int(a)})"
    elif logical == "text" and a:
        schema.max_length = int(a)
    return schema


def _item_schema(text: str, field_name: str, location: Location | None) -> Schema:
    """The element type of an array: plural words ('objects', 'Tags') are made singular."""
    text = text.strip().strip("`")
    low = text.lower()
    if low.endswith("s") and low not in _BASE_TYPES and low[:-1] in _BASE_TYPES:
        text = text[:-1]
    item = _parse_type_expr(text, field_name, location)
    if item.name is not None:
        item.name = singular(item.name)
    return item


def _parse_type_expr(text: str, field_name: str, location: Location | None) -> Schema:
    text = text.strip().strip("`").strip()
    if match := _ENUM_RE.match(text):
        values = next((v for v in match.groupdict().values() if v is not None), "")
        return _enum_schema(_split_values(values))
    if _UNION_RE.match(text):
        return _enum_schema(_split_values(text))
    for regex in (_ARRAY_SUFFIX_RE, _ARRAY_GENERIC_RE, _ARRAY_POSTFIX_RE):
        if match := regex.match(text):
            inner = next(g for g in match.groups() if g is not None)
            items = _item_schema(inner, field_name, location)
            return Schema(type="array", items=items, logical="array")
    low = _ALIAS_RE.sub(lambda m: _TYPE_ALIASES[m.group(0)], text.lower())
    if (match := _BASE_RE.match(low)) and (schema := _base_schema(*match.groups())) is not None:
        return schema
    if _ENTITY_RE.match(text):
        return Schema(type="object", name=text, logical="object")
    word_match = re.match(r"[A-Za-z_][\w-]*", text)
    word = word_match.group(0) if word_match else text
    close = difflib.get_close_matches(word.lower(), _TYPE_WORDS, n=1, cutoff=0.6)
    hint = (
        f"did you mean '{close[0]}'?"
        if close
        else "use a type such as string, string(100), text, integer, decimal(10,2), boolean, "
        "date, datetime, enum(a, b), X[] or an entity name (capitalised)"
    )
    raise SpecError(f"unknown type '{word}' for field '{field_name}'", location, hint)


def parse_type(text: str, field_name: str = "?", location: Location | None = None) -> Schema:
    """Parse a type spelling such as `string(100)`, `enum(a, b)` or `array of Tag`.

    Sets the JSON-schema slots (type, format, max_length, enum, items) and `logical`.
    A capitalised unknown word is taken as an entity reference; any other unknown word
    raises SpecError with a did-you-mean hint.
    """
    text = text.strip().strip("`").strip()
    nullable = False
    for regex in _NULLABLE_TYPE_RES:
        if match := regex.match(text):
            text = next(g for g in match.groups() if g is not None)
            nullable = True
            break
    schema = _parse_type_expr(text, field_name, location)
    schema.nullable = schema.nullable or nullable
    return schema


def _try_type(text: str) -> Schema | None:
    try:
        return parse_type(text)
    except SpecError:
        return None


def _is_entity(schema: Schema) -> bool:
    return schema.name is not None or (schema.items is not None and schema.items.name is not None)


def _split_type_cell(text: str, field_name: str, location: Location) -> tuple[Schema, str]:
    """Type cell -> (schema, trailing notes): 'int, FK → Category' -> (integer, 'FK → Category')."""
    text = text.strip()
    if (schema := _try_type(text)) is not None:
        return schema, ""
    for cut in reversed([m.start() for m in re.finditer(r"[\s,;(]", text)]):
        head = text[:cut].strip()
        if head and (schema := _try_type(head)) is not None:
            return schema, text[cut:].strip(" ,;")
    return parse_type(text, field_name, location), ""  # raises with a did-you-mean hint


def _guess_schema(name: str) -> Schema:
    """A schema for a field listed without a type, from its name alone."""
    leaf = name.split(".")[-1].replace("[]", "")
    low = leaf.lower()
    if low == "id" or low.endswith("_id") or leaf.endswith("Id"):
        return Schema(type="integer")
    if low.startswith(("is_", "has_")):
        return Schema(type="boolean")
    if low.endswith("_at"):
        return Schema(type="string", format="date-time")
    if "email" in low:
        return Schema(type="string", format="email")
    return Schema(type="string")


# --------------------------------------------------------------------------- constraints

_NUM = r"-?\d+(?:\.\d+)?"
_NOT_SIZE = r"(?!\d|\.\d|\s*(?i:[kmgt]i?b|bytes?)\b)"  # "max 2 MB" is a file size, not a length
_LIMIT_WORDS = r"(?:[\s_-]*(?:length|len|chars?|characters|items|size|value|count))?"
_PATTERN_RE = re.compile(r"\b(?:pattern|regex|regexp)\s*[:=]?\s*(/[^/]+/|\S+)", re.I)
# "default: x" / "defaults to x" take any value; a bare "default x" takes a literal (number,
# quoted text, true/false/null, now()) or, for enums, one of the enum values.
_DEFAULT_RE = re.compile(
    r"\bdefaults?\b(?:\s+value)?(?:\s*(?:[:=]|\bto\b|\bis\b)\s*"
    r"(?P<any>\"[^\"]*\"|'[^']*'|“[^”]*”|\w+\(\)|[^\s,;)]+)"
    rf"|\s+(?P<lit>\"[^\"]*\"|'[^']*'|“[^”]*”|{_NUM}\b|\w+\(\)|(?:true|false|null)\b)"
    r"|\s+(?P<word>[A-Za-z_][\w.-]*))",
    re.I,
)
_ENUM_NOTE_RE = re.compile(
    r"\b(?:one\s+of\s*:?|(?:allowed\s+)?values\s*[:=]|enum\s*[:=]?|allowed\s*:)\s*(.+?)(?:;|\.\s|\.$|$)",
    re.I,
)
_REF_STOP = set(
    _words(
        "unique | required | optional | not | null | nullable | index | indexed | and | or"
        " | the | a | an | to | on | cascade | id | key | delete"
    )
)
_REF_RES = (
    re.compile(r"\b(?:fk|foreign\s+key)\b\s*(?:to\b|:|=)?\s*(?:→|->)?\s*\(?([A-Za-z_]\w*)", re.I),
    re.compile(r"(?:→|->|⇒|=>)\s*([A-Za-z_]\w*)"),
    re.compile(r"\breferences?\s*:?\s+([A-Za-z_]\w*)", re.I),
    re.compile(r"\bref\s*[:=]\s*([A-Za-z_]\w*)|\bref\s+([A-Z]\w*)", re.I),
    re.compile(r"\bbelongs\s+to\s+(?:an?\s+|the\s+)?([A-Za-z_]\w*)", re.I),
)
_FLAG_RES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"(?<!not )(?<!non-)\bunique\b", re.I), "unique"),
    (
        re.compile(r"\b(?:read[\s-]?only|readonly|output[\s-]only|server[\s-]generated)\b", re.I),
        "read_only",
    ),
    (
        re.compile(r"\b(?:write[\s-]?only|writeonly|input[\s-]only|never\s+returned)\b", re.I),
        "write_only",
    ),
)
_RENAMED_RE = re.compile(r"\b(?:was\s+)?renamed\s+from\s+`?([A-Za-z_]\w*)`?", re.I)
_NOT_NULL_RE = re.compile(r"\b(?:not\s+null(?:able)?|non[\s-]?null(?:able)?)\b", re.I)
_NULLABLE_RE = re.compile(
    r"\bnullable\b|\boptional\b|\bnulls?\s+allowed\b|\bcan\s+be\s+null\b|\bor\s+null\b", re.I
)
_NOT_REQUIRED_RE = re.compile(r"\bnot\s+required\b", re.I)
_REQUIRED_RE = re.compile(r"\brequired\b", re.I)
_OPTIONAL_RE = re.compile(r"\boptional\b", re.I)
_BETWEEN_RE = re.compile(rf"\bbetween\s+({_NUM})\s+and\s+({_NUM})", re.I)
_RANGE_RE = re.compile(
    rf"(?<![\w.\-])({_NUM})\s*(?:\.\.\.?|–|—|-|\bto\b)\s*({_NUM})(?!-\d){_NOT_SIZE}"
)
_MAX_RES = (
    re.compile(
        rf"\b(?:max(?:imum)?|up\s+to|at\s+most|no\s+more\s+than)\.?{_LIMIT_WORDS}"
        rf"\s*[:=]?\s*({_NUM}){_NOT_SIZE}",
        re.I,
    ),
    re.compile(rf"(?:≤|<=)\s*({_NUM})"),
    re.compile(rf"({_NUM})\s*(?:chars?|characters|items)?\s+max\b", re.I),
)
_MIN_RES = (
    re.compile(
        rf"\b(?:min(?:imum)?|at\s+least|no\s+less\s+than)\.?{_LIMIT_WORDS}"
        rf"\s*[:=]?\s*({_NUM}){_NOT_SIZE}",
        re.I,
    ),
    re.compile(rf"(?:≥|>=)\s*({_NUM})"),
    re.compile(rf"(?<![\w.])({_NUM})\+"),
)
_EXCLUSIVE_MAX_RE = re.compile(rf"(?<![<\-=])<(?!=)\s*({_NUM})")
_EXCLUSIVE_MIN_RE = re.compile(rf"(?<![\-=])>(?!=)\s*({_NUM})")
_POSITIVE_RE = re.compile(r"(?<!non-)(?<!non )\bpositive\b", re.I)
_NON_NEGATIVE_RE = re.compile(r"\bnon[\s-]?negative\b", re.I)
_NON_EMPTY_RE = re.compile(
    r"\bnon[\s-]?(?:empty|blank)\b|\b(?:not|never|cannot)\s+(?:be\s+)?(?:empty|blank)\b", re.I
)


def _number(text: str) -> float:
    value = float(text)
    return int(value) if value.is_integer() else value


def _typed_value(text: str, schema: Schema) -> Any:
    """A default/example written as text, converted to the field's type."""
    text = text.strip()
    if len(text) >= 2 and text[0] in "\"'“`" and text[-1] in "\"'”`":
        return text[1:-1]
    low = text.lower()
    if low in ("null", "none"):
        return None
    if schema.type == "boolean" and low in ("true", "yes", "1", "on", "false", "no", "0", "off"):
        return low in ("true", "yes", "1", "on")
    if schema.type in ("integer", "number"):
        try:
            return _number(text)
        except ValueError:
            return text
    if schema.type in ("array", "object") or text[:1] in "[{":
        try:
            return json.loads(text)
        except ValueError:
            return text
    return text


def _set_bounds(
    schema: Schema, low: float | None, high: float | None, *, exclusive: bool = False
) -> None:
    """Apply a lower/upper bound as value, length or item-count limits by the schema type."""
    if schema.type in ("integer", "number"):
        if low is not None:
            schema.minimum, schema.exclusive_minimum = low, exclusive
        if high is not None:
            schema.maximum, schema.exclusive_maximum = high, exclusive
    elif schema.type == "array":
        schema.min_items = int(low) if low is not None else schema.min_items
        schema.max_items = int(high) if high is not None else schema.max_items
    elif schema.type == "string":
        schema.min_length = int(low) if low is not None else schema.min_length
        schema.max_length = int(high) if high is not None else schema.max_length


def _cut(text: str, match: re.Match[str]) -> str:
    return f"{text[: match.start()]} {text[match.end() :]}"


def _take(regex: re.Pattern[str], text: str) -> tuple[re.Match[str] | None, str]:
    """Search `regex` in `text`; return the match and the text with the match removed."""
    match = regex.search(text)
    return (match, _cut(text, match)) if match else (None, text)


def _apply_values(schema: Schema, text: str) -> str:
    """Pattern, default, enum values and references; returns the text left to read."""
    match, text = _take(_PATTERN_RE, text)
    if match:
        schema.pattern = match.group(1).strip("/").rstrip(",;")
    default = _DEFAULT_RE.search(text)
    match, text = _take(_ENUM_NOTE_RE, text)
    if match and schema.enum is None and schema.type in ("string", None):
        values = [v for v in _split_values(match.group(1)) if not v.lower().startswith("default")]
        schema.enum = values or None
        schema.type, schema.logical = "string", "enum"
    if default:
        value = default.group("any") or default.group("lit")
        word = default.group("word")
        if word and schema.enum and word in [str(v) for v in schema.enum]:
            value = word
        if value:
            schema.default, schema.has_default = _typed_value(value, schema), True
            text = text.replace(default.group(0), " ", 1)
    for regex in _REF_RES:
        for found in regex.finditer(text):
            name = next((g for g in found.groups() if g), "")
            if name and name.lower() not in _REF_STOP:
                schema.references = name
                text = _cut(text, found)
                break
        if schema.references:
            break
    return text


def _apply_bounds(schema: Schema, text: str) -> None:
    """Ranges, min/max, exclusive bounds, positive / non-negative / non-empty."""
    for regex in (_BETWEEN_RE, _RANGE_RE):
        match, text = _take(regex, text)
        if match and _number(match.group(1)) <= _number(match.group(2)):
            _set_bounds(schema, _number(match.group(1)), _number(match.group(2)))
    for regexes, is_max in ((_MAX_RES, True), (_MIN_RES, False)):
        for regex in regexes:
            if match := regex.search(text):
                value = _number(match.group(1))
                _set_bounds(schema, None if is_max else value, value if is_max else None)
                break
    if match := _EXCLUSIVE_MAX_RE.search(text):
        _set_bounds(schema, None, _number(match.group(1)), exclusive=True)
    if match := _EXCLUSIVE_MIN_RE.search(text):
        _set_bounds(schema, _number(match.group(1)), None, exclusive=True)
    if _NON_NEGATIVE_RE.search(text):
        _set_bounds(schema, 0, None)
    elif _POSITIVE_RE.search(text):
        if schema.type == "integer":
            _set_bounds(schema, 1, None)
        else:
            _set_bounds(schema, 0, None, exclusive=True)
    if _NON_EMPTY_RE.search(text):
        _set_bounds(schema, 1, None)


def apply_constraints(schema: Schema, text: str) -> bool | None:
    """Apply the constraints written in `text` (a Notes cell or a prose bullet) to `schema`.

    Returns the requiredness the text states: True ('required', 'not null'),
    False ('optional', 'not required') or None when it says nothing.
    """
    if not text.strip():
        return None
    if renamed := _RENAMED_RE.search(text):
        schema.extensions = {**schema.extensions, "x-renamed-from": renamed.group(1)}
        text = text[: renamed.start()] + text[renamed.end() :]
    text = _apply_values(schema, text)
    for regex, attribute in _FLAG_RES:
        if regex.search(text):
            setattr(schema, attribute, True)
    required: bool | None = None
    not_null, text = _take(_NOT_NULL_RE, text)
    if not_null:
        required = True
    if _NULLABLE_RE.search(text):
        schema.nullable = True
    if _NOT_REQUIRED_RE.search(text) or _OPTIONAL_RE.search(text):
        required = False
    elif _REQUIRED_RE.search(text):
        required = True
    _apply_bounds(schema, text)
    return required


# --------------------------------------------------------------------------- JSON examples

_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DATETIME_RE = re.compile(
    r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?$"
)
_TIME_RE = re.compile(r"^\d{2}:\d{2}(?::\d{2})?$")
_EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_UUID_RE = re.compile(r"^[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")
_URL_RE = re.compile(r"^https?://\S+$")
_STRING_FORMATS = (
    (_DATE_RE, "date"),
    (_DATETIME_RE, "date-time"),
    (_TIME_RE, "time"),
    (_EMAIL_RE, "email"),
    (_UUID_RE, "uuid"),
    (_URL_RE, "uri"),
)


def _string_leaves(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [leaf for item in value for leaf in _string_leaves(item)]
    if isinstance(value, dict):
        return [leaf for item in value.values() for leaf in _string_leaves(item)]
    return []


def _is_descriptor(value: Any) -> bool:
    """True for 'type descriptor' examples such as {"title": "string", "price": "number"}."""
    leaves = _string_leaves(value)
    return bool(leaves) and all(
        (s := _try_type(leaf)) is not None and not _is_entity(s) for leaf in leaves
    )


def _merge_items(a: Schema, b: Schema) -> Schema:
    """Merge the schemas of two array elements (objects: union of keys, common keys required)."""
    if a.type is None:
        b.nullable = b.nullable or a.nullable
        return b
    if b.type is None:
        a.nullable = a.nullable or b.nullable
        return a
    if a.type == b.type == "object":
        for key, prop in b.properties.items():
            old = a.properties.get(key)
            a.properties[key] = _merge_items(old, prop) if old is not None else prop
        a.required = [k for k in a.required if k in b.required]
    elif {a.type, b.type} == {"integer", "number"}:
        a.type = "number"
    return a


def _from_value(value: Any, required: bool, descriptor: bool) -> Schema:
    if descriptor and isinstance(value, str):
        return parse_type(value)
    if value is None:  # a null example: most often an optional text value
        return Schema(type="string", nullable=True)
    if isinstance(value, bool):
        return Schema(type="boolean", example=value)
    if isinstance(value, int):
        return Schema(type="integer", example=value)
    if isinstance(value, float):
        return Schema(type="number", example=value)
    if isinstance(value, str):
        fmt = next((f for regex, f in _STRING_FORMATS if regex.match(value)), None)
        return Schema(type="string", format=fmt, example=value)
    if isinstance(value, list):
        items: Schema | None = None
        for element in value:
            schema = _from_value(element, required, descriptor)
            items = schema if items is None else _merge_items(items, schema)
        return Schema(type="array", items=items, example=None if descriptor else value)
    if isinstance(value, dict):
        props = {str(k): _from_value(v, required, descriptor) for k, v in value.items()}
        return Schema(
            type="object",
            properties=props,
            required=list(props) if required else [],
            example=None if descriptor else value,
        )
    return Schema(nullable=True)


def schema_from_example(value: Any, *, required: bool = False) -> Schema:
    """Infer a schema from a JSON example; `required` marks every object key as required.

    Values give types (int -> integer, 1.5 -> number, "2024-05-01" -> date, ...) and are
    kept as `example`. An example whose every string is a type word ("string", "int") is
    read as a type descriptor instead.
    """
    return _from_value(value, required, _is_descriptor(value))


def _load_json(text: str) -> Any:
    """json.loads, tolerating // comments, '...' lines and trailing commas. Raises ValueError."""
    try:
        return json.loads(text)
    except ValueError:
        cleaned = re.sub(r"(?m)^\s*(?://.*|\.\.\.|…)\s*$", "", text)
        cleaned = re.sub(r"(?m)\s+//[^\"\n]*$", "", cleaned)
        cleaned = re.sub(r",\s*([}\]])", r"\1", cleaned)
        return json.loads(cleaned)


# --------------------------------------------------------------------------- schema trees


def _split_name(name: str) -> list[tuple[str, bool]]:
    """'items[].product_id' -> [('items', True), ('product_id', False)]."""
    parts: list[tuple[str, bool]] = []
    for segment in name.split("."):
        bare = re.sub(r"\[\d*\]$", "", segment.strip())
        if bare:
            parts.append((bare, bare != segment.strip()))
    return parts


def _object_of(node: Schema) -> Schema:
    """The object schema that holds child fields of `node` (an array's items, or itself)."""
    if node.type == "array":
        if node.items is None:
            node.items = Schema(type="object")
        node = node.items
    if node.type != "object":
        node.type, node.logical = "object", "object" if node.logical else None
    return node


def _set_required(obj: Schema, name: str, required: bool | None) -> None:
    if required and name not in obj.required:
        obj.required.append(name)
    elif required is False and name in obj.required:
        obj.required.remove(name)


def _adopt(new: Schema, old: Schema) -> Schema:
    """`new` replaces `old` but keeps what only `old` knew (example, nested fields)."""
    if new.example is None:
        new.example = old.example
    if new.type == old.type == "object" and not new.properties:
        new.properties, new.required = old.properties, old.required
    if new.type == old.type == "array" and new.items is None:
        new.items = old.items
    if old.items is not None and new.items is not None and not new.items.properties:
        new.items.properties, new.items.required = old.items.properties, old.items.required
    return new


def _put_field(root: Schema, name: str, schema: Schema, required: bool | None) -> None:
    """Place a field (dotted / `[]` names build nested objects and arrays) under `root`."""
    parts = _split_name(name)
    if not parts:
        return
    parent = root
    for segment, is_array in parts[:-1]:
        node = parent.properties.get(segment)
        if node is None:
            node = (
                Schema(type="array", items=Schema(type="object"))
                if is_array
                else Schema(type="object")
            )
            parent.properties[segment] = node
        parent = _object_of(node)
    leaf, leaf_array = parts[-1]
    if leaf_array and schema.type != "array":
        schema = Schema(type="array", items=schema, logical="array", location=schema.location)
    old = parent.properties.get(leaf)
    parent.properties[leaf] = _adopt(schema, old) if old is not None else schema
    _set_required(parent, leaf, required)


def _find_field(root: Schema, name: str) -> tuple[Schema, str, Schema] | None:
    """(parent object, leaf name, field schema) for a dotted field name, if present."""
    parts = _split_name(name)
    node: Schema | None = root
    parent = root
    for segment, _ in parts:
        if node is None:
            return None
        parent = node.items if node.type == "array" and node.items is not None else node
        node = parent.properties.get(segment)
    if node is None or not parts:
        return None
    return parent, parts[-1][0], node


def _merge_example(target: Schema, example: Schema) -> None:
    """Fold a JSON-example schema into a schema already declared (tables win)."""
    target = _object_of(target) if example.type == "object" else target
    source = example.items if example.type == "array" and target.type == "object" else example
    if source is None:
        return
    for key, prop in source.properties.items():
        if key in target.properties:
            _adopt(target.properties[key], prop)
        else:
            target.properties[key] = prop
            _set_required(target, key, key in source.required or None)
    if target.example is None:
        target.example = source.example


# --------------------------------------------------------------------------- document context

_METHODS = "GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS"
_METHOD_PATH_RE = re.compile(rf"^\s*({_METHODS})\s+(\S+)(.*)$", re.I)
_ENDPOINT_HEADING_RE = re.compile(rf"\b({_METHODS})\s+`?((?:https?://[^/\s]+)?/[^\s`)]*)`?", re.I)
_ENDPOINT_LINE_RE = re.compile(
    rf"^(?i:(?:endpoint|route|url|path|request|api)\s*:\s*)?({_METHODS})\s+`?((?:https?://[^/\s]+)?/[^\s`]*)`?(.*)$"
)
_KEY_VALUE_RE = re.compile(r"^\s*([A-Za-z][^:：=—–]{0,40}?)\s*(?:[:：=]|\s[-—–]\s)\s*(.+)$")
_AUTH_SENTENCE_RE = re.compile(
    r"^(?:🔒|requires?\s+(?:auth|login|a\s+(?:valid\s+)?token)|auth(?:entication)?\s+required|"
    r"login\s+required|protected\b)",
    re.I,
)
_PUBLIC_SENTENCE_RE = re.compile(r"^(?:public\b|no\s+auth|🔓)", re.I)

_STACK_KEYS: dict[str, tuple[str, ...]] = {
    "language": _words(
        "language | backend language | programming language | lang | server language"
        " | backend programming language"
    ),
    "framework": _words(
        "framework | web framework | backend framework | api framework | server framework"
        " | http framework"
    ),
    "database": _words(
        "database | db | data store | datastore | storage | rdbms | database engine | dbms"
        " | primary database"
    ),
    "orm": _words(
        "orm | data access | persistence | database access | data access layer | orm library"
        " | orm framework"
    ),
    "auth": _words(
        "auth | authentication | auth method | authentication method | auth mechanism | security"
    ),
}
_STACK_LOOKUP = {synonym: key for key, names in _STACK_KEYS.items() for synonym in names}
_AUTH_KEYS = set(_STACK_KEYS["auth"]) | {"auth required", "protected", "login required"}

# Section kinds by heading text; a heading may have several (e.g. "Data model & relationships").
_KIND_RES: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "stack",
        re.compile(r"\b(?:tech(?:nology)?\s*stack|stack|technolog(?:y|ies)|tech choices?)\b"),
    ),
    (
        "rules",
        re.compile(r"\b(?:relationships?|relations|associations|rules|constraints|integrity)\b"),
    ),
    (
        "dictionary",
        re.compile(
            r"\b(?:data\s+dictionary|data\s+models?|domain\s+models?|entities|entity\s+"
            r"(?:definitions?|list)|models|schemas|database\s+(?:schema|design|tables)|tables|"
            r"data\s+structures?)\b"
        ),
    ),
    (
        "requirements",
        re.compile(
            r"\b(?:requirements?|features?|user\s+flows?|flows|user\s+stories|stories|"
            r"use\s+cases?|scope)\b"
        ),
    ),
)
_KIND_PRIORITY = ("rules", "requirements", "stack", "dictionary")
_GENERIC_HEADINGS = set(
    _words(
        " | api | apis | api list | endpoint | endpoints | endpoint list | api endpoints | routes"
        " | resources | overview | list | api reference | reference | rest api | fields | model"
        " | schema | entity | table | details"
    )
)
_ENTITY_SUFFIX_RE = re.compile(
    r"\s+(?:fields|model|entity|table|schema|object|attributes|properties|data|api|apis|"
    r"endpoints?|routes|resources?|overview|summary|list|index)$",
    re.I,
)
_RULE_RE = re.compile(
    r"\b1\s*(?:[-—–:]+|\.\.|to)\s*(?:(?:n|m|many|1)\b|\*)|\bn\s*(?:[-—–:]+|to)\s*(?:n|m|many)\b"
    r"|\b(?:one|many)[\s-]to[\s-](?:one|many)\b|(?:→|->)\s*(?-i:[A-Z])|\bfk\s+(?-i:[A-Z])"
    r"|\bcascade|\bsoft[\s-]?delet|\b(?:is|are)\s+refused\b|\bset\s+(?:to\s+)?null\b"
    r"|\bon\s+delete\b|\bdeleting\s+(?:an?|the)\b|\bbelongs\s+to\b|\bhas\s+(?:many|one)\b"
    r"|\bself[\s-]?referenc|\b(?:is|are|must\s+be)\s+unique\b|\(\s*restrict\s*\)"
    r"|\bm\s*[-—–:]+\s*n\b|↔|<->",
    re.I,
)
_MCP_RE = re.compile(
    r"\bAI\b|(?i:\b(?:ai[\s-]powered|agents?|agentic|chat\s?bots?|chat\s+assistant|mcp|llm|"
    r"model\s+context\s+protocol)\b)"
)
_BASE_PATH_KEYS = {"base url", "base path", "base", "prefix", "api prefix", "base uri", "server"}

_LabelKind = Literal["body", "query", "path", "header", "params", "response"]


@dataclass(frozen=True)
class _Label:
    """What the next table / JSON example in an endpoint section describes."""

    kind: _LabelKind
    status: str | None
    text: str


def _label(candidate: str, full: str | None = None) -> _Label | None:
    text = _strip_numbering(candidate).strip(" :*_#.")
    low = text.lower()
    if not low or len(low) > 60:
        return None
    status_match = re.search(r"\b([1-5]\d\d)\b", full or text)
    status = status_match.group(1) if status_match else None
    checks: tuple[tuple[str, _LabelKind], ...] = (
        (r"\bquery\b|\bfilters?\b", "query"),
        (r"\bpath\s+(?:param|variable|segment)|^path$", "path"),
        (r"\bheaders?\b", "header"),
        (r"\berrors?\b|\bfailure\b", "response"),
        (r"\brespon[sc]es?\b|^returns?\b|\boutput\b|\bsuccess\b|\breply\b", "response"),
        (r"\brequest\b|\bbody\b|\bpayload\b|\binput\b|\bform\b|\bfields\b", "body"),
        (r"\bparam(?:eter)?s?\b|\barguments?\b", "params"),
    )
    for pattern, kind in checks:
        if re.search(pattern, low):
            if kind == "response" and status is None and re.search(r"\berrors?\b", low):
                status = "default"
            return _Label(kind, status, text)
    return None


def _label_line(line: _Line) -> _Label | None:
    """A short paragraph used as a label: '**Request body**', 'Response (201):', 'Returns:'."""
    if bold := re.match(r"^(\*\*|__)(.+?)\1", line.raw):
        return _label(bold.group(2).replace("`", ""), line.text)
    if ":" in line.text:
        return _label(line.text.partition(":")[0], line.text)
    return _label(line.text) if len(line.text) <= 40 else None


def _kinds(text: str) -> frozenset[str]:
    low = _norm(_strip_numbering(text))
    return frozenset(kind for kind, regex in _KIND_RES if regex.search(low))


def _tag(text: str) -> str | None:
    """A resource heading as an operation tag ('## 2. Products API' -> 'Products')."""
    cleaned = _strip_numbering(text)
    stripped = _strip_suffixes(re.split(r"\s*(?:\(|—|–| - |:)", cleaned)[0])
    if _norm(cleaned) in _GENERIC_HEADINGS or _norm(stripped) in _GENERIC_HEADINGS:
        return None
    return stripped if not _kinds(cleaned) else None


def _strip_suffixes(text: str) -> str:
    """'Product model fields' -> 'Product'."""
    text = text.strip(" `*")
    while (shorter := _ENTITY_SUFFIX_RE.sub("", text)) != text:
        text = shorter
    return text


def _entity_name(text: str) -> str | None:
    """'### 3. `order_items` (table)' -> 'OrderItem'; 'Entity: Post' -> 'Post'."""
    text = _strip_numbering(text)
    if prefixed := re.match(r"(?:entity|model|table|schema|object)\s*[:\-—–]\s*(.+)", text, re.I):
        text = prefixed.group(1)
    text = _strip_suffixes(re.split(r"\s*(?:\(|—|–| - |:)", text)[0])
    if _norm(text) in _GENERIC_HEADINGS or not re.search(r"[A-Za-z]", text):
        return None
    return Name.entity(text).pascal


def _stack_key(text: str) -> str | None:
    low = re.sub(r"\(.*?\)", "", text.lower())
    low = re.sub(r"[*`_]", "", low).strip(" :")
    for candidate in (low, *re.split(r"\s*(?:/|&|,|\band\b)\s*", low)):
        key = _STACK_LOOKUP.get(" ".join(candidate.replace("-", " ").split()))
        if key:
            return key
    return None


def _normalise_path(text: str) -> tuple[str, list[str]]:
    """'/api/users/:id?sort=&q=' -> ('/api/users/{id}', ['sort', 'q'])."""
    token = text.strip().strip("`").split()[0] if text.strip() else "/"
    token = re.sub(r"^[a-z][a-z0-9+.-]*://[^/]+", "", token, flags=re.I)
    path, _, query = token.partition("?")
    path = re.sub(r"(?<=/):([A-Za-z_]\w*)", r"{\1}", path)
    path = re.sub(r"<(?:\w+:)?([A-Za-z_]\w*)>", r"{\1}", path)
    path = re.sub(r"(?<=/)\w+:([A-Za-z_]\w*)(?=/|$)", r"{\1}", path)  # Flask's int:user_id
    path = re.sub(r"\{\s*([^}\s]+)\s*\}", r"{\1}", path)
    path = "/" + path.strip("/")
    names = [re.split(r"[=\[]", part)[0] for part in query.split("&")]
    return path, [n for n in names if re.fullmatch(r"[A-Za-z_][\w.]*", n)]


def _key_text(method: str, raw_path: str) -> str:
    return f"{method.upper()} {_normalise_path(raw_path)[0]}"


def _path_param_schema(name: str) -> Schema:
    integer = name == "id" or name.endswith(("_id", "Id"))
    return Schema(type="integer" if integer else "string")


# --------------------------------------------------------------------------- the reader


@dataclass
class _Draft:
    """An operation being assembled from table rows and endpoint sections."""

    op: Operation
    declared: dict[str, Location] = field(default_factory=dict)  # "table"/"section" -> where
    auth: AuthMark | None = None
    params: dict[str, Schema] = field(
        default_factory=lambda: {k: Schema(type="object") for k in ("path", "query", "header")}
    )
    body: Schema | None = None
    responses: dict[str, Response] = field(default_factory=dict)

    @property
    def path_names(self) -> list[str]:
        return re.findall(r"\{([^}]+)\}", self.op.path)

    def response(self, status: str, description: str | None) -> Response:
        if status not in self.responses:
            self.responses[status] = Response(status, description, None, "application/json")
        return self.responses[status]


@dataclass
class _Endpoint:
    draft: _Draft
    level: int
    label: _Label | None = None


@dataclass
class _Entity:
    name: str
    level: int


@dataclass(frozen=True)
class _FieldColumns:
    name: int
    type: int | None
    required: int | None
    optional: int | None
    nullable: int | None
    description: int | None
    notes: tuple[int, ...]
    default: int | None
    example: int | None
    where: int | None


def _field_columns(header: tuple[str, ...]) -> _FieldColumns | None:
    heads = [_norm(h) for h in header]
    name = _find_column(heads, _NAME_HEADERS)
    if name is None:
        return None
    kind = _find_column(heads, _TYPE_HEADERS, [name])
    required = _find_column(heads, _REQUIRED_HEADERS, [name])
    optional = _find_column(heads, ("optional",), [name])
    if kind is None and required is None and optional is None:
        return None
    taken = [i for i in (name, kind, required, optional) if i is not None]
    notes = tuple(i for i, h in enumerate(heads) if h in _NOTES_HEADERS and i not in taken)
    return _FieldColumns(
        name=name,
        type=kind,
        required=required,
        optional=optional,
        nullable=_find_column(heads, ("nullable", "null", "allow null", "null allowed"), taken),
        description=_find_column(heads, _DESCRIPTION_HEADERS, taken),
        notes=notes,
        default=_find_column(heads, ("default", "default value"), taken),
        example=_find_column(heads, ("example", "sample", "example value", "eg"), taken),
        where=_find_column(heads, _WHERE_HEADERS, taken),
    )


@dataclass(frozen=True)
class _EndpointColumns:
    method: int | None
    path: int
    summary: int | None
    auth: int | None


def _endpoint_columns(table: _Table) -> _EndpointColumns | None:
    """Columns of an endpoint table, or None when the table lists something else."""
    heads = [_norm(h) for h in table.header]
    method = _find_column(heads, _METHOD_HEADERS)
    path = _find_column(heads, _PATH_HEADERS, [method] if method is not None else [])
    if method is None:  # single-column style: "GET /api/products"
        combined = [
            i
            for i in range(len(heads))
            if sum(1 for r in table.rows if i < len(r.cells) and _METHOD_PATH_RE.match(r.cells[i]))
            * 2
            >= max(len(table.rows), 1)
        ]
        path = combined[0] if combined and table.rows else None
    if path is None or not any(path < len(r.cells) and "/" in r.cells[path] for r in table.rows):
        return None
    taken = [i for i in (method, path) if i is not None]
    auth = _find_column(heads, _AUTH_HEADERS, taken)
    summary = _find_column(heads, _SUMMARY_HEADERS, [*taken, *([auth] if auth is not None else [])])
    return _EndpointColumns(method, path, summary, auth)


@dataclass
class _DocState:
    """Context while walking one document."""

    file: str
    role: Literal["api", "requirements"]
    headings: list[tuple[_Heading, frozenset[str]]] = field(default_factory=list)
    endpoint: _Endpoint | None = None
    entity: _Entity | None = None
    last: Schema | None = None  # object filled last; prose bullets may refine its fields
    title_seen: bool = False
    seen_h2: bool = False

    def loc(self, line: int | None = None) -> Location:
        return Location(self.file, line)

    def kind(self) -> str | None:
        """The section kind of the nearest classified heading (rules, requirements, ...)."""
        for heading, kinds in reversed(self.headings):
            if heading.level >= 2 and kinds:
                return next(k for k in _KIND_PRIORITY if k in kinds)
        return None


class _Reader:
    def __init__(self, warnings: Warnings) -> None:
        self.spec = ApiSpec(source_format="markdown")
        self.warnings = warnings
        self.drafts: dict[tuple[str, str], _Draft] = {}
        self.doc = _DocState("", "api")
        self.entity_headings: dict[str, Location] = {}  # data dictionary entity -> heading
        self._tag_lines: dict[str, int] = {}  # tag -> last line of its description

    # ----- driving

    def read(self, path: Path, role: Literal["api", "requirements"]) -> None:
        self.doc = _DocState(str(path), role)
        handlers: dict[type, Callable[[Any], None]] = {
            _Heading: self._on_heading,
            _Line: self._on_line,
            _Table: self._on_table,
            _Fence: self._on_fence,
        }
        blocks = _blocks(_read_text(path))
        for block in blocks:
            handlers[type(block)](block)
        if role == "requirements":
            text = "\n".join(b.text for b in blocks if isinstance(b, _Heading | _Line))
            if _MCP_RE.search(text) and "mcp-tools" not in self.spec.features:
                self.spec.features.append("mcp-tools")

    # ----- headings

    def _on_heading(self, heading: _Heading) -> None:
        doc = self.doc
        while doc.headings and doc.headings[-1][0].level >= heading.level:
            doc.headings.pop()
        kinds = _kinds(heading.text) if heading.level >= 2 else frozenset()
        in_dictionary = any("dictionary" in k for _, k in doc.headings)
        doc.headings.append((heading, kinds))
        doc.last = None
        if doc.endpoint and heading.level <= doc.endpoint.level:
            doc.endpoint = None
        if doc.entity and heading.level <= doc.entity.level:
            doc.entity = None
        if heading.level == 1:
            if doc.role == "api" and not doc.title_seen:
                self.spec.title, doc.title_seen = heading.text, True
            return
        doc.seen_h2 = True
        if doc.role == "api" and (match := _ENDPOINT_HEADING_RE.search(heading.text)):
            summary = (heading.text[: match.start()] + heading.text[match.end() :]).replace(
                "🔒", ""
            )
            self._open_endpoint(
                match.group(1), match.group(2), summary, heading.line, heading.level
            )
            if "🔒" in heading.text and doc.endpoint:
                doc.endpoint.draft.auth = "required"
            return
        if doc.endpoint:
            doc.endpoint.label = _label(heading.text)
            return
        if not kinds and in_dictionary and (name := _entity_name(heading.text)):
            first = self.entity_headings.get(name)
            if first is not None:
                raise SpecError(
                    f"entity '{name}' is defined twice (first at line {first.line})",
                    doc.loc(heading.line),
                    "merge the two field tables or rename one of the entities",
                )
            self.entity_headings[name] = doc.loc(heading.line)
            doc.entity = _Entity(name, heading.level)

    def _ancestor_tag(self, below_level: int) -> list[str]:
        for heading, _ in reversed(self.doc.headings):
            if 2 <= heading.level < below_level:
                tag = _tag(heading.text)
                return [tag] if tag else []
        return []

    # ----- operations

    def _declare(
        self,
        method: str,
        raw_path: str,
        line: int,
        source: str,
        summary: str | None,
        tags: list[str],
    ) -> _Draft | None:
        """Register an operation (table row, bullet or section); duplicates are errors."""
        method = method.lower()
        loc = self.doc.loc(line)
        if method not in HTTP_METHODS:
            self.warnings.add(f"method {method.upper()} is not supported; row skipped", loc)
            return None
        path, query_names = _normalise_path(raw_path)
        key = (method, path)
        draft = self.drafts.get(key)
        if draft is None:
            op = Operation(
                method=method, path=path, summary=summary or None, tags=tags, location=loc
            )
            draft = self.drafts[key] = _Draft(op)
        elif source in draft.declared:
            first = draft.declared[source]
            raise SpecError(
                f"duplicate operation {method.upper()} {path}: declared at {first} and {loc}",
                loc,
                hint="list each method + path once; merge the two entries",
            )
        else:
            draft.op.summary = draft.op.summary or summary or None
            draft.op.tags = draft.op.tags or tags
        draft.declared[source] = loc
        for name in query_names:
            draft.params["query"].properties.setdefault(name, Schema(type="string", location=loc))
        return draft

    def _open_endpoint(
        self, method: str, raw_path: str, summary: str, line: int, level: int
    ) -> None:
        summary = summary.strip(" -—–:()`*")
        draft = self._declare(method, raw_path, line, "section", summary, self._ancestor_tag(level))
        self.doc.endpoint = _Endpoint(draft, level) if draft else None
        self.doc.last = None

    def _set_auth(self, draft: _Draft, text: str, line: int) -> None:
        mark = _auth_mark(text)
        if mark is None:
            self.warnings.add(
                f"auth mark '{text}' not recognised; treated as required",
                self.doc.loc(line),
                hint="use yes / no / optional",
            )
            mark = "required"
        draft.auth = mark

    def _endpoint_table(self, table: _Table, cols: _EndpointColumns) -> None:
        tags = self._ancestor_tag(99)
        for row in table.rows:
            cell = _cells(row)
            path_cell, method_cell = cell(cols.path), cell(cols.method)
            rest = ""
            if match := _METHOD_PATH_RE.match(path_cell):
                method_cell = method_cell or match.group(1)
                path_cell, rest = match.group(2), match.group(3).strip(" -—–:")
            if not path_cell or not method_cell:
                continue
            summary = cell(cols.summary) or rest
            for method in re.split(r"[\s,/|]+", method_cell.strip("` ")):
                if not method:
                    continue
                draft = self._declare(method, path_cell, row.line, "table", summary, tags)
                if draft is None:
                    continue
                if cols.auth is not None:
                    self._set_auth(draft, cell(cols.auth), row.line)
                elif any("🔒" in c for c in row.cells):
                    draft.auth = "required"

    # ----- fields

    def _row_field(self, row: _Row, cols: _FieldColumns) -> tuple[str, Schema, bool | None, str]:
        """One field-table row -> (name, schema, requiredness, 'in' column value)."""
        cell = _cells(row)
        name = cell(cols.name).strip("` ")
        marker: bool | None = None
        if name.endswith("?"):
            name, marker = name[:-1], False
        elif name.endswith("*"):
            name, marker = name[:-1], True
        name = name.strip("`* ")
        loc = self.doc.loc(row.line)
        type_text = cell(cols.type)
        if type_text and type_text not in ("-", "—", "–"):
            schema, extra = _split_type_cell(type_text, name, loc)
        else:
            schema, extra = _guess_schema(name), ""
        notes = "; ".join(t for t in (extra, *(cell(i) for i in cols.notes)) if t)
        stated = apply_constraints(schema, notes)
        default = cell(cols.default)
        if default and default not in ("-", "—", "–"):
            schema.default, schema.has_default = _typed_value(default, schema), True
        if example := cell(cols.example):
            schema.example = _typed_value(example, schema)
        nullable = _yes_no(cell(cols.nullable)) if cols.nullable is not None else None
        schema.nullable = schema.nullable or bool(nullable)
        schema.description = cell(cols.description) or None
        schema.location = loc
        required = _yes_no(cell(cols.required)) if cols.required is not None else None
        if required is None and cols.optional is not None:
            optional = _yes_no(cell(cols.optional))
            required = None if optional is None else not optional
        for candidate in (stated, marker, None if nullable is None else not nullable):
            required = candidate if required is None else required
        return name, schema, required, _norm(cell(cols.where))

    def _field_table(self, table: _Table, cols: _FieldColumns) -> None:
        doc = self.doc
        rows = [self._row_field(row, cols) for row in table.rows if _cells(row)(cols.name)]
        if doc.endpoint:
            for name, schema, required, where in rows:
                kind = _where_kind(where) or self._table_kind()
                self._put_endpoint_field(doc.endpoint, kind, name, schema, required)
            return
        entity = doc.entity.name if doc.entity else self._fallback_entity()
        if entity is None:
            self.warnings.add(
                "field table outside any endpoint or entity section ignored",
                doc.loc(table.line),
                hint=TEMPLATE_HINT,
            )
            return
        root = self._entity_schema(entity, table.line)
        for name, schema, required, _ in rows:
            _put_field(root, name, schema, required)
        doc.last = root

    def _entity_schema(self, entity: str, line: int) -> Schema:
        if entity not in self.spec.schemas:
            self.spec.schemas[entity] = Schema(
                type="object", name=entity, location=self.doc.loc(line)
            )
        return self.spec.schemas[entity]

    def _fallback_entity(self) -> str | None:
        """Entity named by the nearest usable heading, for a field table outside any section."""
        for heading, kinds in reversed(self.doc.headings):
            if heading.level >= 2 and not kinds and (name := _entity_name(heading.text)):
                return name
        return None

    def _table_kind(self, is_json: bool = False) -> _LabelKind:
        """Where an endpoint section's table / JSON goes, from its label and the method."""
        endpoint = self.doc.endpoint
        assert endpoint is not None
        method = endpoint.draft.op.method
        reads = method in ("get", "delete")
        kind = endpoint.label.kind if endpoint.label else None
        if kind is None:
            if is_json:
                return "body" if not reads and endpoint.draft.body is None else "response"
            return "query" if reads else "body"
        if kind in ("body", "params"):
            return "query" if reads else "body"
        return kind

    def _response_status(self, endpoint: _Endpoint) -> str:
        if endpoint.label and endpoint.label.kind == "response" and endpoint.label.status:
            return endpoint.label.status
        return "201" if endpoint.draft.op.method == "post" else "200"

    def _put_endpoint_field(
        self,
        endpoint: _Endpoint,
        kind: _LabelKind,
        name: str,
        schema: Schema,
        required: bool | None,
    ) -> None:
        draft = endpoint.draft
        if kind in ("query", "header", "params") and name in draft.path_names:
            kind = "path"
        if kind == "header" and name.lower() == "authorization":
            draft.auth = draft.auth or "required"
            return
        if kind in ("path", "query", "header"):
            root = draft.params[kind]
            old = root.properties.get(name)
            root.properties[name] = _adopt(schema, old) if old else schema
            _set_required(root, name, True if kind == "path" else required)
        elif kind == "response":
            response = draft.response(
                self._response_status(endpoint), endpoint.label.text if endpoint.label else None
            )
            response.schema = response.schema or Schema(type="object")
            root = _object_of(response.schema)
            _put_field(root, name, schema, required)
        else:
            draft.body = draft.body or Schema(type="object")
            root = _object_of(draft.body)
            _put_field(root, name, schema, required)
        self.doc.last = root

    # ----- JSON examples

    def _on_fence(self, fence: _Fence) -> None:
        doc = self.doc
        if not (
            fence.info.startswith("json")
            or (not fence.info and fence.text.lstrip()[:1] in ("{", "["))
        ):
            return
        if not doc.endpoint and not doc.entity:
            return
        try:
            value = _load_json(fence.text)
        except ValueError as exc:
            self.warnings.add(
                f"JSON example is not valid JSON ({exc}); ignored", doc.loc(fence.line)
            )
            return
        if doc.endpoint:
            self._endpoint_example(doc.endpoint, value, fence.line)
        elif doc.entity:
            root = self._entity_schema(doc.entity.name, fence.line)
            _merge_example(root, schema_from_example(value))
            doc.last = root

    def _endpoint_example(self, endpoint: _Endpoint, value: Any, line: int) -> None:
        kind = self._table_kind(is_json=True)
        draft = endpoint.draft
        schema = schema_from_example(value, required=kind == "body")
        _locate(schema, self.doc.loc(line))
        if kind in ("path", "query", "header"):
            for name, prop in schema.properties.items():
                self._put_endpoint_field(endpoint, kind, name, prop, None)
            return
        if kind == "response":
            response = draft.response(
                self._response_status(endpoint), endpoint.label.text if endpoint.label else None
            )
            if response.schema is None:
                response.schema = schema
            else:
                _merge_example(response.schema, schema)
            target = response.schema
        elif draft.body is None:
            target = draft.body = schema
        else:
            _merge_example(draft.body, schema)
            target = draft.body
        self.doc.last = target.items if target.type == "array" and target.items else target

    # ----- lines

    def _on_line(self, line: _Line) -> None:
        doc = self.doc
        if doc.role == "api" and self._endpoint_line(line):
            return
        if doc.last is not None and self._constraint_line(line):
            return
        key_value = _KEY_VALUE_RE.match(line.text)
        if doc.endpoint:
            if self._endpoint_note(doc.endpoint, line, key_value):
                return
        elif key_value and self._key_value(key_value.group(1), key_value.group(2), line):
            return
        kind = doc.kind()
        if kind == "requirements" and not line.text.endswith(":"):
            self.spec.requirements.append(line.text)
        if kind == "rules" or _RULE_RE.search(line.text):
            self._rule(line)
        if kind in ("rules", "requirements"):
            return
        if doc.endpoint and not line.bullet:
            doc.endpoint.draft.op.description = doc.endpoint.draft.op.description or line.text
        elif doc.role == "api" and doc.title_seen and not doc.seen_h2 and not line.bullet:
            desc = self.spec.description
            self.spec.description = f"{desc} {line.text}" if desc else line.text
        elif doc.role == "api" and not line.bullet and doc.headings and not kind:
            self._tag_paragraph(line)

    def _tag_paragraph(self, line: _Line) -> None:
        """The first paragraph right under a resource heading ('## Tasks') describes its tag."""
        heading, kinds = self.doc.headings[-1]
        tag = _tag(heading.text) if heading.level >= 2 and not kinds else None
        if tag is None:
            return
        descriptions = self.spec.tag_descriptions
        last = self._tag_lines.get(tag)
        if tag not in descriptions:
            descriptions[tag] = line.text
        elif last is not None and line.line == last + 1:  # the same paragraph goes on
            descriptions[tag] = f"{descriptions[tag]} {line.text}"
        else:
            return
        self._tag_lines[tag] = line.line

    def _endpoint_line(self, line: _Line) -> bool:
        """'POST /api/orders — Create order' as a paragraph (opens a section) or bullet."""
        match = _ENDPOINT_LINE_RE.match(line.text)
        if not match:
            return False
        doc = self.doc
        if line.bullet:
            if doc.endpoint:
                return False
            draft = self._declare(
                match.group(1),
                match.group(2),
                line.line,
                "table",
                match.group(3).replace("🔒", "").strip(" -—–:()"),
                self._ancestor_tag(99),
            )
            if draft and "🔒" in line.text:
                draft.auth = "required"
            return True
        if doc.endpoint and doc.endpoint.draft.op.key == _key_text(match.group(1), match.group(2)):
            return True  # the section's own endpoint repeated as a paragraph
        level = doc.headings[-1][0].level if doc.headings else 1
        summary = match.group(3)
        if not summary.strip(" -—–:()") and doc.headings and level >= 3:
            summary = doc.headings[-1][0].text
        self._open_endpoint(match.group(1), match.group(2), summary, line.line, level)
        return True

    def _endpoint_note(
        self, endpoint: _Endpoint, line: _Line, key_value: re.Match[str] | None
    ) -> bool:
        """Auth statements and labels inside an endpoint section."""
        if key_value and _norm(key_value.group(1)) in _AUTH_KEYS:
            self._set_auth(endpoint.draft, key_value.group(2), line.line)
            return True
        if _AUTH_SENTENCE_RE.match(line.text):
            endpoint.draft.auth = "required"
            return True
        if _PUBLIC_SENTENCE_RE.match(line.text):
            endpoint.draft.auth = "public"
            return True
        if not line.bullet and (label := _label_line(line)) is not None:
            endpoint.label = label
            if label.kind == "response" and label.status and label.status != "default":
                endpoint.draft.response(label.status, label.text)  # e.g. "Response: 204"
            return True
        return False

    def _constraint_line(self, line: _Line) -> bool:
        """'- `title`: max 200, required' refines a field of the schema filled last."""
        assert self.doc.last is not None
        if code := re.match(r"^`([^`]+)`", line.raw):
            name = code.group(1).strip()
            rest = line.text.strip()[len(name) :] if line.text.startswith(name) else line.text
        elif plain := re.match(r"^([A-Za-z_][\w.\[\]]*)\s*(?:[:—–]|\s-\s)\s*(.*)$", line.text):
            name, rest = plain.group(1), plain.group(2)
        else:
            return False
        found = _find_field(self.doc.last, name)
        if found is None:
            return False
        parent, leaf, schema = found
        rest = rest.strip(" :—–-")
        first = re.split(r"[,;]", rest, maxsplit=1)[0].strip()
        if first and (typed := _try_type(first)) is not None and not _is_entity(typed):
            for slot in ("type", "format", "logical", "max_length", "enum", "items"):
                setattr(schema, slot, getattr(typed, slot))
        _set_required(parent, leaf, apply_constraints(schema, rest))
        return True

    def _key_value(self, key: str, value: str, line: _Line) -> bool:
        """Stack choices ('Database: MySQL'), base path and version lines."""
        value = value.strip().rstrip(".").strip()
        loc = self.doc.loc(line.line)
        if stack_key := _stack_key(key):
            stack = self.spec.stack
            previous = stack.locations.get(stack_key)
            if previous is None or previous.file != loc.file:
                setattr(stack, stack_key, value)
                stack.locations[stack_key] = loc
            return True
        norm_key = _norm(key)
        if self.doc.role == "api" and norm_key in _BASE_PATH_KEYS:
            base = _normalise_path(value)[0]
            self.spec.base_path = "" if base == "/" else base
            return True
        if self.doc.role == "api" and norm_key in ("version", "api version"):
            self.spec.version = value
            return True
        return False

    def _rule(self, line: _Line) -> None:
        text = line.text.strip().lstrip("•·-* ").strip()
        if text:
            self.spec.rules.append(Rule(text, self.doc.loc(line.line)))

    # ----- tables

    def _on_table(self, table: _Table) -> None:
        doc = self.doc
        if doc.role == "api" and (endpoint_cols := _endpoint_columns(table)) is not None:
            self._endpoint_table(table, endpoint_cols)
        elif (field_cols := _field_columns(table.header)) is not None:
            self._field_table(table, field_cols)
        elif doc.kind() == "rules":
            for row in table.rows:
                if text := _relationship_text(table.header, row):
                    self.spec.rules.append(Rule(text, doc.loc(row.line)))
        elif not self._stack_table(table) and doc.kind() == "requirements":
            heads = [_norm(h) for h in table.header]
            column = _find_column(heads, _REQUIREMENT_HEADERS)
            for row in table.rows:
                if column is not None and (text := _cells(row)(column)):
                    self.spec.requirements.append(text)

    def _stack_table(self, table: _Table) -> bool:
        """'| Layer | Choice |' rows (or a header of stack keys over one row of values)."""
        keyed = [_stack_key(h) for h in table.header]
        if len(table.rows) == 1 and sum(1 for k in keyed if k) >= 2:
            row = table.rows[0]
            for head, value in zip(table.header, row.cells, strict=False):
                if _stack_key(head) and value:
                    self._key_value(head, value, _Line(value, value, row.line, False))
            return True
        found = False
        for row in (_Row(table.header, table.line), *table.rows):
            if len(row.cells) >= 2 and _stack_key(row.cells[0]):
                value = next((c for c in row.cells[1:] if c.strip()), "")
                if value:
                    self._key_value(row.cells[0], value, _Line(value, value, row.line, False))
                    found = True
        return found

    # ----- result

    def finish(self) -> ApiSpec:
        spec = self.spec
        base = spec.base_path
        for draft in self.drafts.values():
            op = draft.op
            if base and not (op.path == base or op.path.startswith(base + "/")):
                op.path = base + op.path if op.path != "/" else base
            _finish_params(draft)
            if draft.body is not None and op.method in ("post", "put", "patch"):
                op.request_body = draft.body
                op.request_required = True
                holder = draft.body.items if draft.body.items is not None else draft.body
                binary = any(p.format == "binary" for p in holder.properties.values())
                op.request_content_type = "multipart/form-data" if binary else "application/json"
            elif draft.body is not None:
                op.request_body, op.request_content_type = draft.body, "application/json"
            op.responses = list(draft.responses.values())
            if draft.auth in ("required", "optional"):
                op.security = [BEARER]
                op.auth_optional = draft.auth == "optional"
            spec.operations.append(op)
        if any(op.security for op in spec.operations):
            spec.security_schemes[BEARER] = SecurityScheme(
                name=BEARER, type="http", scheme="bearer", bearer_format="JWT"
            )
        return spec


def _cells(row: _Row) -> Callable[[int | None], str]:
    def cell(index: int | None) -> str:
        if index is None or index >= len(row.cells):
            return ""
        return row.cells[index].strip()

    return cell


def _where_kind(where: str) -> _LabelKind | None:
    table: dict[str, _LabelKind] = {
        "path": "path",
        "query": "query",
        "body": "body",
        "form": "body",
        "header": "header",
        "headers": "header",
    }
    return table.get(where.split(" ")[0]) if where else None


def _locate(schema: Schema, location: Location) -> None:
    schema.location = schema.location or location
    for prop in schema.properties.values():
        _locate(prop, location)
    if schema.items is not None:
        _locate(schema.items, location)


def _finish_params(draft: _Draft) -> None:
    params: list[Parameter] = []
    path_names = draft.path_names
    for name in path_names:
        schema = draft.params["path"].properties.get(name) or _path_param_schema(name)
        params.append(Parameter(name, "path", True, schema, schema.description, schema.location))
    for where in ("query", "header"):
        root = draft.params[where]
        for name, schema in root.properties.items():
            if name in path_names:
                continue
            params.append(
                Parameter(
                    name, where, name in root.required, schema, schema.description, schema.location
                )
            )
    draft.op.parameters = params


def _relationship_text(header: tuple[str, ...], row: _Row) -> str:
    """A relationships-table row as one rule sentence: 'User 1 — N Order (cascade delete)'."""
    heads = [_norm(h) for h in header]
    cell = _cells(row)
    source = _find_column(heads, ("from", "entity", "parent", "source", "a", "owner"))
    target = _find_column(heads, ("to", "related", "child", "target", "b", "related entity"))
    kind = _find_column(heads, ("type", "cardinality", "relationship", "relation", "kind"))
    if source is not None and target is not None:
        taken = [source, target, *([kind] if kind is not None else [])]
        extra = [cell(i) for i in range(len(row.cells)) if i not in taken and cell(i)]
        text = " ".join(t for t in (cell(source), cell(kind), cell(target)) if t)
        return f"{text} ({'; '.join(extra)})" if extra else text
    values = [c.strip() for c in row.cells if c.strip()]
    if not values:
        return ""
    return f"{values[0]} ({'; '.join(values[1:])})" if len(values) > 1 else values[0]


def _read_text(path: Path) -> str:
    if not path.is_file():
        raise SpecError(
            f"file not found: {path}" if not path.exists() else f"not a file: {path}",
            Location(str(path)),
            hint="check the path; pass the API list (and optionally the requirements document)",
        )
    return path.read_text(encoding="utf-8-sig")


# --------------------------------------------------------------------------- public API


def read_markdown(
    api_list: Path, requirements: Path | None, warnings: Warnings | None = None
) -> ApiSpec:
    """Read a Markdown API list (and optional requirements document) into an ApiSpec."""
    reader = _Reader(warnings if warnings is not None else Warnings())
    reader.read(api_list, "api")
    if requirements is not None:
        reader.read(requirements, "requirements")
    spec = reader.finish()
    spec.sources = [str(api_list), *([str(requirements)] if requirements is not None else [])]
    if not spec.operations:
        raise SpecError(
            f"no API operations found in {api_list}",
            Location(str(api_list)),
            hint="list endpoints in a '| Method | Path | Description | Auth |' table under a "
            f"'## <Resource>' heading or as '### POST /api/orders' sections; {TEMPLATE_HINT}",
        )
    return spec


def read_requirements(path: Path, warnings: Warnings | None = None) -> ApiSpec:
    """Read a requirements document alone: its rules, requirements, features and stack
    (to go with an OpenAPI contract, which holds the operations)."""
    reader = _Reader(warnings if warnings is not None else Warnings())
    reader.read(path, "requirements")
    spec = reader.finish()
    spec.sources = [str(path)]
    return spec


_API_NAME_RE = re.compile(r"api|endpoint|route", re.I)
_REQ_NAME_RE = re.compile(r"requirement|prd|spec|stack", re.I)
_PASS_BOTH = "pass both files explicitly: the API list first, then the requirements document"


def _has_endpoints(path: Path) -> bool:
    for block in _blocks(_read_text(path)):
        if isinstance(block, _Table) and _endpoint_columns(block) is not None:
            return True
        if isinstance(block, _Heading) and _ENDPOINT_HEADING_RE.search(block.text):
            return True
    return False


def _names(paths: list[Path]) -> str:
    return ", ".join(p.name for p in paths)


def find_markdown_inputs(directory: Path) -> tuple[Path, Path | None]:
    """Pick the API list and the requirements document among a directory's Markdown files."""
    if not directory.is_dir():
        raise SpecError(f"not a directory: {directory}", Location(str(directory)), hint=_PASS_BOTH)
    docs = sorted(
        p for p in directory.iterdir() if p.is_file() and p.suffix.lower() in (".md", ".markdown")
    )
    if not docs:
        raise SpecError(
            f"no Markdown files in {directory}", Location(str(directory)), hint=TEMPLATE_HINT
        )
    api_named = [p for p in docs if _API_NAME_RE.search(p.stem)]
    api_only = [p for p in api_named if not _REQ_NAME_RE.search(p.stem)] or api_named
    if len(api_only) > 1:
        raise SpecError(
            f"cannot tell which file is the API list: {_names(api_only)}",
            Location(str(directory)),
            hint=_PASS_BOTH,
        )
    req_named = [p for p in docs if _REQ_NAME_RE.search(p.stem) and p not in api_only]
    if api_only:
        api = api_only[0]
    else:
        with_endpoints = [p for p in docs if p not in req_named and _has_endpoints(p)]
        if len(with_endpoints) != 1:
            found = _names(with_endpoints) if with_endpoints else "none has an endpoint table"
            raise SpecError(
                f"cannot tell which file is the API list among {_names(docs)} ({found})",
                Location(str(directory)),
                hint=_PASS_BOTH,
            )
        api = with_endpoints[0]
    if len(req_named) > 1:
        raise SpecError(
            f"cannot tell which file is the requirements document: {_names(req_named)}",
            Location(str(directory)),
            hint=_PASS_BOTH,
        )
    return api, req_named[0] if req_named else None
