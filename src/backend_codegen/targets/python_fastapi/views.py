"""View models for the python-fastapi templates: everything a template prints, precomputed.

Templates only loop and print; every naming and typing decision for Python lives here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from dataclasses import replace as with_changes
from decimal import Decimal
from typing import Any, Literal

from backend_codegen.domain.errors import status_for
from backend_codegen.domain.model import Binding, DomainModel, Entity, Field, Relation
from backend_codegen.domain.paths import split_path
from backend_codegen.domain.samples import compile_pattern, sample_value
from backend_codegen.naming import Name
from backend_codegen.targets.python_fastapi.names import (
    PY_TYPES,
    id_annotation,
    py_name,
    sa_type_expr,
)


@dataclass
class ColumnView:
    attr: str
    annotation: str
    args: str  # mapped_column(...) arguments (SQLAlchemy flavour)
    system: bool
    sm_annotation: str = ""  # the SQLModel flavour's annotation and Field(...) arguments
    sm_args: str = ""


@dataclass
class RelationView:
    attr: str
    annotation: str
    args: str  # relationship(...) arguments (SQLAlchemy flavour)
    target: str
    target_module: str
    sm_annotation: str = ""  # the SQLModel flavour's annotation and Relationship(...) arguments
    sm_args: str = ""


def _relation(
    attr: str,
    holds: Literal["list", "one", "optional"],
    pairs: list[tuple[str, str]],
    target: str,
    module: str,
) -> RelationView:
    """One relationship to the class `target`, holding a list of rows, one row or an
    optional one, written for both flavours from the same keyword arguments. The
    SQLAlchemy models have `from __future__ import annotations`: the class is named as
    it is; SQLModel reads it from the annotation at run time: quoted, an optional one as
    `Optional["X"]`."""
    sa_args = ", ".join(f"{k}={v}" for k, v in pairs)
    lifted = [f"{k}={v}" for k, v in pairs if k == "back_populates"]
    rest = [(k, v) for k, v in pairs if k != "back_populates"]
    if rest:
        lifted.append("sa_relationship_kwargs={" + ", ".join(f"{k!r}: {v}" for k, v in rest) + "}")
    annotation, sm_annotation = {
        "list": (f"list[{target}]", f'list["{target}"]'),
        "one": (target, f'"{target}"'),
        "optional": (f"{target} | None", f'Optional["{target}"]'),
    }[holds]
    return RelationView(attr, annotation, sa_args, target, module, sm_annotation, ", ".join(lifted))


@dataclass
class SchemaFieldView:
    attr: str
    annotation: str
    default: str  # "" when required
    field_args: str  # Field(...) keyword arguments, alias included


@dataclass
class TestField:
    """A field the generated tests write and read back."""

    attr: str
    api: str
    type: str
    value: str  # python expression of a valid value
    max_length: int | None = None
    required: bool = False
    unique: bool = False
    returned: bool = True  # answered back (a write-only member is not)


@dataclass
class ParamView:
    name: str  # python parameter name
    annotation: str
    default: str  # python expression
    alias: str | None = None  # the query name in the spec when it differs

    @property
    def value_annotation(self) -> str:
        """The annotation of the value once read (services take plain types, not the
        readers of app.api.deps and app.schemas.common)."""
        return re.sub(
            r"\bquery_int_of\([^)]*\)|\b(?:Query|Text)(Int|DateTime|Date|Time)\b",
            lambda m: {None: "int", "Int": "int", "DateTime": "dt.datetime"}.get(
                m.group(1), f"dt.{str(m.group(1)).lower()}"
            ),
            self.annotation,
        )


@dataclass
class FilterView:
    param: ParamView
    attr: str
    op: str
    search_attrs: list[str] = field(default_factory=list)
    test_value: str = ""  # JSON value the tests filter by
    api: str = ""  # JSON name of the filtered field
    row_value: str = ""  # python value a test row gets so that the filter finds it
    related_cls: str = ""  # op == "has": the linked model
    related_module: str = ""
    link_table: str = ""  # op == "linked": the join table kept by link/unlink actions
    link_source_col: str = ""
    link_target_col: str = ""
    link_module: str = ""
    bounds: str = ""  # the bounds its query parameter declares, as Query() arguments
    unique_key: str = ""  # op == "has": a value of its own for the linked row the tests make


@dataclass
class RouteView:
    binding: Binding
    function: str
    method: str
    path: str  # relative to the router prefix, params renamed to python names
    full_path: str  # as the client calls it (spec path with python param names)
    spec_path: str
    status_code: int
    auth: str
    id_param: str | None
    id_attr: str
    id_annotation: str
    parent_param: str | None
    parent_annotation: str
    parent_class: str | None
    parent_module: str | None
    parent_attr: str  # the parent field the parent parameter names (id, slug, ...)
    parent_fk_attr: str | None
    filters: list[FilterView]
    pagination: str
    list_shape: str
    set_attr: str | None
    set_value: str
    summary: str
    owner_attr: str | None  # attribute filled from the current user
    # ownership (see domain/ownership.py): the expression naming the caller whose rows the
    # route may see ("" when nothing it touches is private), and what it applies to
    viewer: str = ""
    scoped: bool = False  # the row (or list) is private: only the caller's are found
    parent_scoped: bool = False  # the parent in the path is private
    refs_scoped: bool = False  # the body references private rows: only the caller's count
    check_owner: bool = False  # owner-writes: only the row's owner may change it (403)
    test_url: str = ""  # full path with {id} / {parent} placeholders for the tests
    set_api: str = ""  # JSON name of the field a set_field action changes
    missing_value: str = "999999999"  # a path value that addresses no row
    set_schema: SchemaFieldView | None = None  # set_field from the body: the body's one field
    set_body_value: str = ""  # a valid JSON value for it (tests)
    change_class: str = ""  # the pydantic class of that body, e.g. OrderStatusChange
    # Declared pagination query parameters ({role, name, declaration}); None: page + limit.
    paging: list[dict[str, Any]] | None = None
    # keyset pagination (?cursor=, next_cursor) next to page/limit: lists of our own Page
    # shape; a contract's lists keep exactly the parameters and members it declares
    cursor: bool = False
    path_field: dict[str, str] | None = None  # see plan._path_field_view
    int_params: list[str] = field(default_factory=list)  # path params the contract types integer

    @property
    def keyset(self) -> str | None:
        """The route's variable holding the key to read after (our own `cursor`, or the
        contract's cursor parameter), if it pages by key."""
        return "cursor" if self.cursor else self.paging_var("cursor")

    @property
    def anonymous(self) -> bool:
        """An anonymous caller may use the route yet sees no private row (NOBODY)."""
        return "NOBODY" in self.viewer

    @property
    def sample_url(self) -> str:
        """The full path with a value in each parameter (1 for integers, else its name)."""
        return re.sub(
            r"\{(\w+)\}",
            lambda m: "1" if m.group(1) in self.int_params else m.group(1),
            self.full_path,
        )

    @property
    def no_content(self) -> bool:
        """The success status carries no body (204 No Content, 205 Reset Content)."""
        return self.status_code in (204, 205)

    def typed(self, path: str) -> str:
        """`path` for the router: an integer parameter matches digits only, so that
        `/pets/findByStatus` is not taken for `/pets/{petId}` (another method there is 405)."""
        return re.sub(
            r"\{(\w+)\}",
            lambda m: "{" + m.group(1) + ":sint}" if m.group(1) in self.int_params else m.group(0),
            path,
        )

    # Declared query parameters nothing interprets ({name, declaration}); validated only.
    unused_query: list[dict[str, str]] = field(default_factory=list)
    single_valued: list[str] = field(default_factory=list)  # query names sent at most once
    read_cls: str = ""  # the response schema of one row (a view's, e.g. ProfileRead)
    in_cls: str = ""  # the request body class (an envelope when the body is wrapped)
    in_attr: str = ""  # the envelope's member holding the entity ("" when not wrapped)
    in_key: str = ""  # its JSON name
    out_cls: str = ""  # the response model (an envelope when the response is wrapped)
    out_key: str = ""  # the envelope's JSON member ("" when not wrapped)
    count_attr: str = ""  # list envelopes: the member with the total
    link: dict[str, Any] | None = None  # link/unlink: the join table
    link_checks: list[dict[str, str]] = field(default_factory=list)  # members it changes
    key_api: str = "id"  # JSON name of the field the id parameter names
    feed: dict[str, Any] | None = None  # feeds: the account's join table and the owner column
    meta_args: list[tuple[str, str]] = field(default_factory=list)  # envelope page members
    next_key: str = ""  # the envelope member answering the next page's cursor
    # list: the parameter choosing the order ({name, declaration, order: value -> python
    # ordering expressions}), see plan._sort
    sort: dict[str, Any] | None = None
    body_key_value: str = ""  # tests: an id the body must carry (checked, not used)
    grand_param: str | None = None  # the parameter above the parent (`{ownerId}`)
    grand_annotation: str = "int"
    grand_fk_attr: str | None = None  # the parent's attribute holding it

    @property
    def grand_scope(self) -> str:
        """Keyword arguments that look the parent up within the row above it."""
        if not self.grand_param or not self.grand_fk_attr:
            return ""
        return f", {self.grand_fk_attr}={self.grand_param}"

    def paging_var(self, role: str) -> str | None:
        """The route's value for a paging role: a number parameter is read as a whole count."""
        p = self.paging_param(role)
        if p is None:
            return None
        return f"whole({p['name']})" if p.get("number") else p["name"]

    def paging_param(self, role: str) -> dict[str, Any] | None:
        return next((p for p in self.paging or [] if p["role"] == role), None)

    def st(self, status: int) -> int:
        """The status this operation answers for a failure of `status` (see status_for)."""
        return status_for(self.binding.declared, status)


