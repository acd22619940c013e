"""Phase I: the console application (`generate --phase console`).

An interactive Typer app over in-memory repositories for the same entities as the web
backend: add, list, get, update and delete each, plus the API's body-less actions
(`tasks complete 3`), with the documents' validation rules (required members, lengths,
bounds, enums, unique values, references between entities and their delete policies).
Sign-in and ownership belong to Phase II: accounts are rows like any other (without their
passwords), and the members the server fills from the caller are left out. The same
documents regenerate the project as the web backend.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

from backend_codegen.domain.model import DomainModel, Field
from backend_codegen.domain.samples import sample_value
from backend_codegen.naming import Name
from backend_codegen.targets.base import (
    GeneratedFile,
    TargetOptions,
    format_python,
    jinja_env,
)
from backend_codegen.targets.python_fastapi.names import py_name

PACKAGE = "backend_codegen.targets.python_console"

DEPENDENCIES = ["typer>=0.12,<1", "rich>=13,<15", "pydantic>=2.7,<3"]
TEST_DEPENDENCIES = ["pytest>=8,<10", "ruff>=0.6"]

# the pydantic annotation checking a value typed on the command line (lax mode: "3" is 3)
ANNOTATIONS = {
    "string": "str",
    "text": "str",
    "email": "EmailText",
    "url": "UrlText",
    "enum": "str",
    "integer": "int",
    "bigint": "int",
    "smallint": "int",
    "float": "float",
    "decimal": "Decimal",
    "boolean": "bool",
    "date": "dt.date",
    "datetime": "dt.datetime",
    "time": "dt.time",
    "uuid": "UUID",
    "json": "Json[Any]",
}
# the type Typer parses the option as (the rest arrive as text and are checked by pydantic)
OPTION_TYPES = {"integer": "int", "bigint": "int", "smallint": "int", "float": "float"}


def _kept(model: DomainModel, fld: Field) -> bool:
    """A member the console asks for: written by a user, not an account's."""
    if fld.system or fld.read_only or fld.type == "password" or fld.from_current_user:
        return False
    if fld.foreign_key:
        return model.find(fld.foreign_key) is not None
    return not (fld.type == "json" and fld.members)  # objects with members: Phase II


def _field_view(fld: Field) -> dict[str, Any]:
    annotation = ANNOTATIONS.get(fld.type, "str")
    if fld.type == "enum" and fld.enum_values:
        annotation = "Literal[" + ", ".join(repr(v) for v in fld.enum_values) + "]"
    bounds: list[str] = []
    if fld.type in ("string", "text", "email", "url", "enum") and fld.length:
        bounds.append(f"max_length={fld.length}")
    if fld.min_length:
        bounds.append(f"min_length={fld.min_length}")
    if fld.minimum is not None:
        bounds.append(f"{'gt' if fld.exclusive_minimum else 'ge'}={_num(fld.minimum)}")
    if fld.maximum is not None:
        bounds.append(f"{'lt' if fld.exclusive_maximum else 'le'}={_num(fld.maximum)}")
    if fld.pattern:
        bounds.append(f"pattern={fld.pattern!r}")
    if fld.type == "enum" or fld.type == "boolean":
        bounds = [b for b in bounds if not b.startswith(("max_length", "min_length"))]
    default = ""
    if fld.has_default and fld.default is not None:
        default = repr(_plain(fld.default))
    elif not fld.required:
        default = "None"
    base = annotation
    record = "Any" if fld.type == "json" else annotation
    if default == "None":
        annotation += " | None"
        record += " | None"
    attr = py_name(fld.name)
    sample = sample_value(fld, 0)
    other = sample_value(fld, 1)
    return {
        "attr": attr,
        "option": "--" + fld.name.replace("_", "-"),
        "type": fld.type,
        "annotation": annotation,  # as typed on create
        "base": base,  # without None (an update's members are optional anyway)
        "record": record,  # as stored
        "field_args": ", ".join(([default] if default else []) + bounds),
        "bounds": ", ".join(bounds),
        "default": default,
        "required": fld.required and not default,
        "option_type": OPTION_TYPES.get(fld.type, "bool" if fld.type == "boolean" else "str"),
        "help": (fld.description or fld.name.replace("_", " ")).split("\n")[0][:80]
        + (" (required)" if fld.required and not default else ""),
        "unique": fld.unique,
        "foreign_key": fld.foreign_key,
        "sample": _cli_text(fld, sample),
        "other": _cli_text(fld, other),
        "sample_py": repr(_plain(sample)),
        "length": fld.length if fld.type in ("string", "text") else None,
        "args": _test_args(fld, sample),
    }


