# ruff: noqa: E501  (the contract below is written one OpenAPI member per line)
"""Shapes a contract gives its resources beyond flat CRUD: objects naming other rows,
read-only lists of the rows pointing back, nested creates under two parents, per-operation
request bodies, list envelopes with page members, deletes answering the row, optional
passwords, and operations answering bare text."""

from __future__ import annotations

from pathlib import Path

import pytest

from backend_codegen import api
from backend_codegen.domain.infer import infer
from backend_codegen.domain.model import DomainModel
from backend_codegen.spec.loader import load_spec

ROOT = Path(__file__).resolve().parents[1]
PETCLINIC = ROOT.parent / "shared" / "corpus" / "specs" / "petclinic-rest.yaml"


def _ok(ref: str, status: str = "200") -> str:
    return (
        f'"{status}": {{description: ok, content: {{application/json: '
        f'{{schema: {{$ref: "#/components/schemas/{ref}"}}}}}}}}'
    )


def _body(ref: str) -> str:
    return f'requestBody: {{required: true, content: {{application/json: {{schema: {{$ref: "#/components/schemas/{ref}"}}}}}}}}'


SPEC = f"""\
openapi: 3.0.3
info: {{title: Clinic, version: "1"}}
paths:
  /ping:
    get:
      responses:
        "200": {{description: ok, content: {{text/plain: {{schema: {{type: string}}}}}}}}
  /owners:
    post:
      {_body("OwnerFields")}
      responses: {{{_ok("Owner", "201")}}}
  /owners/{{ownerId}}:
    parameters: [{{name: ownerId, in: path, required: true, schema: {{type: integer, format: int32, minimum: 0}}}}]
    get:
      responses: {{{_ok("Owner")}, "404": {{description: missing}}}}
  /v2/owners:
    get:
      parameters:
        - {{name: page, in: query, schema: {{type: integer, format: int32, minimum: 0, default: 0}}}}
        - {{name: size, in: query, schema: {{type: integer, format: int32, minimum: 1, default: 20}}}}
      responses: {{{_ok("OwnerPage")}}}
  /owners/{{ownerId}}/pets:
    parameters: [{{name: ownerId, in: path, required: true, schema: {{type: integer, format: int32, minimum: 0}}}}]
    post:
      {_body("PetFields")}
      responses: {{{_ok("Pet", "201")}, "404": {{description: missing}}}}
  /owners/{{ownerId}}/pets/{{petId}}/visits:
    parameters:
      - {{name: ownerId, in: path, required: true, schema: {{type: integer, format: int32, minimum: 0}}}}
      - {{name: petId, in: path, required: true, schema: {{type: integer, format: int32, minimum: 0}}}}
    post:
      {_body("VisitFields")}
      responses: {{{_ok("Visit", "201")}, "404": {{description: missing}}}}
  /pets/{{petId}}:
    parameters: [{{name: petId, in: path, required: true, schema: {{type: integer, format: int32, minimum: 0}}}}]
    get:
      responses: {{{_ok("Pet")}, "404": {{description: missing}}}}
    delete:
      responses: {{{_ok("Pet")}, "404": {{description: missing}}}}
  /pettypes:
    post:
      {_body("PetTypeFields")}
      responses: {{{_ok("PetType")}}}
  /pettypes/{{petTypeId}}:
    parameters: [{{name: petTypeId, in: path, required: true, schema: {{type: integer, format: int32, minimum: 0}}}}]
    put:
      {_body("PetType")}
      responses: {{{_ok("PetType")}, "404": {{description: missing}}}}
  /visits:
    post:
      {_body("Visit")}
      responses: {{{_ok("Visit")}, "400": {{description: bad}}, "404": {{description: missing}}}}
  /users:
    post:
      {_body("User")}
      responses: {{{_ok("User")}}}
components:
  schemas:
    OwnerFields:
      type: object
      required: [name]
      properties:
        name: {{type: string, maxLength: 30}}
    Owner:
      allOf:
        - $ref: "#/components/schemas/OwnerFields"
        - type: object
          required: [id, pets]
          properties:
            id: {{type: integer, format: int32, minimum: 0, readOnly: true}}
            pets: {{type: array, readOnly: true, items: {{$ref: "#/components/schemas/Pet"}}}}
    OwnerPage:
      type: object
      required: [content, page, size, totalElements, totalPages]
      properties:
        content: {{type: array, items: {{$ref: "#/components/schemas/Owner"}}}}
        page: {{type: integer, minimum: 0}}
        size: {{type: integer, minimum: 1}}
        totalElements: {{type: integer, format: int64}}
        totalPages: {{type: integer}}
    PetTypeFields:
      type: object
      required: [name]
      properties:
        name: {{type: string, minLength: 1, maxLength: 80}}
    PetType:
      allOf:
        - $ref: "#/components/schemas/PetTypeFields"
        - type: object
          required: [id]
          properties:
            id: {{type: integer, format: int32, minimum: 0}}
    PetFields:
      type: object
      required: [name, type]
      properties:
        name: {{type: string, maxLength: 30}}
        type: {{$ref: "#/components/schemas/PetType"}}
    Pet:
      allOf:
        - $ref: "#/components/schemas/PetFields"
        - type: object
          required: [id]
          properties:
            id: {{type: integer, format: int32, minimum: 0, readOnly: true}}
            ownerId: {{type: integer, format: int32, readOnly: true}}
            visits: {{type: array, readOnly: true, items: {{$ref: "#/components/schemas/Visit"}}}}
    VisitFields:
      type: object
      required: [description]
      properties:
        description: {{type: string, minLength: 1, maxLength: 255}}
    Visit:
      allOf:
        - $ref: "#/components/schemas/VisitFields"
        - type: object
          required: [id, petId]
          properties:
            id: {{type: integer, format: int32, minimum: 0, readOnly: true}}
            petId: {{type: integer, format: int32, minimum: 0}}
    User:
      type: object
      required: [username]
      properties:
        username: {{type: string, maxLength: 80}}
        password: {{type: string, maxLength: 80}}
"""


