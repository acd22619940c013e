# ruff: noqa: E501  (the contract below is written one OpenAPI member per line)
"""Bodies that are one of several kinds of row (`oneOf` / `anyOf`, with or without a
discriminator), and copies of rows inside JSON members that must name the row they copy."""

from __future__ import annotations

from pathlib import Path

import pytest

from backend_codegen import api
from backend_codegen.domain.infer import infer
from backend_codegen.domain.model import DomainModel
from backend_codegen.spec.loader import load_spec
from backend_codegen.verify.runner import verify


def _ok(ref: str, status: str = "201") -> str:
    return (
        f'"{status}": {{description: ok, content: {{application/json: '
        f'{{schema: {{$ref: "#/components/schemas/{ref}"}}}}}}}}'
    )


def _body(ref: str) -> str:
    return f'requestBody: {{required: true, content: {{application/json: {{schema: {{$ref: "#/components/schemas/{ref}"}}}}}}}}'


SPEC = f"""\
openapi: 3.1.0
info: {{title: Sky, version: "1"}}
paths:
  /planets:
    post:
      {_body("Planet")}
      responses: {{{_ok("Planet")}, "400": {{description: bad}}}}
  /planets/{{planetId}}:
    parameters: [{{name: planetId, in: path, required: true, schema: {{type: integer}}}}]
    get:
      responses: {{{_ok("Planet", "200")}, "404": {{description: missing}}}}
  /moons:
    post:
      {_body("Moon")}
      responses: {{{_ok("Moon")}, "400": {{description: bad}}, "409": {{description: conflict}}}}
  /bodies:
    post:
      {_body("CelestialBody")}
      responses: {{{_ok("CelestialBody")}, "400": {{description: bad}}, "409": {{description: conflict}}}}
  /things:
    post:
      {_body("Thing")}
      responses: {{{_ok("Thing")}, "400": {{description: bad}}}}
components:
  schemas:
    Planet:
      type: object
      required: [id, name]
      additionalProperties: false
      properties:
        id: {{type: integer, format: int64, readOnly: true}}
        name: {{type: string, maxLength: 40}}
        kind: {{type: string, enum: [rocky, gas]}}
    Moon:
      type: object
      required: [name]
      properties:
        id: {{type: integer, format: int64, readOnly: true}}
        name: {{type: string, maxLength: 40}}
        kind: {{type: string, enum: [moon]}}
        orbit:
          type: object
          properties:
            planet: {{$ref: "#/components/schemas/Planet"}}
            period: {{type: number}}
    CelestialBody:
      oneOf:
        - $ref: "#/components/schemas/Planet"
        - $ref: "#/components/schemas/Moon"
      discriminator:
        propertyName: kind
        mapping: {{rocky: "#/components/schemas/Planet", gas: Planet, moon: "#/components/schemas/Moon"}}
    Rock:
      type: object
      required: [name]
      properties:
        id: {{type: integer, readOnly: true}}
        name: {{type: string, maxLength: 40}}
        weight: {{type: number}}
    Comet:
      type: object
      required: [tail]
      properties:
        id: {{type: integer, readOnly: true}}
        tail: {{type: string, maxLength: 40}}
    Thing:
      anyOf:
        - $ref: "#/components/schemas/Rock"
        - $ref: "#/components/schemas/Comet"
"""


@pytest.fixture(scope="module")
def sky(tmp_path_factory: pytest.TempPathFactory) -> tuple[DomainModel, Path]:
    spec = tmp_path_factory.mktemp("spec") / "sky.yaml"
    spec.write_text(SPEC)
    return infer(load_spec([spec])), spec


def _binding(model: DomainModel, key: str):  # type: ignore[no-untyped-def]
    return next(b for b in model.bindings if b.key == key)


def test_a_one_of_body_creates_a_row_of_the_kind_sent(sky: tuple[DomainModel, Path]) -> None:
    model, _ = sky
    bodies = _binding(model, "POST /bodies")
    assert bodies.action == "create_union" and bodies.entity is None
    assert bodies.union == "CelestialBody" and bodies.discriminator == "kind" and bodies.one_of
    # the mapping names schemas by reference or by bare name; each value names its kind
    assert [(v.entity, v.tags) for v in bodies.variants] == [
        ("Planet", ["rocky", "gas"]),
        ("Moon", ["moon"]),
    ]
    assert bodies.status_code == 201 and bodies.function == "create_celestial_body"
    assert model.find("CelestialBody") is None  # the union is no table of its own


def test_an_any_of_body_without_discriminator_makes_its_kinds_entities(
    sky: tuple[DomainModel, Path],
) -> None:
    model, _ = sky
    things = _binding(model, "POST /things")
    assert things.action == "create_union" and not things.one_of
    assert things.discriminator is None
    assert [(v.entity, v.tags) for v in things.variants] == [("Rock", []), ("Comet", [])]
    rock = model.entity("Rock")  # no endpoint of its own: made by the union's create
    assert [f.api_name for f in rock.data_fields] == ["name", "weight"]
    assert model.find("Thing") is None


