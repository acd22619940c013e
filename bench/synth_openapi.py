"""Synthetic OpenAPI 3.0 documents of a chosen size, for the scaling benchmark.

`operations` operations over ceil(operations / 5) resources. Each resource is a plain CRUD
collection (list, create, read, patch, delete) with three fields of rotating types and, for
every second resource, a required `<earlier>_id` foreign key (every sixth one has a second,
optional one). Names are real words (`amber-invoices` -> AmberInvoice) so that inference
treats them like a hand-written API.

    python bench/synth_openapi.py 100 -o /tmp/synth-100.yaml
"""

from __future__ import annotations

import argparse
import math
from pathlib import Path
from typing import Any

import yaml

OPERATIONS_PER_RESOURCE = 5
# fmt: off
NOUNS = (
    "widget", "gadget", "order", "invoice", "ticket", "report", "device", "sensor", "vendor",
    "contract", "shipment", "account", "project", "campaign", "lesson", "recipe", "garden",
    "vehicle", "booking", "parcel",
)
ADJECTIVES = (
    "red", "blue", "green", "amber", "silver", "golden", "north", "south", "east", "west", "inner",
    "outer", "upper", "lower", "early", "late", "quick", "calm", "bright", "dark",
)
QUALIFIERS = (
    "alpha", "beta", "gamma", "delta", "omega", "prime", "metro", "rural", "urban", "coastal",
    "solar", "lunar", "polar", "tropical", "alpine", "desert", "island", "forest", "river",
    "valley",
)
# fmt: on
FIELD_KINDS: tuple[tuple[str, dict[str, Any]], ...] = (
    ("title", {"type": "string", "maxLength": 120}),
    ("quantity", {"type": "integer", "minimum": 0}),
    ("price", {"type": "number", "format": "double"}),
    ("active", {"type": "boolean"}),
    ("starts_on", {"type": "string", "format": "date"}),
    ("reviewed_at", {"type": "string", "format": "date-time"}),
    ("status", {"type": "string", "enum": ["draft", "open", "closed"]}),
    ("contact_email", {"type": "string", "format": "email"}),
)
FIELDS_PER_RESOURCE = 3
ID_SCHEMA: dict[str, Any] = {"type": "integer", "format": "int64"}


def resource_words(index: int) -> list[str]:
    """A unique word list per index: noun, adjective, then qualifiers as needed."""
    words = [NOUNS[index % len(NOUNS)]]
    rest = index // len(NOUNS)
    words.insert(0, ADJECTIVES[rest % len(ADJECTIVES)])
    rest //= len(ADJECTIVES)
    while rest:
        rest -= 1
        words.insert(0, QUALIFIERS[rest % len(QUALIFIERS)])
        rest //= len(QUALIFIERS)
    return words


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _foreign_keys(index: int) -> list[tuple[int, bool]]:
    """(earlier resource index, required) pairs for resource `index`."""
    keys: list[tuple[int, bool]] = []
    if index > 0 and index % 2 == 0:
        keys.append((index // 2, True))
    if index > 2 and index % 6 == 0:
        keys.append((index - 1, False))
    return keys


def synthesize(operations: int) -> dict[str, Any]:
    """An OpenAPI 3.0.3 document with exactly `operations` operations."""
    if operations < 1:
        raise ValueError("operations must be >= 1")
    resources = math.ceil(operations / OPERATIONS_PER_RESOURCE)
    words = [resource_words(i) for i in range(resources)]
    paths: dict[str, Any] = {}
    schemas: dict[str, Any] = {}
    remaining = operations
    for index, parts in enumerate(words):
        entity = "".join(w.capitalize() for w in parts)
        collection = "/" + "-".join(parts) + "s"
        properties = {
            name: dict(schema)
            for name, schema in (
                FIELD_KINDS[(index + k * 3) % len(FIELD_KINDS)] for k in range(FIELDS_PER_RESOURCE)
            )
        }
        required = [next(iter(properties))]
        for parent, is_required in _foreign_keys(index):
            fk = "_".join(words[parent]) + "_id"
            properties[fk] = dict(ID_SCHEMA)
            if is_required:
                required.append(fk)
        schemas[f"{entity}Input"] = {
            "type": "object",
            "properties": properties,
            "required": required,
        }
        schemas[f"{entity}Patch"] = {"type": "object", "properties": properties}
        schemas[entity] = {
            "allOf": [
                _ref(f"{entity}Input"),
                {
                    "type": "object",
                    "required": ["id"],
                    "properties": {"id": {**ID_SCHEMA, "readOnly": True}},
                },
            ]
        }
        tags = ["-".join(parts)]
        item_ops: list[tuple[str, str, dict[str, Any]]] = [
            (
                collection,
                "get",
                {
                    "operationId": f"list{entity}s",
                    "responses": {"200": _json({"type": "array", "items": _ref(entity)}, "ok")},
                },
            ),
            (
                collection,
                "post",
                {
                    "operationId": f"create{entity}",
                    "requestBody": {
                        "required": True,
                        "content": {"application/json": {"schema": _ref(f"{entity}Input")}},
                    },
                    "responses": {"201": _json(_ref(entity), "created")},
                },
            ),
            (
                collection + "/{id}",
                "get",
                {
                    "operationId": f"get{entity}",
                    "responses": {
                        "200": _json(_ref(entity), "ok"),
                        "404": {"description": "not found"},
                    },
                },
            ),
            (
                collection + "/{id}",
                "patch",
                {
                    "operationId": f"update{entity}",
                    "requestBody": {
                        "required": True,
                        "content": {"application/json": {"schema": _ref(f"{entity}Patch")}},
                    },
                    "responses": {
                        "200": _json(_ref(entity), "ok"),
                        "404": {"description": "not found"},
                    },
                },
            ),
            (
                collection + "/{id}",
                "delete",
                {
                    "operationId": f"delete{entity}",
                    "responses": {
                        "204": {"description": "deleted"},
                        "404": {"description": "not found"},
                    },
                },
            ),
        ]
        for path, method, operation in item_ops[:remaining]:
            item = paths.setdefault(path, {})
            if path.endswith("/{id}") and "parameters" not in item:
                item["parameters"] = [
                    {"name": "id", "in": "path", "required": True, "schema": dict(ID_SCHEMA)}
                ]
            item[method] = {"tags": tags, **operation}
        remaining -= min(remaining, len(item_ops))
    return {
        "openapi": "3.0.3",
        "info": {"title": f"Synthetic API ({operations} operations)", "version": "1.0.0"},
        "paths": paths,
        "components": {"schemas": schemas},
    }


def write_spec(operations: int, directory: Path) -> Path:
    """Write the document as `synth-<operations>.yaml` under `directory`."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"synth-{operations}.yaml"
    path.write_text(yaml.safe_dump(synthesize(operations), sort_keys=False), encoding="utf-8")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("operations", type=int)
    parser.add_argument("-o", "--output", type=Path, required=True, help="YAML file to write")
    args = parser.parse_args()
    doc = synthesize(args.operations)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    print(args.output)


if __name__ == "__main__":
    main()
