"""A contract answering both a referenced object and its key (`owner` and `owner_id`, as
GitHub's `head_repository` and `head_repository_id`): one foreign key column, both members
in responses. Before, inference stopped with "Item has two fields named 'owner_id'"."""

from __future__ import annotations

from pathlib import Path

import pytest

from backend_codegen import api
from backend_codegen.verify.runner import verify

SPEC = Path(__file__).parent / "data" / "key-members.yaml"


def test_the_object_and_its_key_are_one_column() -> None:
    model = api.inspect([SPEC]).model
    item = model.entity("Item")
    keys = [f for f in item.fields if f.name == "owner_id"]
    assert len(keys) == 1
    key = keys[0]
    assert key.object_ref and key.foreign_key == "Owner" and key.id_member == "owner_id"
    assert any("same reference's key" in r for r in key.reasons)


def test_responses_carry_both_members() -> None:
    files = {f.path: f.content for f in api.render(api.inspect([SPEC]).model)}
    schema = files["app/schemas/item.py"]
    read = schema[schema.index("class ItemRead(") :]
    read = read[: read.index("\nclass ", 1)] if "\nclass " in read[1:] else read
    assert "owner: OwnerRead" in read and "owner_id: int" in read
    model = files["app/models/item.py"]
    assert model.count("owner_id: Mapped") == 1


@pytest.mark.e2e
def test_the_generated_project_passes_its_tests_and_conformance(tmp_path: Path) -> None:
    result = api.generate([SPEC], tmp_path / "backend")
    outcome = verify(result.project_dir)
    assert outcome.ok, outcome.output[-4000:]