def test_a_copy_of_a_row_inside_json_is_marked(sky: tuple[DomainModel, Path]) -> None:
    model, _ = sky
    orbit = model.entity("Moon").field("orbit")
    assert orbit is not None
    planet = next(m for m in orbit.members if m.api_name == "planet")
    key = next(m for m in planet.members if m.api_name == "id")
    assert key.row_key and key.read_only and not key.required  # required in responses only


def test_generated_code_for_unions_and_copies(
    sky: tuple[DomainModel, Path], tmp_path: Path
) -> None:
    _, spec = sky
    project = api.generate([spec], tmp_path / "backend").project_dir
    union = " ".join((project / "app" / "schemas" / "celestial_body.py").read_text().split())
    assert 'Annotated[PlanetCreate, Tag("Planet")] | Annotated[MoonCreate, Tag("Moon")]' in union
    assert '"kind", {"rocky": "Planet", "gas": "Planet", "moon": "Moon"}' in union
    assert "one_of=True" in union
    things = " ".join((project / "app" / "schemas" / "thing.py").read_text().split())
    assert "None, {}, {" in things and "one_of=False" in things
    routes = " ".join(
        (project / "app" / "api" / "routes" / "celestial_body.py").read_text().split()
    )
    assert "if isinstance(payload, PlanetCreate):" in routes
    assert "return _answer(MoonRead, row2)" in routes
    moons = " ".join((project / "app" / "schemas" / "moon.py").read_text().split())
    assert 'names_row: ClassVar[tuple[str, str | None]] = ("planets", "name")' in moons
    assert (
        "await resolve_copies(session, data)"
        in (project / "app" / "services" / "moon.py").read_text()
    )
    tests = (project / "tests" / "test_moon.py").read_text()
    assert "async def test_create_moon_names_the_planet_its_copy_copies(" in tests


@pytest.mark.e2e
def test_generated_project_makes_each_kind_and_names_copied_rows(
    sky: tuple[DomainModel, Path], tmp_path: Path
) -> None:
    """The generated suite passes (a row of each kind, bodies of no kind refused, copies
    naming rows), and so does schemathesis against the live server."""
    _, spec = sky
    project = api.generate([spec], tmp_path / "backend").project_dir
    outcome = verify(project)
    assert outcome.ok, outcome.output[-4000:]
    assert "test_create_celestial_body_makes_a_moon PASSED" in outcome.output or outcome.passed
    conformance = api.conformance(project, max_examples=30, seed=1)
    assert conformance.ok, conformance.output[-6000:]
    assert conformance.failures == 0


def test_a_discriminator_pinned_to_one_value_is_a_gap() -> None:
    from backend_codegen.verify.conformance import Finding, gap_of

    pinned = Finding(
        "POST /bodies",
        "ST201",
        201,
        "Invalid component: in body - violates `enum` at /oneOf/0/allOf/1/properties/kind",
    )
    assert "pins each kind" in gap_of(pinned, frozenset(), several_tags=frozenset({"POST /bodies"}))
    # an operation whose mapping gives each kind one value: a real failure
    assert gap_of(pinned, frozenset()) == ""
    other = Finding("POST /bodies", "ST201", 201, "Invalid component: in body - name: too long")
    assert gap_of(other, frozenset(), several_tags=frozenset({"POST /bodies"})) == ""


def test_closed_bodies_refuse_other_members(sky: tuple[DomainModel, Path], tmp_path: Path) -> None:
    model, spec = sky
    assert model.entity("Planet").closed_body == ["id", "kind", "name"]
    assert model.entity("Moon").closed_body is None  # an open schema allows other members
    project = api.generate([spec], tmp_path / "backend").project_dir
    planets = " ".join((project / "app" / "schemas" / "planet.py").read_text().split())
    assert (
        'allowed_members: ClassVar[frozenset[str] | None] = frozenset(["id", "kind", "name"])'
        in (planets)
    )
    pyproject = (project / "pyproject.toml").read_text()
    assert 'several-tags = ["POST /bodies"]' in pyproject  # rocky and gas both name Planet


GALAXY = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "specs" / "scalar-galaxy.yaml"


@pytest.mark.skipif(not GALAXY.exists(), reason="shared corpus not available")
def test_galaxy_bodies_copies_and_security_schemes(tmp_path: Path) -> None:
    model = infer(load_spec([GALAXY]))
    bodies = _binding(model, "POST /celestial-bodies")
    assert [v.entity for v in bodies.variants] == ["Planet", "Satellite"]
    assert bodies.variants[1].tags == ["moon", "asteroid", "comet"]
    satellite = model.entity("Satellite")
    assert satellite.owned_by == "Planet"  # written inside a planet, and on its own
    planet_id = satellite.field("planet_id")
    assert planet_id is not None and planet_id.nullable
    # several schemes: the generated conformance test gives the token to the one read
    assert model.auth.scheme == "apiKey" and model.auth.scheme_name == "apiKeyHeader"
    project = api.generate([GALAXY], tmp_path / "backend").project_dir
    conformance = (project / "tests" / "test_conformance.py").read_text()
    assert 'schema.config.auth.openapi.schemes["apiKeyHeader"] = credentials' in conformance
    planets = (project / "app" / "schemas" / "planet.py").read_text()
    assert '"user"' in planets  # the XML element name of `creator` is allowed in bodies