@dataclass
class EntityView:
    entity: Entity
    cls: str
    module: str
    table: str
    var: str
    plural: str
    id_annotation: str
    soft_delete: bool
    is_account: bool
    columns: list[ColumnView]
    relations: list[RelationView]
    m2m: list[dict[str, Any]]
    owned: list[dict[str, Any]]
    fk_checks: list[dict[str, str]]
    create_fields: list[SchemaFieldView]
    update_fields: list[SchemaFieldView]
    read_fields: list[SchemaFieldView]
    non_nullable_update: list[str]
    non_nullable_create: list[str]
    omit_null: list[str]  # response members left out when they have no value
    client_id_value: str  # test payloads: an expression for a fresh client-chosen id, if any
    # test payloads: members the contract requires that the server sets anyway (api, value)
    checked_only: list[tuple[str, str]] = field(default_factory=list)
    routes: list[RouteView] = field(default_factory=list)
    by_action: dict[str, RouteView] = field(default_factory=dict)  # first route per action
    prefix: str = ""
    tag: str = ""
    owner_attr: str | None = None
    owner_api: str | None = None  # its JSON name
    # SQLModel flavour: the columns a client writes and reads back, declared once in
    # <Entity>Base (shared by the table model and the Create/Read schemas)
    shared: list[str] = field(default_factory=list)
    policy: str | None = None  # ownership: private / owner_writes / shared (None: nobody's)
    # body references to private rows the create payload carries ({attr, api, factory})
    private_refs: list[dict[str, Any]] = field(default_factory=list)
    login_attr: str | None = None
    login_api: str | None = None
    has_password: bool = False
    password_args: str = ""  # Field(...) bounds of the password a client sends
    test_fields: list[TestField] = field(default_factory=list)
    factory_fields: list[TestField] = field(default_factory=list)
    factory_parents: list[dict[str, Any]] = field(default_factory=list)
    payload_parents: list[dict[str, Any]] = field(default_factory=list)
    child_payloads: list[dict[str, Any]] = field(default_factory=list)
    imports_models: list[str] = field(default_factory=list)
    dump_exclude: str = "None"  # fields of Create/Update handled apart from plain columns
    patch_field: TestField | None = None  # a field the tests change with PATCH
    patch_value: str = ""
    restrict_children: list[dict[str, str]] = field(default_factory=list)
    # the time stamps a list bounds (?since=, ?until=): indexed through __table_args__, as
    # the mixins that declare them are shared by every table
    stamp_indexes: list[str] = field(default_factory=list)
    missing_id: str = "999999999"
    needs_ref: bool = False  # other entities link to this one by {"id": ...} objects
    # request bodies of single operations that differ from the entity's Create (members the
    # operation's own schema leaves out or requires): subclasses of it, by class name
    body_variants: list[dict[str, Any]] = field(default_factory=list)
    # members holding another entity's row as an object (`"type": {"id": 1, ...}`)
    object_refs: list[dict[str, str]] = field(default_factory=list)
    password_required: bool = True  # creates must carry the password (else it is optional)
    children: list[dict[str, Any]] = field(default_factory=list)  # rows pointing here, answered
    json_models: list[dict[str, Any]] = field(default_factory=list)  # members of JSON objects
    # a body (or a child written with it) holds copies of rows that must name a row
    copies_rows: bool = False
    # a JSON member of the body whose member copies a row: the generated tests check that
    # the copy names an existing row by its naming member ({api, member, cls, module, ...})
    copy_check: dict[str, Any] | None = None
    ref_id: SchemaFieldView | None = None  # the id member of this entity's Ref
    ref_fields: list[SchemaFieldView] = field(default_factory=list)  # its other members
    variant_of: dict[str, str] = field(default_factory=dict)  # binding key -> variant class
    variant_key_values: dict[str, str] = field(default_factory=dict)  # ... -> test id to send
    change_classes: list[str] = field(default_factory=list)  # bodies of set-from-body routes
    links: list[dict[str, Any]] = field(default_factory=list)  # link/unlink join tables
    computed: list[dict[str, Any]] = field(default_factory=list)  # flags / counts per caller
    embeds: list[dict[str, Any]] = field(default_factory=list)  # references shown as objects
    read_views: list[dict[str, Any]] = field(default_factory=list)  # e.g. ProfileRead of User
    slugs: list[dict[str, Any]] = field(default_factory=list)  # slug made from another field
    envelopes: list[dict[str, Any]] = field(default_factory=list)  # wrapped bodies
    presents: bool = False  # responses need computed members: service.present(...)
    creates: bool = False  # the API creates rows of this entity (service create_<entity>)
    updates: bool = False  # the API replaces / patches rows (service update_<entity>)
    deletes: bool = False  # the API deletes rows (service delete_<entity>)

    @property
    def filter_ops(self) -> set[str]:
        """The comparisons its lists filter with (`eq`, `in`, `gte`, ...): the service
        imports the helpers of those only."""
        return {f.op for route in self.routes for f in route.filters}


def module_of(entity: str) -> str:
    """The module (and factory suffix) of an entity: `OrderItem` -> `order_item`,
    `Class` -> `class_`."""
    return py_name(Name.parse(entity).snake)


def attr_of(fld: Field) -> str:
    return py_name(fld.name)


def py_value(value: Any) -> str:
    """Python source for a sample value."""
    import datetime as _dt
    import uuid as _uuid

    if isinstance(value, Decimal):
        return f'Decimal("{value}")'
    if isinstance(value, _dt.datetime):
        return f'dt.datetime.fromisoformat("{value.isoformat()}")'
    if isinstance(value, _dt.date):
        return f'dt.date.fromisoformat("{value.isoformat()}")'
    if isinstance(value, _dt.time):
        return f'dt.time.fromisoformat("{value.isoformat()}")'
    if isinstance(value, _uuid.UUID):
        return f'UUID("{value}")'
    return repr(value)


