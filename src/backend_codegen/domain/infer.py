"""Inference: ApiSpec -> DomainModel.

The rules, in order:
1. Every operation's path is read for its resource shape (collection, item, parent, action).
2. Each collection is named after the schema its operations carry, else after the path word.
3. Entity fields are the union of the data dictionary, request bodies and responses.
4. `<x>_id` -> many-to-one, `<x>_ids` -> many-to-many, arrays of objects -> owned children,
   `parent_id` -> self reference, nested paths -> FK from the path.
5. The documents' rules set FK policies, extra relations, uniqueness and soft delete.
6. Each operation gets a binding (entity + action) and the filters its query declares.
Every decision appends a reason that `inspect` prints.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import Literal

from backend_codegen.domain.errors import error_contract
from backend_codegen.domain.model import (
    Action,
    AuthConfig,
    AuthMode,
    Binding,
    DomainModel,
    Entity,
    Field,
    Filter,
    FilterOp,
    HeaderParam,
    LogicalType,
    OnDelete,
    PageParam,
    QueryParam,
    Relation,
    Variant,
)
from backend_codegen.domain.ownership import infer_ownership
from backend_codegen.domain.paths import (
    LOGIN_WORDS,
    ME_WORDS,
    REGISTER_WORDS,
    SEARCH_WORDS,
    PathShape,
    shape_of,
)
from backend_codegen.domain.relations import add_many_to_many
from backend_codegen.domain.reserved import sql_safe
from backend_codegen.domain.rules import apply_rules
from backend_codegen.domain.social import apply_social
from backend_codegen.domain.types import TypeInfo, type_of
from backend_codegen.errors import Location, SpecError, Warnings
from backend_codegen.naming import Name, singular, split_words
from backend_codegen.spec.model import ApiSpec, Operation, Schema

ACCOUNT_WORDS = ("user", "account", "member", "customer", "patient")
OWNER_FIELDS = {"user_id", "owner_id", "author_id", "created_by", "created_by_id", "creator_id"}
# words naming a person's role in a row: where no entity has that name, `assignee_id` is a
# reference to the account (not filled from the caller, as an owner's is)
PERSON_ROLES = {
    "assignee",
    "reviewer",
    "reporter",
    "approver",
    "requester",
    "editor",
    "moderator",
    "manager",
    "sender",
    "recipient",
    "updated_by",
    "modified_by",
}
PAGE_PARAMS = {"page", "page_number", "pagenumber"}
LIMIT_PARAMS = {"limit", "size", "page_size", "pagesize", "per_page", "perpage", "top"}
OFFSET_PARAMS = {"offset", "skip", "start"}
# a keyset cursor in a query (`?cursor=`, `?starting_after=`) and its envelope member
CURSOR_PARAMS = {"cursor", "after", "starting_after", "page_token", "pagetoken", "next_token"}
CURSOR_MEMBERS = {
    "nextcursor",
    "cursor",
    "next",
    "nextpagetoken",
    "nexttoken",
    "endcursor",
    "after",
}
SORT_PARAMS = {"sort", "order", "order_by", "orderby", "sort_by", "sortby", "direction"}
SEARCH_PARAMS = {"q", "search", "query", "keyword", "keywords", "term", "text"}
TIMESTAMP_ALIASES = {
    "created_at": "created_at",
    "createdat": "created_at",
    "created": "created_at",
    "updated_at": "updated_at",
    "updatedat": "updated_at",
    "modified_at": "updated_at",
    "deleted_at": "deleted_at",
    "deletedat": "deleted_at",
}
TOKEN_MEMBERS = {"token", "access_token", "accesstoken", "jwt"}
TOKEN_META = {"token_type", "tokentype", "expires_in", "expiresin", "refresh_token", "scope"}
KEY_FIELDS = {"slug", "username", "handle", "code", "key", "sku", "email", "login", "uuid", "name"}
GENERIC_CHILD_WORDS = {"items", "lines", "line_items", "entries", "details", "rows", "parts"}


@dataclass
class InferOptions:
    soft_delete: bool | None = None  # None: the documents decide (default on)
    project: str | None = None


@dataclass
class _Prop:
    api_name: str
    schema: Schema
    in_create: bool = False
    in_new: bool = False  # in the body of an operation that makes a row (not one that changes it)
    required_on_create: bool = False
    in_response: bool = False
    required_in_response: bool = False  # a response schema lists it as required
    from_dictionary: bool = False
    sources: list[str] = field(default_factory=list)


@dataclass
class _Op:
    op: Operation
    shape: PathShape
    action: Action = "custom"
    entity: str | None = None
    body: Schema | None = None  # request entity schema (unwrapped)
    response: Schema | None = None  # response entity schema (unwrapped)
    response_is_list: bool = False
    response_props: list[str] = field(default_factory=list)  # members of the response entity
    body_key: str | None = None  # the request body wraps the entity in this member
    response_key: str | None = None  # the response wraps the entity (or list) in this member
    count_key: str | None = None  # the list envelope's count member
    list_meta: dict[str, str] = field(default_factory=dict)  # its other page members, by role
    view: str | None = None  # the response is this view of the entity
    relation: str | None = None  # link / unlink: the relation changed
    feed: tuple[str, str] | None = None  # list: (owner fk, account relation) of a feed
    union: Schema | None = None  # create_union: the body's oneOf/anyOf schema
    reasons: list[str] = field(default_factory=list)


def _success(op: Operation) -> tuple[int | None, Schema | None]:
    codes = sorted(r.status for r in op.responses if r.status.isdigit() and r.status[0] == "2")
    if not codes:
        return None, None
    resp = next(r for r in op.responses if r.status == codes[0])
    return int(codes[0]), resp.schema


_META = re.compile(
    r"total|count|page|limit|offset|next|prev|cursor|token|more|size|skip|"
    r"unreachable|^top$",
    re.I,
)


_COUNT = re.compile(r"count|total", re.I)


def _is_object(schema: Schema | None) -> bool:
    return schema is not None and (schema.type == "object" or bool(schema.properties))


def union_branches(schema: Schema | None) -> list[Schema]:
    """The branches of a body that is one of several named kinds of object (`oneOf` /
    `anyOf` of schemas with names), else none."""
    if schema is None or schema.properties:
        return []
    branches = schema.one_of or schema.any_of
    if len(branches) < 2 or not all(_is_object(b) and b.name for b in branches):
        return []
    if len({b.name for b in branches}) < len(branches):
        return []
    return branches


@dataclass
class Unwrapped:
    """The entity schema inside a body and how the body carries it."""

    schema: Schema | None = None
    is_list: bool = False
    key: str | None = None  # {"article": {...}} / {"articles": [...]}: the wrapping member
    count_key: str | None = None  # {"articles": [...], "articlesCount": 2}: the count member
    # other page members of a list envelope, by role (page, size, pages, offset, returned)
    meta: dict[str, str] = field(default_factory=dict)


_PAGE_ROLES: list[tuple[str, re.Pattern[str]]] = [
    ("pages", re.compile(r"^(totalpages|pages|pagecount|numpages|numberofpages|lastpage)$")),
    ("total", re.compile(r"count$|^total")),
    ("returned", re.compile(r"^(numberofelements|pageitems|itemsonpage)$")),
    ("page", re.compile(r"^(page|pagenumber|number|currentpage|pageindex|pageno)$")),
    ("size", re.compile(r"^(size|pagesize|limit|perpage|maxresults)$")),
    ("offset", re.compile(r"^(offset|skip|start)$")),
]


def _page_role(name: str, schema: Schema) -> str | None:
    """What a member beside the rows of a list envelope says: the total, the page index...,
    or the cursor of the next page (`next_cursor`: text, or an integer key)."""
    low = name.lower().replace("_", "").replace("-", "")
    if low in CURSOR_MEMBERS and schema.type in ("string", "integer"):
        return "cursor" if schema.type == "string" else "cursor_int"
    if schema.type != "integer":
        return None
    return next((role for role, rx in _PAGE_ROLES if rx.search(low)), None)


def unwrap(schema: Schema | None) -> Unwrapped:
    """The entity schema inside a body: bare, in an array, in `{"article": {...}}` or in a
    list envelope `{"items": [...], "total": 3}`."""
    if schema is None:
        return Unwrapped()
    if schema.type == "array" and schema.items is not None and _is_object(schema.items):
        return Unwrapped(schema.items, True)
    if not _is_object(schema):
        return Unwrapped()
    props = schema.properties
    if len(props) == 1:
        ((key, inner),) = props.items()
        if _is_object(inner) and inner.name:
            return Unwrapped(inner, False, key)
        if inner.type == "array" and inner.items is not None and _is_object(inner.items):
            return Unwrapped(inner.items, True, key)
    arrays = [n for n, p in props.items() if p.type == "array" and _is_object(p.items)]
    meta = [n for n in props if n not in arrays and _META.search(n)]
    if len(arrays) == 1 and len(meta) == len(props) - 1:
        items = props[arrays[0]].items
        if len(meta) == 1 and props[meta[0]].type == "integer" and _COUNT.search(meta[0]):
            return Unwrapped(
                items, True, arrays[0], meta[0]
            )  # {"articles": [], "articlesCount": 0}
        roles = {n: _page_role(n, props[n]) for n in meta}
        for n, r in roles.items():  # a cursor the envelope requires is answered as null
            if r in ("cursor", "cursor_int") and n in schema.required:
                roles[n] = f"{r}_null"
        totals = [n for n, r in roles.items() if r == "total"]
        if (
            meta
            and None not in roles.values()
            and len(totals) <= 1
            and len(set(roles.values())) == len(roles)
        ):
            # {"content": [...], "page": 0, "size": 20, "totalElements": 3, "totalPages": 1}
            return Unwrapped(
                items,
                True,
                arrays[0],
                totals[0] if totals else None,
                {n: str(r) for n, r in roles.items() if r != "total"},
            )
        return Unwrapped(items, True)  # list envelope: items + counts / page tokens
    return Unwrapped(schema, False)


class _Inference:
    def __init__(self, spec: ApiSpec, options: InferOptions, warnings: Warnings) -> None:
        self.spec = spec
        self.options = options
        self.warnings = warnings
        self.entities: dict[str, Entity] = {}
        self.props: dict[str, dict[str, _Prop]] = {}
        self.entity_locations: dict[str, Location | None] = {}
        self.ops: list[_Op] = []
        self.collection_entity: dict[str, str] = {}
        self.auth = AuthConfig()
        self.notes: list[str] = []
        self._pending_m2m: list[tuple[str, str, str, _Prop, str]] = []
        self.pending_flags: dict[str, list[Field]] = {}  # view booleans a link may explain
        self.value_lists: dict[str, str] = {}  # entity -> response member listing its names
        # entity -> the members its request bodies allow, None where one body allows others
        self.closed_bodies: dict[str, set[str] | None] = {}

    # -- 1. entities from paths and schemas -------------------------------------------
    def discover(self) -> None:
        known = {n.lower() for n in self.spec.schemas}
        known |= {Name.parse(n).plural.snake for n in self.spec.schemas}
        for op in self.spec.operations:
            shape = shape_of(op.path, self.spec.base_path, known)
            body = unwrap(op.request_body)
            response = unwrap(_success(op)[1])
            self.ops.append(
                _Op(
                    op,
                    shape,
                    body=body.schema,
                    response=response.schema,
                    response_is_list=response.is_list,
                    response_props=list(response.schema.properties) if response.schema else [],
                    body_key=body.key,
                    response_key=response.key,
                    count_key=response.count_key,
                    list_meta=response.meta,
                )
            )

        # A collection word is named after the schema its operations carry, if any: those
        # on the collection at the top of the path first (`GET /users`, `GET /users/{id}`),
        # then those on it further down (`/orgs/{org}/users`, `/user/repos`), then its
        # actions (`GET /users/{u}/hovercard` answers something else); a GET before other
        # methods, the last GET of a rank deciding.
        ranks: dict[str, tuple[bool, bool, bool]] = {}
        for item in self.ops:
            col = item.shape.collection
            if not col or self._auth_action(item):
                continue
            named = next(
                (s.name for s in (item.response, item.body) if s is not None and s.name), None
            )
            if not named:
                continue
            key = col.lower()
            get = item.op.method == "get"
            top = item.shape.parent is None and item.shape.words[:1] == [key]
            rank = (item.shape.action is not None, not top, not get)
            if key not in ranks or rank < ranks[key] or (rank == ranks[key] and get):
                ranks[key] = rank
                self.collection_entity[key] = (
                    named if named[:1].isupper() and named.isascii() else Name.entity(named).pascal
                )
        for item in self.ops:
            col = item.shape.collection
            if col and col.lower() not in self.collection_entity and not self._auth_action(item):
                self.collection_entity[col.lower()] = Name.entity(col).pascal

        # Data dictionary entries (Markdown) are entities even without an endpoint.
        if self.spec.source_format == "markdown":
            for name, schema in self.spec.schemas.items():
                self._entity(
                    self._canonical(name),
                    schema.location,
                    f"listed in the data dictionary ({schema.location or 'documents'})",
                )
                for prop_name, prop in schema.properties.items():
                    self._prop(
                        self._canonical(name),
                        prop_name,
                        prop,
                        "data dictionary",
                        required=prop_name in schema.required,
                        dictionary=True,
                    )

        # A collection whose create takes one of several kinds of object: each kind is an
        # entity of its own, and the collection is none.
        self.union_collections: set[str] = set()
        for item in self.ops:
            op, shape = item.op, item.shape
            if (
                self.spec.source_format == "openapi"
                and op.method == "post"
                and shape.collection
                and not shape.item_param
                and not shape.action
                and not shape.parent
                and not self._auth_action(item)
                and union_branches(op.request_body)
            ):
                item.union = op.request_body
                self.union_collections.add(shape.collection.lower())

        for item in self.ops:
            self._classify(item)

    def _canonical(self, name: str) -> str:
        pascal = Name.entity(name).pascal
        for existing in self.entities:
            if existing.lower() == pascal.lower() or existing.lower() == name.lower():
                return existing
        return pascal

    def _entity(self, name: str, location: Location | None, reason: str) -> Entity:
        if name not in self.entities:
            ident = Name.parse(name)
            self.entities[name] = Entity(
                name=name, table=sql_safe(ident.plural.snake), reasons=[reason]
            )
            self.props[name] = {}
            self.entity_locations[name] = location
        return self.entities[name]

    def _auth_action(self, item: _Op) -> Action | None:
        shape, method = item.shape, item.op.method
        last = (shape.action or shape.collection or "").lower()
        words = set(shape.words)
        if method == "post" and (last in REGISTER_WORDS or words & REGISTER_WORDS):
            return "register"
        if method == "post" and (
            last in LOGIN_WORDS or (words & LOGIN_WORDS and not shape.item_param)
        ):
            return "login"
        bare_account = last in ACCOUNT_WORDS and not shape.item_param and not shape.parent
        if last in ME_WORDS or (shape.collection or "").lower() in ME_WORDS or bare_account:
            # /me, /users/current, and the singular account word alone: GET /user
            if method == "get":
                return "me"
            if method in ("put", "patch"):
                return "me_update"
        if (
            method == "post"
            and not shape.item_param
            and not shape.action
            and singular(last) in ACCOUNT_WORDS
            and last != singular(last)
            and item.body is not None
            and any("password" in n.lower() for n in item.body.properties)
            and any(o.op.method == "post" and set(o.shape.words) & LOGIN_WORDS for o in self.ops)
        ):
            return "register"  # POST /users with a password, next to POST /users/login
        return None

    def _classify(self, item: _Op) -> None:
        op, shape = item.op, item.shape
        method = op.method
        auth_action = self._auth_action(item)
        if auth_action:
            item.action = auth_action
            item.reasons.append(f"path word '{shape.action or shape.collection}' on {op.key}")
            return
        col = (shape.collection or "").lower()
        if not col:
            item.reasons.append("no resource collection in the path")
            return
        if set(shape.words) & ME_WORDS:
            item.reasons.append(
                f"'{shape.action or col}' on the current account is not a CRUD operation"
            )
            return
        if item.union is not None:
            kinds = [b.name or "" for b in union_branches(item.union)]
            word = "oneOf" if item.union.one_of else "anyOf"
            item.action = "create_union"
            told = item.union.discriminator
            item.reasons.append(
                f"{op.key} takes one of {', '.join(kinds)} ({word}"
                + (f", told apart by '{told}'" if told else "")
                + "): it creates a row of the kind sent"
            )
            return
        if col in self.union_collections:
            item.reasons.append(
                f"the {col} collection holds several kinds of rows: only its create is inferred"
            )
            return
        answer = _success(op)[1]
        if (
            self.spec.source_format == "openapi"
            and not shape.action
            and op.request_body is None
            and answer is not None
            and answer.type in ("string", "integer", "number", "boolean")
            and not answer.properties
        ):
            item.reasons.append(f"{op.key} answers a bare {answer.type}, not a resource")
            return
        entity_name = self.collection_entity[col]
        item.entity = entity_name
        self._entity(entity_name, op.location, f"resource path {op.path}")
        action: Action = "custom"
        if shape.action:
            verb = shape.action.lower()
            if method == "get" and (
                verb in SEARCH_WORDS or item.response_is_list or verb.startswith("find")
            ):
                action = "list"
                item.reasons.append(f"GET {op.path} returns a list of {entity_name}")
            elif shape.item_param and method in ("post", "put", "patch"):
                action = "set_field"  # resolved to a field later, or back to custom
                item.reasons.append(f"action '{shape.action}' on one {entity_name}")
            else:
                item.reasons.append(f"'{shape.action}' is not a CRUD operation")
        elif shape.item_param and method == "get" and item.response_is_list:
            item.reasons.append(
                f"GET {op.path} returns a list addressed by {{{shape.item_param}}}: "
                "not a single-row read"
            )
        elif (
            shape.item_param
            and method in ("put", "patch")
            and op.request_body is None
            and self.spec.source_format == "openapi"
        ):
            # GitHub's PUT /user/starred/{owner}/{repo}, PATCH .../threads/{id}: a state set
            # by the call itself; as a replace it would refuse every valid (bodiless) request
            item.reasons.append(
                f"{method.upper()} on one {entity_name} takes no body: it does not write "
                "the row's fields"
            )
        elif shape.item_param:
            action = {"get": "read", "put": "replace", "patch": "patch", "delete": "delete"}.get(
                method, "custom"
            )  # type: ignore[assignment]
            item.reasons.append(f"{method.upper()} on one {entity_name} ({{{shape.item_param}}})")
        elif shape.parent and shape.parent_param:
            action = {"get": "sub_list", "post": "sub_create"}.get(method, "custom")  # type: ignore[assignment]
            item.reasons.append(f"{method.upper()} on {col} nested under {shape.parent}")
        else:
            action = {"get": "list", "post": "create"}.get(method, "custom")  # type: ignore[assignment]
            item.reasons.append(f"{method.upper()} on the {col} collection")
        item.action = action
        same_entity = item.response is not None and (
            item.response.name is None or self._canonical(item.response.name) == entity_name
        )
        if (
            item.response is not None
            and same_entity
            and action
            in ("read", "list", "create", "replace", "patch", "sub_create", "sub_list", "set_field")
        ):
            for name, prop in item.response.properties.items():
                self._prop(entity_name, name, prop, f"response of {op.key}", response=True)
                if name in item.response.required:
                    self.props[entity_name][name].required_in_response = True
            if _closed(item.response) and item.response.properties:
                entity = self.entities[entity_name]
                entity.closed_members = sorted(
                    set(entity.closed_members or []) | set(item.response.properties)
                )
        if item.body is not None and action in ("create", "replace", "patch", "sub_create"):
            self._body_closure(entity_name, item.body)
            for name, prop in item.body.properties.items():
                self._prop(
                    entity_name,
                    name,
                    prop,
                    f"request body of {op.key}",
                    create=True,
                    required=name in item.body.required and action != "patch",
                    new=action in ("create", "sub_create"),
                )

    def _body_closure(self, entity: str, body: Schema) -> None:
        """Bodies of a closed schema carry only its members; one open body opens them all."""
        closure = self.closed_bodies.get(entity, set())
        if closure is None or body.additional_properties is not False:
            self.closed_bodies[entity] = None
        else:
            # in XML a member may be written under its schema's element name (`<user>`)
            xml = {p.xml_name for p in body.properties.values() if p.xml_name}
            self.closed_bodies[entity] = closure | set(body.properties) | xml

    def _prop(
        self,
        entity: str,
        name: str,
        schema: Schema,
        source: str,
        *,
        create: bool = False,
        required: bool = False,
        response: bool = False,
        dictionary: bool = False,
        new: bool = False,
    ) -> None:
        props = self.props[entity]
        prop = props.get(name)
        if prop is None:
            prop = props[name] = _Prop(name, schema)
        elif dictionary or (create and not prop.from_dictionary and not prop.in_create):
            prop.schema = schema
        prop.in_create |= create or (dictionary and not schema.read_only)
        prop.in_new |= new or dictionary
        prop.required_on_create |= required
        prop.in_response |= response or dictionary
        prop.from_dictionary |= dictionary
        prop.sources.append(source)

    # -- 2. fields ---------------------------------------------------------------------
    def build_fields(self) -> None:
        for name in list(self.entities):
            self._build_entity_fields(name)
        for item in self.ops:
            if item.union is not None and item.action == "create_union":
                for branch in union_branches(item.union):
                    self._union_kind(item, branch)

    def _union_kind(self, item: _Op, branch: Schema) -> None:
        """A kind of row a polymorphic create makes: an entity (made here if nothing else
        made it), written on its own by that create."""
        assert branch.name is not None
        name = self._canonical(branch.name)
        why = f"one of the kinds {item.op.key} creates ({branch.name})"
        self._body_closure(name, branch)
        if name not in self.entities:
            self._entity(name, branch.location, why)
            for prop_name, sub in branch.properties.items():
                self._prop(
                    name,
                    prop_name,
                    sub,
                    f"request body of {item.op.key}",
                    create=True,
                    required=prop_name in branch.required,
                    new=True,
                    response=True,
                )
                if prop_name in branch.required:
                    self.props[name][prop_name].required_in_response = True
            if _closed(branch):
                self.entities[name].closed_members = sorted(branch.properties)
            self._build_entity_fields(name)
            return
        entity = self.entities[name]
        entity.reasons.append(why)
        if entity.owned_by is None:
            return
        # written through its parent, and on its own too: the parent may be none
        fk = f"{Name.parse(entity.owned_by).snake}_id"
        fld = entity.field(fk)
        if fld is not None:
            fld.nullable = True
            fld.reasons.append(f"NULL for a {name} created on its own by {item.op.key}")
        for rel in entity.relations + self.entities[entity.owned_by].relations:
            if rel.fk_field == fk and {rel.source, rel.target} == {name, entity.owned_by}:
                rel.nullable = True

    def _build_entity_fields(self, name: str) -> None:
        entity = self.entities[name]
        props = self.props[name]
        id_schema = next((p.schema for n, p in props.items() if n.lower() == "id"), None)
        # A string id is a string key: a uuid where the contract says so (or the documents
        # are Markdown), else any text the contract allows (a new row gets a uuid's text).
        uuid_id = id_schema is not None and (
            id_schema.format == "uuid"
            or (id_schema.logical or "").lower() == "uuid"
            or (
                id_schema.type == "string"
                and not id_schema.logical
                and self.spec.source_format != "openapi"
            )
        )
        string_id = (
            not uuid_id
            and id_schema is not None
            and id_schema.type == "string"
            and not id_schema.logical
        )
        int64_id = (
            id_schema is not None and id_schema.type == "integer" and (id_schema.format == "int64")
        )
        entity.id_type = (
            "uuid" if uuid_id else "string" if string_id else "bigint" if int64_id else "integer"
        )
        entity.key_read_only = id_schema is not None and id_schema.read_only
        id_prop = next((p for n, p in props.items() if n.lower() == "id"), None)
        # the client chooses the key where a body that makes a row carries it (an id in the
        # body of an update only names the row, as the path does)
        makes_rows = any(
            i.entity == name and i.action in ("create", "sub_create") and i.body is not None
            for i in self.ops
        )
        in_body = (
            id_prop is not None
            and (id_prop.in_new or not makes_rows)
            and id_prop.in_create
            and not id_prop.schema.read_only
        )
        # A text id the client may leave out is the server's to assign (as the reference
        # implementations of such contracts do): it is accepted in bodies, and not used.
        ignored = in_body and string_id and not (id_prop and id_prop.required_on_create)
        client_id = in_body and not ignored
        entity.fields.append(
            Field(
                name="id",
                api_name="id",
                type=entity.id_type,
                length=entity.id_length,
                nullable=False,
                system=True,
                primary_key=True,
                # the contract's bounds of a key a body carries
                minimum=id_schema.minimum if id_schema is not None else None,
                maximum=id_schema.maximum if id_schema is not None else None,
                read_only=not client_id,
                required=client_id and id_prop is not None and id_prop.required_on_create,
                # a client-chosen id may be null only where the contract says so
                null_allowed=id_schema is None
                or id_schema.nullable
                or self.spec.source_format != "openapi",
                reasons=[
                    "system field: primary key"
                    + (" (uuid, from the schema)" if uuid_id else "")
                    + (" (64-bit: the schema says int64)" if int64_id else "")
                    + (" (text: the schema says string)" if string_id else "")
                ]
                + (["accepted in create bodies: the client may choose the id"] if client_id else [])
                + (
                    [
                        "accepted in create bodies as the contract lists it, but assigned by "
                        "the server: the client may leave it out and a text key in a URL must "
                        "be one the server made"
                    ]
                    if ignored
                    else []
                ),
                ignored_in_body=ignored,
            )
        )
        for api_name, prop in props.items():
            self._build_field(entity, api_name, prop)

    def _build_field(self, entity: Entity, api_name: str, prop: _Prop) -> None:
        schema = prop.schema
        snake = Name.parse(api_name).snake
        low = api_name.lower().replace("_", "")
        if snake == "id" or api_name == "id":
            return
        if low in TIMESTAMP_ALIASES or snake in TIMESTAMP_ALIASES:
            return  # system fields, added uniformly later (api name kept for aliases)
        reasons = [f"from {prop.sources[0]}"]
        if "password" in snake and not schema.read_only:
            entity.password_field = "password_hash"
            if self.spec.source_format == "openapi":  # exactly what the contract accepts
                entity.password_min_length = schema.min_length
                entity.password_max_length = schema.max_length
            elif schema.min_length is not None:
                entity.password_min_length = schema.min_length
            # a password the contract lets a create leave out: no hash, and no login with it
            optional = self.spec.source_format == "openapi" and not prop.required_on_create
            if entity.field("password_hash") is None:
                entity.fields.append(
                    Field(
                        name="password_hash",
                        api_name=api_name,
                        type="password",
                        length=255,
                        nullable=optional,
                        required=not optional,
                        write_only=True,
                        reasons=[f"'{api_name}' is stored as an argon2 hash, never returned"]
                        + (
                            ["optional in the contract: empty until set, no login meanwhile"]
                            if optional
                            else []
                        ),
                    )
                )
            return
        if schema.type == "array" and schema.items is not None and _is_object(schema.items):
            self._owned_child(entity, api_name, schema, prop)
            return
        target = self._object_target(entity, schema)
        if target is not None:
            required = prop.required_on_create and not schema.nullable
            entity.fields.append(
                Field(
                    name=f"{snake}_id",
                    api_name=api_name,
                    type="integer",  # the target's key type, set with the relation
                    required=required,
                    nullable=not required or schema.nullable,
                    read_only=schema.read_only or not prop.in_create,
                    null_allowed=schema.nullable,
                    foreign_key=target,
                    object_ref=True,
                    description=schema.description,
                    reasons=reasons
                    + [
                        f"'{api_name}' is a {schema.name} object: a reference to {target} "
                        "by its id, answered as the row"
                    ],
                )
            )
            return
        info = type_of(schema, snake)
        money_note = ""
        if (
            self.spec.source_format == "openapi"
            and info.type == "decimal"
            and schema.type == "number"
            and schema.format not in ("decimal", "money")
        ):
            # `price: {type: number}`: money, exact in the database, within the column the
            # contract's maximum needs; with no maximum the contract allows any JSON number,
            # which only a float column holds
            if schema.maximum is None:
                info = replace(info, type="float", precision=None, scale=None)
                money_note = "a number with no maximum in the contract: a float column holds any"
            else:
                digits = len(str(int(abs(schema.maximum)))) + (info.scale or 0)
                info = replace(info, precision=max(info.precision or 12, digits))
        required = prop.required_on_create and not schema.nullable
        fld = Field(
            name=snake,
            api_name=api_name,
            type=info.type,
            length=info.length,
            precision=info.precision,
            scale=info.scale,
            enum_values=info.enum_values or [],
            int_enum=info.int_values or [],
            required=required and not schema.has_default,
            nullable=not required and not schema.has_default or schema.nullable,
            unique=schema.unique,
            default=schema.default,
            has_default=schema.has_default,
            min_length=schema.min_length,
            minimum=schema.minimum,
            maximum=schema.maximum,
            exclusive_minimum=schema.exclusive_minimum,
            exclusive_maximum=schema.exclusive_maximum,
            xml_wrapped=schema.xml_wrapped,
            xml_name=_xml_name(api_name, schema),
            pattern=schema.pattern,
            read_only=schema.read_only or not prop.in_create,
            write_only=schema.write_only,
            null_allowed=schema.nullable or self.spec.source_format != "openapi",
            description=schema.description,
            example=schema.example,
            reasons=reasons + ([money_note] if money_note else []),
        )
        renamed = schema.extensions.get("x-renamed-from")
        if isinstance(renamed, str) and renamed.strip():
            fld.renamed_from = Name.parse(renamed.strip()).snake
            reasons.append(f"renamed from '{renamed.strip()}': a migration renames the column")
        fld.empty_is_null = (
            self.spec.source_format == "openapi"
            and _formats_annotate(self.spec)
            and schema.nullable
            and schema.type == "string"
            and fld.type in ("date", "datetime", "time", "url", "email", "uuid")
        )
        if fld.type == "json" and self.spec.source_format == "openapi":
            # an object or an array as declared: a body sending text there is refused
            fld.json_kind = (
                "array" if schema.type == "array" else "object" if _is_object(schema) else None
            )
            _describe_json(fld, schema, ())
        if (
            fld.type == "json"
            and schema.type == "array"
            and schema.items is not None
            and schema.items.type in ("string", "integer", "number", "boolean")
        ):
            item = type_of(schema.items, singular(snake))
            if item.type != "json":
                fld.items, fld.item_enum = item.type, list(item.enum_values or [])
                fld.item_field = declared_bounds(fld.items, schema.items)
        if (
            prop.required_in_response
            and not fld.required
            and not fld.has_default
            and not schema.nullable
            and schema.type == "string"
            and not schema.format
            and not schema.enum
            and self.spec.source_format == "openapi"
        ):
            # Always answered, never null, not always given: empty until set.
            fld.default, fld.has_default, fld.nullable = "", True, False
            reasons.append("required in responses and not nullable: defaults to ''")
        elif (
            prop.required_in_response
            and fld.read_only
            and fld.type == "datetime"
            and not schema.nullable
            and self.spec.source_format == "openapi"
        ):
            # a time the server keeps and always answers (`joined_at`): when the row was made
            fld.stamped, fld.nullable = True, False
            reasons.append("read-only and required in responses: the time the row is made")
        elif (
            prop.required_in_response
            and not fld.required
            and not fld.has_default
            and not schema.nullable
            and not schema.enum
            and self.spec.source_format == "openapi"
            and (
                schema.type == "boolean"
                or (
                    schema.type == "integer"
                    and fld.read_only
                    and snake != "id"
                    and not snake.endswith("_id")
                )
            )
        ):
            # a state or a count the server keeps (`done`, `likes`): answered from the start
            start: bool | int = False
            if schema.type == "integer":
                start = max(0, int(schema.minimum)) if schema.minimum is not None else 0
            fld.default, fld.has_default, fld.nullable = start, True, False
            reasons.append(f"required in responses and not nullable: starts as {json.dumps(start)}")
        if info.type == "string" and schema.max_length is None and not schema.logical:
            reasons.append(f"no max length given: VARCHAR({info.length})")
            fld.free_length = True
        if schema.references:
            fld.foreign_key = schema.references
            reasons.append(f"references {schema.references} (stated in the documents)")
        if fld.read_only and not schema.read_only:
            reasons.append("not accepted in any request body: read-only")
        entity.fields.append(fld)

    def _object_target(self, entity: Entity, schema: Schema) -> str | None:
        """The entity a single object member names (`"type": {"id": 1, "name": "cat"}` where
        PetType has its own endpoints), if it is one."""
        if self.spec.source_format != "openapi" or not schema.name or not _is_object(schema):
            return None
        target = self._canonical(schema.name)
        if (
            target not in self.entities
            or target == entity.name
            or target == self.auth.account
            or self.entities[target].owned_by is not None
            or not any(n.lower() == "id" for n in schema.properties)
            or not any(i.entity == target for i in self.ops)
        ):
            return None
        return target

    def _owned_child(self, parent: Entity, api_name: str, schema: Schema, prop: _Prop) -> None:
        items = schema.items
        assert items is not None
        words = split_words(api_name)
        if (
            items.name
            and items.name in self.spec.schemas
            and self._canonical(items.name) in self.entities
            and self.entities[self._canonical(items.name)].owned_by is None
            and self._canonical(items.name) != parent.name
        ):
            target = self._canonical(items.name)
            self._pending_m2m.append(
                (parent.name, target, api_name, prop, f"'{api_name}' is a list of {target} objects")
            )
            return
        if items.name:
            child_name = Name.entity(items.name).pascal
        elif (
            "_".join(words) in GENERIC_CHILD_WORDS
            or len(words) == 1
            and Name.entity(words[0]).snake not in {Name.parse(n).snake for n in self.entities}
        ):
            child_name = Name((*Name.parse(parent.name).words, *Name.entity(api_name).words)).pascal
        else:
            child_name = Name.entity(api_name).pascal
        if child_name in self.entities and self.entities[child_name].owned_by != parent.name:
            child_name = Name.parse(parent.name + child_name).pascal
        if any(
            r.kind == "owned" and r.target == child_name and r.api_name != api_name
            for r in parent.relations
        ):
            # a second list of the same objects (`provider_pattern_overrides` and
            # `custom_pattern_overrides`): its own table, or the two lists would be one
            child_name = Name((*Name.parse(parent.name).words, *Name.entity(api_name).words)).pascal
        child = self._entity(
            child_name,
            items.location,
            f"'{api_name}' in {parent.name} is a list of objects written with it",
        )
        child.owned_by = parent.name
        if _closed(items):
            child.closed_members = sorted(items.properties)
        self._body_closure(child_name, items)
        for name, sub in items.properties.items():
            self._prop(
                child_name,
                name,
                sub,
                f"{parent.name}.{api_name}[]",
                create=True,
                required=name in items.required,
                response=True,
            )
        self._build_entity_fields(child_name)
        fk = f"{Name.parse(parent.name).snake}_id"
        if child.field(fk) is None:
            child.fields.append(
                Field(
                    name=fk,
                    api_name=fk,
                    type=parent.id_type,
                    length=parent.id_length,
                    nullable=False,
                    read_only=True,
                    index=True,
                    foreign_key=parent.name,
                    reasons=[f"owned by {parent.name}"],
                )
            )
        else:
            existing = child.field(fk)
            assert existing is not None
            existing.foreign_key, existing.read_only, existing.required = parent.name, True, False
        parent.relations.append(
            Relation(
                kind="owned",
                name=Name.parse(api_name).snake,
                source=parent.name,
                target=child_name,
                api_name=api_name,
                fk_field=fk,
                nullable=False,
                on_delete="cascade",
                required=prop.required_on_create,
                min_items=schema.min_items,
                xml_wrapped=schema.xml_wrapped,
                back_populates=Name.parse(parent.name).snake,
                reasons=[
                    f"'{api_name}' is an array of objects in the {parent.name} body: "
                    f"an owned child entity written in the same request, cascade delete"
                ],
            )
        )
        child.relations.append(
            Relation(
                kind="many_to_one",
                name=Name.parse(parent.name).snake,
                source=child_name,
                target=parent.name,
                api_name=fk,
                fk_field=fk,
                nullable=False,
                on_delete="cascade",
                back_populates=Name.parse(api_name).snake,
                reasons=[f"child of {parent.name}.{api_name}"],
            )
        )

    # -- 3. relations ------------------------------------------------------------------
    def resolve_relations(self) -> None:
        for entity in list(self.entities.values()):
            for fld in list(entity.fields):
                if fld.system or fld.type == "password":
                    continue
                self._fk_or_m2m(entity, fld)
        for item in self.ops:
            if item.action in ("sub_list", "sub_create") and item.entity and item.shape.parent:
                self._parent_from_path(item)
        for source, target, api_name, prop, reason in self._pending_m2m:
            back = next(
                (
                    r
                    for r in self.entities[target].relations
                    if r.kind == "many_to_one" and r.target == source and r.fk_field
                ),
                None,
            )
            if back is not None and (prop.schema.read_only or not prop.in_create):
                # `"pets": [Pet]` answered, never written, and Pet has owner_id: the rows
                # pointing at this one, not a second link kept in a join table
                self.entities[source].relations.append(
                    Relation(
                        kind="children",
                        name=Name.parse(api_name).snake,
                        source=source,
                        target=target,
                        api_name=api_name,
                        fk_field=back.fk_field,
                        reasons=[
                            f"'{api_name}' is a read-only list of {target} objects and "
                            f"{target}.{back.fk_field} points here: the {target} rows of "
                            f"this {source}, answered with it"
                        ],
                    )
                )
                continue
            self._add_m2m(
                self.entities[source],
                target,
                api_name,
                reason,
                Name.parse(api_name).snake,
                api_objects=True,
            )
            for rel in self.entities[source].relations:
                if rel.kind == "many_to_many" and rel.api_name == api_name:
                    rel.xml_wrapped = prop.schema.xml_wrapped

    def _target_for(self, stem: str) -> str | None:
        words = Name.parse(stem).words
        for candidate in (Name(words).pascal, Name(words).singular.pascal):
            if candidate in self.entities:
                return candidate
        for name in self.entities:
            if name.lower() == "".join(words):
                return name
        return None

    def _fk_or_m2m(self, entity: Entity, fld: Field) -> None:
        name = fld.name
        if any(r.fk_field == name for r in entity.relations):
            return  # already related (owned child's back reference)
        explicit = fld.foreign_key
        prop = self.props[entity.name].get(fld.api_name)
        schema = prop.schema if prop else None
        if name.endswith("_ids") and schema is not None and schema.type == "array":
            target = self._canonical(explicit) if explicit else self._target_for(name[:-4])
            if target is None or target not in self.entities:
                self._unknown_target(entity, fld, explicit, name[:-4], schema)
                return
            entity.fields.remove(fld)
            self._add_m2m(
                entity,
                target,
                fld.api_name,
                f"'{fld.api_name}' is a list of {target} ids",
                Name.parse(name[:-4]).plural.snake,
            )
            return
        stem = name[:-3] if name.endswith("_id") else None
        if explicit is None and stem is None:
            return
        if explicit:
            target = self._canonical(explicit)
            if target not in self.entities:
                self._unknown_target(entity, fld, explicit, explicit, schema)
                return
        else:
            assert stem is not None
            target = entity.name if stem == "parent" else self._target_for(stem)
            if target is None and name in OWNER_FIELDS and self.auth.account:
                target = self.auth.account
            if target is None and Name.parse(stem).snake in PERSON_ROLES and self.auth.account:
                target = self.auth.account
                fld.reasons.append(
                    f"no entity is named {Name.parse(stem).pascal}: "
                    f"'{stem}' is a person's role, an account"
                )
            if target is None:
                self.warnings.add(
                    f"{entity.name}.{fld.api_name} looks like a reference but no entity "
                    f"'{Name.parse(stem).pascal}' exists; kept as a plain column",
                    schema.location if schema else None,
                    "name the target with '→ Entity' in the documents (x-references in OpenAPI)",
                )
                return
        target_entity = self.entities[target]
        fld.foreign_key = target
        fld.type = target_entity.id_type
        fld.index = True
        fld.length = target_entity.id_length
        rel_name = stem if stem and stem != name else Name.parse(target).snake
        if entity.relation(rel_name) is not None or entity.field(rel_name) is not None:
            rel_name = f"{rel_name}_ref"
        reason = (
            f"'{fld.api_name}' references {target}"
            + (" (self reference)" if target == entity.name else "")
            + ("; NOT NULL because it is required" if fld.required else "")
        )
        fld.reasons.append(f"foreign key to {target_entity.table}.id, indexed")
        entity.relations.append(
            Relation(
                kind="many_to_one",
                name=rel_name,
                source=entity.name,
                target=target,
                api_name=fld.api_name,
                fk_field=fld.name,
                nullable=fld.nullable,
                on_delete="restrict",
                reasons=[reason, "default FK policy: restrict"],
            )
        )
        written_by_client = prop is not None and prop.in_create and not prop.schema.read_only
        if target == self.auth.account and name in OWNER_FIELDS and not written_by_client:
            fld.from_current_user = True
            fld.nullable = False
            fld.read_only = True
            fld.reasons.append("filled from the authenticated user on create")

    def _unknown_target(
        self, entity: Entity, fld: Field, explicit: str | None, stem: str, schema: Schema | None
    ) -> None:
        if explicit is None:
            self.warnings.add(
                f"{entity.name}.{fld.api_name} looks like a list of references but no entity "
                f"'{Name.entity(stem).pascal}' exists; stored as JSON",
                schema.location if schema else None,
                "declare the entity or name the target with '→ Entity'",
            )
            fld.type, fld.length = "json", None
            return
        choices = difflib.get_close_matches(explicit, list(self.entities), n=1)
        raise SpecError(
            f"field '{fld.api_name}' of {entity.name} references unknown entity '{explicit}'",
            schema.location if schema else self.entity_locations.get(entity.name),
            f"did you mean '{choices[0]}'?"
            if choices
            else f"known entities: {', '.join(sorted(self.entities))}",
        )

    def _add_m2m(
        self,
        entity: Entity,
        target: str,
        api_name: str,
        reason: str,
        rel_name: str,
        *,
        api_objects: bool = False,
    ) -> None:
        add_many_to_many(
            entity,
            target,
            api_name=api_name,
            rel_name=rel_name,
            reason=reason,
            api_objects=api_objects,
        )

    def _parent_from_path(self, item: _Op) -> None:
        assert item.entity and item.shape.parent and item.shape.parent_param
        child = self.entities[item.entity]
        parent_name = self.collection_entity.get(item.shape.parent.lower())
        if parent_name is None or parent_name not in self.entities:
            return
        if child.owned_by == parent_name:
            return
        by_param = Name.parse(item.shape.parent_param).snake
        existing = next(
            (
                r.fk_field
                for r in child.relations
                if r.kind == "many_to_one" and r.target == parent_name
            ),
            None,
        )
        if existing:
            fk = existing
        elif by_param.endswith("_id") and child.field(by_param):
            fk = by_param
        else:
            fk = f"{Name.parse(parent_name).snake}_id"
        fld = child.field(fk)
        if fld is not None and fld.foreign_key is None:
            if fld.required and self.spec.source_format == "openapi":
                # the contract requires it in the body: checked there, but the path decides
                fld.ignored_in_body = True
                fld.reasons.append("required in the body by the contract; the path's value is used")
            fld.foreign_key = parent_name
            fld.read_only, fld.required = True, False
            self._fk_or_m2m(child, fld)
        if fld is None:
            fld = Field(
                name=fk,
                api_name=fk,
                type="integer",
                nullable=False,
                read_only=True,
                reasons=[f"set from the path parameter {{{item.shape.parent_param}}}"],
            )
            child.fields.append(fld)
            self._fk_or_m2m(child, fld)
        else:
            fld.reasons.append(f"set from the path parameter {{{item.shape.parent_param}}}")
        fld.nullable = False
        rel = next((r for r in child.relations if r.fk_field == fk), None)
        if rel is not None:
            rel.nullable = False
            # rows addressed only through their parent go with it
            rel.on_delete = "cascade"
            rel.reasons.append(f"nested path {item.op.path}: deleted with its parent")

    # -- 4. auth -----------------------------------------------------------------------
    def detect_auth(self) -> None:
        spec = self.spec
        reasons: list[str] = []
        secured = [o for o in spec.operations if o.security]
        if secured:
            reasons.append(f"{len(secured)} operations require a token (e.g. {secured[0].key})")
        auth_ops = [i for i in self.ops if self._auth_action(i) in ("register", "login")]
        if auth_ops:
            reasons.append(f"auth endpoint {auth_ops[0].op.key}")
        if spec.stack.auth and re.search(r"jwt|token|bearer", spec.stack.auth, re.I):
            reasons.append(f"tech stack names {spec.stack.auth}")
        if not reasons:
            return
        self.auth.enabled = True
        self.auth.reasons = reasons
        for scheme in spec.security_schemes.values():
            if scheme.type == "apiKey" and scheme.key_in == "header" and scheme.key_name:
                self.auth.scheme, self.auth.header = "apiKey", scheme.key_name
                self.auth.token_prefix = (
                    "Token" if scheme.key_name.lower() == "authorization" else ""
                )
                self.auth.reasons.append(
                    f"apiKey scheme '{scheme.name}' in header {scheme.key_name}"
                )
                break
        self._unsupported_schemes()
        if len(spec.security_schemes) > 1:  # the one scheme the generated server reads
            self.auth.scheme_name = next(
                (
                    s.name
                    for s in spec.security_schemes.values()
                    if (
                        self.auth.scheme == "apiKey"
                        and s.type == "apiKey"
                        and s.key_in == "header"
                        and s.key_name == self.auth.header
                    )
                    or (
                        self.auth.scheme == "bearer"
                        and s.type == "http"
                        and (s.scheme or "").lower() == "bearer"
                    )
                ),
                None,
            )
        account = next((n for n in self.entities if Name.parse(n).snake in ACCOUNT_WORDS), None)
        if account is None:
            for item in self.ops:
                if (
                    item.action in ("register", "me")
                    and item.response is not None
                    and item.response.name
                ):
                    account = self._entity(
                        self._canonical(item.response.name),
                        item.op.location,
                        f"returned by {item.op.key}",
                    ).name
                    break
        if account is None:
            account = self._entity("User", None, "auth is on and no account entity exists").name
        self.auth.account = account
        if not any(self._auth_action(i) == "login" for i in self.ops):
            self.warnings.add(
                "operations require a token but the documents declare no login endpoint; "
                "the generated API can check tokens but not issue them",
                secured[0].location if secured else None,
                "add e.g. 'POST /api/auth/login' (and register) to the documents, or issue "
                "tokens with app.core.security.create_access_token",
            )
        entity = self.entities[account]
        entity.is_account = True
        entity.reasons.append("account entity for authentication")
        for item in self.ops:
            if item.action in ("register", "me", "me_update", "login"):
                item.entity = account
                if item.body is not None and item.action in ("register", "me_update"):
                    for name, prop in item.body.properties.items():
                        self._prop(
                            account,
                            name,
                            prop,
                            f"request body of {item.op.key}",
                            create=item.action == "register",
                            required=name in item.body.required and item.action == "register",
                        )
                        if item.action == "me_update":
                            self.props[account][name].in_create = True
                if item.response is not None and item.action in ("register", "me"):
                    for name, prop in item.response.properties.items():
                        if name.lower() not in TOKEN_MEMBERS:
                            self._prop(
                                account, name, prop, f"response of {item.op.key}", response=True
                            )
                            if name in item.response.required:
                                self.props[account][name].required_in_response = True
        props = self.props[account]
        # the member the login operation takes (its body, else its query), else the usual ones
        login_names: list[str] = []
        for item in self.ops:
            word = (item.shape.action or item.shape.collection or "").lower()
            if self._auth_action(item) == "login" or word in LOGIN_WORDS:
                if item.body is not None:
                    login_names += list(item.body.properties)
                login_names += [p.name for p in item.op.parameters if p.location_in == "query"]
        candidates = ("email", "username", "login", "phone")
        login_field = next(
            (n for n in login_names if n in props and n.lower() in candidates), None
        ) or next((n for n in candidates if n in props), None)
        if login_field is None:
            login_field = "email"
            props["email"] = _Prop(
                "email",
                Schema(type="string", format="email"),
                in_create=True,
                required_on_create=True,
                in_response=True,
                sources=["auth: login field"],
            )
        login = props[login_field]
        login.schema.unique = True
        if self.spec.source_format != "openapi":
            login.required_on_create = True  # (a contract says itself what a create requires)
        self.auth.reasons.append(f"{account} logs in with '{login_field}'")
        entity.login_field = Name.parse(login_field).snake
        if not any("password" in n.lower() for n in props):
            props["password"] = _Prop(
                "password",
                Schema(type="string", min_length=8, write_only=True),
                in_create=True,
                required_on_create=True,
                sources=["auth: password"],
            )

    def _unsupported_schemes(self) -> None:
        """Schemes the generated server cannot check as declared: their operations still
        require a token (never left open), and the warning says what to supply."""
        schemes = self.spec.security_schemes.values()
        native = any(
            (s.type == "http" and (s.scheme or "").lower() == "bearer")
            or (s.type == "apiKey" and s.key_in == "header")
            for s in schemes
        )
        used = {name for op in self.spec.operations for name in op.security}
        for scheme in schemes:
            if scheme.name not in used and used:
                continue
            what = None
            if scheme.type == "oauth2" and not native:
                what = f"OAuth2 ({', '.join(scheme.flows) or 'no flows'})"
                hint = (
                    "tokens from an external provider: validate them in app/core/security.py "
                    "(decode_access_token) with its keys, issuer and audience"
                )
            elif scheme.type == "openIdConnect":
                what = "OpenID Connect"
                hint = (
                    "validate the provider's ID/access tokens in app/core/security.py "
                    "(decode_access_token) with its JWKS, issuer and audience"
                )
            elif scheme.type == "http" and (scheme.scheme or "").lower() != "bearer":
                what = f"HTTP {scheme.scheme or '?'} authentication"
                hint = "check the credentials in app/api/deps.py (get_current_user)"
            elif scheme.type == "apiKey" and scheme.key_in != "header":
                what = f"an API key in the {scheme.key_in or '?'} ('{scheme.key_name}')"
                hint = "read the key where the contract puts it in app/api/deps.py (_credentials)"
            elif scheme.type == "mutualTLS":
                what = "mutual TLS"
                hint = "terminate TLS with client certificates in front of the app"
            if what is None:
                continue
            self.warnings.add(
                f"security scheme '{scheme.name}' is {what}, which the generated backend does "
                "not implement: its operations require the backend's own JWT bearer token "
                "instead (none is left open)",
                scheme.location,
                f"supply {hint}",
            )

    # -- 5. bindings -------------------------------------------------------------------
    def bind(self) -> list[Binding]:
        bindings: list[Binding] = []
        used: set[str] = set()
        for item in self.ops:
            op = item.op
            auth: AuthMode = (
                "required" if op.requires_auth else ("optional" if op.auth_optional else "none")
            )
            status, _ = _success(op)
            b = Binding(
                method=op.method,
                path=op.path,
                action=item.action,
                entity=item.entity,
                operation_id=op.operation_id,
                summary=op.summary,
                tags=list(op.tags),
                auth=auth,
                declared=(
                    [r.status.upper().replace("DEFAULT", "default") for r in op.responses]
                    if self.spec.source_format == "openapi"
                    else []
                ),
                reasons=list(item.reasons),
            )
            if self.spec.source_format == "openapi" and op.request_body is not None:
                b.body_optional = not op.request_required
                b.body_requires_members = bool(op.request_body.required)
                b.form_body = "application/x-www-form-urlencoded" in op.request_content_types
                b.xml_body = bool({"application/xml", "text/xml"} & set(op.request_content_types))
                b.form_nested = b.form_body and any(
                    _is_object(p) or (p.type == "array" and _is_object(p.items))
                    for p in (item.body or op.request_body).properties.values()
                )
            if op.requires_auth:  # first: the last reason stays the one that bound the action
                b.reasons.insert(0, "requires a bearer token (declared in the documents)")
            if self.spec.source_format == "openapi":
                for param in op.parameters:
                    if param.location_in == "path" and param.schema.type in ("string", "integer"):
                        uuid = param.schema.format == "uuid"
                        b.param_types[param.name] = "uuid" if uuid else param.schema.type
                b.headers = self._headers(op)
            entity = self.entities.get(item.entity or "")
            b.view, b.relation = item.view, item.relation
            if item.feed is not None:
                b.feed_fk, b.feed_relation = item.feed
            if (
                b.action == "replace"
                and item.body is not None
                and not item.body.required
                and item.body.properties
            ):
                b.action = "patch"
                b.reasons.append(
                    f"{op.key} requires no member of its body: only the members sent change"
                )
            account_shown = set(item.response_props) - TOKEN_MEMBERS - TOKEN_META
            if b.action in ("register", "login", "me", "me_update") and account_shown:
                # the account itself, with a token member (`{"user": {..., "token": ...}}`)
                b.token_member = next(
                    (n for n in item.response_props if n.lower() in TOKEN_MEMBERS), None
                )
            if entity is not None and item.shape.item_param:
                self._path_field(b, entity, item)
            if (
                b.action in ("read", "replace", "patch", "delete", "set_field", "link", "unlink")
                and entity
            ):
                b.id_param = item.shape.item_param
                id_field = self._id_field(entity, item.shape.item_param or "id")
                if id_field is None:
                    b.action, b.id_param = "custom", None
                    b.reasons.append(
                        f"{{{item.shape.item_param}}} is not an identifier of {entity.name} "
                        "(not unique): the operation's meaning is not inferred"
                    )
                else:
                    b.id_field = id_field
            nested = (
                "set_many",
                "sub_list",
                "sub_create",
                "read",
                "replace",
                "patch",
                "delete",
                "set_field",
                "link",
                "unlink",
            )
            if b.action in nested and entity and item.shape.parent:
                parent = self.collection_entity.get(item.shape.parent.lower())
                b.parent, b.parent_param = parent, item.shape.parent_param
                parent_entity = self.entities.get(parent or "")
                if parent_entity is not None and b.parent_param:
                    b.parent_field = self._id_field(parent_entity, b.parent_param) or "id"
                if parent:
                    b.parent_fk = next(
                        (
                            r.fk_field
                            for r in entity.relations
                            if r.kind == "many_to_one" and r.target == parent
                        ),
                        None,
                    )
                if (
                    parent_entity is not None
                    and b.parent_fk
                    and b.parent_field == "id"
                    and b.action in ("sub_list", "sub_create", "set_many")
                ):
                    self._grand_scope(b, parent_entity, item)
                if b.parent_fk is None and b.action in ("sub_list", "sub_create"):
                    b.action = "custom"
                    b.reasons.append(f"no relation from {entity.name} to {parent}")
                elif b.parent_fk is None:
                    b.parent = b.parent_param = None
                elif b.action == "set_many":  # the last reason stays the action's own
                    b.reasons.insert(0, f"scoped to the {parent} in {{{b.parent_param}}}")
                elif b.action not in ("sub_list", "sub_create"):
                    b.reasons.append(f"scoped to the {parent} in {{{b.parent_param}}}")
            if b.action == "set_field" and entity:
                self._resolve_set_field(b, entity, item.shape.action or "")
            if b.action in ("list", "sub_list") and entity:
                self._filters(b, entity, op)
                self._filter_bounds(b, op)
                if self.spec.source_format == "openapi" and b.page_params is None:
                    b.page_params = []  # the spec declares no pagination: none is offered
                declared = _success(op)[1]
                bare = declared is not None and declared.type == "array"
                if self.spec.source_format == "openapi":
                    b.list_shape = "array" if bare else "envelope" if item.response_key else "page"
                if entity.name in self.value_lists:
                    b.list_shape, b.values_field = "values", "name"
                    item.response_key = self.value_lists[entity.name]
                    b.page_params = []
                    b.reasons.append(f"answers the names of all {entity.table}")
            if self.spec.source_format == "openapi":
                b.body_key, b.response_key, b.count_key = (
                    item.body_key,
                    item.response_key,
                    item.count_key,
                )
                if b.action in ("list", "sub_list") and b.list_shape == "envelope":
                    b.list_meta = dict(item.list_meta)
                    if b.list_meta:
                        b.reasons.append(
                            "the list envelope also answers "
                            + ", ".join(f"{n} ({r})" for n, r in b.list_meta.items())
                        )
                for what, key in (("request body", b.body_key), ("response", b.response_key)):
                    if key:
                        b.reasons.insert(0, f"the {what} wraps it in '{key}'")
            if b.action == "custom":
                b.reasons.append(
                    "neither the spec nor the requirements say what it does: "
                    "answers 501 until implemented"
                )
            if (
                self.spec.source_format == "openapi"
                and b.action in ("create", "sub_create", "replace")
                and item.body is not None
                and entity is not None
            ):
                # read-only members are not part of a request (nor required in it)
                b.body_members = [n for n, p in item.body.properties.items() if not p.read_only]
                b.body_read_only = [n for n, p in item.body.properties.items() if p.read_only]
                b.body_required = [n for n in item.body.required if n in b.body_members]
                b.body_schema = item.body.name
            if b.action == "create_union" and item.union is not None:
                self._bind_union(b, item.union)
            b.status_code = self._status(b, status)
            if (
                b.action == "delete"
                and b.status_code != 204
                and item.response is not None
                and entity is not None
                and (
                    item.response.name is None or self._canonical(item.response.name) == entity.name
                )
                and item.response.properties
            ):
                b.answers_row = True
                b.reasons.append(f"answers the deleted {entity.name}, as the contract declares")
            b.function = self._function_name(b, item, used)
            if b.action == "custom":
                self.warnings.add(
                    f"{op.key}: what it does is not inferred; it answers 501 until "
                    f"app.services.custom.{b.function} is filled in",
                    op.location,
                    "state its rule in the requirements document (see the template), "
                    "or implement the function",
                )
            bindings.append(b)
        return bindings

    def _headers(self, op: Operation) -> list[HeaderParam]:
        """The request headers the operation declares, but those HTTP and the security
        schemes handle (OpenAPI ignores `Accept`, `Content-Type`, `Authorization`)."""
        handled = {"accept", "content-type", "authorization", "content-length", "host"}
        handled |= {
            (s.key_name or "").lower()
            for s in self.spec.security_schemes.values()
            if s.type == "apiKey" and s.key_in == "header"
        }
        out: list[HeaderParam] = []
        for param in op.parameters:
            if param.location_in != "header" or param.name.lower() in handled:
                continue
            sch = param.schema
            kind = sch.type if sch.type in ("string", "integer", "number", "boolean") else "string"
            out.append(
                HeaderParam(
                    param.name,
                    kind,
                    sch.format,
                    list(sch.enum or []),
                    param.required,
                    declared_bounds(_JSON_KINDS.get(kind, "string"), sch),
                )
            )
        return out

    def _bind_union(self, b: Binding, union: Schema) -> None:
        branches = union_branches(union)
        b.union, b.discriminator, b.one_of = union.name, union.discriminator, bool(union.one_of)
        for branch in branches:
            assert branch.name is not None
            if union.discriminator_mapping:
                tags = [t for t, s in union.discriminator_mapping.items() if s == branch.name]
            else:  # OpenAPI: without a mapping, the value is the schema's name
                tags = [branch.name] if union.discriminator else []
            read_only = [n for n, p in branch.properties.items() if p.read_only]
            b.variants.append(Variant(self._canonical(branch.name), branch.name, tags, read_only))
        b.reasons.append(
            "creates "
            + " or ".join(
                v.entity + (f" ({', '.join(v.tags)})" if v.tags else "") for v in b.variants
            )
        )

    def _grand_scope(self, b: Binding, parent: Entity, item: _Op) -> None:
        """`/owners/{ownerId}/pets/{petId}/visits`: the pet is looked up among the owner's."""
        segments = item.shape.segments
        at = next((i for i, seg in enumerate(segments) if seg.param == b.parent_param), None)
        if at is None or at < 3:
            return
        literal, param = segments[at - 3].literal, segments[at - 2].param
        if literal is None or param is None or segments[at - 1].literal is None:
            return
        grand = self.collection_entity.get(literal.lower())
        fk = next(
            (
                r.fk_field
                for r in parent.relations
                if r.kind == "many_to_one" and r.target == grand and r.fk_field
            ),
            None,
        )
        grand_entity = self.entities.get(grand or "")
        if fk is None or grand_entity is None or self._id_field(grand_entity, param) != "id":
            return
        b.grand_param, b.grand_fk = param, fk
        b.reasons.append(f"the {parent.name} is looked up within the {grand} in {{{param}}}")

    def _id_field(self, entity: Entity, param: str) -> str | None:
        snake = Name.parse(param).snake
        if snake in ("id", f"{Name.parse(entity.name).snake}_id"):
            return "id"
        fld = entity.field(snake)
        if fld is not None and (
            fld.unique or fld.primary_key or snake in KEY_FIELDS or fld.type == "uuid"
        ):
            fld.unique = True
            fld.reasons.append(f"addresses a {entity.name} in the path {{{param}}}: unique")
            return fld.name
        if fld is not None:
            return None
        return "id"

    def _path_field(self, b: Binding, entity: Entity, item: _Op) -> None:
        """`/lists/{listId}/items/state/{state}`: a literal naming a field of the entity,
        right after the collection, then a parameter for its value. GET lists the rows with
        that value; PUT/PATCH/POST with a body listing keys sets the value on those rows."""
        segments = item.shape.segments
        if len(segments) < 3 or not segments[-1].is_param or segments[-3].is_param:
            return
        word, param = segments[-2].literal, segments[-1].param
        fld = entity.field(Name.parse(word or "").snake)
        if (
            fld is None
            or param is None
            or fld.system
            or fld.unique
            or fld.primary_key
            or fld.foreign_key
            or fld.type in ("json", "password")
        ):
            return
        op = item.op
        body = op.request_body
        if b.method == "get" and item.response_is_list:
            b.action = "sub_list" if item.shape.parent else "list"
            b.reasons.append(
                f"GET {op.path} lists the {entity.name} rows whose {fld.name} is {{{param}}}"
            )
        elif (
            b.method in ("put", "patch", "post")
            and body is not None
            and body.type == "array"
            and body.items is not None
            and body.items.type in ("string", "integer")
        ):
            b.action = "set_many"
            b.reasons.append(
                f"{b.method.upper()} {op.path} with a list of keys: sets {entity.name}."
                f"{fld.name} to {{{param}}} on each listed row (404 if one does not exist)"
            )
        else:
            return
        b.path_field, b.path_field_param = fld.name, param

    def _resolve_set_field(self, b: Binding, entity: Entity, verb: str) -> None:
        verb_l = verb.lower()
        stems = {
            verb_l,
            verb_l + "d",
            verb_l + "ed",
            verb_l.rstrip("e") + "ed",
            "is_" + verb_l + "d",
            "is_" + verb_l + "ed",
            "is_" + verb_l.rstrip("e") + "ed",
        }
        for fld in entity.fields:
            if fld.type == "boolean" and fld.name in stems:
                b.set_field, b.set_value = fld.name, True
                b.reasons.append(f"'{verb}' sets the boolean {entity.name}.{fld.name} to true")
                return
        for names, state in _states_of(verb_l):  # the state under another word: `done`
            for fld in entity.fields:
                if fld.type == "boolean" and fld.name in names and not fld.system:
                    b.set_field, b.set_value = fld.name, state
                    b.reasons.append(
                        f"'{verb}' sets the boolean {entity.name}.{fld.name} to "
                        + ("true" if state else "false")
                    )
                    return
        for fld in entity.fields:
            if fld.type == "enum":
                for value in fld.enum_values:
                    v = value.lower()
                    if v in stems or v in (verb_l + "led", verb_l + "ing"):
                        b.set_field, b.set_value = fld.name, value
                        b.reasons.append(f"'{verb}' sets {entity.name}.{fld.name} to '{value}'")
                        return
        named = entity.field(Name.parse(verb).snake)
        if (
            b.method in ("put", "patch")
            and named is not None
            and not named.system
            and not named.foreign_key
            and named.type != "password"
        ):
            b.set_field, b.set_from_body = named.name, True
            b.reasons.append(f"'{verb}' is a field of {entity.name}: the body sets it")
            return
        b.action = "custom"

    def _filters(self, b: Binding, entity: Entity, op: Operation) -> None:
        string_fields = [
            f.name
            for f in entity.fields
            if f.type in ("string", "text", "email") and not f.write_only
        ]
        for param in op.parameters:
            if param.location_in != "query":
                continue
            snake = Name.parse(param.name).snake
            low = snake.replace("_", "")
            role: Literal["page", "limit", "offset", "cursor"] | None = (
                "page"
                if snake in PAGE_PARAMS
                else "limit"
                if snake in LIMIT_PARAMS
                else "offset"
                if snake in OFFSET_PARAMS
                else "cursor"
                if snake in CURSOR_PARAMS
                and any(r.startswith("cursor") for r in unwrap(_success(op)[1]).meta.values())
                else None
            )
            if role is not None:
                if role == "offset":
                    b.pagination = "offset"
                if self.spec.source_format == "openapi":
                    sch = param.schema
                    b.page_params = b.page_params or []
                    b.page_params.append(
                        PageParam(
                            role,
                            param.name,
                            "string"
                            if sch.type == "string"
                            else "number"
                            if sch.type == "number"
                            else "integer",
                            sch.minimum,
                            sch.maximum,
                            sch.exclusive_minimum,
                            sch.exclusive_maximum,
                            int(sch.default)
                            if isinstance(sch.default, (int, float))
                            and not isinstance(sch.default, bool)
                            else None,
                            param.required,
                            sch.format,
                            zero_based=role == "page"
                            and (sch.minimum == 0 or sch.default == 0)
                            and sch.type != "string",
                        )
                    )
                continue
            if low in {s.replace("_", "") for s in SORT_PARAMS}:
                keys = _sort_keys(entity, param.schema)
                if keys is not None:
                    b.sort_param, b.sort_keys = param.name, keys
                    default = param.schema.default
                    b.sort_default = default if isinstance(default, str) else None
                    b.reasons.append(
                        f"'{param.name}' orders the rows by "
                        + ", ".join(sorted({f for f, _ in keys.values()}))
                    )
                    continue
                sch = param.schema
                b.unused_query.append(
                    QueryParam(param.name, sch.type or "string", None, list(sch.enum or []))
                )
                self.warnings.add(
                    f"{op.key}: query parameter '{param.name}' orders the rows, but its values "
                    f"are not listed as fields of {entity.name}; it is validated as declared "
                    "and otherwise ignored",
                    param.location,
                    "declare `enum: [name, -name, ...]` with the fields it sorts by",
                )
                continue
            fld = entity.field(snake)
            if fld is None and param.schema.type == "array":
                fld = entity.field(singular(snake))  # ?tags=a&tags=b on a `tag` field
            if fld is not None and fld.type != "password":
                op_kind: FilterOp = "in" if param.schema.type == "array" else "eq"
                b.filters.append(
                    Filter(
                        param.name,
                        fld.name,
                        op_kind,
                        fld.type,
                        reasons=[f"query '{param.name}' matches a field"],
                    )
                )
                if fld.type not in ("json",):
                    fld.index = True
                    fld.reasons.append(f"indexed: filtered by {b.key}")
                continue
            if snake in SEARCH_PARAMS and string_fields:
                b.filters.append(
                    Filter(
                        param.name,
                        string_fields[0],
                        "search",
                        "string",
                        search_fields=string_fields,
                        reasons=[f"'{param.name}' searches text fields"],
                    )
                )
                continue
            rng = self._range_filter(entity, snake)
            if rng is not None:
                fld_name, kind = rng
                fld2 = entity.field(fld_name)
                b.filters.append(
                    Filter(
                        param.name,
                        fld_name,
                        kind,  # type: ignore[arg-type]
                        fld2.type if fld2 else "datetime",
                        reasons=[f"'{param.name}' bounds {fld_name}"],
                    )
                )
                stamp = fld_name in ("created_at", "updated_at")
                if fld2 is not None and (stamp or not fld2.system) and fld2.type != "json":
                    fld2.index = True  # a range reads the column in order: a B-tree serves it
                    fld2.reasons.append(f"indexed: bounded by ?{param.name} of {b.key}")
                continue
            linked = self._linked_filter(entity, param.name, snake, param.schema)
            if linked is not None:
                b.filters.append(linked)
                continue
            # a relation by name: ?tag=python, ?author=jake
            target_rel = next((r for r in entity.relations if r.name == snake), None)
            key = self._text_key(target_rel.target) if target_rel is not None else None
            if (
                target_rel is not None
                and target_rel.fk_field
                and key is not None
                and param.schema.type in ("string", None)
            ):
                b.filters.append(
                    Filter(
                        param.name,
                        target_rel.name,
                        "ref",
                        "string",
                        search_fields=[key],
                        related=target_rel.target,
                        reasons=[
                            f"'{param.name}' selects rows whose {target_rel.name} has this {key}"
                        ],
                    )
                )
                continue
            flag = next((c for c in entity.computed if c.kind == "flag" and c.name == snake), None)
            linked_rel = entity.relation(flag.relation) if flag is not None else None
            key = self._text_key(linked_rel.target) if linked_rel is not None else None
            if flag is not None and linked_rel is not None and key is not None:
                b.filters.append(
                    Filter(
                        param.name,
                        linked_rel.name,
                        "has",
                        "string",
                        search_fields=[key],
                        related=linked_rel.target,
                        reasons=[
                            f"'{param.name}' selects rows {flag.api_name} by the "
                            f"{linked_rel.target} with this {key}"
                        ],
                    )
                )
                continue
            # owned children by name: ?tags=a&tags=b selects rows with a tag named a or b
            child_key = (
                self._name_key(target_rel.target)
                if target_rel is not None and target_rel.kind == "owned"
                else None
            )
            if target_rel is not None and child_key is not None:
                many = param.schema.type == "array"
                b.filters.append(
                    Filter(
                        param.name,
                        target_rel.name,
                        "has_any" if many else "has",
                        "string",
                        search_fields=[child_key],
                        related=target_rel.target,
                        reasons=[
                            f"'{param.name}' selects rows with a {target_rel.target} whose "
                            f"{child_key} is {'one of the values' if many else 'the value'}"
                        ],
                    )
                )
                continue
            if target_rel is not None and target_rel.kind == "many_to_one" and target_rel.fk_field:
                b.filters.append(
                    Filter(
                        param.name,
                        target_rel.fk_field,
                        "eq",
                        "integer",
                        reasons=[f"'{param.name}' filters by {target_rel.name}"],
                    )
                )
                continue
            sch = param.schema
            b.unused_query.append(
                QueryParam(
                    param.name,
                    sch.type or "string",
                    (sch.items.type if sch.items is not None else None) or "string",
                    list(sch.enum or []),
                    param.required,
                )
            )
            self.warnings.add(
                f"{op.key}: query parameter '{param.name}' matches no field of {entity.name}; "
                "it is validated as declared and otherwise ignored",
                param.location,
                "name it after a field, or q/search for text search, or min_/max_<field>",
            )

    @staticmethod
    def _filter_bounds(b: Binding, op: Operation) -> None:
        """Each filter keeps the bounds its query parameter declares (a `q` with
        `maxLength: 50` refuses a longer text)."""
        declared = {p.name: p.schema for p in op.parameters if p.location_in == "query"}
        for flt in b.filters:
            sch = declared.get(flt.param)
            if sch is None:
                continue
            if sch.type == "array" and sch.items is not None:
                continue  # bounds on each value: checked by the value's own type
            flt.bounds = declared_bounds(_JSON_KINDS.get(sch.type, "string"), sch)

    def _linked_filter(
        self, entity: Entity, param: str, snake: str, schema: Schema
    ) -> Filter | None:
        """?tag=python on posts linked to tags: rows linked to a target row whose id (for
        integer values) or whose unique / name-like text field equals the value."""
        for rel in entity.relations:
            if rel.kind != "many_to_many":
                continue
            target = self.entities[rel.target]
            t_snake = Name.parse(rel.target).snake
            if snake not in (
                rel.name,
                Name.parse(rel.name).singular.snake,
                t_snake,
                f"{t_snake}_id",
            ):
                continue
            if schema.type == "integer" or snake.endswith("_id"):
                key = "id"
            else:
                texts = [f for f in target.fields if f.type in ("string", "email") and not f.system]
                best = [f for f in texts if f.unique] + [
                    f for f in texts if f.name in ("slug", "name", "title", "code")
                ]
                if not best:
                    return None
                key = best[0].name
            key_field = target.field(key)
            return Filter(
                param,
                rel.name,
                "has",
                key_field.type if key_field is not None else "integer",
                search_fields=[key],
                related=rel.target,
                reasons=[f"'{param}' selects rows linked to a {rel.target} by its {key}"],
            )
        return None

    def _name_key(self, name: str) -> str | None:
        """The text field rows of `name` are called by (a unique one, else name/title/...)."""
        entity = self.entities[name]
        texts = [f for f in entity.fields if f.type in ("string", "email") and not f.system]
        best = [f for f in texts if f.unique] + [
            f for f in texts if f.name in ("slug", "name", "title", "code", "label")
        ]
        return best[0].name if best else None

    def _text_key(self, name: str) -> str | None:
        """The unique text field a row of `name` is named by in queries (username, slug)."""
        target = self.entities.get(name)
        if target is None:
            return None
        texts = [f for f in target.fields if f.type in ("string", "email") and f.unique]
        texts.sort(key=lambda f: (f.name not in KEY_FIELDS, f.type == "email"))
        return texts[0].name if texts else None

    def _range_filter(self, entity: Entity, snake: str) -> tuple[str, str] | None:
        patterns = [
            (r"^(?:min|from|start)_(.+)$", "gte"),
            (r"^(.+)_(?:min|from|gte|start|after)$", "gte"),
            (r"^(?:max|to|end|until)_(.+)$", "lte"),
            (r"^(.+)_(?:max|to|lte|end|before)$", "lte"),
        ]
        for pattern, kind in patterns:
            match = re.match(pattern, snake)
            if not match:
                continue
            stem = match.group(1)
            for candidate in (
                stem,
                f"{stem}_at",
                f"{stem}_on",
                f"{stem}_date",
                "created_at" if stem in ("created", "date") else "",
            ):
                if candidate and (
                    entity.field(candidate) or candidate in ("created_at", "updated_at")
                ):
                    return candidate, kind
        if snake in ("since", "after", "date_from", "start_date"):
            return "created_at", "gte"
        if snake in ("until", "before", "date_to", "end_date"):
            return "created_at", "lte"
        return None

    def _status(self, b: Binding, declared: int | None) -> int:
        if declared is not None and self.spec.source_format == "openapi":
            return declared
        return {
            "create": 201,
            "create_union": 201,
            "sub_create": 201,
            "register": 201,
            "delete": 204,
        }.get(b.action, 200)

    def _function_name(self, b: Binding, item: _Op, used: set[str]) -> str:
        ent = Name.parse(b.entity) if b.entity else None
        base: str
        if b.action == "custom":
            base = (
                Name.parse(b.operation_id).snake
                if b.operation_id
                else "_".join(
                    [b.method, *[w for w in item.shape.words if w not in ("api", "v1", "v2")]]
                )
            )
        elif b.action == "create_union":
            base = f"create_{Name.parse(b.union or item.shape.collection or 'item').snake}"
        elif ent is None:
            base = b.action
        else:
            base = {
                "list": f"list_{ent.plural.snake}",
                "create": f"create_{ent.snake}",
                "read": f"get_{ent.snake}",
                "replace": f"replace_{ent.snake}",
                "patch": f"update_{ent.snake}",
                "delete": f"delete_{ent.snake}",
                "register": "register",
                "login": "login",
                "me": "read_current_user",
                "me_update": "update_current_user",
                "set_field": f"{Name.parse(item.shape.action or 'set').snake}_{ent.snake}",
                "link": f"{Name.parse(item.shape.action or 'link').snake}_{ent.snake}",
                "unlink": f"un{Name.parse(item.shape.action or 'link').snake}_{ent.snake}",
            }.get(b.action, f"{b.action}_{ent.snake}")
            if b.action == "list" and b.feed_fk:
                base = f"list_{ent.plural.snake}_feed"
            if b.action == "set_field" and b.set_from_body and b.set_field:
                base = f"update_{ent.snake}_{b.set_field}"
            if b.action in ("sub_list", "sub_create") and b.parent:
                verb = "list" if b.action == "sub_list" else "create"
                noun = ent.plural.snake if verb == "list" else ent.snake
                base = f"{verb}_{Name.parse(b.parent).snake}_{noun}"
            if b.action in ("list", "sub_list") and b.path_field:
                base = f"{base}_by_{b.path_field}"
            if b.action == "set_many" and b.path_field:
                base = f"set_{ent.plural.snake}_{b.path_field}"
        base = Name.parse(base).snake
        name, n = base, 2
        while name in used:
            name, n = f"{base}_{n}", n + 1
        used.add(name)
        return name

    # -- 6. finishing --------------------------------------------------------------------
    def finish(self, soft_delete: bool) -> None:
        for name, closure in self.closed_bodies.items():
            if closure is not None and name in self.entities:
                self.entities[name].closed_body = sorted(closure)
        for entity in self.entities.values():
            entity.soft_delete = soft_delete
            stamps: list[tuple[str, bool]] = [("created_at", False), ("updated_at", False)]
            if soft_delete:
                stamps.append(("deleted_at", True))
            for stamp, nullable in stamps:
                api_name = next(
                    (
                        p
                        for p in self.props[entity.name]
                        if TIMESTAMP_ALIASES.get(p.lower().replace("_", "")) == stamp
                    ),
                    stamp,
                )
                entity.fields.append(
                    Field(
                        name=stamp,
                        api_name=api_name,
                        type="datetime",
                        nullable=nullable,
                        system=True,
                        read_only=True,
                        index=stamp == "deleted_at",
                        reasons=[
                            "system field"
                            + (": soft delete marker, indexed" if stamp == "deleted_at" else "")
                        ],
                    )
                )
            _merge_key_members(entity)
            seen: dict[str, Field] = {}
            for fld in entity.fields:
                fld.column = sql_safe(fld.name)
                first = seen.get(fld.name)
                if first is not None:
                    spelled = sorted({first.api_name, fld.api_name} - {fld.name})
                    raise SpecError(
                        f"{entity.name} has two fields named '{fld.name}'"
                        + (f" (from {' and '.join(map(repr, spelled))})" if spelled else ""),
                        self.entity_locations.get(entity.name),
                        "rename one of them in the documents",
                    )
                seen[fld.name] = fld


