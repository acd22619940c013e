"""Property-based tests of the generator itself (hypothesis).

- Random valid API models (reserved words, unicode, long names, every type, references and
  lists of references) always generate a project that parses, passes ruff, imports and
  creates its tables.
- Random malformed documents (a valid one with a node replaced by junk) always end in a
  project or a clear error with a location (exit 2), never a traceback.
"""

from __future__ import annotations

import copy
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_cli import run

from backend_codegen import api
from backend_codegen.errors import SpecError
from backend_codegen.verify.runner import environment_for

IN_CI = os.environ.get("CI") == "true"
EXAMPLES = int(os.environ.get("BACKEND_CODEGEN_PROPERTY_EXAMPLES", "5" if IN_CI else "6"))

RESERVED = ["order", "group", "select", "from", "class", "table", "index", "user", "type"]
UNICODE = ["título", "größe", "名前", "prénom", "цена"]
TYPES: list[dict[str, Any]] = [
    {"type": "string", "maxLength": 40},
    {"type": "string"},
    {"type": "integer"},
    {"type": "integer", "format": "int64", "minimum": 0},
    {"type": "number"},
    {"type": "number", "format": "double", "maximum": 1000},
    {"type": "boolean"},
    {"type": "string", "format": "date"},
    {"type": "string", "format": "date-time"},
    {"type": "string", "format": "uuid"},
    {"type": "string", "format": "email"},
    {"type": "string", "enum": ["draft", "live", "gone"]},
    {"type": "array", "items": {"type": "string"}},
    {"type": "object", "properties": {"note": {"type": "string"}}},
]

identifier = st.from_regex(r"[a-z][a-z0-9]{1,12}", fullmatch=True)
long_name = st.from_regex(r"[a-z]{40,70}", fullmatch=True)
member_name = st.one_of(identifier, st.sampled_from(RESERVED), st.sampled_from(UNICODE), long_name)
entity_name = st.one_of(
    st.from_regex(r"[A-Z][a-z]{2,10}", fullmatch=True),
    st.sampled_from(["Order", "Group", "Select", "Class", "Index", "Type"]),
)


@st.composite
def api_models(draw: st.DrawFn) -> dict[str, Any]:
    """An OpenAPI document for 1-4 resources with CRUD paths, typed members, references to
    the others (`<other>_id`) and lists of references (`<others>_ids`)."""
    names = draw(st.lists(entity_name, min_size=1, max_size=4, unique_by=str.lower))
    schemas: dict[str, Any] = {}
    paths: dict[str, Any] = {}
    for index, name in enumerate(names):
        members = draw(st.lists(member_name, min_size=1, max_size=6, unique_by=str.lower))
        props: dict[str, Any] = {"id": {"type": "integer", "readOnly": True}}
        for member in members:
            if member.lower() == "id" or member.lower().endswith("_id"):
                continue
            props[member] = draw(st.sampled_from(TYPES))
        others = names[:index]
        if others and draw(st.booleans()):
            target = draw(st.sampled_from(others))
            props[f"{target.lower()}_id"] = {"type": "integer"}
        if others and draw(st.booleans()):
            target = draw(st.sampled_from(others))
            props[f"{target.lower()}_ids"] = {"type": "array", "items": {"type": "integer"}}
        required = [m for m in props if m != "id" and draw(st.booleans())]
        schema: dict[str, Any] = {"type": "object", "properties": props}
        if required:
            schema["required"] = required
        schemas[name] = schema
        ref = {"$ref": f"#/components/schemas/{name}"}
        body = {"required": True, "content": {"application/json": {"schema": ref}}}
        one = {"description": "ok", "content": {"application/json": {"schema": ref}}}
        many = {
            "description": "ok",
            "content": {"application/json": {"schema": {"type": "array", "items": ref}}},
        }
        collection = f"/{name.lower()}s{index}"
        param = [{"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}]
        paths[collection] = {
            "get": {"responses": {"200": many}},
            "post": {"requestBody": body, "responses": {"201": one}},
        }
        paths[collection + "/{id}"] = {
            "parameters": param,
            "get": {"responses": {"200": one, "404": {"description": "missing"}}},
            "put": {"requestBody": body, "responses": {"200": one}},
            "delete": {"responses": {"204": {"description": "gone"}}},
        }
    return {
        "openapi": "3.0.3",
        "info": {"title": "Random", "version": "1"},
        "paths": paths,
        "components": {"schemas": schemas},
    }


@pytest.mark.e2e
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(spec=api_models())
def test_any_valid_model_generates_a_project_that_imports_and_creates_its_tables(
    spec: dict[str, Any], tmp_path_factory: pytest.TempPathFactory
) -> None:
    base = tmp_path_factory.mktemp("random")
    source = base / "openapi.yaml"
    source.write_text(yaml.safe_dump(spec, allow_unicode=True), encoding="utf-8")
    try:
        project = api.generate([source], base / "backend").project_dir
    except SpecError as exc:  # a clear refusal (a location and a hint) is allowed
        assert exc.location is not None or exc.hint, exc.render()
        return
    for file in project.rglob("*.py"):
        compile(file.read_text(encoding="utf-8"), str(file), "exec")
    ruff = shutil.which("ruff") or str(Path(sys.executable).with_name("ruff"))
    lint = subprocess.run(
        [ruff, "check", "--no-cache", "."], cwd=project, capture_output=True, text=True
    )
    assert lint.returncode == 0, lint.stdout
    script = (
        "from sqlalchemy import create_engine, inspect\n"
        "import app.main\n"
        "from app.models import Base\n"
        "engine = create_engine('sqlite://')\n"
        "Base.metadata.create_all(engine)\n"
        "print(len(inspect(engine).get_table_names()))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(project), "DATABASE_URL": "sqlite+aiosqlite://"}
    done = subprocess.run(
        [str(environment_for(project)), "-c", script],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr[-3000:] + json.dumps(spec)[:2000]
    assert int(done.stdout.strip()) >= len(spec["components"]["schemas"])


JUNK = st.one_of(
    st.none(),
    st.integers(),
    st.text(max_size=8),
    st.just([]),
    st.just({}),
    st.just({"$ref": "#/components/schemas/Nope"}),
    st.just({"type": "strng"}),
)


def _nodes(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [path]
    if isinstance(value, dict):
        for key, item in value.items():
            found += _nodes(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _nodes(item, (*path, index))
    return found


@st.composite
def broken_models(draw: st.DrawFn) -> dict[str, Any]:
    spec = copy.deepcopy(draw(api_models()))
    for _ in range(draw(st.integers(1, 3))):
        paths = [p for p in _nodes(spec) if p]
        where = draw(st.sampled_from(paths))
        node = spec
        for key in where[:-1]:
            node = node[key]
        node[where[-1]] = draw(JUNK)
    return spec


@settings(
    max_examples=EXAMPLES * 5,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(spec=broken_models())
def test_a_malformed_document_ends_in_a_clear_error_never_a_traceback(
    spec: dict[str, Any], tmp_path_factory: pytest.TempPathFactory
) -> None:
    base = tmp_path_factory.mktemp("broken")
    source = base / "openapi.yaml"
    source.write_text(yaml.safe_dump(spec, allow_unicode=True), encoding="utf-8")
    result = run("inspect", source)
    assert "Traceback" not in result.output
    assert result.exit_code in (0, 2), result.output
    if result.exit_code == 2:
        assert "error:" in result.stderr
        assert str(source) in result.stderr or "openapi.yaml" in result.stderr, result.stderr
