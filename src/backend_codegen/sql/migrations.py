"""Alembic revisions, computed with alembic's autogenerate API.

The initial revision compares the model's metadata with an empty in-memory SQLite database;
each later one compares it with a database built from the previous model's metadata. The
operations are rendered as Python; nothing touches the user's database.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from alembic.autogenerate import produce_migrations, render_python_code
from alembic.migration import MigrationContext
from alembic.operations import ops

from backend_codegen.domain.model import Field
from backend_codegen.domain.samples import sample_value
from backend_codegen.errors import SpecError

_COMMENT = re.compile(r"^\s*# ### .*###\s*$")


def render_ops(metadata: sa.MetaData) -> tuple[str, str]:
    """(upgrade body, downgrade body) for creating every table of `metadata`."""
    engine = sa.create_engine("sqlite://")
    with engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "target_metadata": metadata}
        )
        script = produce_migrations(context, metadata)
    engine.dispose()
    assert script.upgrade_ops is not None and script.downgrade_ops is not None
    _keep_indexes_of_dropped_tables(script.downgrade_ops)
    bodies: list[str] = []
    for container in (script.upgrade_ops, script.downgrade_ops):
        first, last = _forward_keys_apart(container, metadata)
        parts = [_render(first, batch=True), _render(container.ops), _render(last, batch=True)]
        bodies.append("\n".join(p for p in parts if p))
    return bodies[0], bodies[1]


def _forward_keys_apart(
    container: ops.OpContainer, *metadatas: sa.MetaData
) -> tuple[list[ops.MigrateOperation], list[ops.MigrateOperation]]:
    """Foreign keys closing a cycle of references (`use_alter`, see
    `DomainModel.forward_references`) as operations of their own.

    `op.create_table` leaves a `use_alter` key out on PostgreSQL and MySQL (only
    `metadata.create_all` adds it afterwards), and a table of a cycle cannot be dropped
    while the other still references it. So: tables are created without them and the keys
    added once every table exists; before tables are dropped, their keys are dropped.
    (SQLite rebuilds the table in batch mode for either: the revision is rendered so.)
    `metadatas` name the keys: a table reflected by autogenerate has lost `use_alter`.

    Returns the operations to run before `container`'s and after them."""
    forward: dict[str, dict[str, sa.ForeignKeyConstraint]] = {}
    for metadata in metadatas:
        for table in metadata.tables.values():
            for key in table.foreign_key_constraints:
                if key.use_alter:
                    forward.setdefault(table.name, {}).setdefault(str(key.name), key)
    first: list[ops.MigrateOperation] = []
    last: list[ops.MigrateOperation] = []
    for op_ in container.ops:
        keys = forward.get(getattr(op_, "table_name", ""), {})
        if isinstance(op_, ops.CreateTableOp):
            apart = [
                c
                for c in op_.columns
                if isinstance(c, sa.ForeignKeyConstraint) and str(c.name) in keys
            ]
            if apart:
                op_.columns = [c for c in op_.columns if not any(c is k for k in apart)]
                adds = [ops.CreateForeignKeyOp.from_constraint(keys[str(k.name)]) for k in apart]
                last.append(ops.ModifyTableOps(op_.table_name, list(adds)))
        elif isinstance(op_, ops.DropTableOp) and keys:
            drops = [ops.DropConstraintOp.from_constraint(k) for k in keys.values()]
            first.append(ops.ModifyTableOps(op_.table_name, list(drops)))
    return first, last


def _render(operations: list[ops.MigrateOperation], *, batch: bool = False) -> str:
    """Alembic's Python for `operations` ("" for none); `batch` renders table changes in
    batch mode, which SQLite needs to add or drop a constraint."""
    if not operations:
        return ""
    code = render_python_code(
        ops.UpgradeOps(operations),
        alembic_module_prefix="op.",
        sqlalchemy_module_prefix="sa.",
        render_as_batch=batch,
    )
    return _clean(code)


def _clean(code: str) -> str:
    lines = [line for line in code.splitlines() if not _COMMENT.match(line)]
    return "\n".join(lines).strip("\n")


@dataclass
class Revision:
    """The migration from one model's schema to the next one's.

    upgrade / downgrade: the bodies of the revision's functions ("" when nothing changed).
    summary: one line per change ("add column tasks.priority").
    destructive: the changes that lose data ("drop column tasks.notes").
    """

    upgrade: str = ""
    downgrade: str = ""
    summary: list[str] = field(default_factory=list)
    destructive: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.summary


