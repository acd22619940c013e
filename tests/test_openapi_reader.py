"""Tests for the OpenAPI reader: the shared corpus of real specs plus small synthetic ones."""

from __future__ import annotations

import json
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from backend_codegen.errors import SpecError, Warnings
from backend_codegen.spec.model import HTTP_METHODS, ApiSpec, Operation
from backend_codegen.spec.openapi import read_openapi

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
CORPUS_FILES = sorted((CORPUS / "specs").glob("*.yaml")) + [
    CORPUS / "realworld" / "openapi.yml",
    CORPUS / "realworld" / "openapi-3.0.1.yml",
]
needs_corpus = pytest.mark.skipif(not CORPUS.is_dir(), reason="shared corpus not available")


def write(directory: Path, name: str, text: str) -> Path:
    path = directory / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return path


def op(spec: ApiSpec, key: str) -> Operation:
    matches = [o for o in spec.operations if o.key == key]
    assert matches, f"{key} not in {[o.key for o in spec.operations]}"
    return matches[0]


# --------------------------------------------------------------------------- corpus


@needs_corpus
@pytest.mark.parametrize("path", CORPUS_FILES, ids=lambda p: p.name)
def test_corpus_spec_reads(path: Path) -> None:
    spec = read_openapi(path, Warnings())
    assert spec.operations
    assert spec.sources == [str(path)]
    for operation in spec.operations:
        assert operation.method in HTTP_METHODS
        assert operation.path.startswith(spec.base_path + "/")
        assert operation.location is not None and operation.location.pointer
        assert operation.location.line is not None
        for parameter in operation.parameters:
            assert parameter.location is not None
            if parameter.location_in == "path":
                assert f"{{{parameter.name}}}" in operation.path
                assert parameter.required


@needs_corpus
@pytest.mark.parametrize("name", ["openapi.yml", "openapi-3.0.1.yml"])
def test_realworld(name: str) -> None:
    spec = read_openapi(CORPUS / "realworld" / name)
    assert spec.base_path == "/api"
    assert len(spec.operations) == 19
    listing = op(spec, "GET /api/articles")
    assert listing.security == [] or listing.auth_optional
    assert not listing.requires_auth
    assert {p.name for p in listing.parameters} >= {"tag", "author", "favorited", "limit"}
    create = op(spec, "POST /api/articles")
    assert create.security == ["Token"] and create.requires_auth
    assert create.request_content_type == "application/json"
    assert create.request_body is not None
    assert create.request_body.properties["article"].name == "NewArticle"
    assert [r.status for r in create.responses][0] == "201"
    token = spec.security_schemes["Token"]
    assert (token.type, token.key_in, token.key_name) == ("apiKey", "header", "Authorization")


@needs_corpus
def test_petstore_expanded_all_of_is_flattened() -> None:
    spec = read_openapi(CORPUS / "specs" / "oai-petstore-expanded.yaml")
    pet = spec.schemas["Pet"]
    assert pet.name == "Pet"
    assert pet.type == "object"
    assert list(pet.properties) == ["name", "tag", "id"]
    assert sorted(pet.required) == ["id", "name"]
    assert [part.name for part in pet.all_of] == ["NewPet", None]
    assert spec.schemas["NewPet"].required == ["name"]  # parts are not modified by the merge
    assert op(spec, "GET /v2/pets/{id}").responses[0].schema is pet


@needs_corpus
def test_scalar_galaxy_31_nullable_and_public_operations() -> None:
    spec = read_openapi(CORPUS / "specs" / "scalar-galaxy.yaml")
    description = spec.schemas["Planet"].properties["description"]
    assert description.type == "string" and description.nullable
    assert op(spec, "GET /planets").security == []
    assert op(spec, "POST /planets").requires_auth
    assert spec.security_schemes["bearerAuth"].scheme == "bearer"
    assert spec.security_schemes["oAuth2"].flows


