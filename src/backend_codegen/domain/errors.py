"""Error bodies as the documents declare them.

An API's error schema (`{"code": 404, "message": "..."}`, RFC 7807 problem details,
RealWorld's `{"errors": {"body": ["..."]}}`) becomes a *template*: plain JSON in which
`{"$": "<slot>"}` marks where the generated app puts what it knows about a failure.

Slots: status (int), code (str, e.g. "not_found"), message (str), title (the HTTP reason
phrase), path (the request path), timestamp (ISO 8601), messages (list of str), errors
({field: [message, ...]}), and `{"$each": <template>}` for a list with one entry per problem
(slots `field` and `message` inside).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from backend_codegen.spec.model import ApiSpec, Schema

_MESSAGE = {
    "message",
    "detail",
    "details",
    "error",
    "description",
    "reason",
    "error_description",
    "msg",
    "error_message",
    "errormessage",
}
_STATUS = {"code", "status", "statuscode", "status_code", "httpstatus", "http_status"}
_CODE = {"code", "error_code", "errorcode", "type", "kind", "error"}
_FIELD = {"field", "name", "loc", "location", "property", "param", "parameter", "pointer"}


def sample_for_schema(schema: Schema) -> Any:
    """A fixed value that satisfies a simple schema (for required fields we know nothing of)."""
    for value in (schema.default if schema.has_default else None, schema.example):
        if isinstance(value, str | int | float | bool):
            return value  # plain JSON only: a YAML date or object is not copied into code
    if schema.enum:
        return schema.enum[0]
    return {"string": "error", "integer": 0, "number": 0, "boolean": False, "array": []}.get(
        schema.type or "", {}
    )


def slot(name: str) -> dict[str, str]:
    return {"$": name}


def error_template(schema: Schema, depth: int = 0) -> Any:
    """The template for one error schema (an object, an array or a scalar)."""
    if schema.all_of:
        merged = Schema(type="object")
        for part in schema.all_of:
            merged.properties.update(part.properties)
            merged.required += part.required
        merged.properties.update(schema.properties)
        merged.required += schema.required
        return error_template(merged, depth)
    if schema.one_of or schema.any_of:
        return error_template((schema.one_of or schema.any_of)[0], depth)
    if schema.type == "array" or (schema.type is None and schema.items is not None):
        item = schema.items or Schema(type="string")
        if item.type == "string" or item.type is None:
            return slot("messages")
        return {"$each": _each_template(item)}
    if schema.type == "string":
        return slot("message")
    if schema.type == "integer":
        return slot("status")
    if schema.type not in ("object", None) or depth > 4:
        return sample_for_schema(schema)
    out: dict[str, Any] = {}
    for name, prop in schema.properties.items():
        value = _property(name, prop, schema, depth)
        if value is not _SKIP:
            out[name] = value
    if not schema.properties and isinstance(schema.additional_properties, Schema):
        extra = schema.additional_properties
        if extra.type == "array":
            return slot("errors")
    if not out and not schema.properties:
        return {"detail": slot("message"), "code": slot("code")}
    return out


_SKIP = object()


def _property(name: str, prop: Schema, parent: Schema, depth: int) -> Any:
    key = name.lower().replace("-", "_")
    required = name in parent.required
    if prop.read_only and not required:
        return _SKIP
    if prop.enum:
        return sample_for_schema(prop)
    if prop.type == "integer" and key in _STATUS:
        return slot("status")
    if prop.type == "string":
        if key == "title":
            return slot("title")
        if key == "instance":
            return slot("path")
        if key == "type" and prop.format in ("uri", "uri-reference"):
            return "about:blank"
        if key in ("timestamp", "time", "date") or prop.format == "date-time":
            return slot("timestamp")
        if key in _MESSAGE:
            return slot("message")
        if key in _CODE:
            return slot("code")
        return slot("message") if required else _SKIP
    if prop.type == "array" or prop.items is not None:
        return error_template(prop, depth + 1)
    if prop.type == "object" or prop.properties:
        if (
            not prop.properties
            and isinstance(prop.additional_properties, Schema)
            and (prop.additional_properties.type == "array")
        ):
            return slot("errors")
        return error_template(prop, depth + 1)
    if required:
        return sample_for_schema(prop)
    return _SKIP


def _each_template(item: Schema) -> Any:
    if item.type != "object" and not item.properties:
        return slot("message")
    out: dict[str, Any] = {}
    for name, prop in item.properties.items():
        key = name.lower()
        required = name in item.required
        if prop.type == "string" and key in _FIELD:
            out[name] = slot("field")
        elif prop.type == "string" and (key in _MESSAGE or key in ("title",)):
            out[name] = slot("message")
        elif prop.type == "string" and key in _CODE:
            out[name] = slot("code")
        elif prop.type == "integer" and key in _STATUS:
            out[name] = slot("status")
        elif prop.enum:
            out[name] = sample_for_schema(prop)
        elif required:
            out[name] = slot("message") if prop.type == "string" else sample_for_schema(prop)
    return out


@dataclass
class ErrorShape:
    """How errors with one status look: a body template and its media type."""

    template: Any
    media_type: str = "application/json"
    schema_name: str | None = None


@dataclass
class ErrorContract:
    shapes: dict[str, ErrorShape] = field(default_factory=dict)  # "404", "4XX", "default"

    def describe(self) -> list[str]:
        return [
            f"{status}: {shape.schema_name or 'inline schema'} ({shape.media_type})"
            for status, shape in sorted(self.shapes.items())
        ]


def error_contract(spec: ApiSpec) -> ErrorContract:
    """The error shapes the documents declare, per status (first declaration wins)."""
    contract = ErrorContract()
    for op in spec.operations:
        for response in op.responses:
            status = response.status.upper()
            if not (status == "DEFAULT" or status[0] in "45"):
                continue
            status = "default" if status == "DEFAULT" else status
            schema = response.schema
            if schema is None or status in contract.shapes:
                continue
            media = response.content_type or "application/json"
            if "json" not in media:
                continue
            contract.shapes[status] = ErrorShape(error_template(schema), media, schema.name)
    return contract


# Invalid input is answered with whichever of 400 / 422 an operation declares. Other failures
# keep their own status whether declared or not: a missing row answered as 422, or a conflict
# as 400, would tell the client something false. An error status the contract does not
# declare is a gap in the contract (`verify --conformance` lists each one).
INVALID_INPUT = (400, 422, 406, 413, 415)


def status_for(declared: list[str], status: int) -> int:
    """The status an operation answers for a failure of `status`, given what it declares.
    Mirrored by the generated app.core.errors.status_for."""
    if status not in INVALID_INPUT or not declared:
        return status
    if {str(status), "4XX", "default"} & set(declared):
        return status
    return next((s for s in (400, 422) if str(s) in declared), status)
