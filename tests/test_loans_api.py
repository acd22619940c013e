"""An OpenAPI 3.1 design with closed bodies, string keys with a pattern, a problem+json
error contract and server-kept times (tests/data/loans-api.yaml), whose generated project
failed its own tests before: the tests sent an `id` in a body that allows none, a pattern
(`isbn`) had no sample value that matched it, and `joined_at`, read-only and in every
answer, was answered as null."""

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