@needs_corpus
def test_remote_ref_becomes_free_form_object_with_warning() -> None:
    warnings = Warnings()
    spec = read_openapi(CORPUS / "specs" / "aep-bookstore.yaml", warnings)
    remote = [w for w in warnings if "remote $ref" in w.message]
    assert remote and all(w.location and w.location.pointer for w in remote)
    lro = [o for o in spec.operations if o.key.endswith(":archive")]
    assert lro
    schema = lro[0].responses[0].schema
    assert schema is not None and schema.type == "object" and schema.additional_properties is True


@needs_corpus
def test_unsupported_regex_is_a_warning_not_an_error() -> None:
    warnings = Warnings()
    spec = read_openapi(CORPUS / "specs" / "petclinic-rest.yaml", warnings)
    assert any("regex" in w.message for w in warnings)
    first_name = spec.schemas["OwnerFields"].properties["firstName"]
    assert first_name.pattern is not None and r"\p{L}" in first_name.pattern
    assert spec.base_path == "/petclinic/api"


# --------------------------------------------------------------------------- synthetic specs

SHOP_30 = """
openapi: 3.0.3
info: {title: Shop, version: "2.1", description: A shop}
servers:
  - url: "{scheme}://example.com/{base}/"
    variables:
      scheme: {default: https}
      base: {default: shop/v1}
security:
  - bearer: []
paths:
  /categories/{id}:
    parameters:
      - {name: id, in: path, required: true, schema: {type: integer}}
      - {name: lang, in: query, schema: {type: string}, description: path level}
    get:
      operationId: getCategory
      tags: [categories]
      x-cache: 60
      parameters:
        - {name: lang, in: query, required: true, schema: {type: string, enum: [en, de]}}
        - $ref: '#/components/parameters/Expand'
      security:
        - {}
        - bearer: []
      responses:
        200:
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Category'}
    delete:
      security: []
      responses:
        "204": {description: gone}
  /orders:
    post:
      requestBody:
        required: true
        content:
          text/plain: {schema: {type: string}}
          application/x-www-form-urlencoded:
            schema: {$ref: '#/components/schemas/Order'}
      responses:
        default: {$ref: '#/components/responses/Problem'}
components:
  parameters:
    Expand: {name: expand, in: query, schema: {type: boolean, default: false}}
  responses:
    Problem:
      description: problem
      content:
        application/problem+json:
          schema: {type: object, properties: {title: {type: string}}}
  securitySchemes:
    bearer: {type: http, scheme: Bearer, bearerFormat: JWT}
  schemas:
    Category:
      type: object
      required: [name]
      properties:
        name: {type: string, maxLength: 80, x-unique: true, example: Books}
        parent:
          allOf: [{$ref: '#/components/schemas/Category'}]
          nullable: true
          description: the parent
        children:
          type: array
          items: {$ref: '#/components/schemas/Category'}
    Order:
      type: object
      properties:
        category_id: {type: integer, x-references: Category, readOnly: true}
        total: {type: number, minimum: 0, exclusiveMinimum: true, multipleOf: 0.01}
        note: {type: string, nullable: true, default: null}
        created: {type: string, format: date-time, example: 2024-01-02T03:04:05Z}
"""


def test_synthetic_30_document(tmp_path: Path) -> None:
    spec = read_openapi(write(tmp_path, "shop.yaml", SHOP_30))
    assert (spec.title, spec.version, spec.description) == ("Shop", "2.1", "A shop")
    assert spec.base_path == "/shop/v1"
    assert spec.raw is not None and spec.raw["info"]["title"] == "Shop"

    get = op(spec, "GET /shop/v1/categories/{id}")
    assert get.operation_id == "getCategory" and get.tags == ["categories"]
    assert get.extensions == {"x-cache": 60}
    assert [(p.name, p.location_in) for p in get.parameters] == [
        ("id", "path"),
        ("lang", "query"),
        ("expand", "query"),
    ]
    lang = get.parameters[1]
    assert lang.required and lang.schema.enum == ["en", "de"]  # operation level wins
    assert get.parameters[2].schema.has_default and get.parameters[2].schema.default is False
    assert get.parameters[2].location is not None
    assert get.parameters[2].location.pointer == "/components/parameters/Expand"
    assert get.security == ["bearer"] and get.auth_optional and not get.requires_auth
    assert get.responses[0].status == "200"  # unquoted YAML key
    assert get.location is not None and get.location.line == 15
    assert get.location.pointer == "/paths/~1categories~1{id}/get"

    delete = op(spec, "DELETE /shop/v1/categories/{id}")
    assert delete.security == [] and [p.name for p in delete.parameters] == ["id", "lang"]

    post = op(spec, "POST /shop/v1/orders")
    assert post.security == ["bearer"] and post.requires_auth  # global security
    assert post.request_content_type == "application/x-www-form-urlencoded"
    assert post.request_required
    assert post.request_body is spec.schemas["Order"]
    problem = post.responses[0]
    assert (problem.status, problem.description) == ("default", "problem")
    assert problem.content_type == "application/problem+json"
    assert problem.schema is not None and "title" in problem.schema.properties

    bearer = spec.security_schemes["bearer"]
    assert (bearer.type, bearer.scheme, bearer.bearer_format) == ("http", "bearer", "JWT")


