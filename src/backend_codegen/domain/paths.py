"""Reading resource structure out of URL paths."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from backend_codegen.naming import singular

_PARAM = re.compile(r"^\{([^}]+)\}$")

REGISTER_WORDS = {"register", "signup", "sign-up", "sign_up", "registration"}
LOGIN_WORDS = {"login", "signin", "sign-in", "sign_in", "token", "authenticate", "session"}
ME_WORDS = {"me", "current", "current-user", "current_user", "whoami", "self"}
SEARCH_WORDS = {"search", "find", "query", "filter"}


@dataclass
class Segment:
    literal: str | None = None
    param: str | None = None

    @property
    def is_param(self) -> bool:
        return self.param is not None


@dataclass
class PathShape:
    """`/posts/{post_id}/comments` -> collection 'comments', parent ('posts', 'post_id')."""

    segments: list[Segment]
    collection: str | None = None  # literal naming the resource collection
    item_param: str | None = None  # path param addressing one row of it
    parent: str | None = None  # literal of the parent collection
    parent_param: str | None = None
    action: str | None = None  # trailing verb: complete, archive, login, ...
    words: list[str] = field(default_factory=list)  # all literals, lower case


def split_path(path: str, base_path: str = "") -> list[Segment]:
    if base_path and path.startswith(base_path):
        path = path[len(base_path) :]
    segments: list[Segment] = []
    for raw in path.strip("/").split("/"):
        if not raw:
            continue
        # AEP-style custom methods: "{book_id}:archive" / "books:batchGet"
        head, _, verb = (
            raw.partition(":") if ":" in raw and not raw.startswith(":") else (raw, "", "")
        )
        match = _PARAM.match(head)
        if match:
            segments.append(Segment(param=match.group(1)))
        elif head.startswith(":"):
            segments.append(Segment(param=head[1:]))
        else:
            segments.append(Segment(literal=head))
        if verb:
            segments.append(Segment(literal=verb))
    return segments


# a version after the noun: GitHub's `projectsV2`, `items-v1`
_VERSIONED = re.compile(r"^(?P<noun>.*?[a-z])[-_]?v\d+$")


def is_collection_word(word: str, known: set[str]) -> bool:
    """A plural noun or the name of a known resource, as opposed to a verb like 'complete'.
    A version after the noun (`projectsV2`) does not make it a verb."""
    low = word.lower()
    if low in known:
        return True
    versioned = _VERSIONED.match(low)
    if versioned:
        low = versioned["noun"]
    return singular(low) != low and not low.endswith("ing")


def shape_of(path: str, base_path: str, known: set[str]) -> PathShape:
    segments = split_path(path, base_path)
    shape = PathShape(segments=segments)
    shape.words = [s.literal.lower() for s in segments if s.literal]
    pairs: list[tuple[str, str | None]] = []
    i = 0
    while i < len(segments):
        seg = segments[i]
        if seg.literal is None:  # a parameter with no literal before it: "/{username}"
            pairs.append(("", seg.param))
            i += 1
            continue
        nxt = segments[i + 1] if i + 1 < len(segments) else None
        if nxt is not None and nxt.is_param:
            pairs.append((seg.literal, nxt.param))
            i += 2
        else:
            pairs.append((seg.literal, None))
            i += 1
    if not pairs:
        return shape
    last_lit, last_param = pairs[-1]
    if last_param is None and len(pairs) >= 2:
        prev_lit, prev_param = pairs[-2]
        if prev_param is not None and not is_collection_word(last_lit, known):
            # /tasks/{id}/complete -> action on an item
            shape.collection, shape.item_param, shape.action = prev_lit, prev_param, last_lit
            _set_parent(shape, pairs[:-2])
            return shape
        if prev_param is None and not is_collection_word(last_lit, known):
            # /products/search, /auth/login, /store/inventory
            shape.collection, shape.action = prev_lit, last_lit
            _set_parent(shape, pairs[:-2])
            return shape
    shape.collection, shape.item_param = last_lit, last_param
    _set_parent(shape, pairs[:-1])
    return shape


def _set_parent(shape: PathShape, before: list[tuple[str, str | None]]) -> None:
    for lit, param in reversed(before):
        if param is not None and lit:
            shape.parent, shape.parent_param = lit, param
            return
