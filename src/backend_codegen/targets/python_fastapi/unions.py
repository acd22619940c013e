"""Polymorphic creates: a body that is one of several kinds of row (`oneOf`/`anyOf`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from backend_codegen.domain.model import Binding
from backend_codegen.naming import Name
from backend_codegen.targets.python_fastapi.views import EntityView, RouteView, attr_of, module_of


@dataclass
class KindView:
    """One kind of row the body may be (a branch), and how the route makes it."""

    view: EntityView
    schema: str  # the branch's schema name in the contract (the pydantic tag)
    tags: list[str]  # discriminator values naming it
    closed: list[str] | None  # the members its request schema allows, where it allows no others
    read_only: list[str]  # members its schema answers only: a body carrying one is no such kind

    @property
    def cls(self) -> str:
        return self.view.cls

    @property
    def module(self) -> str:
        return self.view.module


@dataclass
class UnionView:
    route: RouteView
    cls: str  # the union's class name (`CelestialBody`)
    module: str
    tag: str  # the OpenAPI tag of its router
    kinds: list[KindView] = field(default_factory=list)

    @property
    def binding(self) -> Binding:
        return self.route.binding

    @property
    def takes_user(self) -> bool:
        """The route reads the caller: a kind is owned by it, or shows what depends on it."""
        return self.binding.auth != "none" and any(
            k.view.presents or (k.view.owner_attr and self.binding.auth == "required")
            for k in self.kinds
        )

    @property
    def discriminator_attr(self) -> str | None:
        """The attribute of each kind's row holding the discriminator value."""
        name = self.binding.discriminator
        found = [
            next((f for f in kind.view.entity.fields if f.api_name == name), None)
            for kind in self.kinds
        ]
        attrs = {attr_of(f) for f in found if f is not None}
        return attrs.pop() if len(attrs) == 1 and None not in found else None

    def pick_args(self) -> dict[str, str]:
        """The arguments of `pick_kind` in the generated schema module, as Python source."""
        b = self.binding
        tags = {t: k.schema for k in self.kinds for t in k.tags}
        return {
            "member": repr(b.discriminator),
            "tags": repr(tags),
            "kinds": "{" + ", ".join(f"{k.schema!r}: {k.cls}Create" for k in self.kinds) + "}",
            "closed": "{"
            + ", ".join(
                f"{k.schema!r}: frozenset({sorted(k.closed)!r})"
                for k in self.kinds
                if k.closed is not None
            )
            + "}",
            "read_only": "{"
            + ", ".join(
                f"{k.schema!r}: frozenset({sorted(k.read_only)!r})"
                for k in self.kinds
                if k.read_only
            )
            + "}",
            "one_of": repr(b.one_of),
        }

    def sample(self, kind: KindView) -> tuple[str, Any] | None:
        """The discriminator member and value that name `kind` in a test body, if any."""
        if self.binding.discriminator and kind.tags:
            return self.binding.discriminator, kind.tags[0]
        return None


def build_union(route: RouteView, views: dict[str, EntityView]) -> UnionView:
    b = route.binding
    name = Name.parse(b.union or b.function.removeprefix("create_"))
    union = UnionView(
        route=route,
        cls=name.pascal,
        module=module_of(name.pascal),
        tag=b.tags[0] if b.tags else name.plural.kebab,
    )
    for variant in b.variants:
        view = views[variant.entity]
        union.kinds.append(
            KindView(
                view,
                variant.schema,
                list(variant.tags),
                view.entity.closed_body,
                list(variant.read_only),
            )
        )
    return union
