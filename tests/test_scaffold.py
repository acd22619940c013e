"""The Python API (`from backend_codegen import BackendScaffold`), as the seed's quick start
uses it; the CLI's generate command is a shell over it."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from test_cli import API_LIST, assert_clean_failure, run, write_docs

from backend_codegen import BackendScaffold
from backend_codegen.errors import SpecError
from backend_codegen.scaffold import async_database_url

TODO = Path(__file__).resolve().parent.parent / "examples" / "todo"


def test_the_quick_start(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    scaffold = BackendScaffold(
        project_name="todo-api",
        database_url="postgresql://app:secret@127.0.0.1/todo",
        features=["auth", "crud"],
        spec=TODO,
    )
    model = scaffold.inspect().model
    assert model.project == "todo-api" and model.stack.database == "postgresql"
    result = scaffold.generate()
    assert result.project_dir == (tmp_path / "todo-api").resolve()
    assert (tmp_path / "todo-api" / "app" / "main.py").is_file()
    env = tmp_path / "todo-api" / ".env"
    text = env.read_text()
    assert "DATABASE_URL=postgresql+asyncpg://app:secret@127.0.0.1/todo\n" in text
    secret = next(line for line in text.splitlines() if line.startswith("SECRET_KEY="))
    assert len(secret) > len("SECRET_KEY=") + 40
    assert stat.S_IMODE(env.stat().st_mode) == 0o600
    env.write_text("DATABASE_URL=sqlite+aiosqlite:///./mine.db\n")
    scaffold.generate()  # again: the .env is the user's now
    assert env.read_text() == "DATABASE_URL=sqlite+aiosqlite:///./mine.db\n"
    assert scaffold.check() == []
    assert not scaffold.plan().report.changed


def test_the_auth_feature_turns_auth_on(tmp_path: Path) -> None:
    api_md, req = write_docs(tmp_path / "docs")
    assert not BackendScaffold(spec=[api_md, req]).inspect().model.auth.enabled
    model = BackendScaffold(spec=[api_md, req], features=["auth"]).inspect().model
    assert model.auth.enabled and model.auth.account == "User"
    assert "auth feature" in " ".join(model.auth.reasons)


def test_bad_features_and_database_urls_are_refused() -> None:
    with pytest.raises(SpecError, match="unknown feature 'graphql'") as info:
        BackendScaffold(spec=TODO, features=["graphql"])
    assert "mcp-tools" in (info.value.hint or "")
    with pytest.raises(SpecError, match="names no database"):
        BackendScaffold(spec=TODO, database_url="oracle://x/y")


@pytest.mark.parametrize(
    ("url", "database", "async_url"),
    [
        ("postgresql://u:p@h/db", "postgresql", "postgresql+asyncpg://u:p@h/db"),
        ("postgres://u@h/db", "postgresql", "postgresql+asyncpg://u@h/db"),
        ("mysql://u:p@h/db", "mysql", "mysql+asyncmy://u:p@h/db"),
        ("mariadb://u:p@h/db", "mysql", "mysql+asyncmy://u:p@h/db"),
        ("sqlite:///./app.db", "sqlite", "sqlite+aiosqlite:///./app.db"),
        ("postgresql+asyncpg://u@h/db", "postgresql", "postgresql+asyncpg://u@h/db"),
    ],
)
def test_database_urls_get_the_async_driver(url: str, database: str, async_url: str) -> None:
    assert async_database_url(url) == (database, async_url)


def test_the_cli_takes_features_and_a_database_url(tmp_path: Path) -> None:
    api_md, req = write_docs(tmp_path / "docs")
    assert "Notes API" in API_LIST
    proj = tmp_path / "proj"
    result = run(
        "generate",
        api_md,
        req,
        "-o",
        proj,
        "--features",
        "auth",
        "--database-url",
        "sqlite:///n.db",
    )
    assert result.exit_code == 0, result.output
    assert (proj / "app" / "api" / "routes" / "auth.py").is_file()
    assert (proj / ".env").read_text().startswith("DATABASE_URL=sqlite+aiosqlite:///n.db\n")
    bad = run("generate", api_md, req, "-o", tmp_path / "other", "--features", "nope")
    assert_clean_failure(bad, "unknown feature 'nope'")
    assert not (tmp_path / "other").exists()
