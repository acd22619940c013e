"""Validation of an OpenAPI document with openapi-spec-validator, errors mapped back to the
file and line they come from.

Kept apart from the reader so that a `generate` run can import openapi-spec-validator (and
validate) in a forked helper while this process reads the document
(`backend_codegen.spec.openapi.start_validation`).
"""

from __future__ import annotations

import abc
import contextlib
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit
from urllib.request import url2pathname

from jsonschema_path import SchemaPath
from openapi_spec_validator import OpenAPIV30SpecValidator, OpenAPIV31SpecValidator
from openapi_spec_validator.validation.exceptions import OpenAPIValidationError
from openapi_spec_validator.validation.keywords import (
    KeywordValidator,
    OpenAPIV30SchemaValidator,
    SchemaValidator,
)
from openapi_spec_validator.validation.validators import SpecValidator

from backend_codegen.errors import Diagnostic, Location, SpecError

if TYPE_CHECKING:
    from backend_codegen.spec.openapi import _Document, _Reader

_MAX_VALIDATION_ERRORS = 3
_RESOLVED_CACHE = 1024
_TAG_ATTR = "_backend_codegen_parts"


def validate(reader: _Reader, doc: _Document, version: str) -> None:
    """Raise a SpecError naming up to three of the document's mistakes; add warnings (to the
    reader's) for what could not be checked."""

    def file_handler(uri: str) -> Any:
        path = Path(url2pathname(urlsplit(uri).path))
        return reader._load(path, str(path), None).data

    handlers = {"file": file_handler, "http": _remote_handler, "https": _remote_handler}
    schema_path = _schema_path(doc.data, doc.path.as_uri(), handlers)
    validator = _VALIDATORS[version](schema_path)
    validator.schema_validator = _document_checker(version, doc.data)
    errors: list[Any] = []
    try:
        for error in validator.iter_errors():
            errors.append(error)
            if sum(not _is_regex_format_error(e) for e in errors) > _MAX_VALIDATION_ERRORS:
                break  # a few spare ones: duplicates are dropped below
    except Exception as exc:
        # The validator itself can fail on malformed input (KeyError on a parameter
        # without `in`), on regexes `re` rejects, or on refs it cannot resolve; what it
        # found before that is still reported.
        if not any(not _is_regex_format_error(e) for e in errors):
            reader.warnings.add(
                f"validation stopped early ({type(exc).__name__}: {exc}); the rest of "
                "the document was not validated",
                Location(doc.label),
            )
    diagnostics: list[Diagnostic] = []
    for error in errors:
        message, parts = _error_message(error)
        where_doc, pointer = reader._physical(doc, parts)
        location = reader._loc(where_doc, pointer)
        if _is_regex_format_error(error):
            reader.warnings.add(
                f"pattern {error.instance!r} uses regex syntax Python cannot check; "
                "schema validation of this schema was skipped",
                location,
            )
        elif all(d.location != location for d in diagnostics):
            diagnostics.append(
                Diagnostic(
                    f"invalid OpenAPI {version} document at {pointer or '/'}: {message}",
                    location,
                    "fix the document so that `openapi-spec-validator` accepts it",
                )
            )
    if diagnostics:
        diagnostics = diagnostics[:_MAX_VALIDATION_ERRORS]
        raise SpecError(diagnostics[0].message, diagnostics=diagnostics)


class _RemotePlaceholder(dict[str, Any]):
    """Stands in for a document that cannot be fetched: any pointer into it resolves to `{}`."""

    def __missing__(self, key: str) -> _RemotePlaceholder:
        return self


def _remote_handler(uri: str) -> Any:
    return _RemotePlaceholder()


class _Subscriptable(abc.ABC):  # noqa: B024 (a structural check: nothing to implement)
    """`pathable.protocols.Subscriptable`'s isinstance test, answered from a per-type cache.

    pathable asks `isinstance(node, Subscriptable)` at every step through the document
    (128,000 times on GitHub's REST description); on Python 3.11 a runtime-checkable
    Protocol recomputes its member list on every call, about a second of validation. The
    same structural test as an ABC hook is computed once per type and cached by ABCMeta.
    tests/test_openapi_reader.py holds the two to the same answers."""

    _MEMBERS = ("__contains__", "__getitem__", "__len__")

    @classmethod
    def __subclasshook__(cls, other: type) -> bool:
        if cls is not _Subscriptable:
            return NotImplemented  # type: ignore[no-any-return]
        return all(
            any(name in vars(base) and vars(base)[name] is not None for base in other.__mro__)
            for name in cls._MEMBERS
        )