def json_value(fld: Field, value: Any) -> str:
    """Python source for the JSON form of a sample value (what a client sends)."""
    import datetime as _dt

    if isinstance(value, Decimal):
        return repr(float(value))
    if isinstance(value, _dt.date | _dt.time):
        return repr(value.isoformat())
    return repr(value)


def _ref_class(fld: Field) -> str:
    assert fld.foreign_key is not None
    return Name.parse(fld.foreign_key).pascal


def _annotation(fld: Field, *, schema: bool) -> str:
    if schema and fld.object_ref:
        # the object in the body names the row by its id; the member holds that id
        return f"Annotated[{_ref_class(fld)}Ref, AfterValidator(ref_key), KeyOnly]"
    base = PY_TYPES[fld.type]
    if schema and fld.type == "enum" and fld.enum_values:
        base = "Literal[" + ", ".join(repr(v) for v in fld.enum_values) + "]"
    if schema and fld.type == "email":
        base = "EmailText"
    if schema and fld.type == "url":
        base = "UrlStr"
    if schema and fld.type == "decimal":
        scale = fld.scale if fld.scale is not None else 2
        low, high = _decimal_bounds(fld)
        json_schema = {"type": "number", **low, **high}
        base = (
            f"Annotated[DecimalNumber, AfterValidator(rounded_to({scale})), "
            f"WithJsonSchema({json_schema!r})]"
        )
    if schema and fld.type in STRICT_TYPES:
        # JSON types are kept apart in bodies: "1" is not an integer, 1 is not a boolean.
        base = STRICT_TYPES[fld.type]
    if schema and fld.int_enum and fld.type in INT_RANGES:  # only the values listed
        base = f"Annotated[Literal[{', '.join(map(str, fld.int_enum))}], JsonIntegerOnly]"
    if schema and fld.type == "json" and fld.json_item is not None and (fld.json_item.json_model):
        return f"list[{_annotation(fld.json_item, schema=True)}]"
    if schema and fld.type == "json" and fld.json_model:
        # a class described further up is named as a forward reference (rebuilt at the end)
        model = repr(fld.json_model) if fld.json_ref else fld.json_model
        return f"Annotated[{model}, AsSent]"
    if schema and fld.type == "json" and fld.json_kind:
        base = "dict[str, Any]" if fld.json_kind == "object" else "list[Any]"
    if schema and fld.type == "json" and fld.items is not None:
        # an array of scalars: each item checked, and stored as JSON (dates stay text)
        if fld.items == "enum" and fld.item_enum:
            item = "Literal[" + ", ".join(repr(v) for v in fld.item_enum) + "]"
        else:
            item = JSON_ITEM_TYPES.get(fld.items, "Any")
        bounds = declared_bound_args(fld.item_field)
        if bounds:  # each item held to its schema's own bounds
            item = f"Annotated[{item}, Field({', '.join(bounds)})]"
        base = f"list[{item}]"
    return base


def declared_bound_args(item: Field | None) -> list[str]:
    """pydantic's arguments for the bounds a contract declares on a value no column holds
    (an array's item, a query value, a header: infer.declared_bounds): text bounds for
    text, a range for numbers."""
    args: list[str] = []
    if item is None:
        return args
    if item.type in ("string", "text", "email", "url", "password"):
        if item.length is not None:
            args.append(f"max_length={item.length}")
        if item.min_length is not None:
            args.append(f"min_length={item.min_length}")
        if item.pattern and compile_pattern(item.pattern):
            args.append(f"pattern={item.pattern!r}")
    if item.type in ("integer", "bigint", "smallint", "float", "decimal"):
        if item.minimum is not None:
            args.append(f"{'gt' if item.exclusive_minimum else 'ge'}={_num(item, item.minimum)}")
        if item.maximum is not None:
            args.append(f"{'lt' if item.exclusive_maximum else 'le'}={_num(item, item.maximum)}")
    return args


JSON_ITEM_TYPES = {
    "string": "StrictStr",
    "text": "StrictStr",
    "password": "StrictStr",
    "integer": "JsonInt",
    "bigint": "JsonInt",
    "smallint": "JsonInt",
    "float": "StrictFloat",
    "decimal": "StrictFloat",
    "boolean": "StrictBool",
    "email": "EmailText",
    "url": "UrlStr",
    "date": "IsoDateText",
    "datetime": "IsoDateTimeText",
    "time": "IsoTimeText",
    "uuid": "UuidText",
}


STRICT_TYPES = {
    "integer": "JsonInt",
    "bigint": "JsonInt",
    "smallint": "JsonInt",
    "float": "StrictFloat",
    "boolean": "StrictBool",
    "string": "StrictStr",
    "text": "StrictStr",
    "datetime": "TextDateTime",
    "date": "TextDate",
    "time": "TextTime",
    "uuid": "TextUuid",
}


def _column(fld: Field, model: DomainModel, entity: Entity, forward: bool) -> ColumnView:
    """`forward`: the key closes a cycle of references (`use_alter`, as in
    `backend_codegen.sql.metadata`)."""
    attr = attr_of(fld)
    args: list[str] = []
    if fld.column != attr:
        args.append(repr(fld.column))
    if fld.primary_key and fld.type == "bigint":
        # mirrors backend_codegen.sql.metadata.big_key
        args.append('BigInteger().with_variant(Integer(), "sqlite")')
    else:
        args.append(sa_type_expr(fld))
    if fld.foreign_key:
        target = model.entity(fld.foreign_key)
        rel = next((r for r in entity.relations if r.fk_field == fld.name), None)
        policy = (rel.on_delete if rel else "restrict").upper()
        alter = ", use_alter=True" if forward else ""
        args.append(f'ForeignKey("{target.table}.id", ondelete="{policy}"{alter})')
    if fld.primary_key:
        args.append("primary_key=True")
        if fld.type == "uuid":
            args.append("default=uuid4")
        elif fld.type == "string":
            args.append("default=new_key")
    if fld.unique:
        args.append("unique=True")
    elif fld.index:
        args.append("index=True")
    if fld.has_default and fld.default is not None:
        args.append(f"default={py_value(_typed_default(fld))}")
    if fld.stamped:
        args.append("default=utcnow")
    annotation = PY_TYPES[fld.type]
    nullable = fld.nullable and not fld.primary_key
    if nullable:
        annotation += " | None"
    sm_annotation, sm_args = _sqlmodel_column(fld, model, entity, annotation, forward)
    return ColumnView(attr, annotation, ", ".join(args), fld.system, sm_annotation, sm_args)


def _sqlmodel_column(
    fld: Field, model: DomainModel, entity: Entity, annotation: str, forward: bool
) -> tuple[str, str]:
    """The same column as a SQLModel `Field(...)`: the column type is given as `sa_type`, so
    the tables (and so the migrations) are the SQLAlchemy flavour's, byte for byte."""
    args: list[str] = []
    if fld.primary_key:
        if fld.type == "uuid":
            args.append("default_factory=uuid4")
        elif fld.type == "string":
            args.append("default_factory=new_key")
        else:  # the database numbers the row
            args.append("default=None")
            annotation += " | None"
        args.append("primary_key=True")
    elif fld.has_default and fld.default is not None:
        args.append(f"default={py_value(_typed_default(fld))}")
    elif fld.stamped:
        args.append("default_factory=utcnow")
    elif fld.nullable:
        args.append("default=None")
    if fld.foreign_key:
        target = model.entity(fld.foreign_key)
        rel = next((r for r in entity.relations if r.fk_field == fld.name), None)
        policy = (rel.on_delete if rel else "restrict").upper()
        if forward:  # SQLModel's `foreign_key=` has no `use_alter`
            args.append(
                f'sa_column_args=[ForeignKey("{target.table}.id", ondelete="{policy}", '
                "use_alter=True)]"
            )
        else:
            args.append(f'foreign_key="{target.table}.id"')
            args.append(f'ondelete="{policy}"')
    if fld.unique:
        args.append("unique=True")
    elif fld.index:
        args.append("index=True")
    if fld.type in ("string", "email", "url") and fld.length and not fld.primary_key:
        args.append(f"max_length={fld.length}")
    if fld.primary_key and fld.type == "bigint":
        args.append('sa_type=BigInteger().with_variant(Integer(), "sqlite")')
    else:
        args.append(f"sa_type={sa_type_expr(fld)}")
    if fld.column != attr_of(fld):
        args.append(f"sa_column_kwargs={{'name': {fld.column!r}}}")
    return annotation, ", ".join(args)


