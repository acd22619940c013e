"""OpenAPI 3.0 / 3.1 reader: load, validate, resolve `$ref` and convert to an ApiSpec.

The reader works on the loaded document itself rather than on a fully dereferenced copy:
`$ref`s are followed on demand, one `Schema` object is kept per referenced target (so
recursive schemas become cyclic graphs instead of infinite trees) and every converted node
remembers where it was defined (file, JSON pointer and, for YAML, the line).
"""

from __future__ import annotations

import difflib
import json
import os
import posixpath
import re
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any, TypeGuard
from urllib.parse import unquote, urlsplit

import yaml

from backend_codegen import forked
from backend_codegen.errors import Diagnostic, Location, SpecError, Warnings
from backend_codegen.forked import Helper
from backend_codegen.spec.model import (
    HTTP_METHODS,
    ApiSpec,
    Operation,
    Parameter,
    Response,
    Schema,
    SecurityScheme,
)

try:
    from yaml import CSafeLoader as _BaseLoader
except ImportError:  # PyYAML built without libyaml
    from yaml import SafeLoader as _BaseLoader  # type: ignore[assignment]

SUPPORTED_VERSIONS = "OpenAPI 3.0.x and 3.1.x"
_REMOTE_SCHEMES = ("http://", "https://")
VALIDATION_HELPER = "openapi-validation"
# Schema keywords that change the shape of a node (as opposed to annotating it).
_STRUCTURAL = frozenset(
    {
        "properties",
        "required",
        "items",
        "additionalProperties",
        "patternProperties",
        "prefixItems",
        "allOf",
        "anyOf",
        "oneOf",
    }
)
# Keys under which a document holds example data, never `$ref`s to follow.
_DATA_KEYS = frozenset({"example", "enum", "const"})
_IGNORED_METHODS = ("head", "options", "trace")


_validate_apart = False  # start_validation() was called: the next read forks a helper


def start_validation() -> None:
    """Validate the next document `read_openapi` reads in a forked helper (see
    backend_codegen.forked). The helper is forked once the document is loaded and its
    `$ref`s checked, so it inherits them rather than parsing the document again (0.5 s of
    CPU on GitHub's 13 MB description); it then imports openapi-spec-validator and
    validates while this process converts, infers and renders."""
    global _validate_apart
    _validate_apart = forked.enabled()


def _prepare_validation() -> None:
    import backend_codegen.spec.validation  # noqa: F401


def read_openapi(path: Path, warnings: Warnings | None = None) -> ApiSpec:
    """Read an OpenAPI 3.0/3.1 document (YAML or JSON) into an ApiSpec.

    Raises SpecError for unreadable, invalid or unsupported documents; non-fatal problems
    (remote `$ref`s, regex patterns Python cannot check, ignored methods) go to `warnings`.
    """
    return _Reader(warnings if warnings is not None else Warnings()).read(path)


# --------------------------------------------------------------------------- loading


class _YamlLoader(_BaseLoader):
    """Safe loader that keeps mapping keys as strings (`200:` → "200") and dates as text."""

    yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in _BaseLoader.yaml_implicit_resolvers.items()
    }

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Hashable, Any]:
        mapping = super().construct_mapping(node, deep)
        return {_key_text(key): value for key, value in mapping.items()}


def _key_text(key: Hashable) -> str:
    if isinstance(key, str):
        return key
    if isinstance(key, bool):
        return "true" if key else "false"
    return "null" if key is None else str(key)


def _parse(text: str, label: str, suffix: str) -> tuple[Any, yaml.Node | None]:
    """Parse JSON or YAML (chosen by content) into data plus, for YAML, the node tree."""
    if text.lstrip().startswith(("{", "[")):
        try:
            return json.loads(text), None
        except json.JSONDecodeError as exc:
            if suffix.lower() == ".json":
                raise SpecError(
                    f"invalid JSON: {exc.msg}",
                    Location(label, exc.lineno),
                    hint="look for a missing comma, quote or bracket on this line or just before",
                ) from None
    loader = _YamlLoader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        detail = exc.problem or exc.context or "syntax error"
        if exc.context and exc.problem:
            detail = f"{exc.problem} ({exc.context})"
        raise SpecError(
            f"invalid YAML: {detail}",
            Location(label, mark.line + 1 if mark else None),
            hint="YAML is indentation-sensitive: check indentation and quoting here and on "
            "the line before",
        ) from None
    except yaml.YAMLError as exc:
        raise SpecError(f"invalid YAML: {exc}", Location(label)) from None
    finally:
        loader.dispose()
    return data, node


def _escape(part: str | int) -> str:
    text = str(part)
    if "~" in text or "/" in text:
        return text.replace("~", "~0").replace("/", "~1")
    return text


def _join(pointer: str, *parts: str | int) -> str:
    if len(parts) == 1:  # most calls (274,000 on GitHub's description): no generator
        return f"{pointer}/{_escape(parts[0])}"
    return pointer + _pointer(parts)