def _fast_structural_checks() -> None:
    """Point pathable's accessors at `_Subscriptable` (the name it tests nodes with), if
    that name is still pathable's protocol (another layout keeps its own check)."""
    import pathable.accessors
    import pathable.protocols

    protocol = getattr(pathable.protocols, "Subscriptable", None)
    if protocol is not None and getattr(pathable.accessors, "Subscriptable", None) is protocol:
        setattr(pathable.accessors, "Subscriptable", _Subscriptable)  # noqa: B010


_fast_structural_checks()


class _Unsubscripted:
    """Stands in for a generic class in a module that subscripts it only as the type of a
    `typing.cast`, which returns its value whatever the type says.

    jsonschema-path's path resolver evaluates `cast(Resolved[LookupNode], …)` at every step
    (180,000 times on GitHub's REST description), and each subscription of a generic is a
    lookup in typing's cache that hashes the `LookupNode` union anew: about a quarter of
    validating it. Here `Resolved[LookupNode]` is `Resolved` itself, at once.
    tests/test_openapi_reader.py checks the module uses the names only so."""

    def __init__(self, generic: Any) -> None:
        self._generic = generic

    def __getitem__(self, item: Any) -> Any:
        return self._generic


# jsonschema_path.resolvers: the names it subscripts only inside `cast(...)`
CAST_ONLY_GENERICS = ("Resolved", "Resolver")


def _cheap_casts() -> None:
    import jsonschema_path.resolvers as resolvers
    import referencing._core

    for name in CAST_ONLY_GENERICS:
        generic = getattr(referencing._core, name, None)
        if generic is not None and getattr(resolvers, name, None) is generic:
            setattr(resolvers, name, _Unsubscripted(generic))


_cheap_casts()


class _PathCache:
    """jsonschema-path's cache of resolved paths (`FullPathResolvedCache`), without the
    least-recently-used bookkeeping: one document is validated once, by a process that
    exits afterwards, so it is kept whole (the validator's peak memory is unchanged on
    GitHub's REST description; validating it takes about a sixth less time)."""

    def __init__(self) -> None:
        self._entries: dict[tuple[Any, ...], Any] = {}

    def get(self, parts: Any) -> Any:
        try:
            return self._entries.get(parts if type(parts) is tuple else tuple(parts))
        except TypeError:  # an unhashable part: not cached, as the library does
            return None

    def set(self, parts: Any, resolved: Any) -> None:
        with contextlib.suppress(TypeError):
            self._entries[parts if type(parts) is tuple else tuple(parts)] = resolved


class _IdRegistry(list[int]):
    """The schema validator's "already visited" registry with set membership.

    openapi-spec-validator keeps the ids of the schemas it has visited (and meta-checked)
    in lists and asks `id in list` for every schema, which is quadratic: 20 s of the 26 s
    spent validating GitHub's REST description (46,000 schema visits). The validator only
    appends to and tests these registries, so a list that answers `in` from a set keeps
    its behaviour exactly.
    """

    def __init__(self) -> None:
        super().__init__()
        self._members: set[int] = set()

    def append(self, item: int) -> None:
        self._members.add(item)
        super().append(item)

    def __contains__(self, item: object) -> bool:
        return item in self._members


