"""An OpenAPI 3.1 design with closed bodies, string keys with a pattern, a problem+json
error contract and server-kept times (tests/data/loans-api.yaml), whose generated project
failed its own tests before: the tests sent an `id` in a body that allows none, a pattern
(`isbn`) had no sample value that matched it, `joined_at`, read-only and in every answer,
was answered as null, the list answered our own page instead of the contract's
`{"data": [...], "next_cursor": ...}` and ignored `?cursor=`, and `q` took any length."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from backend_codegen import api
from backend_codegen.domain.model import Field
from backend_codegen.domain.samples import sample_value

SPEC = Path(__file__).parent / "data" / "loans-api.yaml"


@pytest.fixture(scope="module")
def files() -> dict[str, str]:
    return {f.path: f.content for f in api.render(api.inspect([SPEC]).model)}


def test_a_closed_create_body_gets_no_id_from_the_tests(files: dict[str, str]) -> None:
    tests = files["tests/test_member.py"]
    assert '"id": "x"' not in tests
    assert 'client.post("/members", json=payload' in tests


def test_a_read_only_time_every_answer_requires_is_the_time_the_row_is_made(
    files: dict[str, str],
) -> None:
    member = api.inspect([SPEC]).model.entity("Member")
    joined = next(f for f in member.fields if f.name == "joined_at")
    assert joined.stamped and not joined.nullable
    model = files["app/models/member.py"]
    assert (
        "joined_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)"
        in model
    )


@pytest.mark.parametrize(
    "pattern",
    [r"^(97[89])?\d{9}[\dX]$", r"^[A-Z]{3}-\d{4}$", r"^m_[a-z0-9]{8}$"],
)
def test_a_pattern_gets_sample_values_it_matches(pattern: str) -> None:
    fld = Field(name="isbn", api_name="isbn", type="string", length=20, pattern=pattern)
    values = [sample_value(fld, n) for n in range(3)]
    assert all(re.search(pattern, v) for v in values), values
    assert values == [sample_value(fld, n) for n in range(3)]  # the same on every run


def test_a_pattern_python_cannot_read_is_left_to_the_app() -> None:
    fld = Field(name="title", api_name="title", type="string", length=20, pattern=r"^\p{L}+$")
    assert re.fullmatch(r"[A-Za-z]+", sample_value(fld, 0))


def test_a_cursor_envelope_pages_by_key(files: dict[str, str]) -> None:
    model = api.inspect([SPEC]).model
    listing = next(b for b in model.bindings if b.operation_id == "listMembers")
    assert (listing.list_shape, listing.response_key) == ("envelope", "data")
    assert listing.list_meta == {"next_cursor": "cursor"}
    assert [(p.role, p.name) for p in listing.page_params or []] == [
        ("limit", "limit"),
        ("cursor", "cursor"),
    ]
    assert listing.unused_query == []
    routes = files["app/api/routes/member.py"]
    assert "cursor: Annotated[str | None, Query(description=CURSOR_HELP)] = None" in routes
    assert "after=cursor" in routes
    assert "next_cursor=str(rows[-1].id) if rows and len(rows) == size else None" in routes
    schema = files["app/schemas/member.py"]
    # no next page: the member is left out (the contract does not require it)
    assert "next_cursor: str | None = Field(None, exclude_if=lambda value: value is None)" in schema
    assert (
        "async def test_list_members_pages_with_the_contracts_cursor("
        in files["tests/test_member.py"]
    )


def test_a_filter_keeps_the_bounds_its_parameter_declares(files: dict[str, str]) -> None:
    routes = files["app/api/routes/member.py"]
    assert "q: Annotated[str | None, Query(max_length=50)] = None" in routes


def test_a_cursor_the_envelope_requires_is_answered_as_null(tmp_path: Path) -> None:
    spec = tmp_path / "required.yaml"
    spec.write_text(SPEC.read_text().replace("required: [data]", "required: [data, next_cursor]"))
    model = api.inspect([spec]).model
    listing = next(b for b in model.bindings if b.operation_id == "listMembers")
    assert listing.list_meta == {"next_cursor": "cursor_null"}
    schema = {f.path: f.content for f in api.render(model)}["app/schemas/member.py"]
    assert "    next_cursor: str | None = None\n" in schema


def test_it_generates_without_a_warning() -> None:
    assert [w.message for w in api.inspect([SPEC]).warnings] == []  # every operation inferred
