"""The agent skill shipped for backend-codegen (skills/backend-codegen): it names only commands,
options, files and document forms that exist."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import typer
import yaml
from test_cli import run

from backend_codegen.cli import app

ROOT = Path(__file__).resolve().parent.parent
SKILL = ROOT / "skills" / "backend-codegen"
PAGES = [SKILL / "SKILL.md", *sorted((SKILL / "reference").glob("*.md"))]
COMMAND = re.compile(r"`(backend-codegen [^`]+)`")


def _commands() -> dict[str, set[str]]:
    group = typer.main.get_command(app)
    assert isinstance(group, typer.core.TyperGroup)
    return {
        name: {opt for param in command.params for opt in (*param.opts, *param.secondary_opts)}
        for name, command in group.commands.items()
    }


def test_the_skill_has_front_matter() -> None:
    text = (SKILL / "SKILL.md").read_text(encoding="utf-8")
    front = yaml.safe_load(text.split("---")[1])
    assert front["name"] == "backend-codegen"
    assert "API" in front["description"] and len(front["description"]) > 80
    for heading in ("## Task goals", "## Steps", "## Resources"):
        assert heading in text


@pytest.mark.parametrize("page", PAGES, ids=[p.name for p in PAGES])
def test_every_command_and_option_it_names_exists(page: Path) -> None:
    commands = _commands()
    named = COMMAND.findall(page.read_text(encoding="utf-8"))
    if page.name in ("SKILL.md", "commands.md"):
        assert named, f"{page.name} names no command"
    for text in named:
        words = text.split()
        assert words[1] in commands, f"{page.name}: `{text}` names no command"
        for option in (w for w in words[2:] if w.startswith("-")):
            assert option.split("=")[0] in commands[words[1]], f"{page.name}: `{text}`: {option}"


def test_every_command_of_the_cli_is_in_the_reference() -> None:
    reference = (SKILL / "reference" / "commands.md").read_text(encoding="utf-8")
    for name, options in _commands().items():
        assert re.search(rf"`backend-codegen {name}[ `]", reference), name
        for option in options - {"--help"}:
            if option.startswith("--") and not option.startswith("--no-") or option == "-o":
                assert option in reference, f"{name} {option} is not in commands.md"


@pytest.mark.parametrize("page", PAGES, ids=[p.name for p in PAGES])
def test_its_links_resolve(page: Path) -> None:
    for target in re.findall(r"\]\(([^)#]+)\)", page.read_text(encoding="utf-8")):
        assert (page.parent / target).is_file(), f"{page.name} links to a missing {target}"
    for template in re.findall(r"`(templates/[\w.-]+)`", page.read_text(encoding="utf-8")):
        assert (ROOT / template).is_file(), template


def test_the_types_and_notes_it_teaches_are_read(tmp_path: Path) -> None:
    """The field types and Notes of reference/documents.md are accepted by the reader."""
    types = ["string(100)", "text", "int", "bigint", "decimal(10,2)", "float", "bool", "date"]
    types += ["datetime", "uuid", "email", "url", "enum(a,b)", "json", "int[]"]
    rows = "\n".join(f"| f{i} | {t} | no | |" for i, t in enumerate(types))
    notes = ["unique", "max 200", "min 8", "1..5", "read-only", "default false"]
    rows += "\n" + "\n".join(
        f"| g{i} | {'bool' if 'false' in n else 'int' if '..' in n else 'string'} | no | {n} |"
        for i, n in enumerate(notes)
    )
    (tmp_path / "api-list.md").write_text(
        "# Things API\n\n## Things\n\n| Method | Path | Summary | Auth |\n|---|---|---|---|\n"
        "| GET | /api/things | List | no |\n| POST | /api/things | Create | no |\n\n"
        "### POST /api/things\n\n| Field | Type | Required | Notes |\n|---|---|---|---|\n"
        + rows
        + "\n",
        encoding="utf-8",
    )
    result = run("inspect", tmp_path / "api-list.md", "--json")
    assert result.exit_code == 0, result.output
    assert "unknown type" not in result.output
