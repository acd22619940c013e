"""ApiSpec: what every reader produces. Plain data, no behaviour, no knowledge of targets.

Both the OpenAPI reader and the Markdown reader fill this same structure, so inference
never needs to know which format a document came from. Schemas are a normalised
JSON-Schema subset (`Schema`), with a few extra slots the Markdown format can express
directly (`logical`, `unique`, `references`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from backend_codegen.errors import Location

HTTP_METHODS = ("get", "post", "put", "patch", "delete")


@dataclass
class Schema:
    """A normalised schema node.

    type: "object" | "array" | "string" | "integer" | "number" | "boolean" | None (any).
    name: the component name when the node came from `#/components/schemas/<name>` or a
          Markdown data dictionary entry / named JSON example; None for inline schemas.
    logical: an explicit logical type from a Markdown document (e.g. "decimal(10,2)", "text",
          "bigint", "datetime", "email"). None when only JSON-Schema type/format are known.
    references: an entity name a field explicitly points at ("→ Category", "FK Doctor").
    unique: the field is declared unique (Markdown `unique`, OpenAPI `x-unique: true`).
    """

    type: str | None = None
    format: str | None = None
    name: str | None = None
    title: str | None = None
    description: str | None = None
    properties: dict[str, Schema] = field(default_factory=dict)
    required: list[str] = field(default_factory=list)
    items: Schema | None = None
    additional_properties: bool | Schema | None = None
    enum: list[Any] | None = None
    default: Any = None
    has_default: bool = False
    nullable: bool = False
    read_only: bool = False
    write_only: bool = False
    xml_wrapped: bool = False  # an array in XML: items inside one element (`xml.wrapped`)
    xml_name: str | None = None  # its XML element's name (`xml.name`)
    min_length: int | None = None
    max_length: int | None = None
    minimum: float | None = None
    maximum: float | None = None
    exclusive_minimum: bool = False
    exclusive_maximum: bool = False
    multiple_of: float | None = None
    pattern: str | None = None
    min_items: int | None = None
    max_items: int | None = None
    example: Any = None
    all_of: list[Schema] = field(default_factory=list)
    one_of: list[Schema] = field(default_factory=list)
    any_of: list[Schema] = field(default_factory=list)
    # oneOf/anyOf: the member naming the branch (`discriminator.propertyName`), and its values
    # with the schema each names (`discriminator.mapping`, else each branch's own name)
    discriminator: str | None = None
    discriminator_mapping: dict[str, str] = field(default_factory=dict)
    logical: str | None = None
    references: str | None = None
    unique: bool = False
    extensions: dict[str, Any] = field(default_factory=dict)  # x-* keys, verbatim
    location: Location | None = None


@dataclass
class Parameter:
    name: str
    location_in: str  # "path" | "query" | "header" | "cookie"
    required: bool = False
    schema: Schema = field(default_factory=Schema)
    description: str | None = None
    location: Location | None = None


@dataclass
class Response:
    status: str  # "200", "201", "204", "4XX", "default"
    description: str | None = None
    schema: Schema | None = None
    content_type: str | None = None


@dataclass
class Operation:
    method: str  # lower case, one of HTTP_METHODS
    path: str  # as written, e.g. "/api/orders/{order_id}" (base path already included)
    operation_id: str | None = None
    summary: str | None = None
    description: str | None = None
    tags: list[str] = field(default_factory=list)
    parameters: list[Parameter] = field(default_factory=list)
    request_body: Schema | None = None
    request_content_type: str | None = None
    request_content_types: list[str] = field(default_factory=list)  # every one declared
    request_required: bool = False
    responses: list[Response] = field(default_factory=list)
    # Security as resolved for this operation: names of schemes that apply. An empty list
    # means public. `auth_optional` is True when anonymous access is also allowed.
    security: list[str] = field(default_factory=list)
    auth_optional: bool = False
    extensions: dict[str, Any] = field(default_factory=dict)
    location: Location | None = None

    @property
    def key(self) -> str:
        return f"{self.method.upper()} {self.path}"

    @property
    def requires_auth(self) -> bool:
        return bool(self.security) and not self.auth_optional


@dataclass
class SecurityScheme:
    name: str
    type: str  # "http" | "apiKey" | "oauth2" | "openIdConnect"
    scheme: str | None = None  # "bearer" for http
    bearer_format: str | None = None
    key_name: str | None = None  # apiKey header/query name
    key_in: str | None = None
    flows: list[str] = field(default_factory=list)  # oauth2 flow names
    location: Location | None = None


@dataclass
class StackChoice:
    """Tech stack as the documents state it. None = not stated (defaults apply later)."""

    language: str | None = None
    framework: str | None = None
    database: str | None = None
    orm: str | None = None
    auth: str | None = None  # e.g. "JWT"
    locations: dict[str, Location] = field(default_factory=dict)  # key -> where it was stated


@dataclass
class Rule:
    """A sentence or bullet from the documents that states a data rule or relationship,
    e.g. "User 1 — N Order (cascade delete)", "deleting a department with doctors is refused",
    "Post many-to-many with Tag", "soft delete: off". Inference interprets these."""

    text: str
    location: Location | None = None


@dataclass
class ApiSpec:
    title: str = "API"
    version: str = "0.1.0"
    description: str | None = None
    source_format: str = "openapi"  # "openapi" | "markdown"
    sources: list[str] = field(default_factory=list)  # input file paths
    base_path: str = ""  # servers[0] path, e.g. "/api"; already part of Operation.path
    operations: list[Operation] = field(default_factory=list)
    schemas: dict[str, Schema] = field(default_factory=dict)  # named schemas / data dictionary
    security_schemes: dict[str, SecurityScheme] = field(default_factory=dict)
    stack: StackChoice = field(default_factory=StackChoice)
    rules: list[Rule] = field(default_factory=list)
    features: list[str] = field(default_factory=list)  # e.g. "mcp-tools" from requirements
    # operation tags and what the documents say about each (OpenAPI `tags`, or the paragraph
    # under a resource heading of the Markdown API list), in the documents' order
    tag_descriptions: dict[str, str] = field(default_factory=dict)
    requirements: list[str] = field(default_factory=list)  # requirement bullets (for docs)
    raw: dict[str, Any] | None = None  # the resolved OpenAPI document, when there was one
    # checks still running elsewhere (validation in a forked helper), each with a test of
    # whether it has answered: `settle()` waits for them and raises what they found (nothing
    # may be written before it is called); `settle_answered()` takes those that need no wait
    pending: list[tuple[Callable[[], None], Callable[[], bool]]] = field(
        default_factory=list, repr=False, compare=False
    )

    def settle(self) -> None:
        while self.pending:
            self.pending.pop(0)[0]()

    def settle_answered(self) -> None:
        """Settle the checks that have answered already (in order): a large document's
        validation error is then reported while rendering, not after it."""
        while self.pending and self.pending[0][1]():
            self.pending.pop(0)[0]()