def _merge_key_members(entity: Entity) -> None:
    """A contract answering both a referenced object and its key (`head_repository` and
    `head_repository_id`): one foreign key column, answered as both members. A body names
    the row with the object, as for any object member, unless only the key is written
    (`venue_id` in the create body, `venue` only in answers): then the body carries the
    key."""
    refs = {f.name: f for f in entity.fields if f.object_ref}
    kept: list[Field] = []
    for fld in entity.fields:
        ref = refs.get(fld.name)
        if (
            ref is not None
            and fld is not ref
            and not fld.object_ref
            and fld.foreign_key in (None, ref.foreign_key)
            and fld.type in ("integer", "bigint", "smallint", "text", "uuid")
            and ref.id_member is None
        ):
            ref.id_member = fld.api_name
            ref.reasons.append(
                f"'{fld.api_name}' is the same reference's key: answered from this column"
            )
            if ref.read_only and not fld.read_only:
                ref.key_in_body, ref.read_only = True, False
                ref.required, ref.nullable = fld.required, fld.nullable and ref.nullable
                ref.reasons.append(f"bodies name the row by '{fld.api_name}'")
            continue
        kept.append(fld)
    entity.fields = kept


def _describe_json(fld: Field, schema: Schema, path: tuple[str, ...]) -> None:
    """What a JSON member holds, as declared: an object's members (nested objects in turn),
    an array's object items; a schema met again inside itself is referred to by name."""
    if _is_object(schema):
        fld.json_kind = "object"
        if schema.name and schema.name in path:
            fld.json_ref = schema.name  # recursion: the class described further up
            return
        fld.json_schema = schema.name
        inner = (*path, schema.name or fld.api_name)
        fld.members = _members_of(schema, inner)
        fld.extra_members = _extra_members(schema)
    elif schema.type == "array":
        fld.json_kind = "array"
        fld.min_items, fld.max_items = schema.min_items, schema.max_items
        scalar = schema.items is not None and schema.items.type in (
            "string",
            "integer",
            "number",
            "boolean",
        )
        if schema.items is not None and scalar and fld.items is None:
            item_info = type_of(schema.items, singular(fld.name))
            if item_info.type != "json":  # each item checked as declared
                fld.items, fld.item_enum = item_info.type, list(item_info.enum_values or [])
                fld.item_field = declared_bounds(fld.items, schema.items)
        if schema.items is not None and _is_object(schema.items):
            item = Field(name=f"{fld.name}_item", api_name=fld.api_name, type="json", required=True)
            _describe_json(item, schema.items, path)
            fld.json_item = item


