"""Member shapes a contract commonly declares, each once held wrong by the generated project:
bounds on an array and on its items, an integer enum, a write-only member, a nullable
formatted member sent as "" (OpenAPI 3.0 against 3.1), a URI member dumped back."""

from __future__ import annotations

from pathlib import Path

import pytest

from backend_codegen import api
from backend_codegen.domain.samples import sample_value

SPEC = Path(__file__).parent / "data" / "member-shapes.yaml"


@pytest.fixture(scope="module")
def files() -> dict[str, str]:
    return {f.path: f.content for f in api.render(api.inspect([SPEC]).model)}


def _flat(text: str) -> str:
    """The text without whitespace (and without the trailing commas formatting adds)."""
    return "".join(text.split()).replace(",]", "]").replace(",)", ")")


def test_an_array_is_held_to_its_item_count_and_each_item_to_its_schema(
    files: dict[str, str],
) -> None:
    """Before: `tags: list[StrictStr]`, so seven tags of any length were stored, and the
    answer broke the contract's `maxItems`."""
    schema = _flat(files["app/schemas/gadget.py"])
    tags = 'list[Annotated[StrictStr, Field(max_length=20, pattern="^[a-z0-9 -]+$")]]'
    assert _flat(f"tags: (Annotated[{tags}, Field(min_length=2, max_length=5)]") in schema
    assert _flat("scores: list[Annotated[JsonInt, Field(ge=0, le=100)]]") in schema
    kinds = api.inspect([SPEC]).model.entity("Gadget")
    sample = sample_value(next(f for f in kinds.fields if f.name == "tags"), 0)
    assert 2 <= len(sample) <= 5 and len(set(sample)) == len(sample)
    assert all(len(tag) <= 20 for tag in sample)


def test_an_integer_enum_takes_only_its_values(files: dict[str, str]) -> None:
    """Before: `level` (enum 1, 2, 3) took any integer and answered it back."""
    schema = files["app/schemas/gadget.py"]
    assert "level: Annotated[Literal[1, 2, 3], JsonIntegerOnly]" in schema
    model = api.inspect([SPEC]).model
    level = next(f for f in model.entity("Gadget").fields if f.name == "level")
    assert level.int_enum == [1, 2, 3]
    assert {sample_value(level, n) for n in range(6)} == {1, 2, 3}


def test_a_write_only_member_is_not_expected_back(files: dict[str, str]) -> None:
    """Before: the generated tests asserted the answer carried `secret`, which the server
    rightly never returns."""
    tests = files["tests/test_gadget.py"]
    assert '"secret"' in files["tests/factories.py"]  # still sent
    assert '["secret"]' not in tests
    assert 'body["name"] == payload["name"]' in tests


def test_an_empty_formatted_member_is_null_only_where_formats_are_annotations(
    tmp_path: Path,
) -> None:
    """OpenAPI 3.0 validators hold `format: date-time` as a check: "" is invalid input
    there (before: stored as null, and schemathesis flagged it accepted). From 3.1 on a
    format is an annotation, and "" a valid value stored as no value."""
    model = api.inspect([SPEC]).model
    last_seen = next(f for f in model.entity("Gadget").fields if f.name == "last_seen")
    assert not last_seen.empty_is_null
    spec = tmp_path / "v31.yaml"
    text = SPEC.read_text().replace("openapi: 3.0.3", "openapi: 3.1.0")
    text = text.replace(
        "last_seen: {type: string, format: date-time, nullable: true}",
        'last_seen: {type: [string, "null"], format: date-time}',
    )
    spec.write_text(text.replace("minimum: 0, exclusiveMinimum: true", "exclusiveMinimum: 0"))
    model = api.inspect([spec]).model
    last_seen = next(f for f in model.entity("Gadget").fields if f.name == "last_seen")
    assert last_seen.empty_is_null
