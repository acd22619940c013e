"""An OpenAPI 3.0 design where a create body names its venue by `venue_id` while answers
carry both `venue_id` and the `venue` object, with a `sort` parameter and a tag filter
(tests/data/events-api.yaml). Before: `venue_id` was read-only (the body's value was
ignored and answers left it out), `?sort=` was neither applied nor checked, the filter
test compared the venue object with a key, and the tag filter's test matched other rows'
tags of the same name."""

from __future__ import annotations

from pathlib import Path

import pytest

from backend_codegen import api

SPEC = Path(__file__).parent / "data" / "events-api.yaml"


@pytest.fixture(scope="module")
def files() -> dict[str, str]:
    return {f.path: f.content for f in api.render(api.inspect([SPEC]).model)}


def test_a_body_naming_a_row_by_its_key_writes_the_key(files: dict[str, str]) -> None:
    event = api.inspect([SPEC]).model.entity("Event")
    ref = next(f for f in event.fields if f.name == "venue_id")
    assert (ref.object_ref, ref.id_member, ref.key_in_body) == (True, "venue_id", True)
    assert (ref.read_only, ref.required) == (False, True)
    schema = files["app/schemas/event.py"]
    assert "    venue_id: JsonInt\n" in schema  # the create body's key
    assert "    venue: VenueRead\n" in schema and "    venue_id: int\n" in schema  # answers


def test_a_sort_parameter_orders_the_rows(files: dict[str, str]) -> None:
    listing = next(b for b in api.inspect([SPEC]).model.bindings if b.operation_id == "listEvents")
    assert listing.sort_keys == {
        "starts_at": ("starts_at", False),
        "-starts_at": ("starts_at", True),
        "title": ("title", False),
        "-title": ("title", True),
    }
    routes = files["app/api/routes/event.py"]
    assert 'sort: Annotated[Literal["starts_at", "-starts_at", "title", "-title"] | None' in routes
    service = files["app/services/event.py"]
    assert '"-starts_at": (Event.starts_at.desc(),),' in service
    assert "stmt.order_by(*order, Event.id)" in service
    assert "async def test_list_events_sorted_by_starts_at(" in files["tests/test_event.py"]


def test_a_sort_parameter_naming_no_field_is_checked_and_reported(tmp_path: Path) -> None:
    spec = tmp_path / "sort.yaml"
    spec.write_text(
        SPEC.read_text().replace(
            "enum: [starts_at, -starts_at, title, -title]", "enum: [popularity]"
        )
    )
    inspection = api.inspect([spec])
    listing = next(b for b in inspection.model.bindings if b.operation_id == "listEvents")
    assert listing.sort_keys == {} and [q.name for q in listing.unused_query] == ["sort"]
    assert any("orders the rows, but its values" in w.message for w in inspection.warnings)


def test_the_filter_tests_compare_keys_and_make_their_own_tag(files: dict[str, str]) -> None:
    tests = files["tests/test_event.py"]
    assert 'all(item["venue_id"] == json_id(row.venue_id) for item in items)' in tests
    assert 'linked = await make_tag(session, name=unique_text("linked", 30))' in tests


def test_it_generates_without_a_warning() -> None:
    assert [w.message for w in api.inspect([SPEC]).warnings] == []  # every operation inferred