def _typed_default(fld: Field) -> Any:
    value = fld.default
    if fld.type == "decimal" and not isinstance(value, Decimal):
        return Decimal(str(value))
    if fld.type == "float" and isinstance(value, int):
        return float(value)
    return value


def _field_args(fld: Field, *, for_update: bool = False) -> list[str]:
    args: list[str] = []
    attr = attr_of(fld)
    if fld.api_name != attr:
        args.append(f"alias={fld.api_name!r}")
    if fld.object_ref:  # the referenced object's own schema holds the constraints
        return args + ([f"description={fld.description!r}"] if fld.description else [])
    if fld.type in ("string", "text", "email", "url", "enum", "password"):
        # (a key the server assigns is not stored as sent: any text the contract allows)
        if fld.length and fld.type in ("string", "password") and not fld.ignored_in_body:
            args.append(f"max_length={fld.length}")
        if fld.min_length:
            args.append(f"min_length={fld.min_length}")
    if (
        fld.type in INT_RANGES
        and not fld.int_enum
        and not (fld.foreign_key and fld.minimum is None and fld.maximum is None)
    ):
        # Integers are also held to what their column can store (a reference beyond it
        # names no row: 409, as any reference to a missing row).
        low, high = INT_RANGES[fld.type]
        minimum = low if fld.minimum is None else max(fld.minimum, low)
        maximum = high if fld.maximum is None else min(fld.maximum, high)
        above = fld.exclusive_minimum and fld.minimum is not None and fld.minimum >= low
        below = fld.exclusive_maximum and fld.maximum is not None and fld.maximum <= high
        args.append(f"{'gt' if above else 'ge'}={_num(fld, minimum)}")
        args.append(f"{'lt' if below else 'le'}={_num(fld, maximum)}")
    if fld.type == "json" and fld.json_kind == "array":  # how many items, as declared
        if fld.min_items is not None:
            args.append(f"min_length={fld.min_items}")
        if fld.max_items is not None:
            args.append(f"max_length={fld.max_items}")
    if fld.type == "float":
        if fld.minimum is not None:
            args.append(f"{'gt' if fld.exclusive_minimum else 'ge'}={_num(fld, fld.minimum)}")
        if fld.maximum is not None:
            args.append(f"{'lt' if fld.exclusive_maximum else 'le'}={_num(fld, fld.maximum)}")
    if fld.type == "decimal":
        # Any JSON number whose integer part fits the column (the value is cut to the
        # column's scale), so the schema can say exactly which numbers are accepted.
        for bound in _decimal_bounds(fld):
            for key, value in bound.items():
                op = {"minimum": "ge", "maximum": "le"}.get(key) or (
                    "gt" if key == "exclusiveMinimum" else "lt"
                )
                args.append(f"{op}={value!r}")
    # pydantic-core matches with Rust's regex, which knows Unicode classes such as \\p{L}
    # (Python's `re` does not); `compile_pattern` reads patterns the same way.
    if fld.pattern and fld.type in ("string", "text") and compile_pattern(fld.pattern):
        args.append(f"pattern={fld.pattern!r}")
    if fld.description:
        args.append(f"description={fld.description[:200]!r}")
    xml: dict[str, Any] = {}
    if fld.xml_wrapped:  # read from XML bodies as `<tags><tag>...</tag></tags>`
        xml["wrapped"] = True
    if fld.xml_name:  # read from XML bodies under that element name
        xml["name"] = fld.xml_name
    if xml:
        args.append(f"json_schema_extra={{'xml': {xml!r}}}")
    return args


XML_WRAPPED = 'json_schema_extra={"xml": {"wrapped": True}}'
TIME_STAMPS = ("created_at", "updated_at")


def _decimal_bounds(fld: Field) -> tuple[dict[str, Any], dict[str, Any]]:
    """JSON Schema bounds of a decimal: the declared ones, else what the column can hold."""
    precision = fld.precision or 12
    scale = fld.scale if fld.scale is not None else 2
    limit = 10 ** (precision - scale)
    low: dict[str, Any] = (
        {"minimum": fld.minimum} if fld.minimum is not None else {"exclusiveMinimum": -limit}
    )
    high: dict[str, Any] = (
        {"maximum": fld.maximum} if fld.maximum is not None else {"exclusiveMaximum": limit}
    )
    return low, high


def _num(fld: Field, value: float) -> str:
    if fld.type in ("integer", "bigint", "smallint"):
        return str(int(value))
    return repr(float(value)) if fld.type == "float" else repr(value)


INT_RANGES: dict[str, tuple[int, int]] = {
    "smallint": (-(2**15), 2**15 - 1),
    "integer": (-(2**31), 2**31 - 1),
    "bigint": (-(2**63), 2**63 - 1),
}


def _create_field(fld: Field) -> SchemaFieldView:
    annotation = _annotation(fld, schema=True)
    args = _field_args(fld)
    if fld.required:
        default = ""
    elif fld.has_default and fld.default is not None:
        default = py_value(_typed_default(fld))
    elif fld.null_allowed:
        annotation = _or_null(annotation, fld)
        default = "None"
    else:
        annotation, args = _non_null_optional(annotation, args)
        default = "None"
    return SchemaFieldView(attr_of(fld), annotation, default, ", ".join(args))


def _or_null(annotation: str, fld: Field) -> str:
    """A member that may be null; "" too where it is formatted text (see Field.empty_is_null)."""
    if fld.empty_is_null and not fld.primary_key:
        return f"Annotated[{annotation} | None, EmptyIsNull]"
    return f"{annotation} | None"


def _non_null_optional(annotation: str, args: list[str]) -> tuple[str, list[str]]:
    """An optional member that may not be null: None is the "absent" default only (refused
    when sent, left out of the JSON schema); constraints move onto the non-null type."""
    outer = [a for a in args if a.startswith(("alias=", "description=", "json_schema_extra="))]
    inner = [a for a in args if a not in outer]
    if inner:
        annotation = f"Annotated[{annotation}, Field({', '.join(inner)})]"
    return f"{annotation} | SkipJsonSchema[None]", outer


def required_field(fld: Field) -> SchemaFieldView:
    """The field as a required, non-null body member (a body that sets just this field)."""
    return SchemaFieldView(
        attr_of(fld), _annotation(fld, schema=True), "", ", ".join(_field_args(fld))
    )


def _update_field(fld: Field) -> SchemaFieldView:
    # Absent means unchanged; null is accepted only where the field may be emptied.
    args = _field_args(fld)
    if fld.nullable and fld.null_allowed:
        return SchemaFieldView(
            attr_of(fld), _or_null(_annotation(fld, schema=True), fld), "None", ", ".join(args)
        )
    annotation, args = _non_null_optional(_annotation(fld, schema=True), args)
    return SchemaFieldView(attr_of(fld), annotation, "None", ", ".join(args))