_DONE = ("done", "completed", "complete", "finished", "is_done", "is_complete", "is_completed")
_ACTIVE = ("active", "is_active", "enabled", "is_enabled")
# verbs whose state an API keeps under another word (POST /tasks/{id}/complete sets `done`)
_VERB_STATES: dict[str, tuple[tuple[str, ...], bool]] = {
    "complete": (_DONE, True),
    "finish": (_DONE, True),
    "reopen": (_DONE + ("closed", "is_closed"), False),
    "activate": (_ACTIVE, True),
    "enable": (_ACTIVE, True),
    "deactivate": (_ACTIVE, False),
    "disable": (_ACTIVE, False),
}


def _states_of(verb: str) -> list[tuple[set[str], bool]]:
    """The boolean fields a verb may set, with the value: its synonyms' state words, and
    for `un<verb>` (unarchive, unpublish) the verb's own participle set to false."""
    out: list[tuple[set[str], bool]] = []
    if verb in _VERB_STATES:
        names, state = _VERB_STATES[verb]
        out.append((set(names), state))
    if verb.startswith("un") and len(verb) > 4:
        base = verb[2:]
        participles = {base + "d", base + "ed", base.rstrip("e") + "ed", base}
        out.append((participles | {"is_" + p for p in participles}, False))
    return out