def test_synthetic_30_schemas(tmp_path: Path) -> None:
    spec = read_openapi(write(tmp_path, "shop.yaml", SHOP_30))
    category = spec.schemas["Category"]
    assert category.location is not None and category.location.line == 57
    children = category.properties["children"]
    assert children.type == "array" and children.items is category  # cycle, not a copy
    parent = category.properties["parent"]
    assert parent.name == "Category" and parent.nullable and parent.description == "the parent"
    assert parent.properties is category.properties and not category.nullable
    name = category.properties["name"]
    assert name.unique and name.max_length == 80 and name.example == "Books"
    assert name.extensions == {"x-unique": True}

    order = spec.schemas["Order"].properties
    assert order["category_id"].references == "Category" and order["category_id"].read_only
    total = order["total"]
    assert (total.minimum, total.exclusive_minimum, total.multiple_of) == (0.0, True, 0.01)
    note = order["note"]
    assert note.nullable and note.has_default and note.default is None
    assert order["created"].example == "2024-01-02T03:04:05Z"  # YAML dates stay text


SPEC_31 = """
openapi: 3.1.0
info: {title: Lib, version: "1"}
servers: [{url: /}]
paths:
  /books:
    get:
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {type: array, items: {$ref: '#/components/schemas/Book'}}
components:
  schemas:
    Author: {type: object, properties: {name: {type: string}}}
    Book:
      type: object
      properties:
        title: {type: [string, "null"], minLength: 1}
        pages: {type: integer, exclusiveMinimum: 0, exclusiveMaximum: 10000}
        author:
          anyOf: [{$ref: '#/components/schemas/Author'}, {type: "null"}]
        cover:
          oneOf: [{type: string}, {type: integer}]
        tags: {type: array, items: {type: string}, examples: [[a, b]], maxItems: 5}
        meta: {type: object, additionalProperties: {type: string}}
"""


def test_synthetic_31_document(tmp_path: Path) -> None:
    spec = read_openapi(write(tmp_path, "lib.yaml", SPEC_31))
    assert spec.base_path == ""
    assert [o.key for o in spec.operations] == ["GET /books"]
    book = spec.schemas["Book"].properties
    assert book["title"].type == "string" and book["title"].nullable
    pages = book["pages"]
    assert (pages.minimum, pages.exclusive_minimum) == (0.0, True)
    assert (pages.maximum, pages.exclusive_maximum) == (10000.0, True)
    author = book["author"]
    assert author.name == "Author" and author.nullable and "name" in author.properties
    assert not spec.schemas["Author"].nullable
    cover = book["cover"]
    assert [s.type for s in cover.one_of] == ["string", "integer"] and cover.type is None
    assert book["tags"].example == ["a", "b"] and book["tags"].max_items == 5
    meta = book["meta"].additional_properties
    assert not isinstance(meta, bool) and meta is not None and meta.type == "string"


