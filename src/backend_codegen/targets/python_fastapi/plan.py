"""python-fastapi: DomainModel -> the files of a FastAPI + SQLAlchemy 2 (async) project."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from backend_codegen.domain.model import (
    AUTH_ACTIONS,
    RESOURCE_ACTIONS,
    Binding,
    DomainModel,
    Entity,
    HeaderParam,
)
from backend_codegen.domain.samples import SEED_PASSWORD, sample_value
from backend_codegen.errors import SpecError
from backend_codegen.naming import Name
from backend_codegen.sql.seed import build_seed
from backend_codegen.sql.worker import SqlArtifacts, artifacts
from backend_codegen.targets.base import (
    GENERATED_MARK,
    GeneratedFile,
    TargetOptions,
    format_python,
    jinja_env,
)
from backend_codegen.targets.python_fastapi.names import PY_TYPES, py_name
from backend_codegen.targets.python_fastapi.names import id_annotation as key_annotation
from backend_codegen.targets.python_fastapi.unions import build_union
from backend_codegen.targets.python_fastapi.views import (
    INT_RANGES,
    EntityView,
    FilterView,
    ModelIndex,
    ParamView,
    RouteView,
    attr_of,
    build_entity,
    common_prefix,
    declared_bound_args,
    json_value,
    module_of,
    py_value,
    required_field,
    route_path,
)

PACKAGE = "backend_codegen.targets.python_fastapi"

DEPENDENCIES = [
    "fastapi>=0.115,<1",
    "uvicorn[standard]>=0.30,<1",
    "sqlalchemy[asyncio]>=2.0.30,<2.2",
    "alembic>=1.13,<2",
    "pydantic[email]>=2.12,<3",  # Field(exclude_if=...): a list's cursor left out at its end
    "pydantic-settings>=2.3,<3",
    "aiosqlite>=0.20,<1",
    "asyncpg>=0.29,<1",
    "asyncmy>=0.2.9,<1",
]
TEST_DEPENDENCIES = [
    "pytest>=8,<10",
    "httpx>=0.27,<1",
    "anyio>=4,<5",
    "ruff>=0.6",
    "schemathesis>=4.3,<5",
]


QUERY_TYPES = {
    "integer": "QueryInt",
    "bigint": "QueryInt",
    "smallint": "QueryInt",
    "date": "TextDate",
    "datetime": "TextDateTime",
    "time": "TextTime",
}


def _filter_view(b: Binding, entity: Entity, flt: Any, model: DomainModel) -> FilterView:
    fld = entity.field(flt.target)
    # query values are text: integers and dates are read from their own notation only
    py_type = QUERY_TYPES.get(flt.type) or PY_TYPES.get(flt.type, "str")
    if flt.type == "decimal":
        py_type = "float"  # documented as a plain number (a query value is text either way)
    if flt.op == "search":
        py_type = "str"
    rel = entity.relation(flt.target)
    if flt.op == "has" and flt.related and rel is not None and rel.hidden:
        assert rel.join_table
        target = Name.parse(flt.related)
        name = py_name(Name.parse(flt.param).snake)
        return FilterView(
            ParamView(name, "str | None", "None", flt.param if flt.param != name else None),
            py_name(flt.target),
            "linked",
            [py_name(f) for f in flt.search_fields],
            related_cls=target.pascal,
            related_module=module_of(flt.related),
            link_table=rel.join_table,
            link_source_col=rel.join_source_column or "",
            link_target_col=rel.join_target_column or "",
            link_module=module_of(entity.name),
        )
    if flt.op in ("has", "has_any", "ref") and flt.related:
        target = Name.parse(flt.related)
        related = model.find(flt.related)
        key = related.field(flt.search_fields[0]) if related and flt.search_fields else None
        # the linked row the test makes gets a value of its own (a name need not be unique)
        unique = (
            f"unique_text({'linked'!r}, {key.length or 255})"
            if key is not None and key.type in ("string", "text") and not key.unique
            else ""
        )
        return FilterView(
            ParamView(
                py_name(Name.parse(flt.param).snake),
                f"list[{py_type}] | None" if flt.op == "has_any" else f"{py_type} | None",
                "None",
                flt.param if flt.param != py_name(Name.parse(flt.param).snake) else None,
            ),
            py_name(flt.target),
            flt.op,
            [py_name(f) for f in flt.search_fields],
            "",
            flt.target,
            "",
            related_cls=target.pascal,
            related_module=module_of(flt.related),
            unique_key=unique,
        )
    if fld is not None and fld.type == "enum" and fld.enum_values and flt.op in ("eq", "in"):
        py_type = "Literal[" + ", ".join(repr(v) for v in fld.enum_values) + "]"
    if fld is not None and fld.int_enum and flt.op in ("eq", "in"):
        py_type = f"query_int_of({', '.join(map(str, fld.int_enum))})"
    if flt.op == "in":
        py_type = f"list[{py_type}]"
    name = py_name(Name.parse(flt.param).snake)
    alias = flt.param if flt.param != name else None
    test_value = row_value = ""
    # the parameter's own bounds, where it is read as a plain text or number
    plain = py_type in ("str", "QueryInt", "float")
    bounds = ", ".join(declared_bound_args(flt.bounds)) if plain else ""
    if fld is not None and flt.op in ("eq", "in", "gte", "lte") and not fld.foreign_key:
        value = sample_value(fld, 0)
        test_value, row_value = json_value(fld, value), py_value(value)
    return FilterView(
        ParamView(name, f"{py_type} | None", "None", alias),
        attr_of(fld) if fld else flt.target,
        flt.op,
        [py_name(s) for s in flt.search_fields],
        test_value,
        (fld.id_member if fld.object_ref and fld.id_member else fld.api_name)
        if fld
        else flt.target,
        row_value,
        bounds=bounds,
    )


def _paging(b: Binding) -> list[dict[str, Any]] | None:
    """The declared pagination parameters as route arguments (None: the generator's own)."""
    if b.page_params is None:
        return None
    out = []
    for p in b.page_params:
        if p.role == "cursor":  # the key of the previous page's last row
            name = py_name(Name.parse(p.name).snake)
            alias = f"alias={p.name!r}, " if name != p.name else ""
            # the contract's type: a text cursor that names no row is 404, as a key in a path
            kind = "QueryInt" if p.type == "integer" else "str"
            declaration = f"Annotated[{kind} | None, Query({alias}description=CURSOR_HELP)] = None"
            out.append(
                {"role": "cursor", "name": name, "api": p.name, "declaration": declaration}
                | {"above_max": "", "max": 12, "number": "", "zero_based": ""}
            )
            continue
        if p.type not in ("integer", "number"):
            continue
        name = py_name(Name.parse(p.name).snake)
        args = [f"alias={p.name!r}"] if name != p.name else []
        if p.type == "number":
            # a JSON number: 2.5 and 1e3 are sent; the route reads it as a whole count
            args.append("allow_inf_nan=False")
        # int32 / int64 bound the value; a bare `integer` is any integer (paginate clamps it)
        column = {"int32": "integer", "int64": "bigint"}.get(p.format or "")
        low, high = INT_RANGES[column] if column else (None, None)
        if p.minimum is not None:
            args.append(f"{'gt' if p.exclusive_minimum else 'ge'}={int(p.minimum)}")
        elif low is not None:
            args.append(f"ge={low}")
        if p.maximum is not None:
            args.append(f"{'lt' if p.exclusive_maximum else 'le'}={int(p.maximum)}")
        elif high is not None:
            args.append(f"le={high}")
        kind = "float" if p.type == "number" else "QueryInt"
        if p.type == "number" and p.minimum is not None:
            args = [a for a in args if not a.startswith(("ge=", "gt="))]
            args.append(f"{'gt' if p.exclusive_minimum else 'ge'}={p.minimum!r}")
        if p.type == "number" and p.maximum is not None:
            args = [a for a in args if not a.startswith(("le=", "lt="))]
            args.append(f"{'lt' if p.exclusive_maximum else 'le'}={p.maximum!r}")
        annotation = kind if p.required else f"{kind} | None"
        default = "" if p.required else f" = {p.default if p.default is not None else 'None'}"
        out.append(
            {
                "role": p.role,
                "name": name,
                "api": p.name,
                "above_max": str(int(p.maximum) + (0 if p.exclusive_maximum else 1))
                if p.maximum is not None and p.maximum < 10**9
                else "",
                # the largest page the contract allows (the N+1 test reads one of up to 12)
                "max": min(12, int(p.maximum) - (1 if p.exclusive_maximum else 0))
                if p.maximum is not None
                else 12,
                # a small page the contract allows (the cursor test reads pages of it)
                "small": max(2, int(p.minimum) + (1 if p.exclusive_minimum else 0))
                if p.minimum is not None
                else 2,
                "declaration": f"Annotated[{annotation}, Query({', '.join(args)})]{default}",
                "number": "1" if p.type == "number" else "",
                "zero_based": "1" if p.zero_based else "",
            }
        )
    return out


_JSON_PY = {"integer": "int", "number": "float", "boolean": "bool", "string": "str"}


def _unused_query(b: Binding) -> list[dict[str, str]]:
    """Declared query parameters no filter uses: typed route arguments, so a value the
    contract does not allow is refused, though the value itself changes nothing."""
    out = []
    for q in b.unused_query:
        if q.enum:
            py = "Literal[" + ", ".join(repr(v) for v in q.enum) + "]"
        elif q.type == "array":
            py = f"list[{_JSON_PY.get(q.item_type or 'string', 'str')}]"
        else:
            py = "QueryInt" if q.type == "integer" else _JSON_PY.get(q.type, "str")
        name = "_" + py_name(Name.parse(q.name).snake).rstrip("_")
        optional = "" if q.required else " | None"
        default = "" if q.required else " = None"
        out.append(
            {
                "name": name,
                "declaration": f"Annotated[{py}{optional}, Query(alias={q.name!r})]{default}",
                "required": "yes" if q.required else "",  # without a default: goes first
            }
        )
    return out


_HEADER_FORMATS = {"uuid": "UUID", "date-time": "TextDateTime", "date": "TextDate"}


def _header_type(h: HeaderParam) -> str:
    """The type a declared request header's value is checked against (app/api/headers.py);
    a header is text, so integers are read as a query's are (digits only)."""
    if h.type == "integer" and h.enum:
        return f"query_int_of({', '.join(str(v) for v in h.enum if isinstance(v, int))})"
    if h.enum:
        return "Literal[" + ", ".join(repr(str(v)) for v in h.enum) + "]"
    if h.type in ("integer", "number"):
        base = "QueryInt" if h.type == "integer" else "float"
    elif h.type == "boolean":
        return "bool"
    elif h.format in _HEADER_FORMATS:
        return _HEADER_FORMATS[h.format]
    else:
        base = "str"
    bounds = declared_bound_args(h.bounds)
    return f"Annotated[{base}, Field({', '.join(bounds)})]" if bounds else base


def _sort(b: Binding, entity: Entity) -> dict[str, Any] | None:
    """The route argument choosing the order of a list, and the ordering each value means
    (the primary key last, so that equal values keep one order)."""
    if not b.sort_param or not b.sort_keys:
        return None
    name = py_name(Name.parse(b.sort_param).snake)
    alias = f"alias={b.sort_param!r}" if name != b.sort_param else ""
    literal = "Literal[" + ", ".join(repr(v) for v in b.sort_keys) + "]"
    default = repr(b.sort_default) if b.sort_default in b.sort_keys else "None"
    cls = Name.parse(entity.name).pascal
    order = {
        value: f"{cls}.{py_name(fname)}" + (".desc()" if desc else ".asc()")
        for value, (fname, desc) in b.sort_keys.items()
    }
    return {
        "name": name,
        "api": b.sort_param,
        "declaration": f"Annotated[{literal} | None, Query({alias})] = {default}",
        "order": order,
        "check": _sort_check(b, entity),
    }


def _sort_check(b: Binding, entity: Entity) -> dict[str, Any] | None:
    """What the generated test sorts by: the first field it can give three distinct values
    of its own and that orders the same in every database and in Python (a number or a time
    every row has: text follows the database's collation, and NULLs sort first or last by
    dialect), with the sort values asking for it ascending and descending."""
    for fname in dict.fromkeys(f for f, _ in b.sort_keys.values()):
        fld = entity.field(fname)
        if fld is None or fld.foreign_key or fld.read_only or fld.system or fld.nullable:
            continue
        low = fld.minimum if fld.minimum is not None else 0
        samples = {
            "integer": [str(int(low) + k) for k in (2, 1, 3)],
            "bigint": [str(int(low) + k) for k in (2, 1, 3)],
            "float": [repr(float(low) + k) for k in (2, 1, 3)],
            "datetime": [f"dt.datetime(2026, 1, {d}, 9, 30, tzinfo=dt.UTC)" for d in (2, 1, 3)],
            "date": [f"dt.date(2026, 1, {d})" for d in (2, 1, 3)],
        }.get(fld.type)
        if samples is None or fld.int_enum or fld.maximum is not None:
            continue
        asc = next((v for v, (f, d) in b.sort_keys.items() if f == fname and not d), None)
        desc = next((v for v, (f, d) in b.sort_keys.items() if f == fname and d), None)
        return {
            "attr": py_name(fname),
            "api": fld.api_name,
            "samples": samples,
            "orders": [(v, d) for v, d in ((asc, False), (desc, True)) if v is not None],
        }
    return None


def _single_valued(b: Binding) -> list[str]:
    """Query parameters that take one value: sending one twice is refused."""
    names = [p.name for p in b.page_params or []]
    names += [b.sort_param] if b.sort_param and b.sort_keys else []
    names += [f.param for f in b.filters if f.op not in ("in", "has_any")]
    names += [q.name for q in b.unused_query if q.type != "array"]
    if b.page_params is None:
        names += ["offset" if b.pagination == "offset" else "page", "limit"]
    return names


def _param_names(b: Binding, entity: Entity | None, model: DomainModel) -> dict[str, str]:
    """Python names of the binding's path parameters; a bare `id` is named after its entity
    (`product_id`) so that no handler shadows the builtin."""
    names: dict[str, str] = {}
    for param, owner in ((b.id_param, entity), (b.parent_param, model.find(b.parent or ""))):
        if param is None:
            continue
        snake = Name.parse(param).snake
        if snake == "id" and owner is not None:
            snake = f"{Name.parse(owner.name).snake}_id"
        names[param] = py_name(snake)
    if b.path_field_param:
        names[b.path_field_param] = py_name(Name.parse(b.path_field_param).snake)
    if b.grand_param:
        names[b.grand_param] = py_name(Name.parse(b.grand_param).snake)
    return names


def _route(b: Binding, entity: Entity | None, model: DomainModel, prefix: str) -> RouteView:
    paging = _paging(b)
    names = _param_names(b, entity, model)
    full = route_path(b.path, names)
    rel_path = full[len(prefix) :] if prefix and full.startswith(prefix) else full
    id_param = names[b.id_param] if b.id_param else None
    id_attr, id_annotation = "id", "int"
    owner = None
    if entity is not None:
        id_fld = entity.field(b.id_field) or entity.field("id")
        assert id_fld is not None
        id_attr = attr_of(id_fld)
        id_annotation = PY_TYPES[id_fld.type] if id_fld.name != "id" else key_annotation(entity)
        missing = {
            "uuid": '"00000000-0000-4000-8000-000000000000"',
            "string": '"does-not-exist"',
            "integer": "999999999",
            "bigint": "999999999",
        }.get(entity.id_type if id_fld.name == "id" else id_fld.type, '"does-not-exist"')
        owner_fld = next((f for f in entity.fields if f.from_current_user), None)
        owner = attr_of(owner_fld) if owner_fld else None
    else:
        missing = "999999999"
    parent_cls = parent_mod = None
    parent_annotation = "int"
    if b.parent:
        parent = model.entity(b.parent)
        parent_cls, parent_mod = Name.parse(parent.name).pascal, module_of(parent.name)
        parent_annotation = key_annotation(parent)
        parent_key = parent.field(b.parent_field)
        if parent_key is not None and parent_key.name != "id":
            parent_annotation = PY_TYPES[parent_key.type]
    # A path parameter is typed as the spec declares it; lookups convert it to the column's
    # type and answer 404 when it cannot be one.
    declared = {"string": "str", "integer": "int", "uuid": "UUID"}
    if b.id_param and b.id_param in b.param_types:
        id_annotation = declared[b.param_types[b.id_param]]
    if b.parent_param and b.parent_param in b.param_types:
        parent_annotation = declared[b.param_types[b.parent_param]]
    set_value = repr(b.set_value) if b.set_field else "None"
    set_fld = entity.field(b.set_field) if entity is not None and b.set_field else None
    set_schema = None
    set_body_value = ""
    if set_fld is not None and b.set_from_body:
        set_schema = required_field(set_fld)
        set_body_value = json_value(set_fld, sample_value(set_fld, 1))
    test_url = full
    path_field = _path_field_view(b, entity, names)
    if path_field is not None:
        test_url = test_url.replace("{" + path_field["name"] + "}", "{value}")
    if id_param:
        test_url = test_url.replace("{" + id_param + "}", "{id}")
    if b.parent_param:
        test_url = test_url.replace("{" + names[b.parent_param] + "}", "{parent}")
    if b.grand_param:
        test_url = test_url.replace("{" + names[b.grand_param] + "}", "{grand}")
    int_params = sorted(
        names.get(p, py_name(Name.parse(p).snake))
        for p, kind in b.param_types.items()
        if kind == "integer"
    )
    # other parameters get a value their route matches (digits for an integer)
    test_url = re.sub(
        r"\{(?!id\}|parent\}|value\}|grand\})([^}]+)\}",
        lambda m: "1" if m.group(1) in int_params else "x",
        test_url,
    )
    grand_annotation = "int"
    if b.grand_param and b.grand_param in b.param_types:
        grand_annotation = declared[b.param_types[b.grand_param]]
    route = RouteView(
        binding=b,
        grand_param=names.get(b.grand_param or ""),
        grand_annotation=grand_annotation,
        grand_fk_attr=py_name(b.grand_fk) if b.grand_fk else None,
        function=b.function,
        method=b.method,
        path=rel_path,
        full_path=full,
        spec_path=b.path,
        status_code=b.status_code,
        auth=b.auth,
        id_param=id_param,
        id_attr=id_attr,
        id_annotation=id_annotation,
        parent_param=names[b.parent_param] if b.parent_param else None,
        parent_annotation=parent_annotation,
        parent_class=parent_cls,
        parent_module=parent_mod,
        parent_attr=py_name(b.parent_field) if b.parent else "id",
        parent_fk_attr=py_name(b.parent_fk) if b.parent_fk else None,
        filters=[_filter_view(b, entity, f, model) for f in b.filters] if entity else [],
        sort=_sort(b, entity) if entity else None,
        pagination=b.pagination,
        list_shape=b.list_shape,
        set_attr=py_name(b.set_field) if b.set_field else None,
        set_value=set_value,
        summary=(b.summary or "").replace('"', "'"),
        owner_attr=owner,
        test_url=test_url,
        set_api=set_fld.api_name if set_fld else "",
        missing_value=missing,
        set_schema=set_schema,
        set_body_value=set_body_value,
        paging=paging,
        cursor=b.action in ("list", "sub_list") and b.list_shape == "page" and paging is None,
        path_field=path_field,
        int_params=int_params,
        unused_query=_unused_query(b),
        single_valued=_single_valued(b),
        change_class=(
            f"{Name.parse(entity.name).pascal}{Name.parse(set_fld.name).pascal}Change"
            if set_schema is not None and entity is not None and set_fld is not None
            else ""
        ),
    )
    _access(route, b, entity, model)
    return route


REVISION_ID = re.compile(r'^revision(?::\s*str)?\s*=\s*["\'](\w+)["\']', re.M)
DOWN_REVISION = re.compile(r"^down_revision(?::[^=]*)?\s*=(.*)$", re.M)  # one id, or a tuple


def _next_revision(
    model: DomainModel, options: TargetOptions, env: Any, ctx: dict[str, Any], sql: SqlArtifacts
) -> list[GeneratedFile]:
    """The project's revisions as they were generated, plus one that takes the schema from
    the previous model to this one (none when the schema did not change)."""
    kept = [GeneratedFile(path, text) for path, text in sorted(options.previous_revisions.items())]
    texts = [f.content for f in kept] + list(options.user_revisions.values())
    ids = [m.group(1) for text in texts if (m := REVISION_ID.search(text))]
    if options.previous_model is None or not ids:
        return kept
    revision = sql.revision
    if revision is None or revision.empty:
        return kept
    if revision.destructive and not options.allow_destructive:
        raise SpecError(
            "the documents no longer have "
            + "; ".join(revision.destructive)
            + ": migrating would delete that data",
            None,
            "pass --allow-destructive to generate a migration that drops them, or put them "
            "back in the documents",
        )
    downs = {
        down
        for text in texts
        if (m := DOWN_REVISION.search(text))
        for down in re.findall(r"[\"'](\w+)[\"']", m.group(1))
    }
    heads = [i for i in ids if i not in downs]
    if len(heads) != 1:
        raise SpecError(
            f"the project's migrations have {len(heads)} heads ({', '.join(heads) or 'none'}); "
            "the new revision needs one to follow",
            None,
            "join them with `alembic merge heads`, then generate again",
        )
    head = heads[0]
    numbers = [int(i) for i in ids if i.isdigit()]
    number = f"{max(numbers, default=len(ids)) + 1:04d}"
    while number in ids:
        number = f"{int(number) + 1:04d}"
    slug = re.sub(r"[^a-z0-9]+", "_", revision.summary[0].lower()).strip("_")[:40]
    text = env.get_template("migrations__versions__revision.py.jinja").render(
        **ctx, revision=revision, number=number, down=head
    )
    return [*kept, GeneratedFile(f"migrations/versions/{number}_{slug}.py", text)]


def _ownership_views(model: DomainModel) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The private entities (with the SQL condition selecting an account's rows) and the
    owner-writes ones (with their owner column), for app/services/access.py and the docs."""
    private: list[dict[str, Any]] = []
    authored: list[dict[str, Any]] = []
    for entity in model.entities:
        own = entity.ownership
        if own is None or own.policy == "shared":
            continue
        chain = [entity] + [model.entity(name) for name in own.via]
        attrs = []
        for ent, key in zip(chain, own.path, strict=True):
            fld = ent.field(key)
            assert fld is not None
            attrs.append(attr_of(fld))
        clause = f"{Name.parse(chain[-1].name).pascal}.{attrs[-1]} == account_id"
        for ent, attr, nxt in reversed(list(zip(chain[:-1], attrs[:-1], chain[1:], strict=True))):
            inner = Name.parse(nxt.name).pascal
            clause = f"{Name.parse(ent.name).pascal}.{attr}.in_(select({inner}.id).where({clause}))"
        cls = Name.parse(entity.name).pascal
        if own.policy == "private":
            describe = (
                f"owned through `{attrs[0]}`"
                if not own.via
                else "owned through its "
                + ", then its ".join(own.via)
                + f": `{attrs[0]}` → "
                + " → ".join(f"{n}.{a}" for n, a in zip(own.via, attrs[1:], strict=True))
            )
            private.append(
                {
                    "cls": cls,
                    "module": module_of(entity.name),
                    "clause": clause,
                    "via": list(own.via),
                    "describe": describe,
                    "attr": attrs[0],
                }
            )
        elif not own.via:
            authored.append({"cls": cls, "module": module_of(entity.name), "attr": attrs[0]})
    return private, authored


def _mcp_views(model: DomainModel, views: list[EntityView]) -> list[dict[str, Any]]:
    """The MCP tools of each entity the API serves flat (list, get, add, update, delete and
    actions without a body), over the same services as its routes."""
    tools: list[dict[str, Any]] = []
    for view in views:
        if view.is_account or view.presents or not view.routes:
            continue
        flat = [r for r in view.routes if not r.parent_param and not r.grand_param]
        first: dict[str, RouteView] = {}
        for route in flat:
            first.setdefault(route.binding.action, route)
        listing = first.get("list")
        if listing is not None and (
            listing.path_field or listing.feed or listing.list_shape == "values"
        ):
            listing = None
        create = first.get("create")
        if create is not None and (create.binding.xml_body or create.binding.encoded_body):
            create = None
        item = {
            "view": view,
            "list": listing,
            "read": first.get("read"),
            "create": create,
            "change": first.get("patch") or first.get("replace"),
            "delete": first.get("delete"),
            "actions": [r for r in flat if r.binding.action == "set_field" and not r.set_schema],
        }
        if any(item[k] for k in ("list", "read", "create", "change", "delete", "actions")):
            tools.append(item)
    return tools


def _private(entity: Entity | None) -> bool:
    return (
        entity is not None and entity.ownership is not None and entity.ownership.policy == "private"
    )


def _access(route: RouteView, b: Binding, entity: Entity | None, model: DomainModel) -> None:
    """What the route keeps to the caller's own rows (see domain/ownership.py)."""
    if entity is None or b.auth == "none" or not model.auth.enabled:
        return
    writes_refs = b.action in ("create", "sub_create", "replace", "patch")
    route.scoped = _private(entity) and b.action not in ("create", "sub_create")
    route.parent_scoped = _private(model.find(b.parent or ""))
    route.refs_scoped = writes_refs and any(
        _private(model.find(r.target))
        for r in entity.relations
        if r.kind in ("many_to_one", "many_to_many")
    )
    own = entity.ownership
    route.check_owner = (
        own is not None
        and own.policy == "owner_writes"
        and b.auth == "required"
        and b.action in ("replace", "patch", "delete", "set_field")
    )
    if route.scoped or route.parent_scoped or route.refs_scoped:
        route.viewer = (
            "current_user.id"
            if b.auth == "required"
            else "current_user.id if current_user else NOBODY"
        )


def _path_field_view(
    b: Binding, entity: Entity | None, names: dict[str, str]
) -> dict[str, str] | None:
    """The field a path segment selects (`/items/state/{state}`): the route parameter, its
    annotation, and for set_many the type of the keys the body lists."""
    if entity is None or not b.path_field or not b.path_field_param:
        return None
    fld = entity.field(b.path_field)
    assert fld is not None
    annotation = (
        "Literal[" + ", ".join(repr(v) for v in fld.enum_values) + "]"
        if fld.type == "enum" and fld.enum_values
        else PY_TYPES[fld.type]
    )
    keys = {"uuid": "TextUuid", "string": "StrictStr"}.get(entity.id_type, "JsonInt")
    first, second = sample_value(fld, 0), sample_value(fld, 1)
    return {
        "name": names[b.path_field_param],
        "annotation": annotation,
        "attr": attr_of(fld),
        "api": fld.api_name,
        "key_type": keys,
        # two different values (rows are made with the first, then set to the second)
        "first": py_value(first),
        "second": py_value(second if second != first else first),
        "first_url": repr(_url_text(first)),
        "second_url": repr(_url_text(second if second != first else first)),
    }


def _url_text(value: Any) -> str:
    """A value as it is written in a URL path."""
    if isinstance(value, bool):
        return str(value).lower()
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    return str(value)


def _envelope(
    bucket: list[dict[str, Any]],
    kind: str,
    key: str,
    inner: str,
    count: str | None = None,
    name: str | None = None,
    meta: tuple[tuple[str, str], ...] = (),
) -> dict[str, Any]:
    """The class wrapping `inner` in the JSON member `key` (one per shape, shared)."""
    base = name or {"body": f"{inner}Body", "one": f"{inner}Envelope", "list": f"{inner}List"}[kind]
    for env in bucket:
        if (env["kind"], env["key"], env["inner"], env["count"], env["meta_key"]) == (
            kind,
            key,
            inner,
            count,
            meta,
        ):
            return env
    name = base
    if any(env["cls"] == name for env in bucket):
        name = base + Name.parse(key).pascal
    doc = {
        "body": f'A request body {{"{key}": {inner}}}.',
        "one": f'A response {{"{key}": {inner}}}.',
        "list": f'A list {{"{key}": [{inner}, ...]'
        + (f', "{count}": total' if count else "")
        + "}.",
    }[kind]
    env = {
        "cls": name,
        "kind": kind,
        "key": key,
        "key_attr": py_name(Name.parse(key).snake),
        "inner": inner,
        "count": count,
        "count_attr": py_name(Name.parse(count).snake) if count else "",
        "meta_key": meta,
        "meta": [
            {"api": api, "attr": py_name(Name.parse(api).snake), "role": role} for api, role in meta
        ],
        "doc": doc,
    }
    bucket.append(env)
    return env


def _wrap(route: RouteView, cls: str, bucket: list[dict[str, Any]], body: str | None) -> None:
    """Request and response classes of a route, with the envelopes its contract declares."""
    b = route.binding
    route.read_cls = f"{Name.parse(b.view).pascal}Read" if b.view else f"{cls}Read"
    if b.token_member:
        route.read_cls = f"{cls}Session"
    if body is not None:
        route.in_cls = body
        if b.body_key:
            env = _envelope(bucket, "body", b.body_key, body)
            route.in_cls, route.in_attr, route.in_key = env["cls"], env["key_attr"], b.body_key
    if b.action in ("list", "sub_list"):
        if b.list_shape == "values":
            field = Name.parse(b.values_field or "name").pascal
            env = _envelope(
                bucket, "list", b.response_key or "items", "str", None, f"{cls}{field}List"
            )
            route.out_cls, route.out_key = env["cls"], env["key"]
        elif b.list_shape == "envelope" and b.response_key:
            env = _envelope(
                bucket,
                "list",
                b.response_key,
                route.read_cls,
                b.count_key,
                meta=tuple(b.list_meta.items()),
            )
            route.out_cls, route.out_key, route.count_attr = (
                env["cls"],
                env["key"],
                env["count_attr"],
            )
            route.meta_args = [(m["attr"], _meta_value(route, m["role"])) for m in env["meta"]]
            route.next_key = next(
                (m["api"] for m in env["meta"] if m["role"].startswith("cursor")), ""
            )
        elif b.list_shape == "array":
            route.out_cls = f"list[{route.read_cls}]"
        else:
            route.out_cls = f"Page[{route.read_cls}]"
        return
    route.out_cls = route.read_cls
    if b.response_key:
        env = _envelope(bucket, "one", b.response_key, route.read_cls)
        route.out_cls, route.out_key = env["cls"], env["key"]


def _meta_value(route: RouteView, role: str) -> str:
    """The expression a list route answers for one page member of its envelope."""
    zero = bool((route.paging_param("page") or {}).get("zero_based"))
    if route.pagination == "offset":
        index = "(offset // size if size else 0)"
        start = "offset"
    else:
        index = "(page - 1)"
        start = "(page - 1) * size"
    return {
        "page": index if zero else f"({index} + 1)" if route.pagination == "offset" else "page",
        "size": "size",
        "pages": "(-(-total // size) if size else 0)",
        "offset": start,
        "returned": "len(rows)",
        # the key of this page's last row, when the page is full (a shorter one is the last)
        "cursor": "str(rows[-1].id) if rows and len(rows) == size else None",
        "cursor_int": "rows[-1].id if rows and len(rows) == size else None",
    }[role.removesuffix("_null")]


def _body_class(b: Binding, cls: str) -> str | None:
    return {
        "create": f"{cls}Create",
        "sub_create": f"{cls}Create",
        "replace": f"{cls}Create",
        "patch": f"{cls}Update",
        "register": f"{cls}Create",
        "me_update": f"{cls}Update",
        "login": "LoginRequest",
    }.get(b.action)


def _header(model: DomainModel, comment: str = "#") -> str:
    sources = ", ".join(Path(s).name for s in model.sources) or "the API documents"
    return f"{comment} {GENERATED_MARK} from {sources}. Regenerate instead of editing."


def generate(model: DomainModel, options: TargetOptions) -> list[GeneratedFile]:
    # the migrations and DDL, computed meanwhile (in the SQL helper when one was started)
    sql_header = _header(model, "--")
    pending_sql = artifacts(model, options.previous_model, sql_header)
    env = jinja_env(PACKAGE)
    index = ModelIndex.of(model)
    views = {e.name: build_entity(model, e, index) for e in model.entities}
    variant_entities = {v.entity for b in model.bindings for v in b.variants}
    for view in views.values():
        for m in view.m2m:
            if m["objects"]:
                views[
                    model.entity(
                        next(
                            r.target for r in view.entity.relations if py_name(r.name) == m["attr"]
                        )
                    ).name
                ].needs_ref = True
    for view in views.values():
        for ref in view.object_refs:
            views[ref["entity"]].needs_ref = True
    for view in views.values():
        view.copies_rows |= any(views[o["cls"]].copies_rows for o in view.owned)
    account_view = views.get(model.auth.account or "")
    for view in views.values():
        own = index.bindings.get(view.entity.name, [])
        bound = [b for b in own if b.action in RESOURCE_ACTIONS]
        paths = [route_path(b.path) for b in bound]
        view.prefix = common_prefix(paths) if paths else ""
        view.tag = bound[0].tags[0] if bound and bound[0].tags else view.plural.replace("_", "-")
        view.routes = [_route(b, view.entity, model, view.prefix) for b in bound]
        for route in view.routes:
            body = view.variant_of.get(route.binding.key) or _body_class(route.binding, view.cls)
            route.body_key_value = view.variant_key_values.get(route.binding.key, "")
            _wrap(route, view.cls, view.envelopes, body)
            b = route.binding
            if b.relation:
                route.link = next(x for x in view.links if x["attr"] == py_name(b.relation))
            if b.feed_fk and b.feed_relation and account_view is not None:
                link = next(x for x in account_view.links if x["attr"] == py_name(b.feed_relation))
                route.feed = {**link, "module": account_view.module, "fk_attr": py_name(b.feed_fk)}
            shown = view.entity.view(b.view)
            route.key_api = (view.entity.field(b.id_field) or view.entity.fields[0]).api_name
            route.link_checks = [
                {"api": c["api"], "kind": c["kind"]}
                for c in view.computed
                if b.relation
                and c["link"]["attr"] == py_name(b.relation)
                and (shown is None or c["attr"] in {py_name(n) for n in shown.computed})
            ]
        for route in view.routes:
            # a feed, or a list by a path field, lists only some rows: tested apart
            if not route.binding.feed_fk and not route.path_field:
                view.by_action.setdefault(route.binding.action, route)
        seen: dict[str, int] = {}
        for route in view.routes:  # two routes setting one field (orgs' and repos' hooks)
            if route.change_class:
                seen[route.change_class] = count = seen.get(route.change_class, 0) + 1
                if count > 1:
                    route.change_class = f"{route.change_class}{count}"
        view.change_classes = [r.change_class for r in view.routes if r.change_class]
        actions = {b.action for b in own}
        view.creates = (
            bool(actions & {"create", "sub_create", "register"})
            or view.entity.name in variant_entities
        )
        view.updates = bool(actions & {"replace", "patch", "me_update"})
        view.deletes = "delete" in actions
    auth_routes = [
        _route(b, model.find(b.entity or ""), model, "")
        for b in model.bindings
        if b.action in AUTH_ACTIONS
    ]
    custom_routes = [
        _route(b, model.find(b.entity or ""), model, "")
        for b in model.bindings
        if b.action == "custom"
    ]
    unions = [
        build_union(_route(b, None, model, ""), views)
        for b in model.bindings
        if b.action == "create_union"
    ]
    account = account_view
    auth_envelopes: list[dict[str, Any]] = []
    token_member = next(
        (r.binding.token_member for r in auth_routes if r.binding.token_member), None
    )
    for route in auth_routes:
        if account is not None:
            _wrap(route, account.cls, auth_envelopes, _body_class(route.binding, account.cls))
    auth_by_action = {r.binding.action: r for r in reversed(auth_routes)}
    passwords = model.auth.enabled or any(v.has_password for v in views.values())
    private, authored = _ownership_views(model)
    mcp_views = _mcp_views(model, list(views.values())) if "mcp-tools" in model.features else []
    oauth_token_path = ""
    login_route = auth_by_action.get("login")
    if login_route is not None and model.auth.scheme == "bearer":
        taken = {b.path for b in model.bindings if b.method == "post"}
        sibling = login_route.full_path.rsplit("/", 1)[0] + "/token"
        oauth_token_path = sibling if sibling not in taken else login_route.full_path + "/form"
    ctx: dict[str, Any] = {
        "mcp_views": mcp_views,
        "passwords": passwords,
        "oauth_token_path": oauth_token_path,
        "private": private,
        "authored": authored,
        "access_imports": sorted(
            {
                f"from app.models.{module_of(name)} import {Name.parse(name).pascal}"
                for e in model.entities
                if e.ownership is not None and e.ownership.policy != "shared"
                for name in (e.name, *e.ownership.via)
            }
        ),
        "model": model,
        "views": list(views.values()),
        "account": account,
        "auth": model.auth,
        "auth_routes": auth_routes,
        "auth_envelopes": auth_envelopes,
        "keyed_parents": any(
            r.parent_attr != "id" and r.binding.action not in ("sub_list", "sub_create")
            for v in views.values()
            for r in v.routes
        ),
        "orm": model.stack.orm,
        "has_cursor": any(r.cursor for v in views.values() for r in v.routes),
        "text_keys": any(e.id_type == "string" for e in model.entities),
        "form_bodies": any(b.encoded_body for b in model.bindings),
        "xml_bodies": any(b.xml_body for b in model.bindings),
        "social": {
            "named": any(m["key_attr"] for v in views.values() for m in v.m2m),
            "slugs": any(v.slugs for v in views.values()),
            "links": any(v.computed for v in views.values()),
            "embeds": any(v.embeds for v in views.values()),
        },
        "token_member": token_member,
        "token_attr": py_name(Name.parse(token_member).snake) if token_member else "",
        "auth_by_action": auth_by_action,
        "custom_routes": custom_routes,
        "unions": unions,
        "openapi_tags": _openapi_tags(
            model,
            (["auth"] if model.auth.enabled and account is not None else [])
            + [v.tag for v in views.values() if v.routes]
            + [u.tag for u in unions]
            + (["custom"] if custom_routes else []),
        ),
        "closed_bodies": any(e.closed_body is not None for e in model.entities),
        "copies_rows": any(v.copies_rows for v in views.values()),
        "header": _header(model),
        "options": options,
        "project": model.project,
        "package_name": model.project,
        "dependencies": DEPENDENCIES
        + (["pyjwt>=2.8,<3"] if model.auth.enabled else [])
        + (["pwdlib[argon2]>=0.2,<1"] if passwords else [])
        + (["mcp>=2.3,<3"] if mcp_views else [])
        + (["sqlmodel>=0.0.24,<0.1"] if model.stack.orm == "sqlmodel" else []),
        "test_dependencies": TEST_DEPENDENCIES,
        "seed_password": SEED_PASSWORD,
        "uses_email": any(f.type == "email" for e in model.entities for f in e.fields),
        # Python literals (repr of plain data) for the generated errors module.
        "error_shapes_py": repr(
            {k: (v.template, v.media_type) for k, v in sorted(model.errors.shapes.items())}
        ),
        "declared_py": repr(
            {b.function: tuple(sorted(b.declared)) for b in model.bindings if b.declared}
        ),
        "headers": {
            b.function: [(h.name, _header_type(h), h.required) for h in b.headers]
            for b in model.bindings
            if b.headers
        },
        "error_shapes": bool(model.errors.shapes),
        "error_media_types": sorted(
            {v.media_type for v in model.errors.shapes.values()} | {"application/json"}
        ),
        # Unknown body members: refused for documents we define, ignored under a contract
        # that allows them (JSON Schema objects are open unless additionalProperties: false).
        "extra_policy": "ignore" if model.source_format == "openapi" else "forbid",
        "contract": (
            f"contract/{options.contract_name}" if options.contract_text is not None else None
        ),
        # operations whose contract makes the body optional yet requires members in it:
        # leaving the body out is invalid input (verify and the conformance test know)
        # operations answered 501 until someone fills in their service function
        "not_implemented": sorted(
            f"{b.method.upper()} {_contract_path(model, b.path)}"
            for b in model.bindings
            if b.action == "custom"
        ),
        "form_nested": sorted(
            f"{b.method.upper()} {_contract_path(model, b.path)}"
            for b in model.bindings
            if b.form_nested
        ),
        # polymorphic bodies whose discriminator maps several values to one kind:
        # schemathesis pins one value per kind, so it takes the others for invalid input
        "several_tags": sorted(
            f"{b.method.upper()} {_contract_path(model, b.path)}"
            for b in model.bindings
            if any(len(v.tags) > 1 for v in b.variants)
        ),
        "optional_bodies": sorted(
            f"{b.method.upper()} {_contract_path(model, b.path)}"
            for b in model.bindings
            if b.body_optional and b.body_requires_members
        ),
    }
    files: list[GeneratedFile] = []

    def add(path: str, template: str, owner: str = "generated", **extra: Any) -> None:
        text = env.get_template(template).render(**ctx, **extra)
        files.append(GeneratedFile(path, text, owner))  # type: ignore[arg-type]

    for path in (
        "pyproject.toml",
        "README.md",
        "SECURITY.md",
        ".env.example",
        "Dockerfile",
        "docker-compose.yml",
        ".dockerignore",
        ".gitignore",
        "alembic.ini",
        "app/__init__.py",
        "app/main.py",
        "app/core/__init__.py",
        "app/core/config.py",
        "app/core/errors.py",
        "app/db.py",
        "app/models/__init__.py",
        "app/models/base.py",
        "app/schemas/__init__.py",
        "app/schemas/common.py",
        "app/services/__init__.py",
        "app/services/base.py",
        "app/api/__init__.py",
        "app/api/deps.py",
        "app/api/routes/__init__.py",
        "migrations/env.py",
        "migrations/script.py.mako",
        "tests/__init__.py",
        "tests/conftest.py",
        "tests/factories.py",
        "tests/test_health.py",
        "tests/test_conformance.py",
    ):
        add(path, path.replace("/", "__") + ".jinja")
    if options.contract_text is not None:
        files.append(GeneratedFile(ctx["contract"], options.contract_text))
    if ctx["headers"]:
        add("app/api/headers.py", "app__api__headers.py.jinja")
    if model.auth.enabled or any(v.has_password for v in views.values()):
        add("app/core/security.py", "app__core__security.py.jinja")
    if model.auth.enabled and account is not None:
        for path in (
            "app/schemas/auth.py",
            "app/api/routes/auth.py",
            "tests/test_auth.py",
            "tests/issue_token.py",
        ):
            add(path, path.replace("/", "__") + ".jinja")
    if private or authored:  # whose rows each account reaches (none owned: no module)
        add("app/services/access.py", "app__services__access.py.jinja")
    if custom_routes:
        add("app/api/routes/custom.py", "app__api__routes__custom.py.jinja")
        add("app/services/custom.py", "app__services__custom.py.jinja")
        add("tests/test_custom.py", "tests__test_custom.py.jinja")
    # Entities with a service module: those the API addresses, parents in nested paths, and
    # the account entity.
    served = {b.entity for b in model.bindings if b.entity} | {
        b.parent for b in model.bindings if b.parent
    }
    served |= {v.entity for b in model.bindings for v in b.variants}
    if model.auth.enabled and model.auth.account:
        served.add(model.auth.account)  # the current-user dependency looks accounts up
    hooked = [
        v
        for v in views.values()
        if v.entity.name in served and (v.creates or v.updates or v.deletes)
    ]
    if hooked:
        files.append(
            GeneratedFile(
                "app/hooks/__init__.py",
                f"{_header(model)}\n"
                '"""Your rules, one module per entity: created once, never rewritten."""\n',
            )
        )
    for view in hooked:
        add(f"app/hooks/{view.module}.py", "hooks.py.jinja", "user", view=view)
    add("app/api/extra_routes.py", "app__api__extra_routes.py.jinja", "user")
    if mcp_views:
        add("app/mcp_server.py", "app__mcp_server.py.jinja")
        add("tests/test_mcp.py", "tests__test_mcp.py.jinja")
    options.checkpoint()
    for n, view in enumerate(views.values()):
        if n % 25 == 24:
            options.checkpoint()
        model_template = "model_sqlmodel.py.jinja" if ctx["orm"] == "sqlmodel" else "model.py.jinja"
        add(f"app/models/{view.module}.py", model_template, view=view)
        add(f"app/schemas/{view.module}.py", "schema.py.jinja", view=view)
        if view.entity.name in served:
            add(f"app/services/{view.module}.py", "service.py.jinja", view=view)
        if view.routes:
            add(f"app/api/routes/{view.module}.py", "routes.py.jinja", view=view)
            add(f"tests/test_{view.module}.py", "test_entity.py.jinja", view=view)
    for union in unions:
        add(f"app/schemas/{union.module}.py", "union_schema.py.jinja", union=union)
        add(f"app/api/routes/{union.module}.py", "union_routes.py.jinja", union=union)
        add(f"tests/test_{union.module}.py", "test_union.py.jinja", union=union)
    options.checkpoint()
    formatted = 0
    if not pending_sql.ready():  # ruff works on the rest meanwhile (2 s on GitHub's API)
        format_python(files, meanwhile=options.idle)
        formatted = len(files)
        options.checkpoint()
    sql = pending_sql.get()
    options.checkpoint()
    if options.previous_revisions:
        files.extend(_next_revision(model, options, env, ctx, sql))
    else:
        ctx.update(upgrade=sql.upgrade, downgrade=sql.downgrade)
        add("migrations/versions/0001_initial.py", "migrations__versions__initial.py.jinja")
    format_python(files[formatted:], meanwhile=options.idle)
    for dialect, ddl in sql.ddl.items():
        files.append(GeneratedFile(f"db/schema.{dialect}.sql", ddl))
    files.append(GeneratedFile("db/seed.sql", build_seed(model, sql_header)))
    return sorted(files, key=lambda f: f.path)


__all__ = ["generate", "EntityView"]


def _openapi_tags(model: DomainModel, used: list[str]) -> list[dict[str, str]]:
    """The app's tags for /docs: those its routers use, in the documents' order, each with
    the description the documents give it."""
    names = [t for t in model.tags if t in used]
    names += [t for t in dict.fromkeys(used) if t not in names]
    tags = [{"name": t, "description": model.tags.get(t, "")} for t in names]
    return tags + [{"name": "health", "description": "Liveness check for load balancers."}]


def _contract_path(model: DomainModel, path: str) -> str:
    """An operation's path as the contract writes it (without the servers' base path)."""
    base = model.base_path.rstrip("/")
    return path[len(base) :] or "/" if base and path.startswith(base + "/") else path
