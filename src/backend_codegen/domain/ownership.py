"""Ownership: which account's rows an entity's are, and what that lets other accounts do.

Inferred once the operations are bound (the auth of the reads decides the default):

- an entity with a reference to the account that the API fills from the token (`user_id`,
  `owner_id`, `author_id`, `created_by`, or the field a hint names) is owned by the caller
  who creates a row;
  - *private* when every operation reading it requires a token: each account sees, changes
    and deletes its own rows only; anyone else's answer 404, as if they did not exist;
  - *owner writes* when anyone may read it (a public or optional-auth read): every reader
    sees every row, only the owner changes or deletes one (403);
- an entity without an owner of its own that cannot exist without a private row (a required
  reference, e.g. a task of a project) is private through it: a task in another account's
  project is invisible.

Hints override the inference: `x-ownership: private | owner-writes | shared` and
`x-owner: <member>` on an OpenAPI schema, or a requirements rule ("Task is private", "only
the author can edit a Post", "Task.created_by is the owner"; see domain/rules.py).
"""

from __future__ import annotations

from collections.abc import Callable

from backend_codegen.domain.model import (
    OWNERSHIP_HINTS,
    Binding,
    Entity,
    Field,
    Ownership,
    OwnershipPolicy,
)
from backend_codegen.errors import Location, SpecError, Warnings
from backend_codegen.spec.model import ApiSpec

READS = frozenset({"list", "read", "sub_list"})
WRITES = frozenset({"replace", "patch", "delete", "set_field", "set_many"})


def infer_ownership(
    spec: ApiSpec,
    entities: dict[str, Entity],
    bindings: list[Binding],
    account: str | None,
    warnings: Warnings,
    canonical: Callable[[str], str],
    locations: dict[str, Location | None],
) -> None:
    _schema_hints(spec, entities, warnings, canonical)
    if account is None:
        for entity in entities.values():
            if entity.ownership_hint or entity.owner_hint:
                raise SpecError(
                    f"{entity.name} has an owner hint ({entity.hint_source}) but the API has "
                    "no authentication",
                    locations.get(entity.name),
                    "declare a bearer security scheme (or login/register endpoints) so that "
                    "rows can belong to the caller",
                )
        return
    by_entity: dict[str, list[Binding]] = {}
    for b in bindings:
        if b.entity:
            by_entity.setdefault(b.entity, []).append(b)
    for entity in entities.values():
        if entity.is_account:
            continue
        owner = _owner_field(entity, account, locations)
        if owner is None:
            continue
        policy, reasons = _policy(entity, by_entity.get(entity.name, []))
        entity.ownership = Ownership(policy, [owner.name], [], reasons)
        owner.reasons.append(f"the owner: {_describe(policy)}")
    _inherit(entities, account)
    for entity in entities.values():
        if entity.ownership_hint is not None and entity.ownership is None:
            raise SpecError(
                f"{entity.name} is declared {entity.ownership_hint.replace('_', ' ')} "
                f"({entity.hint_source}) but has no owner",
                locations.get(entity.name),
                f"give it a reference to {account} filled from the token (e.g. 'user_id', "
                f"read-only), or name it with x-owner / '{entity.name}.<field> is the owner'",
            )
        own = entity.ownership
        if own is None or own.policy != "private":
            continue
        public = [
            b for b in by_entity.get(entity.name, []) if b.auth == "none" and b.action in READS
        ]
        if public:
            warnings.add(
                f"{entity.name} is private but {public[0].method.upper()} {public[0].path} is "
                "public: it answers every account's rows to anyone",
                locations.get(entity.name),
                "require a token on that operation, or mark the entity owner-writes/shared",
            )


def _schema_hints(
    spec: ApiSpec,
    entities: dict[str, Entity],
    warnings: Warnings,
    canonical: Callable[[str], str],
) -> None:
    """`x-ownership` / `x-owner` on an OpenAPI schema."""
    for name, schema in spec.schemas.items():
        ext = getattr(schema, "extensions", None) or {}
        if "x-ownership" not in ext and "x-owner" not in ext:
            continue
        entity = entities.get(canonical(name))
        if entity is None:
            warnings.add(
                f"schema '{name}' has an ownership hint but is not stored as an entity; ignored",
                schema.location,
                "put x-ownership / x-owner on the schema of the rows the API creates",
            )
            continue
        if "x-ownership" in ext:
            value = ext["x-ownership"]
            policy = OWNERSHIP_HINTS.get(str(value).lower()) if isinstance(value, str) else None
            if policy is None:
                raise SpecError(
                    f"x-ownership of schema '{name}' is {value!r}",
                    schema.location,
                    "use one of: private, owner-writes, shared",
                )
            entity.ownership_hint = policy
        if "x-owner" in ext:
            value = ext["x-owner"]
            if not isinstance(value, str) or not value:
                raise SpecError(
                    f"x-owner of schema '{name}' is {value!r}",
                    schema.location,
                    "name the member holding the owner's id, e.g. x-owner: created_by",
                )
            entity.owner_hint = value
        entity.hint_source = f"x- hint on schema {name}"


