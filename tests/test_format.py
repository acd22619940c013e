"""Formatting generated code (targets/base.py): one ruff pass, and what ruff reports that can
only be a generator bug fails generation instead of being written."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from backend_codegen.errors import FormatError
from backend_codegen.targets import base
from backend_codegen.targets.base import GeneratedFile, format_python

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def test_files_are_formatted_and_imports_sorted() -> None:
    files = [GeneratedFile("app/x.py", "import sys\nimport os\nprint( os.sep,sys.argv )\n")]
    format_python(files)
    assert files[0].content == "import os\nimport sys\n\nprint(os.sep, sys.argv)\n"


@pytest.mark.parametrize(
    ("source", "detail"),
    [
        ("def f(a=1, b):\n    pass\n", "line 1: Parameter without a default"),
        ("print(undefined_name)\n", "line 1: Undefined name `undefined_name`"),
        ("def f():\n    pass\n\n\ndef f():\n    pass\n", "line 5: Redefinition of unused `f`"),
    ],
)
def test_generator_bugs_fail_generation(source: str, detail: str) -> None:
    files = [GeneratedFile("app/ok.py", "x = 1\n"), GeneratedFile("app/bad.py", source)]
    with pytest.raises(FormatError) as caught:
        format_python(files)
    assert caught.value.path == "app/bad.py" and caught.value.detail.startswith(detail)


def test_without_ruff_files_are_parsed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(base, "_ruff", lambda: None)
    format_python([GeneratedFile("app/ok.py", "x = 1\n")])
    with pytest.raises(FormatError) as caught:
        format_python([GeneratedFile("app/bad.py", "def f(:\n")])
    assert caught.value.path == "app/bad.py"


def test_identifiers_are_the_words_that_could_be_names() -> None:
    found = base.identifiers("x = make_a(b_payload, 'c')  # d2\n1e3")
    assert found == {"x", "make_a", "b_payload", "c", "d2", "e3"}


def _rendered(monkeypatch: pytest.MonkeyPatch, example: str) -> dict[str, str]:
    """The example's files as the templates render them, before ruff."""
    from backend_codegen import api
    from backend_codegen.targets.python_fastapi import plan

    monkeypatch.setattr(plan, "format_python", lambda files, meanwhile=None: None)
    model = api.inspect([EXAMPLES / example]).model
    return {f.path: f.content for f in api.render(model)}


def test_entity_tests_import_only_the_factories_they_call(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Each entity's test module used to import every entity's factories, which ruff then
    removed: a list that grows with the square of the API (150,000 unused imports and a
    second of ruff on GitHub's description)."""
    files = _rendered(monkeypatch, "ecommerce")
    modules = [p for p in files if p.startswith("tests/test_") and '"""API tests for' in files[p]]
    assert len(modules) >= 3
    for path in modules:
        text = files[path]
        block = re.search(r"from tests\.factories import \((.*?)\)", text, re.S)
        assert block is not None, path
        imported = re.findall(r"\w+", block.group(1))
        rest = text[block.end() :]
        unused = [n for n in imported if not re.search(rf"\b{n}\b", rest)]
        assert not unused, f"{path} imports {unused} without using them"
        assert any(n.startswith("make_") for n in imported), path


def test_ruff_formats_the_rest_while_the_migration_is_computed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """While the SQL helper has not answered, the files without the migration are formatted
    first, and the migration alone once it is there; the files are the same either way."""
    from backend_codegen import api
    from backend_codegen.sql import worker
    from backend_codegen.targets.python_fastapi import plan

    model = api.inspect([EXAMPLES / "todo"]).model
    batches: list[list[str]] = []

    def recorded(files: list[GeneratedFile], meanwhile: Callable[[], None]) -> None:
        batches.append([f.path for f in files if f.path.endswith(".py")])
        format_python(files, meanwhile)

    monkeypatch.setattr(plan, "format_python", recorded)
    together = {f.path: f.content for f in api.render(model)}
    assert len(batches) == 1
    batches.clear()
    monkeypatch.setattr(worker.Pending, "ready", lambda self: False)
    apart = {f.path: f.content for f in api.render(model)}
    assert batches[1] == ["migrations/versions/0001_initial.py"]
    assert "migrations/versions/0001_initial.py" not in batches[0] and len(batches[0]) > 10
    assert apart == together


def test_meanwhile_is_called_once_while_ruff_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    import subprocess

    running: list[bool] = []
    calls: list[bool] = []
    original = subprocess.Popen

    class Watched(original):  # type: ignore[misc,valid-type]
        def __init__(self, *args: object, **kwargs: object) -> None:
            super().__init__(*args, **kwargs)
            running.append(True)

    monkeypatch.setattr(subprocess, "Popen", Watched)
    format_python([GeneratedFile("app/x.py", "x  =  1\n")], lambda: calls.append(bool(running)))
    assert calls == [True]


def test_ruff_works_on_a_memory_file_system_when_there_is_room(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(base, "_MEMORY_FS", str(tmp_path))
    assert base._scratch(1000) == str(tmp_path)
    assert base._scratch(10**18) is None  # no room: the default temporary directory
    monkeypatch.setattr(base, "_MEMORY_FS", str(tmp_path / "absent"))
    assert base._scratch(1000) is None
    files = [GeneratedFile("app/x.py", "x  =  1\n")]
    format_python(files)
    assert files[0].content == "x = 1\n"