def _read_fields(fld: Field) -> list[SchemaFieldView]:
    """The read schema's members for `fld`: one, or an object reference and its key."""
    views = [_read_field(fld)]
    if fld.object_ref and fld.id_member:
        views.append(_read_field(with_changes(fld, object_ref=False, api_name=fld.id_member)))
    return views


def _read_field(fld: Field) -> SchemaFieldView:
    if fld.object_ref:  # answered as the referenced row, read from the relationship
        attr = py_name(fld.name[:-3])
        annotation = f"{_ref_class(fld)}Read" + (" | None" if fld.nullable else "")
        args = [f"serialization_alias={fld.api_name!r}"] if fld.api_name != attr else []
        return SchemaFieldView(attr, annotation, "None" if fld.nullable else "", ", ".join(args))
    annotation = _annotation(fld, schema=False)
    if fld.type == "decimal":
        annotation = "Money"
    if fld.type == "enum" and fld.enum_values:
        annotation = "str"
    if fld.type == "datetime":
        annotation = "UtcDateTime"
    if fld.nullable and not fld.primary_key:
        annotation += " | None"
    # Read schemas are built from ORM rows (by attribute name) and answer with the API name.
    args = [f"serialization_alias={fld.api_name!r}"] if fld.api_name != attr_of(fld) else []
    default = "None" if annotation.endswith("| None") else ""
    return SchemaFieldView(attr_of(fld), annotation, default, ", ".join(args))


def _json_class(schema_name: str) -> str:
    return Name.parse(schema_name).pascal + "Json"


def _json_row(model: DomainModel, fld: Field) -> dict[str, Any] | None:
    """The row a JSON object copies, where its contract requires the row's read-only key in
    responses (`orbit.planet` of a satellite: a Planet, answered with its id): the table
    and the member naming the row when the copy leaves the id out."""
    if not fld.json_schema or not any(m.row_key for m in fld.members):
        return None
    entity = model.find(Name.entity(fld.json_schema).pascal) or model.find(fld.json_schema)
    if entity is None or not any(b.entity == entity.name for b in model.bindings):
        return None
    key = _ref_key(model, entity)
    return {
        "table": entity.table,
        "key": attr_of(key) if key else None,
        "key_api": key.api_name if key else None,
        "key_length": (key.length or 40) if key else 0,
        "cls": Name.parse(entity.name).pascal,
        "module": module_of(entity.name),
    }


def _json_model(cls: str, fld: Field, models: list[dict[str, Any]], model: DomainModel) -> Field:
    """`fld` with the class checking its JSON members (`PetCategory` for `category:
    {id, name}`, `PlanetJson` for a named schema), the classes of nested objects first in
    `models`; a schema met again inside itself refers to its class by name."""
    if fld.json_item is not None:
        return with_changes(fld, json_item=_json_model(cls + "Item", fld.json_item, models, model))
    if fld.json_ref:
        return with_changes(fld, json_model=_json_class(fld.json_ref))
    if not fld.members and not isinstance(fld.extra_members, Field) and not fld.json_schema:
        return fld
    name = _json_class(fld.json_schema) if fld.json_schema else cls
    if any(m["cls"] == name for m in models):
        return with_changes(fld, json_model=name)
    members = [_json_model(name + Name.parse(m.name).pascal, m, models, model) for m in fld.members]
    if any(m["cls"] == name for m in models):  # described while describing its members
        return with_changes(fld, json_model=name)
    extra = fld.extra_members
    models.append(
        {
            "cls": name,
            "fields": [_create_field(m) for m in members],
            "closed": extra == "closed",
            # other members, each checked as the one type the contract gives them
            "extra": _create_field(extra).annotation if isinstance(extra, Field) else "",
            "forward": any(m.json_ref or (m.json_item and m.json_item.json_ref) for m in members),
            "row": _json_row(model, fld),
            # optional members that may not be null: null is refused when sent
            "non_nullable": sorted(
                attr_of(m)
                for m in members
                if not m.required and not m.null_allowed and not m.has_default
            ),
        }
    )
    return with_changes(fld, json_model=name)


def _as_sent(fld: Field) -> Field:
    """The member as request bodies carry it: a reference whose bodies carry its key
    member (`venue_id`) is that key, not the object its answers also hold."""
    if fld.key_in_body and fld.id_member:
        return with_changes(fld, object_ref=False, api_name=fld.id_member)
    return fld


def _writable(fld: Field) -> bool:
    return (
        not fld.system
        and not fld.read_only
        and fld.type != "password"
        and not fld.from_current_user
    )


@dataclass
class ModelIndex:
    """What every entity's view looks up in the whole model, computed once: without it each
    of GitHub's 300 entities scanned all 1,223 operations and every relation of the model."""

    forward: set[tuple[str, str]]  # model.forward_references()
    bindings: dict[str, list[Binding]]  # an entity's operations, in the model's order
    restricting: dict[str, list[tuple[Entity, Relation]]]  # references that block a delete

    @classmethod
    def of(cls, model: DomainModel) -> ModelIndex:
        bindings: dict[str, list[Binding]] = {}
        for b in model.bindings:
            if b.entity:
                bindings.setdefault(b.entity, []).append(b)
        restricting: dict[str, list[tuple[Entity, Relation]]] = {}
        for other in model.entities:
            for rel in other.relations:
                if (
                    rel.kind == "many_to_one"
                    and rel.on_delete == "restrict"
                    and other.name != rel.target
                    and rel.fk_field
                ):
                    restricting.setdefault(rel.target, []).append((other, rel))
        return cls(model.forward_references(), bindings, restricting)