def test_json_document(tmp_path: Path) -> None:
    document = {
        "openapi": "3.0.0",
        "info": {"title": "J", "version": "1"},
        "paths": {"/x": {"get": {"responses": {"200": {"description": "ok"}}}}},
    }
    path = tmp_path / "api.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    spec = read_openapi(path)
    assert [o.key for o in spec.operations] == ["GET /x"]


def test_refs_to_other_local_files(tmp_path: Path) -> None:
    write(
        tmp_path,
        "models/pet.yaml",
        """
        components:
          schemas:
            Pet:
              type: object
              properties:
                owner: {$ref: 'owner.yaml'}
                friends: {type: array, items: {$ref: '#/components/schemas/Pet'}}
        """,
    )
    write(tmp_path, "models/owner.yaml", "type: object\nproperties: {name: {type: string}}\n")
    write(tmp_path, "params.yaml", "Limit: {name: limit, in: query, schema: {type: integer}}\n")
    main = write(
        tmp_path,
        "api.yaml",
        """
        openapi: 3.0.3
        info: {title: Files, version: "1"}
        paths:
          /pets:
            get:
              parameters: [{$ref: 'params.yaml#/Limit'}]
              responses:
                "200":
                  description: ok
                  content:
                    application/json:
                      schema: {$ref: './models/pet.yaml#/components/schemas/Pet'}
        """,
    )
    spec = read_openapi(main)
    get = op(spec, "GET /pets")
    assert get.parameters[0].name == "limit"
    assert get.parameters[0].location is not None
    assert get.parameters[0].location.file.endswith("params.yaml")
    pet = get.responses[0].schema
    assert pet is not None and pet.name == "Pet"
    assert pet.location is not None and pet.location.file.endswith("pet.yaml")
    assert pet.properties["friends"].items is pet
    owner = pet.properties["owner"]
    assert owner.name == "owner" and owner.properties["name"].type == "string"
    assert len(spec.sources) == 4 and spec.sources[0] == str(main)


# --------------------------------------------------------------------------- bad input


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(SpecError) as info:
        read_openapi(tmp_path / "nope.yaml")
    assert "not found" in info.value.message and info.value.hint


def test_bad_yaml_reports_line(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "bad.yaml",
        """
        openapi: 3.0.3
        info:
          title: x
          version: "1"
        paths:
          /a:
            get:
              summary: hi
             responses: {}
        """,
    )
    with pytest.raises(SpecError) as info:
        read_openapi(path)
    assert "invalid YAML" in info.value.message
    assert info.value.location is not None and info.value.location.line == 9
    assert info.value.hint


def test_bad_json_reports_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text('{\n  "openapi": "3.0.0",\n  "info": {,}\n}\n', encoding="utf-8")
    with pytest.raises(SpecError) as info:
        read_openapi(path)
    assert "invalid JSON" in info.value.message
    assert info.value.location is not None and info.value.location.line == 3


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('swagger: "2.0"\ninfo: {title: x, version: "1"}\npaths: {}\n', "Swagger 2.0"),
        ('info: {title: x, version: "1"}\npaths: {}\n', "no 'openapi'"),
        ('openapi: "2.5.0"\ninfo: {title: x, version: "1"}\npaths: {}\n', "unsupported"),
        ("- just\n- a list\n", "top level"),
    ],
)
def test_not_openapi_3(tmp_path: Path, text: str, expected: str) -> None:
    with pytest.raises(SpecError) as info:
        read_openapi(write(tmp_path, "doc.yaml", text))
    assert expected in info.value.message
    assert info.value.hint is not None and "3.0" in info.value.hint and "3.1" in info.value.hint


def test_validation_error_has_pointer_and_line(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "invalid.yaml",
        """
        openapi: 3.0.3
        info: {title: x, version: "1"}
        paths:
          /pets:
            get:
              responses:
                "200":
                  description: ok
                  content:
                    application/json:
                      schema: {$ref: '#/components/schemas/Pet'}
        components:
          schemas:
            Pet:
              type: object
              properties:
                name: {type: strng}
        """,
    )
    with pytest.raises(SpecError) as info:
        read_openapi(path)
    location = info.value.location
    assert location is not None
    assert location.pointer == "/components/schemas/Pet/properties/name/type"
    assert location.line == 17
    assert "strng" in info.value.message


