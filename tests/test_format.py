"""Formatting generated code (targets/base.py): one ruff pass, and what ruff reports that can
only be a generator bug fails generation instead of being written."""

from __future__ import annotations

import pytest

from backend_codegen.errors import FormatError
from backend_codegen.targets import base
from backend_codegen.targets.base import GeneratedFile, format_python


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
