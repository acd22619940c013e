"""Relationship and data rules written in plain sentences in the documents.

Understood forms (documented in templates/requirements-template.md):
  A 1 — N B (cascade delete | restrict | set null)   also 1-N, 1:N, 1..*, one-to-many, has many
  A N — N B, A M:N B, A many-to-many with B, A ↔ B
  deleting a A with B is refused / rejected / not allowed / blocked      -> restrict
  deleting a A deletes its B / removes its B / cascades to B             -> cascade
  B.a_id is set to null when A is deleted / deleting a A sets B.a_id to null -> set null
  A.field is unique / A field must be unique                             -> unique
  [A.]slug is generated / made / derived from [the] title                -> slug from title
  users can favorite articles / users follow other users                -> link actions
  Task is private / only the owner can see a Task / users only see their own tasks
                                                        -> ownership: private
  only the author can edit or delete a Post / only the comment's author may delete it
                                                        -> ownership: owner writes (403)
  Tag is shared / anyone can edit any Tag                                -> ownership: shared
  Task.created_by is the owner                                           -> the owner field
"""

from __future__ import annotations

import difflib
import re

from backend_codegen.domain.model import Entity, Field, OnDelete, OwnershipPolicy, Relation
from backend_codegen.domain.relations import add_many_to_many
from backend_codegen.domain.social import agent
from backend_codegen.errors import Location, SpecError, Warnings
from backend_codegen.naming import Name
from backend_codegen.spec.model import ApiSpec

_W = r"([A-Za-z][A-Za-z0-9_]*)"
_DASH = r"\s*(?:—|–|-{1,2}|:|\.\.|to)\s*"
ONE_TO_MANY = re.compile(
    rf"^{_W}\s+(?:1{_DASH}(?:n|\*|many|m)\b|one[- ]to[- ]many(?:\s+with)?|has\s+many)\s+{_W}"
    r"(?:\s*\((?P<policy>[^)]*)\))?(?P<rest>.*)$",
    re.I,
)
MANY_TO_ONE = re.compile(
    rf"^{_W}\s+(?:n{_DASH}1|many[- ]to[- ]one(?:\s+with)?|belongs\s+to)\s+"
    rf"{_W}(?:\s*\((?P<policy>[^)]*)\))?(?P<rest>.*)$",
    re.I,
)
MANY_TO_MANY = re.compile(
    rf"^{_W}\s+(?:[nm]{_DASH}[nm]\b|many[- ]to[- ]many(?:\s+with)?|↔|<->)\s+{_W}", re.I
)
REFUSED = re.compile(
    rf"delet\w*\s+(?:an?\s+|the\s+)?{_W}\s+(?:that\s+(?:has|have)\s+|with\s+(?:any\s+)?|"
    rf"having\s+)(?:\w+\s+)?{_W}\s+(?:is|are|will\s+be|must\s+be|gets?)\s+"
    r"(?:refused|rejected|not\s+allowed|forbidden|blocked|prevented|denied)",
    re.I,
)
_OWNER_WORDS = r"(?:(?:its|their|his|her|the|all|any)\s+)*"
CASCADES = re.compile(
    rf"delet\w*\s+(?:an?\s+|the\s+)?{_W}\s+(?:also\s+)?(?:deletes|removes|cascades\s+to)\s+"
    rf"{_OWNER_WORDS}(?!it\b|them\b){_W}",
    re.I,
)
SET_NULL = re.compile(
    rf"{_W}\.{_W}\s+is\s+set\s+to\s+null\s+when\s+(?:an?\s+|the\s+)?{_W}\s+is\s+deleted|"
    rf"delet\w*\s+(?:an?\s+|the\s+)?{_W}\s+sets\s+{_W}\.{_W}\s+to\s+null",
    re.I,
)
DERIVED = re.compile(
    rf"^(?:(?:the\s+)?{_W}(?:'s|\.)\s*)?{_W}\s+(?:is|are)\s+(?:generated|made|derived|built|"
    rf"computed|created)\s+from\s+(?:the\s+|its\s+|their\s+)?(?:{_W}(?:'s|\.)\s*)?{_W}$",
    re.I,
)
LINKS = re.compile(rf"^{_W}\s+(?:can\s+|may\s+)?{_W}\s+(?:other\s+)?{_W}$", re.I)
_ART = r"(?:(?:an?|the|any|every|their|its|his|her|own)\s+)*"
_WHO = r"(?:owner|author|creator)s?"
_E = r"(?P<entity>[A-Za-z][A-Za-z0-9_]*)"
_SEE = re.compile(r"\b(?:see|sees|read|reads|view|views|access|list|lists|get)\b", re.I)
_CHANGE = re.compile(
    r"\b(?:edit|change|update|modify|delete|remove|replace|complete|manage)\b", re.I
)
PRIVATE_IS = re.compile(rf"^{_ART}{_W}\s+(?:is|are)\s+(?:private|personal)\b", re.I)
SHARED_IS = re.compile(rf"^{_ART}{_W}\s+(?:is|are)\s+shared\b", re.I)
# only the owner can see, change or delete a Task / only the author may edit their posts
ONLY_OWNER = re.compile(
    rf"^only\s+(?:the|its|their)\s+{_WHO}\s+(?:can|may)\s+(?P<verbs>.+?)\s+{_ART}{_E}$", re.I
)
# only the comment's author may delete it
ONLY_OWNER_OF = re.compile(
    rf"^only\s+(?:the|an?)\s+{_E}'s\s+{_WHO}\s+(?:can|may)\s+(?P<verbs>.+?)\s+(?:it|them)$",
    re.I,
)
# users only see their own tasks / users can only see their own tasks
OWN_ONLY = re.compile(
    rf"^{_W}\s+(?:can\s+|may\s+)?only\s+(?P<verbs>.+?)\s+their\s+own\s+{_E}$", re.I
)
ANYONE = re.compile(
    rf"^any(?:one|body|\s+user)\s+(?:signed\s+in\s+|logged\s+in\s+)?(?:can|may)\s+"
    rf"(?P<verbs>.+?)\s+{_ART}{_E}$",
    re.I,
)
OWNER_FIELD = re.compile(
    rf"^{_W}\.{_W}\s+(?:is|holds|names)\s+(?:the|its)\s+(?:owner|author|creator)\b", re.I
)
UNIQUE = re.compile(rf"^{_W}\.{_W}\s+(?:is|must\s+be|should\s+be)\s+unique", re.I)