def _sort_keys(entity: Entity, schema: Schema) -> dict[str, tuple[str, bool]] | None:
    """What each value of a sort parameter means, (field, descending): `starts_at`,
    `-starts_at`, `+title`, `title:desc`, `title_desc`; None unless the parameter lists its
    values and each names a field."""
    keys: dict[str, tuple[str, bool]] = {}
    for value in schema.enum or []:
        if not isinstance(value, str) or not value.strip():
            return None
        text, desc = value.strip(), False
        if text[0] in "+-":
            text, desc = text[1:], text[0] == "-"
        for suffix, down in ((":desc", True), (":asc", False), ("_desc", True), ("_asc", False)):
            if text.lower().endswith(suffix):
                text, desc = text[: -len(suffix)], down
                break
        snake = Name.parse(text).snake
        name = TIMESTAMP_ALIASES.get(snake.replace("_", ""), snake)
        fld = entity.field(name) or entity.field(TIMESTAMP_ALIASES.get(snake, snake))
        if fld is None or fld.type in ("json", "password"):
            return None
        keys[value] = (fld.name, desc)
    return keys or None


def _formats_annotate(spec: ApiSpec) -> bool:
    """Whether the document's `format`s are annotations rather than assertions: from
    OpenAPI 3.1 on its schemas are JSON Schema 2020-12, where `""` is a valid value of a
    nullable `date-time` member. OpenAPI 3.0 validators (schemathesis among them) hold a
    format as a check, so there `""` is invalid input."""
    declared = str((spec.raw or {}).get("openapi") or "")
    parts = declared.split(".")
    try:
        return (int(parts[0]), int(parts[1])) >= (3, 1)
    except (ValueError, IndexError):
        return False


