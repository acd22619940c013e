"""Small builders for hand-made ApiSpec objects, shared by the inference, rules and SQL tests.

Import them with `from conftest import ...` (pytest puts this directory on sys.path).
"""

from __future__ import annotations

from typing import Any

from backend_codegen.errors import Location
from backend_codegen.spec.model import (
    ApiSpec,
    Operation,
    Parameter,
    Response,
    Rule,
    Schema,
)


def sch(type_: str | None = None, **kw: Any) -> Schema:
    """A scalar (or any) schema node."""
    return Schema(type=type_, **kw)


def obj(
    props: dict[str, Schema], required: tuple[str, ...] = (), name: str | None = None, **kw: Any
) -> Schema:
    return Schema(type="object", properties=props, required=list(required), name=name, **kw)


def arr(items: Schema, **kw: Any) -> Schema:
    return Schema(type="array", items=items, **kw)


def query(name: str, type_: str = "string") -> Parameter:
    return Parameter(name=name, location_in="query", schema=Schema(type=type_))


def op(
    method: str,
    path: str,
    *,
    body: Schema | None = None,
    resp: Schema | None = None,
    status: str | None = None,
    params: tuple[Parameter, ...] = (),
    security: tuple[str, ...] = (),
) -> Operation:
    default = {"post": "201", "delete": "204"}.get(method, "200")
    return Operation(
        method=method,
        path=path,
        request_body=body,
        responses=[Response(status=status or default, schema=resp)],
        parameters=list(params),
        security=list(security),
        location=Location("spec.yaml", pointer=f"/paths/{path}/{method}"),
    )


def crud(path: str, schema: Schema) -> list[Operation]:
    """GET (list) + POST (create) on a collection path."""
    return [op("get", path, resp=arr(schema)), op("post", path, body=schema, resp=schema)]


def make_spec(
    operations: list[Operation],
    schemas: dict[str, Schema] | None = None,
    rules: list[str] | None = None,
    **kw: Any,
) -> ApiSpec:
    return ApiSpec(
        operations=operations,
        schemas=schemas or {},
        rules=[
            Rule(text, Location("requirements.md", 10 + i)) for i, text in enumerate(rules or [])
        ],
        **kw,
    )