@pytest.fixture(scope="module")
def clinic(tmp_path_factory: pytest.TempPathFactory) -> tuple[DomainModel, Path]:
    spec = tmp_path_factory.mktemp("spec") / "clinic.yaml"
    spec.write_text(SPEC)
    return infer(load_spec([spec])), spec


@pytest.fixture(scope="module")
def project(clinic: tuple[DomainModel, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    _, spec = clinic
    return api.generate([spec], tmp_path_factory.mktemp("out") / "backend").project_dir


def _binding(model: DomainModel, key: str):  # type: ignore[no-untyped-def]
    return next(b for b in model.bindings if b.key == key)


def test_an_object_naming_a_row_is_a_foreign_key(clinic: tuple[DomainModel, Path]) -> None:
    model, _ = clinic
    fk = model.entity("Pet").field("type_id")
    assert fk is not None and fk.object_ref and fk.foreign_key == "PetType"
    assert fk.api_name == "type" and fk.required and fk.type == "integer"
    rel = next(r for r in model.entity("Pet").relations if r.fk_field == "type_id")
    assert rel.kind == "many_to_one" and rel.name == "type"
    assert model.find("Type") is None  # no entity made of the member's name


def test_read_only_lists_of_rows_pointing_back_are_children(
    clinic: tuple[DomainModel, Path],
) -> None:
    model, _ = clinic
    pets = next(r for r in model.entity("Owner").relations if r.name == "pets")
    assert (pets.kind, pets.target, pets.fk_field, pets.join_table) == (
        "children",
        "Pet",
        "owner_id",
        None,
    )
    visits = next(r for r in model.entity("Pet").relations if r.name == "visits")
    assert visits.kind == "children" and visits.fk_field == "pet_id"


def test_each_write_reads_its_own_body_schema(clinic: tuple[DomainModel, Path]) -> None:
    model, _ = clinic
    nested = _binding(model, "POST /owners/{ownerId}/pets/{petId}/visits")
    assert nested.body_members == ["description"] and nested.body_schema == "VisitFields"
    assert (nested.grand_param, nested.grand_fk) == ("ownerId", "owner_id")
    flat = _binding(model, "POST /visits")
    assert flat.body_members == ["description", "petId"]  # the read-only id is not in it
    assert flat.body_required == ["description", "petId"]
    # the id is in the replace body only: it names the row there, the server keeps keys
    key = model.entity("PetType").field("id")
    assert key is not None and key.read_only
    assert _binding(model, "PUT /pettypes/{petTypeId}").body_required == ["name", "id"]


def test_page_envelopes_deletes_and_bare_text(clinic: tuple[DomainModel, Path]) -> None:
    model, _ = clinic
    page = _binding(model, "GET /v2/owners")
    assert (page.list_shape, page.response_key, page.count_key) == (
        "envelope",
        "content",
        "totalElements",
    )
    assert page.list_meta == {"page": "page", "size": "size", "totalPages": "pages"}
    assert [p.zero_based for p in page.page_params or []] == [True, False]
    assert _binding(model, "DELETE /pets/{petId}").answers_row
    ping = _binding(model, "GET /ping")
    assert ping.action == "custom" and ping.entity is None
    password = model.entity("User").field("password_hash")
    assert password is not None and not password.required and password.nullable


def test_generated_code_for_those_shapes(project: Path) -> None:
    pet_schemas = (project / "app" / "schemas" / "pet.py").read_text()
    flat = " ".join(pet_schemas.split())
    assert "type_id: Annotated[PetTypeRef, AfterValidator(ref_key), KeyOnly] = Field(" in flat
    assert "type: PetTypeRead" in pet_schemas and "visits: list[VisitRead]" in pet_schemas
    type_schemas = " ".join((project / "app" / "schemas" / "pet_type.py").read_text().split())
    # the object is checked as the contract declares it: its id's bounds, its members
    assert "class PetTypeRef(BaseModel):" in type_schemas
    assert "id: JsonInt = Field(ge=0, le=2147483647)" in type_schemas
    assert "class PetTypeReplacePetTypeBody(PetTypeCreate):" in type_schemas
    assert "id: JsonInt = Field(ge=0, le=2147483647, exclude=True)" in type_schemas
    visit_schemas = " ".join((project / "app" / "schemas" / "visit.py").read_text().split())
    assert "class VisitFieldsBody(VisitCreate):" in visit_schemas
    assert "pet_id: SkipJsonSchema[Any] = Field(None, exclude=True)" in visit_schemas
    owner_model = " ".join((project / "app" / "models" / "owner.py").read_text().split())
    assert (
        'primaryjoin="and_(Owner.id == Pet.owner_id, Pet.deleted_at.is_(None))", '
        'viewonly=True, lazy="selectin"' in owner_model
    )
    assert "owner_pets" not in owner_model  # no join table for a list pointing back
    pet_model = " ".join((project / "app" / "models" / "pet.py").read_text().split())
    assert 'relationship(foreign_keys="Pet.type_id", lazy="selectin")' in pet_model
    visits = " ".join((project / "app" / "api" / "routes" / "visit.py").read_text().split())
    assert "await pet_service.get_pet(session, pet_id, owner_id=owner_id)" in visits
    owners = " ".join((project / "app" / "api" / "routes" / "owner.py").read_text().split())
    assert "page = max(0, page or 0) + 1" in owners
    assert "total_pages=(-(-total // size) if size else 0)" in owners
    assert "page=(page - 1)" in owners
    pets = " ".join((project / "app" / "api" / "routes" / "pet.py").read_text().split())
    assert "answer = PetRead.model_validate(row)" in pets
    user_schemas = " ".join((project / "app" / "schemas" / "user.py").read_text().split())
    assert "password: Annotated[str, Field(max_length=80)] | SkipJsonSchema[None] = None" in (
        user_schemas
    )
    security = (project / "app" / "core" / "security.py").read_text()
    assert "password_hash is not None and _hasher.verify" in security
    service = (project / "app" / "services" / "pet.py").read_text()
    assert "await session.refresh(row" in service


@pytest.mark.skipif(not PETCLINIC.exists(), reason="shared corpus not available")
def test_petclinic_relations_come_from_the_contract() -> None:
    model = infer(load_spec([PETCLINIC]))
    assert model.find("Oop") is None  # GET /oops answers text: an operation, not a resource
    kinds = {(e.name, r.name): r.kind for e in model.entities for r in e.relations}
    assert kinds[("Owner", "pets")] == "children"
    assert kinds[("Pet", "visits")] == "children"
    assert kinds[("Pet", "type")] == "many_to_one"
    assert kinds[("Vet", "specialties")] == "many_to_many"


@pytest.mark.skipif(not PETCLINIC.exists(), reason="shared corpus not available")
def test_objects_without_their_read_only_id_name_rows_by_name(tmp_path: Path) -> None:
    project = api.generate([PETCLINIC], tmp_path / "backend").project_dir
    vets = " ".join((project / "app" / "services" / "vet.py").read_text().split())
    assert 'load_refs(session, Specialty, data.specialties, "specialties", "name")' in vets
    refs = " ".join((project / "app" / "schemas" / "specialty.py").read_text().split())
    # Specialty's id is readOnly: an object may leave it out and name the row instead
    assert (
        "id: Annotated[JsonInt, Field(ge=0, le=2147483647)] | SkipJsonSchema[None] = None" in refs
    )
    assert 'named["name"] = linked.name' in (project / "tests" / "test_vet.py").read_text()


SWAGGER = ROOT.parent / "shared" / "corpus" / "specs" / "swagger-petstore-v3.yaml"


@pytest.mark.skipif(not SWAGGER.exists(), reason="shared corpus not available")
def test_xml_and_form_bodies_and_json_members(tmp_path: Path) -> None:
    model = infer(load_spec([SWAGGER]))
    order = _binding(model, "POST /api/v3/store/order")
    assert order.xml_body and order.form_body and not order.form_nested
    assert _binding(model, "POST /api/v3/pet").form_nested  # tags: [Tag], category: {...}
    account = model.entity("User")
    assert account.login_field == "username"  # GET /user/login takes ?username=&password=
    email = account.field("email")
    assert email is not None and not email.required  # the contract does not require it
    category = model.entity("Pet").field("category")
    assert category is not None and category.json_kind == "object"
    assert [(m.api_name, m.type) for m in category.members] == [
        ("id", "bigint"),
        ("name", "string"),
    ]

    project = api.generate([SWAGGER], tmp_path / "backend").project_dir
    deps = (project / "app" / "api" / "deps.py").read_text()
    assert "def _xml_body(" in deps and 'b"<!DOCTYPE" in raw.upper()' in deps
    assert "data[key] = []  # an empty array has no field in a form" in deps
    pets = " ".join((project / "app" / "schemas" / "pet.py").read_text().split())
    assert "class CategoryJson(JsonMembers):" in pets  # named after the contract's schema
    assert "category: Annotated[CategoryJson, AsSent] | SkipJsonSchema[None] = None" in pets
    users = " ".join((project / "app" / "schemas" / "user.py").read_text().split())
    # an id in a patch body names the row as the path does: checked against int64, not used
    assert "class UserUpdate(UpdateSchema):" in users
    assert "le=9223372036854775807)] | SkipJsonSchema[None] ) = Field(None, exclude=True)" in users
    assert (
        "async def test_create_order_from_xml(" in (project / "tests" / "test_order.py").read_text()
    )
    pyproject = (project / "pyproject.toml").read_text()
    assert 'form-nested = ["POST /pet", "PUT /pet"]' in pyproject


def test_text_encodings_make_their_own_gaps() -> None:
    from backend_codegen.verify.conformance import Finding, gap_of

    typed = Finding(
        "POST /pet", "ST201", 200, "Invalid component: in body - photoUrls: Incorrect type"
    )
    typed.media = "application/x-www-form-urlencoded"
    assert "text only" in gap_of(typed, frozenset())
    typed.media = "application/json"
    assert gap_of(typed, frozenset()) == ""  # JSON carries types: a real failure
    bounded = Finding("PUT /user", "ST201", 200, "Invalid component: in body - id: Value greater")
    bounded.media = "application/xml"
    assert gap_of(bounded, frozenset()) == ""  # a bound is checked whatever the encoding
    nested = Finding("POST /pet", "ST202", 422, "Valid data should have been accepted")
    nested.media = "application/x-www-form-urlencoded"
    assert gap_of(nested, frozenset(), frozenset(), frozenset({"POST /pet"}))
    assert gap_of(nested, frozenset(), frozenset(), frozenset()) == ""


GALAXY = ROOT.parent / "shared" / "corpus" / "specs" / "scalar-galaxy.yaml"


@pytest.mark.skipif(not GALAXY.exists(), reason="shared corpus not available")
def test_closed_objects_typed_extras_and_exclusive_bounds(tmp_path: Path) -> None:
    model = infer(load_spec([GALAXY]))
    planet = model.entity("Planet")
    # `additionalProperties: false`: responses answer the contract's members only
    assert planet.closed_members is not None and "created_at" not in planet.closed_members
    physical = planet.field("physical_properties")
    assert physical is not None and physical.extra_members is not None
    assert physical.extra_members != "closed" and physical.extra_members.type == "float"
    mass = next(m for m in physical.members if m.api_name == "mass")
    assert mass.minimum == 0 and mass.exclusive_minimum  # exclusiveMinimum: 0 (3.1 form)

    project = api.generate([GALAXY], tmp_path / "backend").project_dir
    schemas = " ".join((project / "app" / "schemas" / "planet.py").read_text().split())
    assert "__pydantic_extra__: dict[str, StrictFloat] = Field(init=False)" in schemas
    assert "mass: Annotated[StrictFloat, Field(gt=0.0)] | SkipJsonSchema[None] = None" in schemas
    read = schemas[schemas.index("class PlanetRead(ReadSchema):") :]
    assert "created_at" not in read.split("class ", 2)[1]  # not a member of the contract
    # a schema inside itself (Planet > satellites > orbit > planet): one class, named ahead
    satellites = " ".join((project / "app" / "schemas" / "satellite.py").read_text().split())
    assert 'planet: Annotated["PlanetJson", AsSent] | SkipJsonSchema[None] = None' in satellites
    assert "satellites: list[Annotated[SatelliteJson, AsSent]]" in satellites
    assert "_model.model_rebuild()" in satellites
    auth = " ".join((project / "app" / "api" / "routes" / "auth.py").read_text().split())
    # register and login also read XML bodies, as the contract declares them
    assert "Annotated[LoginRequest, Depends(required_body(LoginRequest))]" in auth


def test_verify_gives_the_token_to_the_contracts_own_scheme(tmp_path: Path) -> None:
    from backend_codegen.verify.conformance import Contract, _scheme_auth

    spec = tmp_path / "contract.yaml"
    spec.write_text(
        "components:\n  securitySchemes:\n"
        "    bearer: {type: http, scheme: bearer}\n"
        "    key: {type: apiKey, in: header, name: X-API-Key}\n"
    )
    contract = Contract(str(spec), "", True, False)
    assert _scheme_auth(contract, "X-API-Key: abc") == '[auth.openapi."key"]\napi_key = "abc"\n'
    assert _scheme_auth(contract, "Authorization: Bearer t") == (
        '[auth.openapi."bearer"]\nbearer = "t"\n'
    )
    assert _scheme_auth(contract, "X-Other: abc") is None
    spec.write_text(
        "components:\n  securitySchemes:\n    key: {type: apiKey, in: header, name: K}\n"
    )
    assert _scheme_auth(contract, "K: abc") is None  # one scheme: a plain header is enough


@pytest.mark.skipif(not SWAGGER.exists(), reason="shared corpus not available")
def test_xml_wrapping_comes_from_the_contract(tmp_path: Path) -> None:
    model = infer(load_spec([SWAGGER]))
    photos = model.entity("Pet").field("photo_urls")
    assert photos is not None and photos.xml_wrapped
    tags = next(r for r in model.entity("Pet").relations if r.name == "tags")
    assert tags.xml_wrapped
    project = api.generate([SWAGGER], tmp_path / "backend").project_dir
    deps = (project / "app" / "api" / "deps.py").read_text()
    assert '(declared.get("xml") or {}).get("wrapped")' in deps
    pets = (project / "app" / "schemas" / "pet.py").read_text()
    assert 'json_schema_extra={"xml": {"wrapped": True}}' in pets