def declared_bounds(kind: LogicalType, schema: Schema) -> Field | None:
    """A value of `kind` with the bounds its schema declares (`maxLength`, `minimum`,
    `pattern`, ...), or None when it declares none: an array's item, a query value, a
    header. Only the contract's bounds: no column holds the value."""
    bounded = Field(
        name="value",
        api_name="value",
        type=kind,
        length=schema.max_length,
        min_length=schema.min_length,
        minimum=schema.minimum,
        maximum=schema.maximum,
        exclusive_minimum=schema.exclusive_minimum,
        exclusive_maximum=schema.exclusive_maximum,
        pattern=schema.pattern,
        required=True,
        nullable=False,
    )
    declared = (schema.max_length, schema.min_length, schema.minimum, schema.maximum)
    return bounded if schema.pattern or any(b is not None for b in declared) else None


_JSON_KINDS: dict[str | None, LogicalType] = {"integer": "integer", "number": "float"}


def _members_of(schema: Schema, path: tuple[str, ...] = ()) -> list[Field]:
    """The members of an object kept as JSON (`category: {id, name}`), typed as declared so
    that bodies are checked against them."""
    members: list[Field] = []
    for name, sub in schema.properties.items():
        snake = Name.parse(name).snake
        info = type_of(sub, snake if snake != "id" else "key")
        if sub.type == "integer":
            info = TypeInfo(
                "bigint" if sub.format == "int64" else "integer", int_values=info.int_values
            )
        required = name in schema.required and not sub.read_only  # (not in requests)
        member = Field(
            name=snake,
            api_name=name,
            type=info.type,
            length=sub.max_length,  # no column: only the contract's own bound
            precision=info.precision,
            scale=info.scale,
            enum_values=info.enum_values or [],
            int_enum=info.int_values or [],
            required=required and not sub.has_default,
            nullable=not required or sub.nullable,
            min_length=sub.min_length,
            minimum=sub.minimum,
            maximum=sub.maximum,
            exclusive_minimum=sub.exclusive_minimum,
            exclusive_maximum=sub.exclusive_maximum,
            xml_wrapped=sub.xml_wrapped,
            xml_name=_xml_name(name, sub),
            pattern=sub.pattern,
            default=sub.default,
            has_default=sub.has_default,
            null_allowed=sub.nullable,
            read_only=sub.read_only,
            row_key=name.lower() == "id" and sub.read_only and name in schema.required,
        )
        if info.type == "json":
            _describe_json(member, sub, path)
        members.append(member)
    return members