def policy_of(text: str | None) -> OnDelete | None:
    if not text:
        return None
    low = text.lower()
    if "cascade" in low:
        return "cascade"
    if "set null" in low or "set_null" in low or "nullify" in low:
        return "set null"
    if "restrict" in low or "refuse" in low or "protect" in low:
        return "restrict"
    return None


class _Rules:
    def __init__(
        self, entities: dict[str, Entity], warnings: Warnings, account: str | None
    ) -> None:
        self.entities = entities
        self.warnings = warnings
        self.account = account

    def lookup(self, word: str, location: Location | None) -> Entity:
        target = Name.entity(word).pascal
        for name, entity in self.entities.items():
            if (
                name.lower() == target.lower()
                or Name.parse(name).plural.snake == Name.parse(word).snake
            ):
                return entity
        choices = difflib.get_close_matches(target, list(self.entities), n=1)
        raise SpecError(
            f"rule names unknown entity '{word}'",
            location,
            f"did you mean '{choices[0]}'?"
            if choices
            else f"known entities: {', '.join(sorted(self.entities))}",
        )

    def fk_relation(self, child: Entity, parent: Entity, reason: str) -> Relation:
        rel = next(
            (r for r in child.relations if r.kind == "many_to_one" and r.target == parent.name),
            None,
        )
        if rel is not None:
            return rel
        fk = f"{Name.parse(parent.name).snake}_id"
        fld = child.field(fk)
        if fld is None:
            from_user = parent.name == self.account
            fld = Field(
                name=fk,
                api_name=fk,
                type=parent.id_type,
                length=parent.id_length,
                nullable=not from_user,
                read_only=from_user,
                from_current_user=from_user,
                index=True,
                foreign_key=parent.name,
                reasons=[f"added by the rule: {reason}", "indexed foreign key"]
                + (["filled from the authenticated user on create"] if from_user else []),
            )
            child.fields.append(fld)
        rel = Relation(
            kind="many_to_one",
            name=Name.parse(parent.name).snake,
            source=child.name,
            target=parent.name,
            api_name=fk,
            fk_field=fk,
            nullable=fld.nullable,
            reasons=[f"rule: {reason}"],
        )
        child.relations.append(rel)
        return rel

    def set_policy(self, rel: Relation, child: Entity, policy: OnDelete, reason: str) -> None:
        rel.on_delete = policy
        rel.reasons = [r for r in rel.reasons if not r.startswith("default FK policy")]
        rel.reasons.append(f"on delete {policy}: {reason}")
        if policy == "set null" and rel.fk_field:
            fld = child.field(rel.fk_field)
            if fld is not None and not fld.nullable:
                fld.nullable, fld.required = True, False
                fld.reasons.append("nullable so that it can be set to null on delete")
            rel.nullable = True

    def m2m(self, a: Entity, b: Entity, reason: str) -> None:
        if any(r.kind == "many_to_many" and r.target == a.name for r in b.relations):
            return
        dst = Name.parse(b.name)
        add_many_to_many(
            a,
            b.name,
            api_name=f"{dst.snake}_ids",
            rel_name=dst.plural.snake,
            reason=f"rule: {reason}",
        )

    def derived(
        self, owner: str | None, name: str, source: str, where: str, location: Location | None
    ) -> None:
        """`slug is generated from title`: the server makes `name` from `source`."""
        entities = [self.lookup(owner, location)] if owner else list(self.entities.values())
        snake, src = Name.parse(name).snake, Name.parse(source).snake
        hits = [e for e in entities if e.field(snake) is not None and e.field(src) is not None]
        if not hits:
            raise SpecError(
                f"rule names '{name}' made from '{source}' but no entity has both fields",
                location,
                "write it as '<Entity>.<field> is generated from <field>'",
            )
        for entity in hits:
            fld = entity.field(snake)
            assert fld is not None
            fld.derived_from, fld.unique, fld.read_only, fld.required = src, True, True, False
            fld.nullable, fld.type, fld.length = False, "string", fld.length or 255
            fld.reasons.append(f"made from {src} by the server (rule: {where})")

    def links(self, who: str, verb: str, what: str, where: str) -> bool:
        """`users can favorite articles`: confirms the link actions inferred from the paths."""
        account = self.entities.get(self.account or "")
        target = next(
            (
                e
                for e in self.entities.values()
                if Name.parse(e.name).plural.snake == Name.parse(what).snake
                or Name.parse(e.name).snake == Name.parse(what).snake
            ),
            None,
        )
        if account is None or target is None:
            return False
        if Name.parse(account.name).plural.snake != Name.parse(who).snake:
            return False
        rel = target.relation(Name.parse(agent(verb.lower())).plural.snake)
        if rel is None:
            self.warnings.add(
                f"rule '{where}': no POST and DELETE /{target.table}/{{key}}/{verb.lower()} "
                "operations carry it out",
                None,
                f"declare both operations so that {who} can {verb} {what}",
            )
            return True
        rel.reasons.append(f"stated by the rule: {where}")
        return True

    def ownership(
        self, word: str, policy: OwnershipPolicy, where: str, location: Location | None
    ) -> None:
        entity = self.lookup(word, location)
        entity.ownership_hint, entity.hint_source = policy, f"rule: {where}"

    def owner_field(self, word: str, name: str, where: str, location: Location | None) -> None:
        entity = self.lookup(word, location)
        entity.owner_hint, entity.hint_source = Name.parse(name).snake, f"rule: {where}"

    def ownership_rule(self, clean: str, where: str, location: Location | None) -> bool:
        """The rules that say who may see or change an entity's rows."""
        if m := PRIVATE_IS.match(clean):
            self.ownership(m.group(1), "private", where, location)
        elif m := SHARED_IS.match(clean):
            self.ownership(m.group(1), "shared", where, location)
        elif (m := ONLY_OWNER.match(clean)) or (m := ONLY_OWNER_OF.match(clean)):
            verbs = m.group("verbs")
            if _SEE.search(verbs):
                self.ownership(m.group("entity"), "private", where, location)
            elif _CHANGE.search(verbs):
                self.ownership(m.group("entity"), "owner_writes", where, location)
            else:
                return False
        elif (m := OWN_ONLY.match(clean)) and _SEE.search(m.group("verbs")):
            self.ownership(m.group("entity"), "private", where, location)
        elif (m := ANYONE.match(clean)) and _CHANGE.search(m.group("verbs")):
            self.ownership(m.group("entity"), "shared", where, location)
        elif m := OWNER_FIELD.match(clean):
            self.owner_field(m.group(1), m.group(2), where, location)
        else:
            return False
        return True

    def apply(self, text: str, location: Location | None) -> None:
        clean = re.sub(r"[*`]", "", text).strip().rstrip(".")
        where = f"{clean} ({location})" if location else clean
        if m := ONE_TO_MANY.match(clean):
            parent, child = self.lookup(m.group(1), location), self.lookup(m.group(2), location)
            rel = self.fk_relation(child, parent, where)
            policy = policy_of(m.group("policy")) or policy_of(m.group("rest"))
            if policy:
                self.set_policy(rel, child, policy, where)
            return
        if m := MANY_TO_ONE.match(clean):
            child, parent = self.lookup(m.group(1), location), self.lookup(m.group(2), location)
            rel = self.fk_relation(child, parent, where)
            policy = policy_of(m.group("policy")) or policy_of(m.group("rest"))
            if policy:
                self.set_policy(rel, child, policy, where)
            return
        if m := MANY_TO_MANY.match(clean):
            self.m2m(self.lookup(m.group(1), location), self.lookup(m.group(2), location), where)
            return
        if m := REFUSED.search(clean):
            parent, child = self.lookup(m.group(1), location), self.lookup(m.group(2), location)
            self.set_policy(self.fk_relation(child, parent, where), child, "restrict", where)
            return
        if m := CASCADES.search(clean):
            parent, child = self.lookup(m.group(1), location), self.lookup(m.group(2), location)
            self.set_policy(self.fk_relation(child, parent, where), child, "cascade", where)
            return
        if m := SET_NULL.search(clean):
            if m.group(1):
                child_w, parent_w = m.group(1), m.group(3)
            else:
                parent_w, child_w = m.group(4), m.group(5)
            parent, child = self.lookup(parent_w, location), self.lookup(child_w, location)
            self.set_policy(self.fk_relation(child, parent, where), child, "set null", where)
            return
        if m := DERIVED.match(clean):
            self.derived(m.group(1), m.group(2), m.group(4), where, location)
            return
        if self.ownership_rule(clean, where, location):
            return
        if (m := LINKS.match(clean)) and self.links(m.group(1), m.group(2), m.group(3), where):
            return
        if m := UNIQUE.match(clean):
            entity = self.lookup(m.group(1), location)
            fld = entity.field(Name.parse(m.group(2)).snake)
            if fld is None:
                raise SpecError(
                    f"rule names unknown field '{m.group(2)}' of {entity.name}",
                    location,
                    "fields: " + ", ".join(f.name for f in entity.fields if not f.system),
                )
            fld.unique = True
            fld.reasons.append(f"unique: rule {where}")


def apply_rules(
    spec: ApiSpec, entities: dict[str, Entity], warnings: Warnings, account: str | None
) -> None:
    rules = _Rules(entities, warnings, account)
    for rule in spec.rules:
        rules.apply(rule.text, rule.location)
