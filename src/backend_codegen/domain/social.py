"""Behaviour an API implies beyond CRUD: views of the account, embedded authors,
link/unlink actions with the counters and flags they feed, feeds, value lists, slugs.

Each rule reads the shape of the API (paths, schemas, names) and records why it fired:
- a schema whose members are the account's plus booleans, addressed by an account field
  (`GET /profiles/{username}` returning `Profile`), is a *view* of the account;
- a member holding such a view (`author: Profile`) is a reference to the account, filled
  from the current user and embedded in responses;
- `POST` + `DELETE` on `/<items>/{key}/<verb>` with no body (`/favorite`, `/follow`) add and
  remove the current user in a many-to-many relation; a boolean named after the verb
  (`favorited`, `following`) and an integer counting it (`favoritesCount`) are computed;
- `GET /<items>/feed` lists rows whose owner the current user is linked to;
- `GET /tags` answering `{"tags": [string]}` lists the names of a Tag entity, and an array
  of strings named after it elsewhere (`tagList`) links to tags by name;
- a read-only `slug` next to a `title` (or `name`) is made from it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from backend_codegen.domain.model import Computed, Field, Relation, View
from backend_codegen.domain.relations import add_many_to_many
from backend_codegen.domain.reserved import sql_safe
from backend_codegen.naming import Name, singular

if TYPE_CHECKING:
    from backend_codegen.domain.infer import _Inference, _Op

SLUG_SOURCES = ("title", "name", "headline", "subject")


def agent(verb: str) -> str:
    """follow -> follower, favorite -> favoriter."""
    return verb + ("r" if verb.endswith("e") else "er")


def apply_social(state: _Inference) -> None:
    account = state.auth.account
    if account is None or account not in state.entities:
        _value_lists(state)
        _slugs(state)
        return
    views = _views(state, account)
    _embeds(state, account, views)
    _memberships(state, account)
    _feeds(state, account)
    _value_lists(state)
    _slugs(state)


# -- views ------------------------------------------------------------------------------
def _views(state: _Inference, account: str) -> dict[str, str]:
    """Fold entities that only show the account (`Profile`) into it as views.
    Returns {view schema name: account}."""
    acc = state.entities[account]
    acc_fields = {f.name for f in acc.fields}
    found: dict[str, str] = {}
    for name, entity in list(state.entities.items()):
        if name == account or entity.owned_by:
            continue
        data = [f for f in entity.fields if not f.system]
        shared = [f for f in data if f.name in acc_fields]
        extra = [f for f in data if f.name not in acc_fields]
        if len(shared) < 2 or any(f.type != "boolean" for f in extra):
            continue
        ops = [i for i in state.ops if i.entity == name]
        params = {Name.parse(i.shape.item_param).snake for i in ops if i.shape.item_param}
        if not ops or not params or not params <= acc_fields:
            continue
        if any(i.op.method != "get" and not i.shape.action for i in ops):
            continue  # the entity is written on its own: not just a view
        view = View(
            name=name,
            fields=[f.name for f in shared],
            computed=[f.name for f in extra],
            reasons=[
                f"{name}'s members are {account}'s ({', '.join(f.api_name for f in shared)})"
                + (f" plus {', '.join(f.api_name for f in extra)}" if extra else "")
                + f", addressed by {account}.{'/'.join(sorted(params))}: a view of {account}"
            ],
        )
        acc.views.append(view)
        acc.reasons.append(f"shown as {name} by {', '.join(i.op.key for i in ops)}")
        for fld in extra:  # kept until a link action explains them (e.g. `following`)
            state.pending_flags.setdefault(account, []).append(fld)
        for item in ops:
            item.entity, item.view = account, name
        for fld in shared:
            key = acc.field(fld.name)
            if key is not None and fld.name in params:
                key.unique = True
                key.reasons.append(f"addresses a {name} in the path: unique")
        del state.entities[name]
        found[name] = account
        for word, value in list(state.collection_entity.items()):
            if value == name:
                state.collection_entity[word] = account
    return found


# -- embedded references ---------------------------------------------------------------
def _embeds(state: _Inference, account: str, views: dict[str, str]) -> None:
    shown = set(views) | {account}
    acc = state.entities[account]
    for entity in state.entities.values():
        if entity.name == account:
            continue
        for fld in list(entity.fields):
            prop = state.props[entity.name].get(fld.api_name)
            schema = prop.schema if prop else None
            if schema is None or schema.name not in shown or fld.type != "json":
                continue
            view = schema.name if schema.name in views else None
            fk = f"{fld.name}_id"
            creates = [
                i
                for i in state.ops
                if i.entity == entity.name and i.action in ("create", "sub_create")
            ]
            # The caller is known on create only where every create requires a token.
            known = bool(creates) and all(i.op.requires_auth for i in creates)
            entity.fields.remove(fld)
            entity.fields.append(
                Field(
                    name=fk,
                    api_name=fk,
                    type=acc.id_type,
                    length=acc.id_length,
                    nullable=not known,
                    read_only=True,
                    index=True,
                    foreign_key=account,
                    from_current_user=known,
                    reasons=[
                        f"'{fld.api_name}' is a {schema.name}: a reference to {account}",
                        "filled from the authenticated user on create"
                        if known
                        else "empty: not every create requires a token, so no user is known",
                        f"foreign key to {acc.table}.id, indexed",
                    ],
                )
            )
            entity.relations.append(
                Relation(
                    kind="many_to_one",
                    name=fld.name,
                    source=entity.name,
                    target=account,
                    api_name=fld.api_name,
                    fk_field=fk,
                    nullable=not known,
                    on_delete="cascade" if known else "set null",
                    embed=view or account,
                    reasons=[
                        f"'{fld.api_name}' holds a {schema.name}: the {account} embedded in "
                        "responses; deleting the account "
                        + ("deletes its rows" if known else "empties the reference")
                    ],
                )
            )


# -- link / unlink actions ---------------------------------------------------------------
def _flag_names(verb: str) -> set[str]:
    v = verb.lower()
    root = v[:-1] if v.endswith("e") else v
    return {
        root + "ed",
        root + "ing",
        v + "d",
        "is_" + root + "ed",
        "is_" + root + "ing",
        "has_" + root + "ed",
    }


def _is_count(name: str, verb: str) -> bool:
    root = verb.lower().rstrip("e")
    return root in name and ("count" in name or name.startswith(("num_", "number_of")))


def _memberships(state: _Inference, account: str) -> None:
    by_path: dict[str, list[_Op]] = {}
    for item in state.ops:
        shape = item.shape
        if (
            item.entity
            and shape.action
            and shape.item_param
            and item.op.method in ("post", "delete")
            and item.op.request_body is None
            and item.action in ("set_field", "custom")
        ):
            by_path.setdefault(item.op.path, []).append(item)
    for path, items in by_path.items():
        methods = {i.op.method for i in items}
        if methods != {"post", "delete"}:
            continue
        entity = state.entities.get(items[0].entity or "")
        if entity is None:
            continue
        verb = Name.parse(items[0].shape.action or "").snake
        flags = _flag_names(verb)
        candidates = list(entity.fields) + state.pending_flags.get(entity.name, [])
        flag = next((f for f in candidates if f.type == "boolean" and f.name in flags), None)
        count = next(
            (
                f
                for f in entity.fields
                if f.type in ("integer", "bigint") and _is_count(f.name, verb)
            ),
            None,
        )
        rel_name = Name.parse(agent(verb)).plural.snake  # followers, favoriters
        if entity.relation(rel_name) is None:
            self_ref = entity.name == account
            src = Name.parse(entity.name)
            join = sql_safe(f"{src.snake}_{Name.parse(verb).plural.snake}")
            entity.relations.append(
                Relation(
                    kind="many_to_many",
                    name=rel_name,
                    source=entity.name,
                    target=account,
                    api_name=rel_name,
                    join_table=join,
                    join_source_column=f"{src.snake}_id",
                    join_target_column=(
                        f"{Name.parse(agent(verb)).snake}_id"
                        if self_ref
                        else f"{Name.parse(account).snake}_id"
                    ),
                    on_delete="cascade",
                    hidden=True,
                    reasons=[
                        f"POST and DELETE {path} add and remove the current {account} "
                        f"({verb}): a many-to-many relation through {join}"
                    ],
                )
            )
        for fld, kind in ((flag, "flag"), (count, "count")):
            if fld is None:
                continue
            if fld in entity.fields:
                entity.fields.remove(fld)
            what = (
                f"whether the current {account} {verb}s it"
                if kind == "flag"
                else f"how many {Name.parse(account).plural.snake} {verb} it"
            )
            entity.computed.append(
                Computed(
                    name=fld.name,
                    api_name=fld.api_name,
                    kind=kind,  # type: ignore[arg-type]
                    relation=rel_name,
                    reasons=[f"computed from {rel_name}: {what}"],
                )
            )
        for item in items:
            item.action = "link" if item.op.method == "post" else "unlink"
            item.relation = rel_name
            item.reasons.append(
                f"{'adds' if item.action == 'link' else 'removes'} the current {account} "
                f"{'to' if item.action == 'link' else 'from'} {entity.name}.{rel_name}"
            )


# -- feeds --------------------------------------------------------------------------------
def _feeds(state: _Inference, account: str) -> None:
    acc = state.entities[account]
    links = [r for r in acc.relations if r.kind == "many_to_many" and r.hidden]
    if not links:
        return
    for item in state.ops:
        if item.op.method != "get" or (item.shape.action or "").lower() != "feed":
            continue
        entity = state.entities.get(item.entity or "")
        owner = next((f for f in entity.fields if f.from_current_user), None) if entity else None
        if entity is None or owner is None:
            continue
        item.action = "list"
        item.feed = (owner.name, links[0].name)
        item.reasons.append(
            f"'feed': the {entity.name} rows whose {owner.name} has the current user among "
            f"its {links[0].name}"
        )


# -- value lists (tags) ---------------------------------------------------------------------
def _value_lists(state: _Inference) -> None:
    for name, entity in state.entities.items():
        data = [f for f in entity.fields if not f.system]
        plural = Name.parse(name).plural.snake
        if len(data) != 1 or data[0].type != "json" or data[0].name != plural:
            continue
        prop = state.props[name].get(data[0].api_name)
        if prop is None or prop.schema.type != "array" or prop.schema.items is None:
            continue
        if prop.schema.items.type != "string":
            continue
        entity.fields.remove(data[0])
        entity.fields.append(
            Field(
                name="name",
                api_name="name",
                type="string",
                length=255,
                nullable=False,
                required=True,
                unique=True,
                read_only=True,
                reasons=[
                    f"'{data[0].api_name}' lists strings: the names of {plural}, unique",
                ],
            )
        )
        state.value_lists[name] = data[0].api_name
        for other in state.entities.values():
            for fld in list(other.fields):
                p = state.props[other.name].get(fld.api_name)
                words = Name.parse(fld.name).words
                stem = words[:-1] if words and words[-1] in ("list", "names") else words
                if (
                    other is entity
                    or fld.type != "json"
                    or p is None
                    or p.schema.type != "array"
                    or p.schema.items is None
                    or p.schema.items.type != "string"
                    or singular("_".join(stem)) != Name.parse(name).snake
                ):
                    continue
                other.fields.remove(fld)
                rel_name = plural if other.relation(plural) is None else f"{fld.name}_rows"
                add_many_to_many(
                    other,
                    name,
                    api_name=fld.api_name,
                    rel_name=rel_name,
                    reason=f"'{fld.api_name}' is a list of {name} names",
                )
                rel = other.relations[-1]
                rel.api_key = "name"
                rel.reasons.append(f"written and read as {name} names, created when new")


# -- slugs ----------------------------------------------------------------------------------
def _slugs(state: _Inference) -> None:
    for entity in state.entities.values():
        slug = entity.field("slug")
        if slug is None or not slug.read_only or slug.type not in ("string", "text"):
            continue
        source = next((entity.field(n) for n in SLUG_SOURCES if entity.field(n)), None)
        if source is None:
            continue
        slug.derived_from = source.name
        slug.unique, slug.nullable, slug.type = True, False, "string"
        slug.length = slug.length or 255
        slug.reasons.append(f"made from {source.name} by the server (lower case, dashes, unique)")
