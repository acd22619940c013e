"""OpenAPI customisation from the documents: the tags of the generated app's /docs carry the
documents' descriptions (OpenAPI `tags`, or the paragraph under a Markdown resource heading),
in the documents' order. Title, version, description and summaries are tested elsewhere."""

from __future__ import annotations

from pathlib import Path

from backend_codegen import api

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus" / "specs"


def test_a_markdown_resource_paragraph_describes_its_tag() -> None:
    model = api.inspect([ROOT / "examples" / "todo"]).model
    assert model.tags == {
        "Tasks": "Each account keeps its own task list: add tasks, change them, mark them "
        "complete, delete them."
    }


def test_only_the_first_paragraph_under_the_heading_counts(tmp_path: Path) -> None:
    doc = tmp_path / "api-list.md"
    doc.write_text(
        "# Shop API\n\nA small shop.\n\n"
        "## Products\n\nThe catalogue: what the shop sells,\nwith prices in euros.\n\n"
        "| Method | Path | Summary |\n|---|---|---|\n"
        "| GET | /products | List products |\n| POST | /products | Create a product |\n\n"
        "Products are never deleted.\n\n"
        "## Data model\n\nFields of every entity.\n\n"
        "### Product\n\n| Field | Type | Required |\n|---|---|---|\n"
        "| name | string(80) | yes |\n| price | decimal | yes |\n"
    )
    model = api.inspect([doc]).model
    assert model.description == "A small shop."
    assert model.tags == {"Products": "The catalogue: what the shop sells, with prices in euros."}


def test_openapi_tags_keep_their_descriptions_and_order() -> None:
    model = api.inspect([CORPUS / "swagger-petstore-v3.yaml"]).model
    assert list(model.tags)[:3] == ["pet", "store", "user"]
    assert model.tags["pet"] == "Everything about your Pets"


def test_the_generated_app_declares_them(tmp_path: Path) -> None:
    result = api.generate([CORPUS / "swagger-petstore-v3.yaml"], tmp_path / "pet")
    main = (result.project_dir / "app" / "main.py").read_text()
    pet = main.index('{"name": "pet", "description": "Everything about your Pets"}')
    store = main.index('{"name": "store", "description": "Access to Petstore orders"}')
    assert pet < store < main.index('{"name": "health"')
    # the generated suite checks /openapi.json against the same descriptions at runtime
    health = (result.project_dir / "tests" / "test_health.py").read_text()
    assert "def test_the_docs_describe_every_tag" in health
    assert '"Everything about your Pets"' in health
