"""Building relations, shared by path/body inference and the documents' rules."""

from __future__ import annotations

from backend_codegen.domain.model import Entity, Relation
from backend_codegen.domain.reserved import sql_safe
from backend_codegen.naming import Name


def add_many_to_many(
    entity: Entity,
    target: str,
    *,
    api_name: str,
    rel_name: str,
    reason: str,
    api_objects: bool = False,
) -> None:
    """Link `entity` to `target` through a join table named `<entity>_<targets>`
    (nothing happens when the two are already linked, from either side)."""
    if any(r.kind == "many_to_many" and r.target == target for r in entity.relations):
        return
    src, dst = Name.parse(entity.name), Name.parse(target)
    join = sql_safe(f"{src.snake}_{dst.plural.snake}")
    dst_col = f"{dst.snake}_id" if target != entity.name else f"related_{dst.snake}_id"
    entity.relations.append(
        Relation(
            kind="many_to_many",
            name=rel_name,
            source=entity.name,
            target=target,
            api_name=api_name,
            join_table=join,
            join_source_column=f"{src.snake}_id",
            join_target_column=dst_col,
            on_delete="cascade",
            api_objects=api_objects,
            reasons=[reason, f"many-to-many through the join table {join}"],
        )
    )