def build_entity(model: DomainModel, entity: Entity, index: ModelIndex | None = None) -> EntityView:
    """`index`: `ModelIndex.of(model)`, computed once for all entities."""
    ident = Name.parse(entity.name)
    if index is None:
        index = ModelIndex.of(model)
    forward = index.forward
    columns = [_column(f, model, entity, (entity.name, f.name) in forward) for f in entity.fields]
    relations: list[RelationView] = []
    links: list[dict[str, Any]] = []
    m2m: list[dict[str, Any]] = []
    owned: list[dict[str, Any]] = []
    children: list[dict[str, Any]] = []
    imports: set[str] = set()
    for rel in entity.relations:
        target = model.entity(rel.target)
        t_ident = Name.parse(target.name)
        t_cls, t_mod = t_ident.pascal, module_of(target.name)
        if rel.target != entity.name:
            imports.add(f"from app.models.{t_mod} import {t_cls}")
        attr = py_name(rel.name)
        if rel.kind == "owned":
            relations.append(
                _relation(
                    attr,
                    "list",
                    [
                        ("back_populates", f'"{py_name(rel.back_populates or ident.snake)}"'),
                        ("cascade", '"all, delete-orphan"'),
                        ("lazy", '"selectin"'),
                        ("order_by", f'"{t_cls}.id"'),
                    ],
                    t_cls,
                    t_mod,
                )
            )
            child_view_fields = [f for f in target.fields if _writable(f)]
            owned.append(
                {
                    "attr": attr,
                    "api": rel.api_name,
                    "cls": t_cls,
                    "module": t_mod,
                    "required": rel.required,
                    "min_items": rel.min_items or 0,
                    "xml": f", {XML_WRAPPED}" if rel.xml_wrapped else "",
                    # the contract's item schema lets the child's id be answered
                    "answers_id": target.closed_members is None or "id" in target.closed_members,
                    "fields": [attr_of(f) for f in child_view_fields],
                    "fk_checks": _fk_checks(model, target),
                }
            )
            for check in owned[-1]["fk_checks"]:
                if check["cls"] != entity.name:
                    imports.add(f"from app.models.{check['module']} import {check['cls']}")
            imports.add(f"from app.models.{t_mod} import {t_cls}")
        elif rel.kind == "many_to_one":
            parent_owned = any(
                r.kind == "owned" and r.target == entity.name and r.fk_field == rel.fk_field
                for r in target.relations
            )
            fk_attr = py_name(rel.fk_field or "")
            if parent_owned:
                relations.append(
                    _relation(
                        attr,
                        "one",
                        [
                            ("back_populates", f'"{py_name(rel.back_populates or "")}"'),
                            ("lazy", '"raise"'),
                        ],
                        t_cls,
                        t_mod,
                    )
                )
            else:
                remote = [("remote_side", f'"{t_cls}.id"')] if rel.target == entity.name else []
                fk_fld = entity.field(rel.fk_field or "")
                # an object reference is answered with the row: loaded with its owner
                lazy = "selectin" if fk_fld is not None and fk_fld.object_ref else "raise"
                relations.append(
                    _relation(
                        attr,
                        "optional" if rel.nullable else "one",
                        [("foreign_keys", f'"{ident.pascal}.{fk_attr}"'), *remote]
                        + [("lazy", f'"{lazy}"')],
                        t_cls,
                        t_mod,
                    )
                )
        elif rel.kind == "children":
            alive = f", {t_cls}.deleted_at.is_(None)" if target.soft_delete else ""
            relations.append(
                _relation(
                    attr,
                    "list",
                    [
                        (
                            "primaryjoin",
                            f'"and_({ident.pascal}.id == {t_cls}.{py_name(rel.fk_field or "")}'
                            f'{alive})"',
                        ),
                        ("viewonly", "True"),
                        ("lazy", '"selectin"'),
                        ("order_by", f'"{t_cls}.id"'),
                    ],
                    t_cls,
                    t_mod,
                )
            )
            children.append(
                {
                    "attr": attr,
                    "api": rel.api_name,
                    "cls": t_cls,
                    "module": t_mod,
                    "field": SchemaFieldView(
                        attr,
                        f"list[{t_cls}Read]",
                        "",
                        "default_factory=list"
                        + (
                            f", serialization_alias={rel.api_name!r}"
                            if rel.api_name != attr
                            else ""
                        ),
                    ),
                }
            )
        elif rel.kind == "many_to_many" and rel.hidden:
            assert rel.join_table
            links.append(
                {
                    "attr": attr,
                    "table": rel.join_table,
                    "source_col": rel.join_source_column or "",
                    "target_col": rel.join_target_column or "",
                    "source_table": entity.table,
                    "target_table": target.table,
                    "cls": t_cls,
                }
            )
        elif rel.kind == "many_to_many":
            assert rel.join_table
            if not rel.api_objects and py_name(Name.parse(rel.api_name).snake) == attr:
                # the member lists names (`contexts: ["ci"]`) and would hide the rows
                attr = py_name(f"{rel.name}_rows")
            ref_key = _ref_key(model, target) if rel.api_objects else None
            relations.append(
                _relation(
                    attr,
                    "list",
                    [
                        ("secondary", f'"{rel.join_table}"'),
                        ("lazy", '"selectin"'),
                        ("order_by", f'"{t_cls}.id"'),
                    ],
                    t_cls,
                    t_mod,
                )
            )
            m2m.append(
                {
                    "attr": attr,
                    "api": rel.api_name,
                    "api_attr": py_name(Name.parse(rel.api_name).snake),
                    "cls": t_cls,
                    "module": t_mod,
                    "table": rel.join_table,
                    "source_col": rel.join_source_column or "",
                    "target_col": rel.join_target_column or "",
                    "source_table": entity.table,
                    "target_table": target.table,
                    "id_annotation": ("str" if rel.api_key else id_annotation(target)),
                    "required": rel.required,
                    "objects": rel.api_objects,
                    # objects that may leave the id out name the row by this member
                    "ref_key": attr_of(ref_key) if ref_key else None,
                    "ref_key_api": ref_key.api_name if ref_key else None,
                    "ref_key_length": (ref_key.length or 40) if ref_key else 0,
                    "key_attr": py_name(rel.api_key) if rel.api_key else None,
                    "xml": f", {XML_WRAPPED}" if rel.xml_wrapped else "",
                }
            )
    fk_checks = _fk_checks(model, entity)
    json_models: list[dict[str, Any]] = []
    writable = [
        _json_model(ident.pascal + Name.parse(f.name).pascal, _as_sent(f), json_models, model)
        for f in entity.fields
        if _writable(f)
    ]
    client_id = [
        f for f in entity.fields if f.primary_key and (not f.read_only or f.ignored_in_body)
    ]
    client_id_value = (
        ("str(uuid4())" if entity.id_type in ("uuid", "string") else "unique_int()")
        if client_id and not client_id[0].ignored_in_body
        else ""
    )
    # members the contract requires in create bodies though the server sets them (a parent
    # key the path gives): checked as declared, not stored as sent
    checked_only = [
        f for f in entity.fields if f.ignored_in_body and not f.primary_key and f not in writable
    ]
    create_fields = [_create_field(f) for f in client_id + writable] + [
        _create_field(with_changes(f, required=True)) for f in checked_only
    ]
    update_fields = [_update_field(f) for f in writable]
    key_fld = entity.field("id")
    if key_fld is not None and (client_id or key_fld.ignored_in_body):
        # an id the body may carry names the row as the path does: checked, never changed
        checked = _update_field(with_changes(key_fld, read_only=False, ignored_in_body=False))
        args = ", ".join(a for a in (checked.field_args, "exclude=True") if a)
        update_fields.insert(
            0, SchemaFieldView(checked.attr, checked.annotation, checked.default, args)
        )
    elif key_fld is not None and entity.key_read_only and model.source_format == "openapi":
        # a read-only id (JSON Schema: a server ignores or refuses it): an update body may
        # name its row with it (checked against its type and bounds, never used); a create
        # body has no row to name: refused
        checked = _update_field(with_changes(key_fld, read_only=False, ignored_in_body=False))
        args = ", ".join(a for a in (checked.field_args, "exclude=True") if a)
        update_fields.insert(
            0, SchemaFieldView(checked.attr, checked.annotation, checked.default, args)
        )
        create_fields.insert(0, SchemaFieldView("id", "ReadOnlyMember", "", "None, exclude=True"))
    readable = [
        f
        for f in entity.fields
        if f.name != "deleted_at" and f.type != "password" and not f.write_only
    ]
    if entity.closed_members is not None:
        # `additionalProperties: false`: only the members the contract declares
        closed = set(entity.closed_members)
        readable = [f for f in readable if f.api_name in closed]
    read_fields = [view for f in readable for view in _read_fields(f)]
    owner = next((f for f in entity.fields if f.from_current_user), None)
    login = entity.field(entity.login_field) if entity.login_field else None
    stamp_indexes = [
        f.column for f in entity.fields if f.system and f.index and f.column in TIME_STAMPS
    ]
    view = EntityView(
        entity=entity,
        stamp_indexes=stamp_indexes,
        cls=ident.pascal,
        module=module_of(entity.name),
        table=entity.table,
        var=py_name(ident.snake),
        plural=ident.plural.snake,
        id_annotation=id_annotation(entity),
        soft_delete=entity.soft_delete,
        is_account=entity.is_account,
        columns=columns,
        relations=relations,
        m2m=m2m,
        owned=owned,
        fk_checks=fk_checks,
        create_fields=create_fields,
        update_fields=update_fields,
        read_fields=read_fields,
        non_nullable_update=[attr_of(f) for f in writable if not f.nullable or not f.null_allowed]
        + (["password"] if entity.password_field else []),
        non_nullable_create=[
            attr_of(f)
            for f in client_id + writable
            if not f.required and not f.null_allowed and not f.has_default
        ]
        + [
            "password"
            for f in entity.fields
            if f.type == "password" and not f.required and entity.password_field
        ],
        client_id_value=client_id_value,
        checked_only=[(f.api_name, json_value(f, sample_value(f, 0))) for f in checked_only],
        omit_null=sorted(
            {x for f in readable if not f.null_allowed for x in (attr_of(f), f.api_name)}
        ),
        owner_attr=attr_of(owner) if owner else None,
        owner_api=owner.api_name if owner else None,
        policy=entity.ownership.policy if entity.ownership else None,
        login_attr=attr_of(login) if login else None,
        login_api=login.api_name if login else None,
        has_password=entity.password_field is not None,
        password_required=any(f.type == "password" and f.required for f in entity.fields),
        password_args=", ".join(
            f"{key}={value}"
            for key, value in (
                ("min_length", entity.password_min_length),
                ("max_length", entity.password_max_length),
            )
            if value is not None
        ),
        imports_models=sorted(imports),
    )
    view.links = links
    read_attrs = {f.attr for f in read_fields}
    create_attrs = {f.attr for f in create_fields}
    view.shared = [
        c.attr
        for c in columns
        if not c.system and c.attr in read_attrs and c.attr in create_attrs and c.attr != "id"
    ]
    _social(model, entity, view, readable)
    special = [m["api_attr"] for m in m2m] + [o["attr"] for o in owned]
    special += [attr_of(f) for f in entity.fields if f.ignored_in_body]
    if view.has_password:
        special.append("password")
    if special:
        view.dump_exclude = "{" + ", ".join(repr(n) for n in special) + "}"
    view.children = children
    view.json_models = json_models
    view.copies_rows = any(m["row"] for m in json_models)
    rows = {m["cls"]: m["row"] for m in json_models if m["row"] and m["row"]["key"]}
    view.copy_check = next(
        (
            {"api": f.api_name, "member": m.api_name, **rows[_json_class(m.json_schema)]}
            for f in writable
            if f.type == "json" and f.json_kind == "object"
            for m in f.members
            if m.json_schema and _json_class(m.json_schema) in rows
        ),
        None,
    )
    _body_variants(index.bindings.get(entity.name, []), entity, view, client_id + writable)
    for f in entity.fields:
        if f.object_ref and f.foreign_key:
            view.object_refs.append(
                {
                    "attr": py_name(f.name[:-3]),
                    "entity": f.foreign_key,
                    "cls": Name.parse(f.foreign_key).pascal,
                    "module": module_of(f.foreign_key),
                }
            )
    key = entity.field("id")
    if key is not None and model.source_format == "openapi":
        # an object naming a row of this entity in another body: its id, with the bounds
        # the contract gives it, and its other members as the contract declares them
        view.ref_id = _create_field(
            with_changes(
                key,
                required=_ref_key(model, entity) is None,
                read_only=False,
                ignored_in_body=False,
                api_name="id",
            )
        )
        view.ref_fields = [_create_field(f) for f in writable if not f.object_ref]
    _test_data(model, entity, view)
    view.missing_id = (
        '"00000000-0000-4000-8000-000000000000"'
        if entity.id_type == "uuid"
        else '"does-not-exist"'
        if entity.id_type == "string"
        else "999999999"
    )
    for other, rel in index.restricting.get(entity.name, []):
        assert rel.fk_field
        test = module_of(other.name)
        if any(c["test"] == test for c in view.restrict_children):
            test = f"{test}_{py_name(rel.fk_field)}"  # two references from one table
        view.restrict_children.append(
            {
                "factory": f"make_{module_of(other.name)}",
                "attr": py_name(rel.fk_field),
                "cls": other.name,
                "test": test,
            }
        )
    return view