def _tagged(cls: type[KeywordValidator]) -> type[KeywordValidator]:
    """Subclass a keyword validator so its errors remember the document path they came from.

    The library's keyword validators report paths relative to the schema they check; the
    innermost validator call knows that schema's place in the document, so it tags errors.
    Schema validators also get set-backed visit registries (`_IdRegistry`).
    """

    def __call__(self: KeywordValidator, *args: Any, **kwargs: Any) -> Iterator[Any]:
        parts = next((a.parts for a in args if isinstance(a, SchemaPath)), None)
        for error in cls.__call__(self, *args, **kwargs):
            if not isinstance(error, OpenAPIValidationError):
                error = OpenAPIValidationError.create_from(error)  # as the library would
            if parts is not None and not hasattr(error, _TAG_ATTR):
                setattr(error, _TAG_ATTR, tuple(parts))
            yield error

    members: dict[str, Any] = {"__call__": __call__}
    if issubclass(cls, SchemaValidator):

        def __init__(self: SchemaValidator, registry: Any) -> None:
            cls.__init__(self, registry)
            self.visited_schema_ids = _IdRegistry()
            self.meta_checked_schema_ids = _IdRegistry()

        members["__init__"] = __init__
    if issubclass(cls, OpenAPIV30SchemaValidator):

        def _validate_schema_meta(self: SchemaValidator, schema: Any, value: Any) -> Any:
            if _schema_object_passes(value):
                return None
            return cls._validate_schema_meta(self, schema, value)

        members["_validate_schema_meta"] = _validate_schema_meta
    return type(cls.__name__, (cls,), members)


@cache
def _schema_object_checker() -> Any:
    """jsonschema-rs compiled for the meta-schema OpenAPI 3.0 Schema Objects are checked
    against (the library's `OAS30Validator.META_SCHEMA`), or None without jsonschema-rs."""
    try:
        import jsonschema_rs
        from openapi_schema_validator import OAS30Validator

        return jsonschema_rs.validator_for(dict(OAS30Validator.META_SCHEMA))
    except Exception:
        return None


def _schema_object_passes(value: Any) -> bool:
    """A Schema Object jsonschema-rs finds valid against the meta-schema, with every pattern
    in it compiling as Python's `re` compiles it (the library's `regex` format check, whose
    failures are reported as warnings). Only such schemas skip the library's own check (in
    Python, about half of validating GitHub's REST description); any other goes through it,
    so what is reported, and how, is the library's."""
    checker = _schema_object_checker()
    if checker is None or not isinstance(value, dict):
        return False
    try:
        return bool(checker.is_valid(value)) and _patterns_compile(value)
    except Exception:  # a value jsonschema-rs cannot take: the library decides
        return False


def _patterns_compile(node: Any) -> bool:
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            for key, value in item.items():
                if key == "pattern" and isinstance(value, str):
                    try:
                        re.compile(value)
                    except re.error:
                        return False
                else:
                    stack.append(value)
        elif isinstance(item, list):
            stack.extend(item)
    return True


def _tagging_validator(base: type[SpecValidator]) -> type[SpecValidator]:
    validators = {key: _tagged(value) for key, value in base.keyword_validators.items()}
    return type(f"Tagged{base.__name__}", (base,), {"keyword_validators": validators})


_VALIDATORS = {
    "3.0": _tagging_validator(OpenAPIV30SpecValidator),
    "3.1": _tagging_validator(OpenAPIV31SpecValidator),
}


def _schema_path(data: Any, base_uri: str, handlers: dict[str, Any]) -> SchemaPath:
    """The document as the validator walks it, with jsonschema-path's resolved-reference
    cache on (it is off unless asked for; openapi-spec-validator asks for 128 entries when
    it builds the path itself). Without it every step re-resolves from the root: 4x slower
    on GitHub's REST description. Where the cache is jsonschema-path's own LRU class, it is
    replaced by one that keeps every entry (`_PathCache`)."""
    try:
        path = SchemaPath.from_dict(
            data, base_uri=base_uri, handlers=handlers, resolved_cache_maxsize=_RESOLVED_CACHE
        )
    except TypeError:  # jsonschema-path before 0.4 has no such cache
        return SchemaPath.from_dict(data, base_uri=base_uri, handlers=handlers)
    accessor = getattr(path, "accessor", None)
    if type(getattr(accessor, "_resolved_cache", None)).__name__ == "FullPathResolvedCache":
        accessor._resolved_cache = _PathCache()  # type: ignore[union-attr]
    return path