def render_revision(
    previous: sa.MetaData, current: sa.MetaData, fields: dict[tuple[str, str], Field] | None = None
) -> Revision:
    """The operations that turn `previous`'s schema into `current`'s, computed with alembic's
    autogenerate against a throwaway in-memory SQLite database holding `previous` (the user's
    database is never read), rendered in batch mode (SQLite rebuilds tables for ALTERs).

    A NOT NULL column added to a table is added in two steps, so that rows already there get a
    value: added as nullable, filled (its default, else a neutral value of its type), then made
    NOT NULL."""
    fields = fields or {}
    engine = sa.create_engine("sqlite://")
    with engine.begin() as conn:
        previous.create_all(conn)
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "target_metadata": current}
        )
        script = produce_migrations(context, current)
    engine.dispose()
    upgrade_ops, downgrade_ops = script.upgrade_ops, script.downgrade_ops
    assert upgrade_ops is not None and downgrade_ops is not None
    _renames(upgrade_ops, previous, fields)
    _renames(downgrade_ops, current, {}, back=fields)
    _keep_indexes_of_dropped_tables(upgrade_ops)
    _keep_indexes_of_dropped_tables(downgrade_ops)
    revision = Revision()
    fills: list[str] = []
    tighten: list[ops.ModifyTableOps] = []
    for op_ in upgrade_ops.ops:
        _describe(op_, previous, revision)
        if isinstance(op_, ops.ModifyTableOps):
            later = [_two_step(sub, fills, fields) for sub in op_.ops]
            alters = [a for a in later if a is not None]
            if alters:
                tighten.append(ops.ModifyTableOps(op_.table_name, list(alters)))
    for op_ in downgrade_ops.ops:
        if isinstance(op_, ops.ModifyTableOps):
            for sub in op_.ops:
                _previous_type(sub, previous, downgrade=True)
    if revision.empty:
        return revision
    for container, names in (
        (upgrade_ops, (current, previous)),
        (downgrade_ops, (previous, current)),
    ):
        first, last = _forward_keys_apart(container, *names)
        container.ops[:0] = first
        container.ops.extend(last)
    opts: dict[str, Any] = {
        "alembic_module_prefix": "op.",
        "sqlalchemy_module_prefix": "sa.",
        "render_as_batch": True,
    }
    parts = [_clean(render_python_code(upgrade_ops, **opts))]
    if fills:
        parts.append("\n".join(f"    {line}" for line in fills))
        parts.append(_clean(render_python_code(ops.UpgradeOps(list(tighten)), **opts)))
    revision.upgrade = "\n".join(p for p in parts if p.strip())
    revision.downgrade = _clean(render_python_code(downgrade_ops, **opts))
    return revision


def _keep_indexes_of_dropped_tables(container: ops.OpContainer) -> None:
    """A table that is dropped takes its indexes with it: dropping them first is useless, and
    MySQL/MariaDB refuse it for an index a foreign key needs."""
    dropped = {o.table_name for o in container.ops if isinstance(o, ops.DropTableOp)}
    kept: list[ops.MigrateOperation] = []
    for op_ in container.ops:
        if isinstance(op_, ops.DropIndexOp) and op_.table_name in dropped:
            continue
        if isinstance(op_, ops.ModifyTableOps) and op_.table_name in dropped:
            op_.ops = [o for o in op_.ops if not isinstance(o, ops.DropIndexOp)]
            if not op_.ops:
                continue
        kept.append(op_)
    container.ops = kept


def _renames(
    container: ops.OpContainer,
    before: sa.MetaData,
    fields: dict[tuple[str, str], Field],
    back: dict[tuple[str, str], Field] | None = None,
) -> None:
    """A column dropped and one added in its place that the model says was renamed from it
    (`renamed_from`) become one rename, keeping the values. `back` reads the hints the other
    way round, for the downgrade (the added column is the old name)."""
    for table_ops in container.ops:
        if not isinstance(table_ops, ops.ModifyTableOps):
            continue
        table = table_ops.table_name
        drops = {o.column_name: o for o in table_ops.ops if isinstance(o, ops.DropColumnOp)}
        for add in [o for o in table_ops.ops if isinstance(o, ops.AddColumnOp)]:
            new = add.column.name
            if back is None:
                fld = fields.get((table, new))
                old = fld.renamed_from if fld is not None else None
            else:
                old = next(
                    (c for (t, c), f in back.items() if t == table and f.renamed_from == new),
                    None,
                )
            if old is None or old not in drops or table not in before.tables:
                continue
            existing = before.tables[table].c[old]
            rename = ops.AlterColumnOp(
                table,
                old,
                existing_type=existing.type,
                existing_nullable=existing.nullable,
                modify_name=new,
            )
            index = table_ops.ops.index(add)
            table_ops.ops[index] = rename
            table_ops.ops.remove(drops[old])


def _describe(op_: ops.MigrateOperation, previous: sa.MetaData, revision: Revision) -> None:
    if isinstance(op_, ops.CreateTableOp):
        revision.summary.append(f"add table {op_.table_name}")
    elif isinstance(op_, ops.DropTableOp):
        revision.summary.append(f"drop table {op_.table_name}")
        revision.destructive.append(f"table {op_.table_name} and every row in it")
    elif isinstance(op_, ops.ModifyTableOps):
        for sub in op_.ops:
            _describe_column(op_.table_name, sub, previous, revision)
    elif isinstance(op_, ops.CreateIndexOp):
        revision.summary.append(f"add index {op_.index_name} on {op_.table_name}")
    elif isinstance(op_, ops.DropIndexOp):
        revision.summary.append(f"drop index {op_.index_name} on {op_.table_name}")
    else:
        revision.summary.append(type(op_).__name__)