def _xml_name(api_name: str, schema: Schema) -> str | None:
    """The element a member is written as in XML, where it is not the member's name: its
    schema's `xml.name` (a referenced schema's own, as clients such as schemathesis write
    it)."""
    name = schema.xml_name
    return name if name and name != api_name else None


def _closed(schema: Schema) -> bool:
    """The schema allows no members beyond its own, or only ones of a given type: responses
    then answer its members only (not the generator's id, keys and timestamps)."""
    return schema.additional_properties is False or isinstance(schema.additional_properties, Schema)


def _extra_members(schema: Schema) -> Field | Literal["closed"] | None:
    """What the contract says of an object's undeclared members: none allowed, each a value
    of one scalar type (`additionalProperties: {type: number}`), or anything."""
    extra = schema.additional_properties
    if extra is False:
        return "closed"
    if not isinstance(extra, Schema) or extra.type not in (
        "string",
        "number",
        "integer",
        "boolean",
    ):
        return None
    (member,) = _members_of(Schema(type="object", properties={"value": extra}, required=["value"]))
    return member


def _stack_soft_delete(spec: ApiSpec) -> tuple[bool, str]:
    for rule in spec.rules:
        text = rule.text.lower()
        if re.search(
            r"soft[- ]?delete\s*[:=]?\s*(off|no|false|disabled)|no soft[- ]?delete|"
            r"hard[- ]delete",
            text,
        ):
            return False, f"rule at {rule.location}: {rule.text}"
    return True, "soft delete is on by default (deleted_at)"