def test_missing_required_field_is_reported(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "invalid.yaml",
        """
        openapi: 3.1.0
        info: {title: x, version: "1"}
        paths:
          /pets:
            get:
              parameters:
                - {name: limit, schema: {type: integer}}
        """,
    )
    with pytest.raises(SpecError) as info:
        read_openapi(path)
    assert info.value.location is not None
    assert info.value.location.pointer == "/paths/~1pets/get/parameters/0"
    assert info.value.location.line == 7
    assert "'in' is a required property" in info.value.message


def test_unresolvable_local_ref(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "ref.yaml",
        """
        openapi: 3.0.3
        info: {title: x, version: "1"}
        paths:
          /a:
            get:
              responses:
                "200":
                  description: ok
                  content:
                    application/json:
                      schema: {$ref: '#/components/schemas/Pett'}
        components:
          schemas:
            Pet: {type: object}
        """,
    )
    with pytest.raises(SpecError) as info:
        read_openapi(path)
    assert "Pett" in info.value.message
    assert info.value.hint is not None and "'Pet'" in info.value.hint
    location = info.value.location
    assert location is not None and location.line == 11
    assert location.pointer == "/paths/~1a/get/responses/200/content/application~1json/schema"


def test_missing_referenced_file(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "api.yaml",
        """
        openapi: 3.0.3
        info: {title: x, version: "1"}
        paths:
          /a:
            get:
              responses:
                "200": {$ref: 'responses.yaml#/Ok'}
        """,
    )
    with pytest.raises(SpecError) as info:
        read_openapi(path)
    assert "responses.yaml" in info.value.message
    assert info.value.location is not None and info.value.location.line == 7


def test_validation_error_behind_ref_points_at_definition(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "invalid.yaml",
        """
        openapi: 3.0.3
        info: {title: x, version: "1"}
        paths:
          /pets:
            get:
              responses:
                "200":
                  description: ok
                  content:
                    application/json:
                      schema: {$ref: '#/components/schemas/Pet'}
        components:
          schemas:
            Pet:
              type: object
              properties:
                age: {type: integer, default: old}
        """,
    )
    with pytest.raises(SpecError) as info:
        read_openapi(path)
    location = info.value.location
    assert location is not None
    assert location.pointer == "/components/schemas/Pet/properties/age"
    assert location.line == 17
    assert "'old' is not of type 'integer'" in info.value.message


def test_remote_ref_with_fragment_is_a_warning(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "remote.yaml",
        """
        openapi: 3.1.0
        info: {title: x, version: "1"}
        paths:
          /things:
            post:
              requestBody:
                content:
                  application/json:
                    schema: {$ref: 'https://example.invalid/defs.json#/components/schemas/Thing'}
              responses:
                "204": {description: done}
        """,
    )
    warnings = Warnings()
    spec = read_openapi(path, warnings)
    body = op(spec, "POST /things").request_body
    assert body is not None and body.type == "object" and body.additional_properties is True
    [warning] = list(warnings)
    assert warning.location is not None and warning.location.line == 9
    assert (
        warning.location.pointer
        == "/paths/~1things/post/requestBody/content/application~1json/schema"
    )


def test_recursive_yaml_alias_is_refused(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "alias.yaml",
        """
        openapi: 3.0.3
        info: {title: x, version: "1"}
        paths: {}
        components:
          schemas:
            Node: &node
              type: object
              properties:
                next: *node
        """,
    )
    with pytest.raises(SpecError) as info:
        read_openapi(path)
    assert "recursive YAML alias" in info.value.message
    assert info.value.hint is not None and "$ref" in info.value.hint