def _describe_column(
    table: str, sub: ops.MigrateOperation, previous: sa.MetaData, revision: Revision
) -> None:
    if isinstance(sub, ops.AddColumnOp):
        revision.summary.append(f"add column {table}.{sub.column.name}")
    elif isinstance(sub, ops.DropColumnOp):
        revision.summary.append(f"drop column {table}.{sub.column_name}")
        revision.destructive.append(f"column {table}.{sub.column_name} and its values")
    elif isinstance(sub, ops.AlterColumnOp):
        _previous_type(sub, previous, downgrade=False)
        changes = [
            what
            for what, changed in (
                (f"renamed to {sub.modify_name}", sub.modify_name is not None),
                ("type", sub.modify_type is not None),
                ("nullability", sub.modify_nullable is not None),
                ("default", sub.modify_server_default is not False),
            )
            if changed
        ]
        revision.summary.append(f"alter column {table}.{sub.column_name} ({', '.join(changes)})")
    elif isinstance(sub, ops.CreateIndexOp | ops.DropIndexOp):
        verb = "add" if isinstance(sub, ops.CreateIndexOp) else "drop"
        revision.summary.append(f"{verb} index {sub.index_name} on {table}")
    elif isinstance(sub, ops.AddConstraintOp | ops.DropConstraintOp):
        verb = "add" if isinstance(sub, ops.AddConstraintOp) else "drop"
        name = getattr(sub, "constraint_name", None) or "constraint"
        revision.summary.append(f"{verb} constraint {name} on {table}")
    else:
        revision.summary.append(f"{type(sub).__name__} on {table}")


def _previous_type(sub: ops.MigrateOperation, previous: sa.MetaData, *, downgrade: bool) -> None:
    """A column's type before the change is the previous model's (the SQLite database the
    change was computed against only knows an approximation of it)."""
    if not isinstance(sub, ops.AlterColumnOp):
        return
    table = previous.tables.get(sub.table_name)
    if table is None or sub.column_name not in table.c:
        return
    before = table.c[sub.column_name].type
    if downgrade:
        if sub.modify_type is not None:
            sub.modify_type = before
    else:
        sub.existing_type = before


def _two_step(
    sub: ops.MigrateOperation, fills: list[str], fields: dict[tuple[str, str], Field]
) -> ops.AlterColumnOp | None:
    """A NOT NULL column added without a server default: added as nullable here, filled
    (a line in `fills`), and made NOT NULL by the returned operation."""
    if not isinstance(sub, ops.AddColumnOp):
        return None
    column = sub.column
    if column.nullable or column.server_default is not None or column.primary_key:
        return None
    value = _fill_value(column, fields.get((sub.table_name, column.name)))
    column.nullable = True
    table = sub.table_name
    fills.append(
        f"op.execute(sa.table({table!r}, {value[0]}).update().values({{{column.name!r}: "
        f"{value[1]}}}))  # rows already there get a value before the column is NOT NULL"
    )
    return ops.AlterColumnOp(
        table, column.name, existing_type=column.type, existing_nullable=True, modify_nullable=False
    )


def _fill_value(column: sa.Column[Any], fld: Field | None) -> tuple[str, str]:
    """(the sa.column(...) declaration, the Python expression) that fills `column` in rows
    already there: its default, else a value valid for the model's field (its bounds, its
    pattern), else a neutral value of its type."""
    name = repr(column.name)
    default = column.default
    if isinstance(default, sa.ColumnDefault) and default.is_scalar:
        return f"sa.column({name})", repr(default.arg)
    if fld is not None and fld.has_default and isinstance(fld.default, str | int | float | bool):
        return f"sa.column({name})", repr(fld.default)
    kind = column.type
    if fld is not None and fld.type in (
        "string",
        "text",
        "email",
        "url",
        "enum",
        "integer",
        "bigint",
        "smallint",
        "float",
    ):
        value = sample_value(fld, 0)
        if isinstance(value, str | int | float) and not isinstance(value, bool):
            return f"sa.column({name})", repr(value)
    if column.foreign_keys or isinstance(kind, sa.Uuid):
        raise SpecError(
            f"the new required column {column.table.name}.{column.name} has no value for the "
            "rows already there",
            None,
            "make it optional (not required) in this version, fill it, then make it required "
            "in the next one; or give it a default",
        )
    if isinstance(kind, sa.Enum) and kind.enums:
        return f"sa.column({name})", repr(kind.enums[0])
    if isinstance(kind, sa.Boolean):
        return f"sa.column({name}, sa.Boolean())", "False"
    if isinstance(kind, sa.Integer | sa.Numeric):
        return f"sa.column({name})", "0"
    if isinstance(kind, sa.DateTime):
        return f"sa.column({name})", "sa.func.current_timestamp()"
    if isinstance(kind, sa.Date):
        return f"sa.column({name})", "sa.func.current_date()"
    if isinstance(kind, sa.Time):
        return f"sa.column({name})", "sa.func.current_time()"
    if isinstance(kind, sa.JSON):
        return f"sa.column({name}, sa.JSON())", "{}"
    return f"sa.column({name})", "''"