def _owner_field(
    entity: Entity, account: str, locations: dict[str, Location | None]
) -> Field | None:
    if entity.ownership_hint == "shared" and entity.owner_hint is None:
        owner = next((f for f in entity.fields if f.from_current_user), None)
        if owner is not None:
            entity.ownership = Ownership(
                "shared", [owner.name], [], [f"shared ({entity.hint_source})"]
            )
        return None
    if entity.owner_hint is None:
        return next((f for f in entity.fields if f.from_current_user), None)
    hint = entity.owner_hint
    fld = next((f for f in entity.fields if hint in (f.name, f.api_name)), None)
    if fld is None or fld.foreign_key != account:
        what = "no such field" if fld is None else f"it is not a reference to {account}"
        raise SpecError(
            f"the owner of {entity.name} is named '{hint}' ({entity.hint_source}) but {what}",
            locations.get(entity.name),
            f"name a field of {entity.name} that references {account}: "
            + ", ".join(f.api_name for f in entity.fields if f.foreign_key == account)
            if any(f.foreign_key == account for f in entity.fields)
            else f"add a field referencing {account} (e.g. 'user_id → {account}')",
        )
    for other in entity.fields:
        if other is not fld and other.from_current_user:
            other.from_current_user = False
            other.reasons.append(f"not the owner: {entity.hint_source} names {fld.api_name}")
    if not fld.from_current_user:
        fld.from_current_user, fld.read_only, fld.nullable = True, True, False
        fld.required = False
        fld.reasons.append(f"filled from the authenticated user on create ({entity.hint_source})")
    return fld


def _policy(entity: Entity, bindings: list[Binding]) -> tuple[OwnershipPolicy, list[str]]:
    if entity.ownership_hint is not None:
        return entity.ownership_hint, [f"{_describe(entity.ownership_hint)} ({entity.hint_source})"]
    open_reads = [b for b in bindings if b.action in READS and b.auth != "required"]
    if open_reads:
        b = open_reads[0]
        return "owner_writes", [
            f"{b.method.upper()} {b.path} reads it without requiring a token: "
            + _describe("owner_writes")
        ]
    reads = [b for b in bindings if b.action in READS]
    why = (
        f"every operation reading it requires a token ({reads[0].method.upper()} {reads[0].path})"
        if reads
        else "no operation reads it without a token"
    )
    return "private", [f"{why}: {_describe('private')}"]


def _inherit(entities: dict[str, Entity], account: str) -> None:
    """Rows that cannot exist without a private row are private to its owner too."""
    changed = True
    while changed:
        changed = False
        for entity in sorted(entities.values(), key=lambda e: e.name):
            if entity.ownership is not None or entity.is_account:
                continue
            if entity.ownership_hint == "shared":
                continue
            for rel in entity.relations:
                parent = entities.get(rel.target)
                if (
                    rel.kind != "many_to_one"
                    or rel.nullable
                    or rel.fk_field is None
                    or parent is None
                    or parent is entity
                    or parent.ownership is None
                    or parent.ownership.policy != "private"
                    or entity.name in parent.ownership.via
                ):
                    continue
                own = parent.ownership
                entity.ownership = Ownership(
                    "private",
                    [rel.fk_field, *own.path],
                    [parent.name, *own.via],
                    [
                        f"it cannot exist without {_a(parent.name)} ('{rel.api_name}' is required) "
                        f"and {parent.name} is private: {_describe('private')}"
                    ],
                )
                changed = True
                break


def _describe(policy: OwnershipPolicy) -> str:
    return {
        "private": "each account sees and changes only its own rows (others' answer 404)",
        "owner_writes": "anyone who may read sees every row; only the owner changes or "
        "deletes one (403)",
        "shared": "the owner is recorded; any caller may change or delete any row",
    }[policy]


def _a(name: str) -> str:
    return ("an " if name[:1].lower() in "aeiou" else "a ") + name