def test_long_ref_chain_does_not_hit_the_recursion_limit(tmp_path: Path) -> None:
    count = 600
    schemas = {
        f"S{i}": {
            "type": "object",
            "properties": {"next": {"$ref": f"#/components/schemas/S{i + 1}"}},
        }
        for i in range(count)
    }
    schemas[f"S{count}"] = {"type": "string"}
    document = {
        "openapi": "3.1.0",
        "info": {"title": "chain", "version": "1"},
        "paths": {},
        "components": {"schemas": schemas},
    }
    path = tmp_path / "chain.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    spec = read_openapi(path)
    node = spec.schemas["S0"]
    for _ in range(count):
        node = node.properties["next"]
    assert node.name == f"S{count}" and node.type == "string"


# --------------------------------------------------------------------------- validation speed


def test_visit_registry_answers_membership_from_a_set() -> None:
    from backend_codegen.spec.validation import _IdRegistry

    registry = _IdRegistry()
    for item in (3, 1, 3):
        registry.append(item)
    assert list(registry) == [3, 1, 3]  # still the list the library appends to
    assert 1 in registry and 3 in registry and 2 not in registry
    assert 2 not in _IdRegistry()


def test_pathable_tests_nodes_with_the_cached_structural_check() -> None:
    """pathable's runtime Protocol check recomputes its members per call on Python 3.11;
    ours gives the same answers from a per-type cache."""
    import collections
    from collections.abc import Mapping

    import pathable.accessors
    from pathable.protocols import Subscriptable

    from backend_codegen.spec.validation import _Subscriptable

    class Lookup(Mapping[str, int]):
        def __getitem__(self, key: str) -> int:
            return 1

        def __iter__(self) -> Iterator[str]:
            return iter(())

        def __len__(self) -> int:
            return 0

    class GetOnly:
        def __getitem__(self, key: str) -> int:
            return 1

    class Unset(GetOnly):
        __contains__ = None
        __len__ = None

    class Full(GetOnly):
        def __contains__(self, key: object) -> bool:
            return True

        def __len__(self) -> int:
            return 0

    values = [
        {},
        [],
        "",
        b"",
        (),
        1,
        1.5,
        None,
        True,
        set(),
        range(2),
        collections.OrderedDict(),
        Lookup(),
        GetOnly(),
        Unset(),
        Full(),
        object(),
    ]
    for value in values:
        assert isinstance(value, _Subscriptable) == isinstance(value, Subscriptable), value
    assert pathable.accessors.Subscriptable is _Subscriptable  # type: ignore[attr-defined]


def test_jsonschema_path_subscripts_the_generics_only_inside_casts() -> None:
    """`_cheap_casts` gives jsonschema_path.resolvers a stand-in for `Resolved` and
    `Resolver` that answers any subscription with the bare class. That is right only while
    the module subscribes them for `typing.cast` alone (a no-op), never to build, test or
    call: this reads the installed module's code to hold it so."""
    import ast
    import inspect

    import jsonschema_path.resolvers as resolvers
    import referencing._core

    from backend_codegen.spec.validation import CAST_ONLY_GENERICS, _Unsubscripted

    tree = ast.parse(inspect.getsource(resolvers))
    in_cast: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "cast":
            in_cast |= {id(n) for n in ast.walk(node.args[0])}
    annotations: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            for arg in [*node.args.args, *node.args.kwonlyargs]:
                if arg.annotation is not None:
                    annotations |= {id(n) for n in ast.walk(arg.annotation)}
            if node.returns is not None:
                annotations |= {id(n) for n in ast.walk(node.returns)}
        elif isinstance(node, ast.AnnAssign):
            annotations |= {id(n) for n in ast.walk(node.annotation)}
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and node.id in CAST_ONLY_GENERICS:
            assert id(node) in in_cast | annotations, (node.id, node.lineno)
    for name in CAST_ONLY_GENERICS:
        stand_in = getattr(resolvers, name)
        assert isinstance(stand_in, _Unsubscripted)
        assert stand_in["anything"] is getattr(referencing._core, name)