def _pointer(path: list[str | int] | tuple[str | int, ...]) -> str:
    """The JSON pointer of a path's segments."""
    return "".join(f"/{_escape(part)}" for part in path)


def _segments(pointer: str) -> list[str]:
    return [s.replace("~1", "/").replace("~0", "~") for s in pointer.split("/")[1:]]


@dataclass
class _Document:
    """One loaded file: its data and (for YAML) its node tree, for pointer → line lookups."""

    path: Path  # absolute
    label: str  # as shown to the user
    data: Any
    root: yaml.Node | None
    _lines: dict[str, tuple[yaml.Node | None, int | None]] = field(default_factory=dict)
    _members: dict[int, dict[str, tuple[yaml.Node, yaml.Node]]] = field(default_factory=dict)

    def line(self, pointer: str) -> int | None:
        """1-based line of the node at `pointer` (or of its deepest existing ancestor);
        None in JSON, which keeps no node tree."""
        if self.root is None:
            return None
        return self._lookup(pointer)[1]

    def _lookup(self, pointer: str) -> tuple[yaml.Node | None, int | None]:
        if pointer in self._lines:
            return self._lines[pointer]
        if not pointer:
            root = self.root
            result = (root, root.start_mark.line + 1 if root is not None else None)
        else:
            parent, _, last = pointer.rpartition("/")
            node, line = self._lookup(parent)
            result = (None, line)
            segment = last.replace("~1", "/").replace("~0", "~")
            if isinstance(node, yaml.MappingNode):
                member = self._mapping(node).get(segment)
                if member is not None:
                    result = (member[1], member[0].start_mark.line + 1)
            elif isinstance(node, yaml.SequenceNode) and segment.isdigit():
                index = int(segment)
                if index < len(node.value):
                    item = node.value[index]
                    result = (item, item.start_mark.line + 1)
        self._lines[pointer] = result
        return result

    def _mapping(self, node: yaml.MappingNode) -> dict[str, tuple[yaml.Node, yaml.Node]]:
        members = self._members.get(id(node))
        if members is None:
            members = {
                str(key.value): (key, value)
                for key, value in node.value
                if isinstance(key, yaml.ScalarNode)
            }
            self._members[id(node)] = members
        return members


def _lookup_pointer(data: Any, pointer: str) -> Any:
    """The value at a JSON pointer; KeyError naming the first missing segment otherwise."""
    node = data
    for segment in _segments(pointer):
        if isinstance(node, dict) and segment in node:
            node = node[segment]
        elif isinstance(node, list) and segment.isdigit() and int(segment) < len(node):
            node = node[int(segment)]
        else:
            raise KeyError(segment)
    return node


# --------------------------------------------------------------------------- reader


def _is_dict(value: Any) -> TypeGuard[dict[str, Any]]:
    return isinstance(value, dict)


