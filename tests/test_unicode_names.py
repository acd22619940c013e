"""Members, parameters and schemas named outside ASCII (`größe`, `名前`, `имя`): the
identifiers, tables and columns are written in ASCII, the contract keeps its names."""

from __future__ import annotations

from pathlib import Path

import pytest

from backend_codegen import api
from backend_codegen.errors import SpecError

SPEC = Path(__file__).parent / "data" / "unicode-names.yaml"


def test_fields_are_ascii_and_answer_under_the_contracts_names() -> None:
    model = api.inspect([SPEC]).model
    kunde = model.entity("Kunde")
    names = {f.api_name: (f.name, f.column) for f in kunde.fields if not f.system}
    assert names == {
        "名前": ("ming_qian", "ming_qian"),
        "größe": ("grosse", "grosse"),
        "straße": ("strasse", "strasse"),
        "stadt": ("stadt", "stadt"),
        "café_besucht": ("cafe_besucht", "cafe_besucht"),
        "имя": ("imya", "imya"),
    }
    listing = next(b for b in model.bindings if b.operation_id == "listKunden")
    assert {f.param: f.target for f in listing.filters} == {"stadt": "stadt", "名前": "ming_qian"}


def test_the_schemas_and_routes_keep_the_contracts_names() -> None:
    files = {f.path: f.content for f in api.render(api.inspect([SPEC]).model)}
    schema = files["app/schemas/kunde.py"]
    assert 'ming_qian: StrictStr = Field(alias="名前", max_length=80)' in schema
    assert 'alias="größe"' in schema and 'serialization_alias="имя"' in schema
    routes = files["app/api/routes/kunde.py"]
    compile(routes, "kunde.py", "exec")
    assert "ming_qian: Annotated[str | None, Query(alias=" in routes


def test_a_schema_named_outside_ascii_is_an_ascii_entity(tmp_path: Path) -> None:
    spec = tmp_path / "strasse.yaml"
    text = SPEC.read_text(encoding="utf-8").replace('schemas/Kunde"', 'schemas/Straße"')
    spec.write_text(text.replace("    Kunde:\n", "    Straße:\n"), encoding="utf-8")
    model = api.inspect([spec]).model
    assert [(e.name, e.table) for e in model.entities] == [("Strasse", "strasses")]
    files = {f.path: f.content for f in api.render(model)}
    assert "class Strasse(" in files["app/models/strasse.py"]


def test_two_members_spelled_alike_in_ascii_are_reported(tmp_path: Path) -> None:
    spec = tmp_path / "clash.yaml"
    spec.write_text(
        SPEC.read_text(encoding="utf-8").replace(
            "        stadt: {type: string, maxLength: 60}\n",
            "        stadt: {type: string, maxLength: 60}\n        grosse: {type: string}\n",
        ),
        encoding="utf-8",
    )
    with pytest.raises(SpecError) as caught:
        api.inspect([spec])
    assert "Kunde has two fields named 'grosse' (from 'größe')" in str(caught.value)