def _unbounded_text(entities: Iterable[Entity]) -> None:
    """Under an OpenAPI contract a string without maxLength accepts any length: store it as
    TEXT unless a key, index or unique constraint needs a bounded VARCHAR."""
    for entity in entities:
        for fld in entity.fields:
            keyed = fld.unique or fld.index or fld.primary_key or fld.foreign_key
            if fld.type == "string" and fld.free_length and not keyed:
                fld.type, fld.length = "text", None
                fld.reasons = [r for r in fld.reasons if not r.startswith("no max length")]
                fld.reasons.append("no max length given: TEXT (the contract accepts any length)")


def infer(
    spec: ApiSpec, options: InferOptions | None = None, warnings: Warnings | None = None
) -> DomainModel:
    options = options or InferOptions()
    warnings = warnings if warnings is not None else Warnings()
    state = _Inference(spec, options, warnings)
    state.discover()
    state.detect_auth()
    state.build_fields()
    apply_social(state)
    state.resolve_relations()
    apply_rules(spec, state.entities, warnings, state.auth.account)
    soft, reason = _stack_soft_delete(spec)
    if options.soft_delete is not None:
        soft, reason = options.soft_delete, "set on the command line"
    state.finish(soft)
    bindings = state.bind()
    infer_ownership(
        spec,
        state.entities,
        bindings,
        state.auth.account if state.auth.enabled else None,
        warnings,
        state._canonical,
        state.entity_locations,
    )
    if spec.source_format == "openapi":
        _unbounded_text(state.entities.values())
    _check_names(state.entities, state.entity_locations)
    project = options.project or Name.parse(spec.title or "backend").kebab
    model = DomainModel(
        title=spec.title,
        version=spec.version,
        description=spec.description,
        project=project,
        entities=sorted(state.entities.values(), key=lambda e: e.name),
        bindings=bindings,
        auth=state.auth,
        soft_delete=soft,
        features=list(spec.features),
        base_path=spec.base_path,
        sources=list(spec.sources),
        source_format=spec.source_format,
        requirements=list(spec.requirements),
        notes=[f"soft delete: {reason}"],
        errors=error_contract(spec),
        tags=dict(spec.tag_descriptions),
    )
    _order_entities(model)
    _warn_required_cycles(model, warnings, state.entity_locations)
    return model