REF_KEYS = ("name", "slug", "code", "key", "username", "title")


def _ref_key(model: DomainModel, entity: Entity) -> Field | None:
    """The member that names a row of `entity` in an object without an id (the contract
    marks the id read-only, as for `{"name": "radiology"}`), if any."""
    if not entity.key_read_only or model.source_format != "openapi":
        return None
    for name in REF_KEYS:
        fld = entity.field(name)
        if fld is not None and _writable(fld) and fld.required:
            return fld
    return None


def _absent_member(attr: str, empty: str = "None") -> SchemaFieldView:
    """A member of the entity's Create that one operation's body does not have: not read
    from that body (a same-named member is ignored), not written by it."""
    default = "default_factory=list, " if empty == "list" else "None, "
    return SchemaFieldView(attr, ABSENT, "", default + "exclude=True")


ABSENT = "SkipJsonSchema[Any]"  # the annotation of a member an operation's body has not


def _body_variants(
    bindings: list[Binding], entity: Entity, view: EntityView, fields: list[Field]
) -> None:
    """One operation's request body, where its schema differs from the entity's union of
    create bodies: the members it leaves out are not read (a nested create whose path gives
    the parent, a replace by a schema without the parent key), the members it requires are
    required, and an id it carries though the server keeps the key is checked, not used."""
    id_field = entity.field("id")
    for b in bindings:
        if b.body_members is None:
            continue
        members, required = set(b.body_members), set(b.body_required)
        overrides: list[SchemaFieldView] = []
        for f in fields:
            if f.api_name not in members:
                overrides.append(_absent_member(attr_of(f)))
            elif f.api_name in required and not f.required and not f.primary_key:
                overrides.append(_create_field(with_changes(f, required=True)))
        if (
            id_field is not None
            and id_field not in fields
            and "id" in members
            and not id_field.ignored_in_body
        ):
            checked = with_changes(id_field, required="id" in required, read_only=False)
            sf = _create_field(checked)
            args = ", ".join(a for a in (sf.field_args, "exclude=True") if a)
            overrides.append(SchemaFieldView(sf.attr, sf.annotation, sf.default, args))
        refused_id = any(
            cf.attr == "id" and cf.annotation == "ReadOnlyMember" for cf in view.create_fields
        )
        if refused_id and "id" not in members and "id" not in b.body_read_only:
            # the operation's schema declares no id: one sent is an extra member, ignored
            overrides.append(_absent_member("id"))
        for m in view.m2m + view.owned:
            attr = m.get("api_attr", m["attr"])
            if m["api"] not in members:
                overrides.append(_absent_member(attr, "list"))
            elif m["api"] in required and not m["required"]:
                inner = f"{m['cls']}Ref" if m.get("objects") else m.get("id_annotation")
                if "fields" in m:  # owned children
                    inner = f"{m['cls']}Create"
                alias = f"alias={m['api']!r}" if m["api"] != attr else ""
                overrides.append(SchemaFieldView(attr, f"list[{inner}]", "", alias))
        if view.has_password and entity.password_field:
            pw = entity.field(entity.password_field)
            if pw is not None and pw.api_name not in members:
                overrides.append(_absent_member("password"))
        if not overrides:
            continue
        signature = tuple((o.attr, o.annotation, o.default, o.field_args) for o in overrides)
        known = next((v for v in view.body_variants if v["signature"] == signature), None)
        if known is None:
            base = (
                Name.parse(b.body_schema).pascal
                if b.body_schema and Name.parse(b.body_schema).pascal != view.cls
                else f"{view.cls}{Name.parse(b.function).pascal}"
            )
            name = base + "Body"
            taken = {v["cls"] for v in view.body_variants} | {
                f"{view.cls}{x}" for x in ("Create", "Read", "Update", "Ref", "CreateBody")
            }
            while name in taken:
                name = f"{base}{len(view.body_variants) + 2}Body"
            key_value = ""
            if id_field and any(
                o.attr == "id" and not o.default and o.annotation != ABSENT for o in overrides
            ):
                # a required id the server does not use: any the contract allows is sent
                key_value = {"uuid": "str(uuid4())", "string": '"x"'}.get(
                    entity.id_type, str(max(1, int(id_field.minimum or 1)))
                )
            known = {
                "cls": name,
                "key_value": key_value,
                "signature": signature,
                "fields": overrides,
                "doc": f"The request body of {b.key}"
                + (f" ({b.body_schema})" if b.body_schema else "")
                + f": {view.cls}Create as this operation's schema declares it.",
            }
            view.body_variants.append(known)
        else:
            known["doc"] = known["doc"].replace(": ", f", {b.key}: ", 1)
        view.variant_of[b.key] = known["cls"]
        view.variant_key_values[b.key] = known["key_value"]