class _NoErrors:
    def iter_errors(self, instance: Any) -> Iterator[Any]:
        return iter(())


@cache
def _document_checkers(version: str) -> tuple[Any, Any]:
    """(the library's jsonschema validator, a compiled jsonschema-rs one or None) for the
    OpenAPI `version`'s own JSON Schema, as shipped with openapi-spec-validator."""
    from openapi_spec_validator.schemas import schema_v30, schema_v31
    from openapi_spec_validator.schemas.backend.jsonschema import create_validator

    schema = dict(schema_v30 if version == "3.0" else schema_v31)
    try:
        import jsonschema_rs

        fast = jsonschema_rs.validator_for(schema)
    except Exception:  # not installed, or a schema it cannot compile: jsonschema alone
        fast = None
    return create_validator(schema), fast


def _document_checker(version: str, data: Any) -> Any:
    """The whole document checked against the OpenAPI JSON Schema: by jsonschema-rs when
    that is installed (GitHub's 13 MB description in a fraction of a second instead of
    about 7 s); only a document it rejects goes through jsonschema, whose errors name the
    innermost mistake (`oneOf` branches included) and which the messages are built from."""
    precise, fast = _document_checkers(version)
    if fast is None:
        return precise
    located = [list(e.instance_path) for e in fast.iter_errors(data)]
    if not located:
        return _NoErrors()
    return _Pruned(precise, _pruned(data, located))


# Maps whose entries the OpenAPI schema checks one by one (patternProperties /
# additionalProperties): an entry's errors do not depend on its siblings.
_ENTRY_MAPS = (
    ("paths",),
    ("webhooks",),
    *(
        ("components", kind)
        for kind in (
            "schemas",
            "responses",
            "parameters",
            "examples",
            "requestBodies",
            "headers",
            "securitySchemes",
            "links",
            "callbacks",
            "pathItems",
        )
    ),
)


def _pruned(data: Any, located: list[list[Any]]) -> Any:
    """`data` with only the entries of `paths`, `webhooks` and `components` that hold a
    mistake (at `located`, the instance paths jsonschema-rs found): jsonschema then checks
    a few entries instead of the whole document (on GitHub's 13 MB description 10 s became
    a fraction of one) and finds the same errors, at the same paths."""
    if not isinstance(data, dict):
        return data
    out = dict(data)
    for keys in _ENTRY_MAPS:
        parent = out
        for key in keys[:-1]:
            child = parent.get(key)
            if not isinstance(child, dict):
                break
            parent[key] = parent = dict(child)
        else:
            entries = parent.get(keys[-1])
            depth = len(keys)
            if not isinstance(entries, dict) or any(
                p[:depth] == list(keys) and len(p) == depth for p in located
            ):
                continue  # not a map, or the map itself is wrong: kept whole
            wanted = {p[depth] for p in located if p[:depth] == list(keys) and len(p) > depth}
            parent[keys[-1]] = {k: v for k, v in entries.items() if k in wanted}
    return out


class _Pruned:
    """jsonschema run on the pruned document; on the whole one should it find nothing."""

    def __init__(self, precise: Any, pruned: Any) -> None:
        self.precise, self.pruned = precise, pruned

    def iter_errors(self, instance: Any) -> Iterator[Any]:
        found = False
        for error in self.precise.iter_errors(self.pruned):
            found = True
            yield error
        if not found:
            yield from self.precise.iter_errors(instance)


def _is_regex_format_error(error: Any) -> bool:
    return bool(error.validator == "format" and error.validator_value == "regex")


def _error_message(error: Any) -> tuple[str, list[str | int]]:
    """The most specific message of a jsonschema error and its path inside the document.

    `oneOf`/`anyOf` failures carry the per-branch errors in `context`; the deepest of those
    (by document path) usually names the actual mistake.
    """
    parts: list[str | int] = list(getattr(error, _TAG_ATTR, ()))
    chosen = error
    while chosen.context:
        chosen = max(chosen.context, key=lambda e: (len(e.absolute_path), e.validator != "type"))
    parts.extend(chosen.absolute_path)
    message = chosen.message
    if len(message) > 300:
        message = message[:297] + "..."
    return message, parts