def test_the_resolved_path_cache_keeps_every_entry() -> None:
    from jsonschema_path import SchemaPath

    from backend_codegen.spec.validation import _PathCache, _schema_path

    path = _schema_path({"a": {"b": [1, 2]}}, "file:///x.json", {})
    assert isinstance(path.accessor._resolved_cache, _PathCache)
    assert (path / "a" / "b").read_value() == [1, 2]
    assert "b" in (path / "a") and "c" not in (path / "a")
    cache = _PathCache()
    for n in range(5000):  # the library's LRU held 1,024
        cache.set(["k", n], n)
    assert cache.get(("k", 0)) == 0 and cache.get(["k", 4999]) == 4999
    assert cache.get(["k", 5000]) is None
    assert cache.get([["unhashable"]]) is None
    cache.set([["unhashable"]], 1)  # not cached, no error
    assert isinstance(path, SchemaPath)


def test_schema_validators_get_set_backed_registries(tmp_path: Path) -> None:
    """The library's schema validator tests `id in list` per schema visited (quadratic on
    large documents); ours answers from a set, without changing what is reported."""
    from jsonschema_path import SchemaPath

    from backend_codegen.spec.validation import _VALIDATORS, _IdRegistry

    document = {
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {},
        "components": {
            "schemas": {"A": {"type": "object", "required": ["b"], "allOf": [{"type": "object"}]}}
        },
    }
    validator = _VALIDATORS["3.0"](SchemaPath.from_dict(document))
    schema_validator = validator.keyword_validators_registry["schema"]
    assert isinstance(schema_validator.visited_schema_ids, _IdRegistry)
    assert isinstance(schema_validator.meta_checked_schema_ids, _IdRegistry)
    messages = [str(e) for e in validator.iter_errors()]
    assert any("Required list has not defined properties: ['b']" in m for m in messages)


def test_jsonschema_checks_only_the_entries_jsonschema_rs_found_wrong() -> None:
    """A rejected document is re-checked by jsonschema for its messages on the entries that
    hold mistakes only (GitHub's description: 10 s became a fraction of one); the errors and
    their paths are those of checking the whole document."""
    pytest.importorskip("jsonschema_rs")
    from backend_codegen.spec.validation import _document_checker, _document_checkers

    ok_path = {"get": {"responses": {"200": {"description": "ok"}}}}
    document = {
        "openapi": "3.0.3",
        "info": {"title": "t"},  # no version
        "paths": {
            **{f"/fine{n}": ok_path for n in range(50)},
            "/broken": {"get": {"responses": {"200": {}}}},  # no description
        },
        "components": {
            "schemas": {
                **{f"Fine{n}": {"type": "object"} for n in range(50)},
                "Broken": {"type": "object", "required": "name"},  # not a list
            },
            "parameters": {"Limit": {"name": "limit", "in": "query", "schema": {}}},
        },
    }
    checker = _document_checker("3.0", document)
    pruned = checker.pruned
    assert list(pruned["paths"]) == ["/broken"]
    assert list(pruned["components"]["schemas"]) == ["Broken"]
    assert pruned["components"]["parameters"] == {}
    assert document["paths"].keys() >= {"/fine0", "/broken"}  # the document is untouched

    def seen(errors: Iterator[Any]) -> list[tuple[str, list[Any]]]:
        return [(e.message, list(e.absolute_path)) for e in errors]

    precise, _ = _document_checkers("3.0")
    found = seen(checker.iter_errors(document))
    assert found == seen(precise.iter_errors(document))
    assert {tuple(path[:2]) for _, path in found} >= {("info",), ("paths", "/broken")}


def test_the_document_check_falls_back_to_jsonschema_for_its_messages() -> None:
    """jsonschema-rs passes valid documents quickly; a document it rejects is checked again
    by jsonschema, whose errors (with `oneOf` context) the messages are built from."""
    pytest.importorskip("jsonschema_rs")
    from backend_codegen.spec.validation import _document_checker, _NoErrors

    valid = {"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {}}
    assert isinstance(_document_checker("3.0", valid), _NoErrors)
    invalid = {"openapi": "3.0.3", "info": {"title": "t"}, "paths": {}}
    checker = _document_checker("3.0", invalid)
    errors = list(checker.iter_errors(invalid))
    assert errors and "'version' is a required property" in errors[0].message
    valid31 = {"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": {}}
    assert isinstance(_document_checker("3.1", valid31), _NoErrors)