def _social(model: DomainModel, entity: Entity, view: EntityView, readable: list[Field]) -> None:
    """Computed members, embedded references, views and slugs of one entity."""
    by_attr = {link["attr"]: link for link in view.links}
    for comp in entity.computed:
        link = by_attr[py_name(comp.relation)]
        alias = (
            f", serialization_alias={comp.api_name!r}"
            if comp.api_name != py_name(comp.name)
            else ""
        )
        view.computed.append(
            {
                "attr": py_name(comp.name),
                "api": comp.api_name,
                "kind": comp.kind,
                "link": link,
                "field": SchemaFieldView(
                    py_name(comp.name),
                    "bool" if comp.kind == "flag" else "int",
                    "False" if comp.kind == "flag" else "0",
                    alias.lstrip(", "),
                ),
            }
        )
    for rel in entity.relations:
        if rel.kind != "many_to_one" or not rel.embed:
            continue
        target = model.entity(rel.target)
        read_cls = f"{Name.parse(rel.embed).pascal}Read"
        alias = (
            f", serialization_alias={rel.api_name!r}" if rel.api_name != py_name(rel.name) else ""
        )
        view.embeds.append(
            {
                "attr": py_name(rel.name),
                "fk_attr": py_name(rel.fk_field or ""),
                "api": rel.api_name,
                "cls": Name.parse(target.name).pascal,
                "module": module_of(target.name),
                "read_cls": read_cls,
                "presents": bool(target.computed)
                or any(r.kind == "many_to_one" and r.embed for r in target.relations),
                "field": SchemaFieldView(
                    py_name(rel.name), f"{read_cls} | None", "None", alias.lstrip(", ")
                ),
            }
        )
    for v in entity.views:
        fields = [view for f in readable if f.name in v.fields for view in _read_fields(f)]
        view.read_views.append(
            {
                "cls": f"{Name.parse(v.name).pascal}Read",
                "name": v.name,
                "fields": fields
                + [
                    c["field"]
                    for c in view.computed
                    if c["attr"] in {py_name(n) for n in v.computed}
                ],
                "omit_null": sorted(
                    {
                        x
                        for f in readable
                        if f.name in v.fields and not f.null_allowed
                        for x in (attr_of(f), f.api_name)
                    }
                ),
            }
        )
    for fld in entity.fields:
        if fld.derived_from:
            source = entity.field(fld.derived_from)
            assert source is not None
            view.slugs.append(
                {"attr": attr_of(fld), "source": attr_of(source), "length": fld.length or 255}
            )
    view.presents = bool(view.computed or view.embeds)


def _fk_checks(model: DomainModel, entity: Entity) -> list[dict[str, str]]:
    """References in a request body that must point at an existing row (else 400)."""
    checks = []
    for fld in entity.fields:
        if fld.foreign_key and _writable(fld):
            t_ident = Name.parse(model.entity(fld.foreign_key).name)
            checks.append(
                {
                    "attr": attr_of(fld),
                    "api": fld.api_name,
                    "cls": t_ident.pascal,
                    "module": module_of(fld.foreign_key),
                }
            )
    return checks


def _test_data(model: DomainModel, entity: Entity, view: EntityView) -> None:
    for fld in map(_as_sent, entity.fields):
        if fld.system or fld.foreign_key:
            continue
        value = sample_value(fld, 0)
        tf = TestField(
            attr_of(fld),
            fld.api_name,
            fld.type,
            py_value(value),
            fld.length if fld.type == "string" else None,
            fld.required,
            fld.unique,
            not fld.write_only,
        )
        if fld.type == "password":
            view.factory_fields.append(tf)
            continue
        if fld.unique and fld.type in ("string", "text", "email"):
            tf.value = f"unique_text({py_value(value)}, {fld.length or 255})"
            if fld.type == "email":
                tf.value = "unique_email()"
        elif fld.unique and fld.type in ("integer", "bigint", "smallint"):
            tf.value = "unique_int()"
        elif fld.unique and fld.type == "uuid":
            tf.value = "uuid4()"
            view.factory_fields.append(tf)
            if _writable(fld):
                view.test_fields.append(with_changes(tf, value="str(uuid4())", max_length=None))
            continue
        view.factory_fields.append(tf)
        if _writable(fld):
            view.test_fields.append(
                with_changes(tf, value=tf.value if fld.unique else json_value(fld, value))
            )
    for tf in view.test_fields:
        if (
            tf.unique
            or not tf.returned
            or tf.type not in ("string", "text", "enum", "boolean", "integer")
        ):
            continue
        fld = next(f for f in entity.fields if attr_of(f) == tf.attr)
        changed: Any
        if tf.type == "enum":
            changed = fld.enum_values[-1]
        elif tf.type == "boolean":
            changed = True
        elif tf.type == "integer":
            changed = sample_value(fld, 1)
        else:
            changed = _fit_text("Updated " + fld.name.replace("_", " "), fld)
        view.patch_field, view.patch_value = tf, repr(changed)
        break
    for fld in map(_as_sent, entity.fields):
        if not fld.foreign_key:
            continue
        needed = not fld.nullable
        parent = {
            "attr": attr_of(fld),
            "owner": fld.from_current_user,  # made for the tests' default owner (factories)
            "factory": f"make_{module_of(fld.foreign_key)}",
            "api": fld.api_name,
            # an object reference is sent as the row's object: its members and its id
            "object": f"{module_of(fld.foreign_key)}_payload" if fld.object_ref else "",
        }
        if fld.foreign_key == entity.name:
            continue
        if needed or fld.from_current_user:
            view.factory_parents.append(parent)
        if _writable(fld) and (needed or fld.required):
            view.payload_parents.append(parent)
            target = model.find(fld.foreign_key)
            if target is not None and target.ownership and target.ownership.policy == "private":
                view.private_refs.append(parent)


def _fit_text(text: str, fld: Field) -> str:
    if fld.length:
        text = text[: fld.length]
    if fld.min_length and len(text) < fld.min_length:
        text += "x" * (fld.min_length - len(text))
    return text


def route_path(path: str, names: dict[str, str] | None = None) -> str:
    """The path with its parameters renamed to Python names (`names` overrides some: a bare
    `{id}` becomes `{product_id}`); the URL a client calls is unchanged."""
    names = names or {}
    parts: list[str] = []
    for seg in split_path(path):
        if seg.param is not None:
            parts.append("{" + names.get(seg.param, py_name(Name.parse(seg.param).snake)) + "}")
        else:
            parts.append(seg.literal or "")
    text = "/" + "/".join(parts)
    if ":" in path.rsplit("/", 1)[-1] and len(parts) >= 2:  # AEP custom method "{id}:archive"
        text = "/" + "/".join(parts[:-2]) + f"/{parts[-2]}:{parts[-1]}"
    return text


def common_prefix(paths: list[str]) -> str:
    split = [p.strip("/").split("/") for p in paths]
    prefix: list[str] = []
    for segs in zip(*split, strict=False):
        if len(set(segs)) != 1 or "{" in segs[0] or ":" in segs[0]:
            break
        prefix.append(segs[0])
    if all(len(s) == len(prefix) for s in split) and prefix:
        return "/" + "/".join(prefix)
    return "/" + "/".join(prefix) if prefix else ""
