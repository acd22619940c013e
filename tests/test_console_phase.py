"""Phase I (`generate --phase console`): an interactive Typer app over in-memory
repositories for the same entities and rules, detected as Phase I, run by `backend-codegen
run`, and regenerable in place to the web backend (Phase II/III) from the same documents."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest
from test_cli import assert_clean_failure, run

from backend_codegen import BackendScaffold, api
from backend_codegen.phase import detect
from backend_codegen.verify.runner import environment_for, verify

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted(p for p in (ROOT / "examples").iterdir() if p.is_dir())
TODO = ROOT / "examples" / "todo"
CLI = [sys.executable, "-m", "backend_codegen.cli"]


def _console(example: Path, out: Path) -> Path:
    return api.generate([example], out, options=api.Options(phase="console")).project_dir


def test_the_console_app_layout(tmp_path: Path) -> None:
    project = _console(TODO, tmp_path / "todo")
    files = sorted(str(p.relative_to(project)) for p in project.rglob("*") if p.is_file())
    assert "src/main.py" in files and "tests/test_console.py" in files
    assert "src/todo_api/cli.py" in files and "src/todo_api/repository.py" in files
    assert not any(f.startswith(("app/", "migrations/")) for f in files)  # no database here
    pyproject = (project / "pyproject.toml").read_text()
    assert '"typer>=' in pyproject and "sqlalchemy" not in pyproject
    cli = ast.parse((project / "src/todo_api/cli.py").read_text())
    commands = {
        ast.unparse(d.args[0]).strip("'\"")
        for f in cli.body
        if isinstance(f, ast.FunctionDef)
        for d in f.decorator_list
        if isinstance(d, ast.Call) and ast.unparse(d.func) == "task_app.command"
    }
    # CRUD plus the API's own action (PATCH /tasks/{id}/complete)
    assert commands == {"add", "list", "get", "update", "delete", "complete"}
    schemas = (project / "src/todo_api/schemas.py").read_text()
    assert "title: str = Field(max_length=200)" in schemas  # the documents' rules
    assert "user_id" not in schemas  # filled from the caller: a Phase II matter
    found = detect(project)
    assert (found.phase, found.web) == (1, False)
    assert found.command() == ["python", "src/main.py"]


def test_accounts_are_rows_without_their_passwords(tmp_path: Path) -> None:
    project = _console(ROOT / "examples/user-system", tmp_path / "users")
    schemas = next((project / "src").glob("*/schemas.py")).read_text()
    assert "class UserCreate(BaseModel):" in schemas and "email: EmailText" in schemas
    assert "password" not in schemas


def test_delete_policies_follow_the_documents(tmp_path: Path) -> None:
    project = _console(ROOT / "examples/blog", tmp_path / "blog")
    repository = next((project / "src").glob("*/repository.py")).read_text()
    tree = ast.parse(repository)
    referrers = next(
        node.value
        for node in tree.body
        if isinstance(node, ast.AnnAssign) and ast.unparse(node.target) == "REFERRERS"
    )
    policies = ast.literal_eval(referrers)
    assert policies, "blog has references between entities"
    assert {p for refs in policies.values() for _, _, p in refs} <= {
        "cascade",
        "restrict",
        "set null",
    }


def test_an_unknown_phase_exits_2_and_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "p"
    result = run("generate", str(TODO), "-o", str(out), "--phase", "mobile")
    assert_clean_failure(result, "unknown phase 'mobile'")
    assert "console" in result.output and not out.exists()
    with pytest.raises(Exception, match="unknown phase"):
        BackendScaffold(spec=TODO, phase="desktop")


def test_the_cli_says_how_to_start_it(tmp_path: Path) -> None:
    result = run("generate", str(TODO), "-o", str(tmp_path / "c"), "--phase", "console")
    assert result.exit_code == 0, result.output
    assert "python src/main.py" in result.output


def test_regenerating_without_the_phase_grows_it_to_the_web_backend(tmp_path: Path) -> None:
    project = tmp_path / "todo"
    _console(TODO, project)
    edited = project / "src" / "todo_api" / "schemas.py"
    edited.write_text(edited.read_text() + "\n# my note\n")
    result = api.generate([TODO], project)  # same documents, same directory, web phase
    assert (project / "app" / "main.py").is_file()
    assert (project / "migrations" / "versions" / "0001_initial.py").is_file()
    # the console files go, except the one edited by hand, which is kept and reported
    assert not (project / "src" / "main.py").exists()
    assert not (project / "tests" / "test_console.py").exists()
    assert edited.is_file() and "src/todo_api/schemas.py" in result.report.orphans
    found = detect(project)
    assert found.phase == 3 and found.web  # todo has MCP tools: the AI phase


# -- end to end: every example's console app passes its own tests --------------------------


@pytest.mark.e2e
@pytest.mark.parametrize("example", [p.name for p in EXAMPLES])
def test_console_app_passes_its_own_tests(example: str, tmp_path: Path) -> None:
    project = _console(ROOT / "examples" / example, tmp_path / example)
    result = verify(project)
    assert result.ok, result.output[-4000:]
    assert result.failed == 0 and result.passed >= 10
    lint = subprocess.run(
        [str(environment_for(project).with_name("ruff")), "check", "--no-cache", "."],
        cwd=project,
        capture_output=True,
        text=True,
    )
    assert lint.returncode == 0, lint.stdout


@pytest.mark.e2e
def test_backend_codegen_run_starts_an_interactive_session(tmp_path: Path) -> None:
    project = _console(TODO, tmp_path / "todo")
    environment_for(project)  # what `run` starts it with (no .venv in the project)
    session = 'tasks add --title "Buy milk"\ntasks complete 1\ntasks get 1 --json\nexit\n'
    done = subprocess.run(
        [*CLI, "run", str(project)],
        input=session,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert '"completed": true' in done.stdout and '"title": "Buy milk"' in done.stdout