def _test_args(fld: Field, sample: Any) -> str:
    """A Python expression of the options giving this member row `n`'s value (tests)."""
    option = "--" + fld.name.replace("_", "-")
    if fld.foreign_key:
        target = Name.parse(fld.foreign_key).snake
        return f'["{option}", str(make_{target}(n)["id"])]' if fld.required else "[]"
    if sample is None:
        return "[]"
    if fld.type == "boolean":
        return f'["{option}" if {bool(sample)!r} else "--no-{option[2:]}"]'
    text = _cli_text(fld, sample)
    if fld.unique:
        if fld.type == "email":
            return f'["{option}", f"user{{n}}@example.com"]'
        if fld.type in ("integer", "bigint", "smallint"):
            return f'["{option}", str({int(fld.minimum or 0)} + n)]'
        if fld.type == "uuid":
            return f'["{option}", str(uuid4())]'
        if fld.type in ("string", "text"):
            keep = max(1, (fld.length or 255) - 6)
            return f'["{option}", {str(text)[:keep]!r} + str(n)]'
    return f'["{option}", {text!r}]'


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(value)


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return value


def _cli_text(fld: Field, value: Any) -> str | bool | None:
    """A value as typed after its option (a boolean is a flag: True / False)."""
    if value is None:
        return None
    if fld.type == "boolean":
        return bool(value)
    if fld.type == "json":
        return json.dumps(value)
    if isinstance(value, dt.datetime):
        return value.isoformat()
    return str(_plain(value))


def _views(model: DomainModel) -> list[dict[str, Any]]:
    names = {e.name for e in model.entities}
    views: list[dict[str, Any]] = []
    for entity in model.entities:
        if entity.name not in names:
            continue
        ident = Name.parse(entity.name)
        fields = [
            _field_view(f)
            for f in entity.fields
            if _kept(model, f) and (not f.foreign_key or f.foreign_key in names)
        ]
        actions: list[dict[str, Any]] = []
        for b in model.bindings:
            if b.entity != entity.name or b.action != "set_field" or b.set_from_body:
                continue
            if not b.set_field or b.path_field:
                continue
            segment = [s for s in b.path.split("/") if s and not s.startswith("{")][-1]
            command = Name.parse(segment).kebab
            if command in {a["command"] for a in actions} or command in (
                "add",
                "list",
                "get",
                "update",
                "delete",
            ):
                continue
            actions.append(
                {
                    "command": command,
                    "function": py_name(Name.parse(segment).snake) + "_" + ident.snake,
                    "field": py_name(b.set_field),
                    "value": repr(_plain(b.set_value)),
                    "summary": (b.summary or f"set {b.set_field} to {b.set_value!r}").split("\n")[
                        0
                    ],
                }
            )
        views.append(
            {
                "name": entity.name,
                "cls": ident.pascal,
                "snake": ident.snake,
                "command": ident.plural.kebab,
                "plural": ident.plural.snake,
                "human": ident.human,
                "id_type": entity.id_type,
                "fields": fields,
                "actions": actions,
                "unique": [f["attr"] for f in fields if f["unique"]],
                "references": [
                    {"attr": f["attr"], "target": Name.parse(f["foreign_key"]).pascal}
                    for f in fields
                    if f["foreign_key"]
                ],
            }
        )
    # who refers to whom, and what a delete does to the referring rows
    by_name = {v["name"]: v for v in views}
    for view in views:
        view["referrers"] = []
    for entity in model.entities:
        if entity.name not in by_name:
            continue
        kept = {f["attr"] for f in by_name[entity.name]["fields"]}
        for rel in entity.relations:
            if rel.kind != "many_to_one" or rel.target not in by_name or not rel.fk_field:
                continue
            if py_name(rel.fk_field) not in kept:
                continue
            by_name[rel.target]["referrers"].append(
                {
                    "cls": Name.parse(entity.name).pascal,
                    "attr": py_name(rel.fk_field),
                    "policy": rel.on_delete,
                }
            )
    return views


def generate(model: DomainModel, options: TargetOptions) -> list[GeneratedFile]:
    env = jinja_env(PACKAGE)
    views = _views(model)
    package = Name.parse(model.project).snake or "console_app"
    header = (
        f"# Generated by backend-codegen from {', '.join(options.sources) or 'the documents'}"
        " (Phase I, console). Regenerate instead of editing."
    )
    ctx = {
        "model": model,
        "views": views,
        "package": package,
        "header": header,
        "dependencies": DEPENDENCIES,
        "test_dependencies": TEST_DEPENDENCIES,
    }
    files: list[GeneratedFile] = []
    for path, template in (
        ("pyproject.toml", "pyproject.toml.jinja"),
        ("README.md", "README.md.jinja"),
        (".gitignore", "gitignore.jinja"),
        ("src/main.py", "main.py.jinja"),
        (f"src/{package}/__init__.py", "package_init.py.jinja"),
        (f"src/{package}/schemas.py", "schemas.py.jinja"),
        (f"src/{package}/repository.py", "repository.py.jinja"),
        (f"src/{package}/cli.py", "cli.py.jinja"),
        ("tests/conftest.py", "conftest.py.jinja"),
        ("tests/test_console.py", "test_console.py.jinja"),
    ):
        files.append(GeneratedFile(path, env.get_template(template).render(**ctx)))
    format_python(files)
    return sorted(files, key=lambda f: f.path)
