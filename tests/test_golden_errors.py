"""The exact error output for a set of bad inputs, kept as golden files.

Each directory under tests/golden_errors/ holds one bad input (an OpenAPI file, or Markdown
documents) and `expected.txt`: what `backend-codegen inspect .` prints, run from inside the
directory (paths relative). Accept a deliberate change with
    BACKEND_CODEGEN_UPDATE_GOLDENS=1 pytest tests/test_golden_errors.py
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from test_cli import run

CASES = sorted(p for p in (Path(__file__).parent / "golden_errors").iterdir() if p.is_dir())
UPDATE = os.environ.get("BACKEND_CODEGEN_UPDATE_GOLDENS") == "1"


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_input_gives_the_expected_error(case: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(case)
    monkeypatch.setenv("COLUMNS", "100")
    result = run("inspect", ".")
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    got = "\n".join(line.rstrip() for line in result.stderr.splitlines()) + "\n"
    expected = case / "expected.txt"
    if UPDATE:
        expected.write_text(got, encoding="utf-8")
    assert got == expected.read_text(encoding="utf-8")