def _warn_required_cycles(
    model: DomainModel, warnings: Warnings, locations: dict[str, Location | None]
) -> None:
    """A required key closing a cycle of required references: no first row of the cycle
    can be stored where keys are checked at once (PostgreSQL, MySQL), nor seeded."""
    for entity_name, field_name in sorted(model.forward_references()):
        entity = model.entity(entity_name)
        fld = next(f for f in entity.fields if f.name == field_name)
        if fld.nullable:
            continue
        warnings.add(
            f"{entity_name}.{fld.api_name} is required and references {fld.foreign_key}, "
            f"whose required references lead back to {entity_name}: the first of their "
            "rows cannot be stored on PostgreSQL or MySQL, nor seeded",
            locations.get(entity_name),
            "make one reference of the cycle optional (not required, or nullable)",
        )


def _check_names(entities: dict[str, Entity], locations: dict[str, Location | None]) -> None:
    tables: dict[str, str] = {}
    for entity in entities.values():
        other = tables.get(entity.table)
        if other is not None:
            raise SpecError(
                f"entities '{other}' and '{entity.name}' both map to the table '{entity.table}'",
                locations.get(entity.name),
                "give one of them a distinct name",
            )
        tables[entity.table] = entity.name


def _order_entities(model: DomainModel) -> None:
    """Entities in FK order (parents first), ties by name: stable, deterministic output.

    Mutually referencing entities (a cycle of foreign keys) cannot all come after their
    parents. Such a group (a strongly connected component, found with Tarjan's algorithm)
    is kept together and ordered by its required references alone, so the references left
    pointing forward (`DomainModel.forward_references`: added by the database after both
    tables exist) are nullable ones wherever the design allows it. Without cycles this is
    the depth-first post-order, parents first."""
    by_name = {e.name: e for e in model.entities}

    def targets(name: str, required: bool = False) -> list[str]:
        return [
            f.foreign_key
            for f in by_name[name].fields
            if f.foreign_key
            and f.foreign_key != name
            and f.foreign_key in by_name
            and not (required and f.nullable)
        ]

    ordered: list[Entity] = []
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()

    def connect(name: str) -> None:
        index[name] = low[name] = len(index)
        stack.append(name)
        on_stack.add(name)
        for target in targets(name):
            if target not in index:
                connect(target)
                low[name] = min(low[name], low[target])
            elif target in on_stack:
                low[name] = min(low[name], index[target])
        if low[name] != index[name]:
            return
        group: set[str] = set()
        while True:
            member = stack.pop()
            on_stack.discard(member)
            group.add(member)
            if member == name:
                break
        ordered.extend(by_name[m] for m in _order_group(group, targets))

    for entity in sorted(by_name):
        if entity not in index:
            connect(entity)
    model.entities = ordered


def _order_group(group: set[str], targets: Callable[..., list[str]]) -> list[str]:
    """The members of one strongly connected group, parents first along required
    references (post-order), ties by name."""
    if len(group) == 1:
        return list(group)
    done: list[str] = []
    visiting: set[str] = set()

    def visit(name: str) -> None:
        if name in visiting or name in done:
            return
        visiting.add(name)
        for target in targets(name, required=True):
            if target in group:
                visit(target)
        visiting.discard(name)
        done.append(name)

    for name in sorted(group):
        visit(name)
    return done


__all__ = ["InferOptions", "infer", "unwrap", "OnDelete"]