def _str_or_none(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _integer(value: Any) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return value


def _extensions(node: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in node.items() if key.startswith("x-")}


def _is_null_schema(node: Any) -> bool:
    return isinstance(node, dict) and (
        node.get("type") in ("null", ["null"]) or ("const" in node and node["const"] is None)
    )


def _schema_name(doc: _Document, pointer: str, external: bool) -> str | None:
    """The component name a schema defined at `pointer` is known by, if any."""
    segments = _segments(pointer)
    if len(segments) == 3 and segments[:2] == ["components", "schemas"]:
        return segments[2]
    if len(segments) == 2 and segments[0] in ("definitions", "$defs"):
        return segments[1]
    if external and len(segments) == 1:
        return segments[0]
    if external and not segments:
        return doc.path.stem
    return None


def _pick_media_type(content: dict[str, Any]) -> str | None:
    """JSON first, then any `+json`, then forms, then whatever comes first."""
    keys = list(content)
    bases = [key.split(";")[0].strip().lower() for key in keys]
    preferences: list[Callable[[str], bool]] = [
        lambda b: b == "application/json",
        lambda b: b.endswith(("+json", "/json")),
        lambda b: b == "application/x-www-form-urlencoded",
        lambda b: b == "multipart/form-data",
    ]
    for matches in preferences:
        for key, base in zip(keys, bases, strict=True):
            if matches(base):
                return key
    return keys[0] if keys else None


def _base_path(root: dict[str, Any]) -> str:
    """The path part of `servers[0].url`, server variables replaced by their defaults."""
    servers = root.get("servers")
    if not isinstance(servers, list) or not servers or not _is_dict(servers[0]):
        return ""
    url = servers[0].get("url")
    if not isinstance(url, str):
        return ""
    variables = servers[0].get("variables")
    variables = variables if isinstance(variables, dict) else {}

    def substitute(match: re.Match[str]) -> str:
        variable = variables.get(match.group(1))
        if isinstance(variable, dict) and "default" in variable:
            return str(variable["default"])
        return match.group(0)

    url = re.sub(r"\{([^{}]+)\}", substitute, url)
    parts = urlsplit(url)
    path = parts.path if (parts.scheme or parts.netloc) else url.split("?")[0].split("#")[0]
    path = posixpath.normpath("/" + path.strip("/"))
    return "" if path == "/" else path


class _Reader:
    """State for reading one document: loaded files, converted schemas, warnings."""

    def __init__(self, warnings: Warnings) -> None:
        self.warnings = warnings
        self.docs: dict[Path, _Document] = {}
        self.schemas: dict[tuple[Path, str], Schema] = {}
        self.unfilled: dict[tuple[Path, str], _Document] = {}  # created, not yet filled
        self.main: _Document | None = None  # the document read_openapi was given

    # ----------------------------------------------------------------- entry point

    def read(self, path: Path) -> ApiSpec:
        doc = self.main = self._load(Path(path), str(path), None)
        version = self._check_version(doc)
        self._scan_refs(doc)
        # validated by a forked helper, if one was asked for, while this process converts
        helper = self._validation_helper(doc, version)
        if helper is None:
            self._validate(doc, version)
            return self._convert(doc)
        mark = len(self.warnings)
        try:
            spec = self._convert(doc)
        except BaseException:
            self._validated(helper, doc, version, mark)  # its error comes first, as in order
            raise
        spec.pending.append((lambda: self._validated(helper, doc, version, mark), helper.answered))
        return spec

    def _validation_helper(self, doc: _Document, version: str) -> Helper | None:
        global _validate_apart
        if not _validate_apart:
            return None
        _validate_apart = False  # one document per helper

        def validate_loaded() -> tuple[list[Diagnostic], SpecError | None]:
            """(In the helper.) The warnings validating adds, and its error."""
            mark = len(self.warnings)
            try:
                self._validate(doc, version)
            except SpecError as exc:
                return self.warnings.items[mark:], exc
            return self.warnings.items[mark:], None

        forked.start(VALIDATION_HELPER, _prepare_validation, validate_loaded)
        return forked.ask(VALIDATION_HELPER)

    def _validated(self, helper: Helper, doc: _Document, version: str, mark: int) -> None:
        """The helper's verdict, its warnings placed where validating here would have put
        them; validated here if the helper failed."""
        later = self.warnings.take_from(mark)
        try:
            outcome = helper.result()
            if outcome is None or outcome[0] != "ok":
                self._validate(doc, version)
            else:
                found, error = outcome[1]
                self.warnings.extend(found)
                if error is not None:
                    raise error
        finally:
            self.warnings.extend(later)

    def _convert(self, doc: _Document) -> ApiSpec:
        root: dict[str, Any] = doc.data
        info = root["info"] if _is_dict(root.get("info")) else {}
        spec = ApiSpec(
            title=str(info.get("title") or "API"),
            version=str(info.get("version") or "0.1.0"),
            description=_str_or_none(info.get("description")),
            source_format="openapi",
            base_path=_base_path(root),
            raw=root,
        )
        for tag in root.get("tags") or []:
            if _is_dict(tag) and isinstance(tag.get("name"), str):
                spec.tag_descriptions[tag["name"]] = _str_or_none(tag.get("description")) or ""
        spec.security_schemes = self._security_schemes(doc)
        spec.schemas = self._component_schemas(doc)
        spec.operations = self._operations(doc, spec)
        self._fill_pending()
        spec.sources = [d.label for d in self.docs.values()]
        return spec

    # ----------------------------------------------------------------- files and refs

    def _load(self, path: Path, label: str, referrer: Location | None) -> _Document:
        absolute = path.resolve()
        if absolute in self.docs:
            return self.docs[absolute]
        try:
            text = absolute.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise SpecError(
                f"file not found: {label}",
                referrer or Location(label),
                hint="check the path; relative $ref files are resolved against the "
                "directory of the file that refers to them"
                if referrer
                else "check the path to the OpenAPI document",
            ) from None
        except UnicodeDecodeError:
            raise SpecError(
                f"{label} is not UTF-8 text", referrer or Location(label), hint="save it as UTF-8"
            ) from None
        except OSError as exc:
            raise SpecError(f"cannot read {label}: {exc.strerror}", referrer) from None
        data, root = _parse(text, label, absolute.suffix)
        doc = _Document(absolute, label, data, root)
        self.docs[absolute] = doc
        return doc

    def _loc(self, doc: _Document, pointer: str) -> Location:
        return Location(doc.label, doc.line(pointer), pointer)

    def _check_version(self, doc: _Document) -> str:
        data = doc.data
        if not isinstance(data, dict):
            raise SpecError(
                "not an OpenAPI document: the top level must be a mapping",
                Location(doc.label, 1),
                hint=f"supported: {SUPPORTED_VERSIONS}",
            )
        version = data.get("openapi")
        if version is None:
            if "swagger" in data:
                raise SpecError(
                    f"Swagger {data['swagger']} documents are not supported",
                    self._loc(doc, "/swagger"),
                    hint=f"supported: {SUPPORTED_VERSIONS}; convert it first "
                    "(e.g. `npx swagger2openapi` or editor.swagger.io)",
                )
            raise SpecError(
                "not an OpenAPI document: no 'openapi' version key at the top level",
                Location(doc.label, 1),
                hint=f"supported: {SUPPORTED_VERSIONS}; start the file with `openapi: 3.1.0`",
            )
        match = re.match(r"3\.([01])(\.|$)", str(version))
        if match is None:
            raise SpecError(
                f"unsupported OpenAPI version {version!r}",
                self._loc(doc, "/openapi"),
                hint=f"supported: {SUPPORTED_VERSIONS}",
            )
        return f"3.{match.group(1)}"

    def _resolve(self, ref: str, doc: _Document, pointer: str) -> tuple[_Document, str, Any] | None:
        """Follow one `$ref` found at `pointer` in `doc`; None for a remote (http) ref."""
        if ref.startswith(_REMOTE_SCHEMES):
            return None
        file_part, _, fragment = ref.partition("#")
        target = doc
        if file_part:
            if file_part.startswith("file:"):
                from urllib.request import url2pathname  # (imports http.client: rare)

                relative = Path(url2pathname(urlsplit(file_part).path))
            else:
                relative = Path(unquote(file_part))
            label = os.path.normpath(os.path.join(os.path.dirname(doc.label), relative))
            target = self._load(doc.path.parent / relative, label, self._loc(doc, pointer))
        target_pointer = unquote(fragment)
        if target_pointer and not target_pointer.startswith("/"):
            raise SpecError(
                f"unsupported $ref '{ref}': only JSON pointers ('#/...') are supported",
                self._loc(doc, pointer),
                hint="refer to the target by its path, e.g. '#/components/schemas/Name'",
            )
        try:
            value = _lookup_pointer(target.data, target_pointer)
        except KeyError as exc:
            raise SpecError(
                f"cannot resolve $ref '{ref}': '{exc.args[0]}' not found",
                self._loc(doc, pointer),
                hint=self._missing_hint(target, target_pointer, str(exc.args[0])),
            ) from None
        return target, target_pointer, value

    def _missing_hint(self, doc: _Document, pointer: str, missing: str) -> str:
        node = doc.data
        for segment in _segments(pointer):
            if segment == missing or not isinstance(node, dict) or segment not in node:
                break
            node = node[segment]
        if isinstance(node, dict) and node:
            close = difflib.get_close_matches(missing, [str(k) for k in node], n=3)
            if close:
                return f"did you mean {', '.join(repr(c) for c in close)}?"
            return f"available here: {', '.join(sorted(str(k) for k in node)[:10])}"
        return "check the path after '#' in the $ref"

    def _remote(self, ref: str, doc: _Document, pointer: str) -> None:
        self.warnings.add(
            f"remote $ref '{ref}' cannot be fetched (offline); treated as a free-form object",
            self._loc(doc, pointer),
            hint="download the referenced document and point the $ref at the local copy",
        )

    def _scan_refs(self, doc: _Document) -> None:
        """Check every `$ref` up front (loading referenced files) so errors point at them."""
        pending = [doc]
        scanned: set[Path] = set()
        while pending:
            current = pending.pop()
            if current.path not in scanned and isinstance(current.data, dict | list):
                scanned.add(current.path)
                self._scan_node(current, current.data, [], set(), set(), pending)

    def _scan_node(
        self,
        doc: _Document,
        node: dict[str, Any] | list[Any],
        path: list[str | int],
        ancestors: set[int],
        done: set[int],
        pending: list[_Document],
    ) -> None:
        """Scan `node`, at `path` (its segments; the JSON pointer is only built for a `$ref`
        or an error: 214,000 nodes on GitHub's description, 8,000 refs)."""
        if id(node) in done:
            return
        if id(node) in ancestors:
            raise SpecError(
                "recursive YAML alias: a node contains itself",
                self._loc(doc, _pointer(path)),
                hint="use a $ref for recursive structures",
            )
        ancestors.add(id(node))
        if isinstance(node, list):
            for index, value in enumerate(node):
                if isinstance(value, dict | list):
                    path.append(index)
                    self._scan_node(doc, value, path, ancestors, done, pending)
                    path.pop()
        else:
            ref = node.get("$ref")
            if isinstance(ref, str):
                pointer = _pointer(path)
                resolved = self._resolve(ref, doc, pointer)
                if resolved is None:
                    self._remote(ref, doc, pointer)
                elif resolved[0] is not doc:
                    pending.append(resolved[0])
            for key, value in node.items():
                if (
                    isinstance(value, dict | list)
                    and key not in _DATA_KEYS
                    and not key.startswith("x-")
                ):
                    path.append(key)
                    self._scan_node(doc, value, path, ancestors, done, pending)
                    path.pop()
        ancestors.discard(id(node))
        done.add(id(node))

    def _deref(self, node: Any, doc: _Document, pointer: str) -> tuple[Any, _Document, str]:
        """Follow `$ref`s of a non-schema object; node is None when the target is remote."""
        seen: set[tuple[Path, str]] = set()
        while isinstance(node, dict) and isinstance(node.get("$ref"), str):
            if (doc.path, pointer) in seen:
                raise SpecError(
                    "circular $ref", self._loc(doc, pointer), hint="break the chain of $refs"
                )
            seen.add((doc.path, pointer))
            ref = node["$ref"]
            resolved = self._resolve(ref, doc, pointer)
            if resolved is None:
                self._remote(ref, doc, pointer)
                return None, doc, pointer
            doc, pointer, node = resolved
        return node, doc, pointer

    # ----------------------------------------------------------------- validation

    def _validate(self, doc: _Document, version: str) -> None:
        from backend_codegen.spec.validation import validate

        validate(self, doc, version)

    def _physical(self, doc: _Document, parts: list[str | int]) -> tuple[_Document, str]:
        """Map a logical path (which may pass through `$ref`s) to the file and pointer."""
        node, pointer = doc.data, ""
        for index, part in enumerate(parts):
            key = str(part)
            while isinstance(node, dict) and key not in node and isinstance(node.get("$ref"), str):
                resolved = self._resolve(node["$ref"], doc, pointer)
                if resolved is None:
                    break
                doc, pointer, node = resolved
            if isinstance(node, dict) and key in node:
                node = node[key]
            elif isinstance(node, list) and isinstance(part, int) and part < len(node):
                node = node[part]
            else:
                return doc, _join(pointer, *parts[index:])
            pointer = _join(pointer, part)
        return doc, pointer

    # ----------------------------------------------------------------- schemas

    def _component_schemas(self, doc: _Document) -> dict[str, Schema]:
        components = doc.data.get("components")
        schemas = components.get("schemas") if _is_dict(components) else None
        if not isinstance(schemas, dict):
            return {}
        return {name: self._schema_at(doc, _join("/components/schemas", name)) for name in schemas}

    def _schema_at(self, doc: _Document, pointer: str, *, complete: bool = False) -> Schema:
        """The one Schema for the node at `pointer`.

        It is created empty on first use and filled later by `_fill_pending` (so long `$ref`
        chains do not recurse), or right away when the caller needs its content (`complete`).
        """
        key = (doc.path, pointer)
        schema = self.schemas.get(key)
        if schema is None:
            external = doc is not self.main
            schema = Schema(
                name=_schema_name(doc, pointer, external), location=self._loc(doc, pointer)
            )
            self.schemas[key] = schema
            self.unfilled[key] = doc
        if complete:
            self._complete(key)
        return schema

    def _complete(self, key: tuple[Path, str]) -> None:
        doc = self.unfilled.pop(key, None)
        if doc is not None:
            self._fill(self.schemas[key], _lookup_pointer(doc.data, key[1]), doc, key[1])

    def _fill_pending(self) -> None:
        while self.unfilled:
            self._complete(next(iter(self.unfilled)))

    def _schema(self, node: Any, doc: _Document, pointer: str, *, complete: bool = False) -> Schema:
        """Convert an inline schema node (which may be a `$ref`).

        `complete`: a referenced schema must be filled before returning (its content is
        about to be copied or merged).
        """
        if isinstance(node, dict) and isinstance(node.get("$ref"), str):
            ref = node["$ref"]
            siblings = {key: value for key, value in node.items() if key != "$ref"}
            if any(key in _STRUCTURAL for key in siblings):
                shape = {k: v for k, v in siblings.items() if k in _STRUCTURAL}
                rest = {k: v for k, v in siblings.items() if k not in _STRUCTURAL}
                rewritten = {"allOf": [{"$ref": ref}, shape], **rest}
                return self._schema(rewritten, doc, pointer, complete=complete)
            resolved = self._resolve(ref, doc, pointer)
            if resolved is None:
                self._remote(ref, doc, pointer)
                return Schema(
                    type="object", additional_properties=True, location=self._loc(doc, pointer)
                )
            target = self._schema_at(resolved[0], resolved[1], complete=complete or bool(siblings))
            if not siblings:
                return target
            view = replace(target)
            self._annotate(view, siblings)
            return view
        schema = Schema(location=self._loc(doc, pointer))
        self._fill(schema, node, doc, pointer)
        return schema

    def _fill(self, schema: Schema, node: Any, doc: _Document, pointer: str) -> None:
        """Fill `schema` in place from a schema node."""
        if not isinstance(node, dict):
            return  # boolean schema: `true` / `false` carry no structure
        if isinstance(node.get("$ref"), str):
            self._become(schema, self._schema(node, doc, pointer, complete=True))
            return
        for keyword in ("allOf", "anyOf", "oneOf"):
            collapsed = self._collapse(node, keyword)
            if collapsed is not None:
                self._fill(schema, collapsed, doc, pointer)
                return
        self._annotate(schema, node)
        if "allOf" in node and isinstance(node["allOf"], list):
            parts = [
                self._schema(part, doc, _join(pointer, "allOf", i), complete=True)
                for i, part in enumerate(node["allOf"])
            ]
            schema.all_of.extend(parts)
            for part in parts:
                _merge_into(schema, part)
        for keyword in ("anyOf", "oneOf"):
            branches = node.get(keyword)
            if isinstance(branches, list):
                parts = []
                for i, branch in enumerate(branches):
                    if _is_null_schema(branch):
                        schema.nullable = True
                    else:
                        parts.append(self._schema(branch, doc, _join(pointer, keyword, i)))
                (schema.any_of if keyword == "anyOf" else schema.one_of).extend(parts)
        found = node.get("discriminator")
        if isinstance(found, dict) and isinstance(found.get("propertyName"), str):
            schema.discriminator = found["propertyName"]
            mapping = found.get("mapping")
            for value, ref in mapping.items() if isinstance(mapping, dict) else ():
                if not isinstance(ref, str):
                    continue
                if "#" not in ref and "/" not in ref:  # a bare schema name
                    ref = f"#/components/schemas/{ref}"
                at = _join(pointer, "discriminator", "mapping", str(value))
                target = self._schema({"$ref": ref}, doc, at)
                if target.name:
                    schema.discriminator_mapping[str(value)] = target.name
        items = node.get("items")
        if isinstance(items, dict):
            schema.items = self._schema(items, doc, _join(pointer, "items"))
        properties = node.get("properties")
        if isinstance(properties, dict):
            for name, sub in properties.items():
                schema.properties[name] = self._schema(sub, doc, _join(pointer, "properties", name))
        required = node.get("required")
        if isinstance(required, list):
            schema.required.extend(
                r for r in required if isinstance(r, str) and r not in schema.required
            )
        extra = node.get("additionalProperties")
        if isinstance(extra, bool):
            schema.additional_properties = extra
        elif isinstance(extra, dict):
            schema.additional_properties = (
                self._schema(extra, doc, _join(pointer, "additionalProperties")) if extra else True
            )
        if schema.type is None and not (schema.any_of or schema.one_of):
            if schema.properties or "additionalProperties" in node:
                schema.type = "object"
            elif schema.items is not None:
                schema.type = "array"

    @staticmethod
    def _become(schema: Schema, source: Schema) -> None:
        """Make `schema` a copy of `source`, keeping its own name and location if set."""
        name, location = schema.name, schema.location
        for f in fields(Schema):
            setattr(schema, f.name, getattr(source, f.name))
        schema.name = name or source.name
        schema.location = location or source.location

    @staticmethod
    def _collapse(node: dict[str, Any], keyword: str) -> dict[str, Any] | None:
        """Rewrite `allOf: [X]`, `anyOf: [X, {type: null}]` and the like as X + annotations."""
        branches = node.get(keyword)
        if not isinstance(branches, list):
            return None
        real = [branch for branch in branches if not _is_null_schema(branch)]
        rest = {key: value for key, value in node.items() if key != keyword}
        if len(real) != 1 or not isinstance(real[0], dict) or any(k in _STRUCTURAL for k in rest):
            return None
        if keyword == "allOf" and len(branches) != 1:
            return None
        collapsed = {**real[0], **rest}
        if len(real) < len(branches):
            collapsed["nullable"] = True
        return collapsed

    @staticmethod
    def _annotate(schema: Schema, node: dict[str, Any]) -> None:
        """Apply the non-structural keywords of `node` (never mutating shared containers)."""
        kind = node.get("type")
        if isinstance(kind, str):
            if kind == "null":
                schema.nullable = True
            else:
                schema.type = kind
        elif isinstance(kind, list):
            kinds = [k for k in kind if isinstance(k, str) and k != "null"]
            schema.nullable = schema.nullable or "null" in kind
            schema.type = kinds[0] if len(kinds) == 1 else None
        for key, attr in (
            ("format", "format"),
            ("title", "title"),
            ("description", "description"),
            ("pattern", "pattern"),
        ):
            if isinstance(node.get(key), str):
                setattr(schema, attr, node[key])
        if isinstance(node.get("enum"), list):
            schema.enum = [value for value in node["enum"] if value is not None]
            schema.nullable = schema.nullable or len(schema.enum) < len(node["enum"])
        if "const" in node and node["const"] is not None:
            schema.enum = [node["const"]]
        if "default" in node:
            schema.default = node["default"]
            schema.has_default = True
        if node.get("nullable") is True:
            schema.nullable = True
        if isinstance(node.get("readOnly"), bool):
            schema.read_only = node["readOnly"]
        if isinstance(node.get("writeOnly"), bool):
            schema.write_only = node["writeOnly"]
        xml = node.get("xml")
        if isinstance(xml, dict) and xml.get("wrapped") is True:
            schema.xml_wrapped = True
        if isinstance(xml, dict) and isinstance(xml.get("name"), str) and xml["name"]:
            schema.xml_name = xml["name"]
        for key, attr in (
            ("minLength", "min_length"),
            ("maxLength", "max_length"),
            ("minItems", "min_items"),
            ("maxItems", "max_items"),
        ):
            if _integer(node.get(key)) is not None:
                setattr(schema, attr, node[key])
        for key, attr in (
            ("minimum", "minimum"),
            ("maximum", "maximum"),
            ("multipleOf", "multiple_of"),
        ):
            value = _number(node.get(key))
            if value is not None:
                setattr(schema, attr, value)
        for key, bound, flag in (
            ("exclusiveMinimum", "minimum", "exclusive_minimum"),
            ("exclusiveMaximum", "maximum", "exclusive_maximum"),
        ):
            value = node.get(key)
            if isinstance(value, bool):  # 3.0: a flag on minimum/maximum
                setattr(schema, flag, value)
            elif (number := _number(value)) is not None:  # 3.1: the bound itself
                setattr(schema, bound, number)
                setattr(schema, flag, True)
        if "example" in node:
            schema.example = node["example"]
        elif isinstance(node.get("examples"), list) and node["examples"]:
            schema.example = node["examples"][0]
        extensions = _extensions(node)
        if extensions:
            schema.extensions = {**schema.extensions, **extensions}
            if extensions.get("x-unique") is True:
                schema.unique = True
            if isinstance(extensions.get("x-references"), str):
                schema.references = extensions["x-references"]

    # ----------------------------------------------------------------- operations

    def _operations(self, doc: _Document, spec: ApiSpec) -> list[Operation]:
        paths = doc.data.get("paths")
        if not isinstance(paths, dict):
            return []
        operations: list[Operation] = []
        for raw_path, raw_item in paths.items():
            if raw_path.startswith("x-"):
                continue
            item, item_doc, item_pointer = self._deref(raw_item, doc, _join("/paths", raw_path))
            if not isinstance(item, dict):
                continue
            shared = self._parameters(item.get("parameters"), item_doc, item_pointer)
            for method, node in item.items():
                pointer = _join(item_pointer, method)
                if method.lower() in _IGNORED_METHODS:
                    self.warnings.add(
                        f"{method.upper()} {raw_path} ignored: only "
                        f"{', '.join(m.upper() for m in HTTP_METHODS)} operations are generated",
                        self._loc(item_doc, pointer),
                    )
                if method.lower() not in HTTP_METHODS or not isinstance(node, dict):
                    continue
                operation = self._operation(node, item, item_doc, pointer, spec)
                operation.method = method.lower()
                operation.path = spec.base_path + raw_path
                own = self._parameters(node.get("parameters"), item_doc, pointer)
                merged = {(p.name, p.location_in): p for p in shared}
                merged.update({(p.name, p.location_in): p for p in own})
                operation.parameters = list(merged.values())
                operations.append(operation)
        return operations

    def _operation(
        self,
        node: dict[str, Any],
        item: dict[str, Any],
        doc: _Document,
        pointer: str,
        spec: ApiSpec,
    ) -> Operation:
        tags = node.get("tags")
        operation = Operation(
            method="",
            path="",
            operation_id=_str_or_none(node.get("operationId")),
            summary=_str_or_none(node.get("summary")) or _str_or_none(item.get("summary")),
            description=_str_or_none(node.get("description"))
            or _str_or_none(item.get("description")),
            tags=[str(t) for t in tags] if isinstance(tags, list) else [],
            extensions=_extensions(node),
            location=self._loc(doc, pointer),
        )
        self._request_body(operation, node.get("requestBody"), doc, _join(pointer, "requestBody"))
        responses = node.get("responses")
        if isinstance(responses, dict):
            for status, response in responses.items():
                if not status.startswith("x-"):
                    operation.responses.append(
                        self._response(status, response, doc, _join(pointer, "responses", status))
                    )
        global_security = spec.raw.get("security") if spec.raw is not None else None
        requirements = node.get("security", global_security)  # present (even []) overrides
        self._security(operation, requirements, spec, doc, pointer)
        return operation

    def _parameters(self, nodes: Any, doc: _Document, owner: str) -> list[Parameter]:
        if not isinstance(nodes, list):
            return []
        parameters = []
        for index, raw in enumerate(nodes):
            node, param_doc, pointer = self._deref(raw, doc, _join(owner, "parameters", index))
            if not isinstance(node, dict) or "name" not in node or "in" not in node:
                continue
            schema_node = node.get("schema")
            schema_pointer = _join(pointer, "schema")
            content = node.get("content")
            if schema_node is None and isinstance(content, dict) and content:
                media = _pick_media_type(content)
                if media is not None and _is_dict(content[media]):
                    schema_node = content[media].get("schema")
                    schema_pointer = _join(pointer, "content", media, "schema")
            location_in = str(node["in"])
            parameters.append(
                Parameter(
                    name=str(node["name"]),
                    location_in=location_in,
                    required=location_in == "path" or node.get("required") is True,
                    schema=self._schema(schema_node, param_doc, schema_pointer)
                    if schema_node is not None
                    else Schema(location=self._loc(param_doc, pointer)),
                    description=_str_or_none(node.get("description")),
                    location=self._loc(param_doc, pointer),
                )
            )
        return parameters

    def _request_body(self, operation: Operation, raw: Any, doc: _Document, pointer: str) -> None:
        if raw is None:
            return
        body, body_doc, body_pointer = self._deref(raw, doc, pointer)
        if body is None:
            operation.request_body = Schema(
                type="object", additional_properties=True, location=self._loc(doc, pointer)
            )
            return
        if not isinstance(body, dict):
            return
        operation.request_required = body.get("required") is True
        content = body.get("content")
        if not isinstance(content, dict):
            return
        media = _pick_media_type(content)
        if media is None:
            return
        operation.request_content_type = media
        operation.request_content_types = [str(m).lower() for m in content]
        media_node = content[media] if _is_dict(content[media]) else {}
        schema_pointer = _join(body_pointer, "content", media, "schema")
        operation.request_body = (
            self._schema(media_node["schema"], body_doc, schema_pointer)
            if "schema" in media_node
            else Schema(location=self._loc(body_doc, _join(body_pointer, "content", media)))
        )

    def _response(self, status: str, raw: Any, doc: _Document, pointer: str) -> Response:
        node, response_doc, response_pointer = self._deref(raw, doc, pointer)
        response = Response(status=status)
        if not isinstance(node, dict):
            return response
        response.description = _str_or_none(node.get("description"))
        content = node.get("content")
        if isinstance(content, dict) and content:
            media = _pick_media_type(content)
            if media is not None:
                response.content_type = media
                media_node = content[media]
                if _is_dict(media_node) and "schema" in media_node:
                    schema_pointer = _join(response_pointer, "content", media, "schema")
                    response.schema = self._schema(
                        media_node["schema"], response_doc, schema_pointer
                    )
        return response

    def _security(
        self,
        operation: Operation,
        requirements: Any,
        spec: ApiSpec,
        doc: _Document,
        pointer: str,
    ) -> None:
        """Collect scheme names; an empty requirement `{}` makes authentication optional."""
        if not isinstance(requirements, list):
            return
        anonymous = False
        for requirement in requirements:
            if not isinstance(requirement, dict) or not requirement:
                anonymous = True
                continue
            for name in requirement:
                if name not in operation.security:
                    operation.security.append(name)
                if name not in spec.security_schemes:
                    self.warnings.add(
                        f"security scheme '{name}' is not defined in components.securitySchemes",
                        self._loc(doc, pointer),
                    )
        operation.auth_optional = anonymous and bool(operation.security)

    def _security_schemes(self, doc: _Document) -> dict[str, SecurityScheme]:
        components = doc.data.get("components")
        schemes = components.get("securitySchemes") if _is_dict(components) else None
        if not isinstance(schemes, dict):
            return {}
        result: dict[str, SecurityScheme] = {}
        for name, raw in schemes.items():
            pointer = _join("/components/securitySchemes", name)
            node, scheme_doc, scheme_pointer = self._deref(raw, doc, pointer)
            if not isinstance(node, dict):
                continue
            flows = node.get("flows")
            scheme = _str_or_none(node.get("scheme"))
            result[name] = SecurityScheme(
                name=name,
                type=str(node.get("type", "")),
                scheme=scheme.lower() if scheme else None,
                bearer_format=_str_or_none(node.get("bearerFormat")),
                key_name=_str_or_none(node.get("name")),
                key_in=_str_or_none(node.get("in")),
                flows=list(flows) if isinstance(flows, dict) else [],
                location=self._loc(scheme_doc, scheme_pointer),
            )
        return result


def _merge_into(schema: Schema, part: Schema) -> None:
    """Merge one `allOf` part's shape into the flattened schema."""
    if schema.type is None:
        schema.type = part.type
    schema.properties.update(part.properties)
    schema.required.extend(r for r in part.required if r not in schema.required)
    if schema.additional_properties is None:
        schema.additional_properties = part.additional_properties
    if schema.items is None:
        schema.items = part.items


__all__ = ["SUPPORTED_VERSIONS", "read_openapi"]
