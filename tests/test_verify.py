"""The test gate: `backend-codegen verify` passes a good project and fails a broken one."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from backend_codegen import api
from backend_codegen.cli import app

ROOT = Path(__file__).resolve().parent.parent
runner = CliRunner()


def test_verify_rejects_a_directory_that_is_not_a_project(tmp_path: Path) -> None:
    result = runner.invoke(app, ["verify", str(tmp_path)])
    assert result.exit_code == 2
    assert "has no pyproject.toml" in result.output


@pytest.mark.e2e
def test_verify_fails_when_a_generated_test_fails(tmp_path: Path) -> None:
    project = api.generate([ROOT / "examples" / "todo"], tmp_path / "backend").project_dir
    passed = runner.invoke(app, ["verify", str(project)])
    assert passed.exit_code == 0, passed.output
    assert "verify passed" in passed.output
    health = project / "tests" / "test_health.py"
    health.write_text(health.read_text().replace('{"status": "ok"}', '{"status": "broken"}'))
    failed = runner.invoke(app, ["verify", str(project)])
    assert failed.exit_code == 1
    assert "1 failed" in failed.output
    log = (tmp_path / "logs" / "workflow.log").read_text()
    assert "[verify]" in log and "FAIL" in log
