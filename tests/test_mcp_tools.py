"""MCP tools in generated projects (the `mcp-tools` feature): an MCP server over the same
services as the HTTP API, over stdio and streamable HTTP (app/mcp_server.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from backend_codegen import BackendScaffold, api
from backend_codegen.verify.runner import verify

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def _files(example: str, *features: str) -> dict[str, str]:
    model = api.inspect([EXAMPLES / example], api.Options(features=list(features))).model
    return {f.path: f.content for f in api.render(model)}


def test_the_requirements_asking_for_ai_tools_get_them() -> None:
    """The todo requirements mention an AI agent and MCP tools: the feature is on."""
    files = _files("todo")
    server = files["app/mcp_server.py"]
    for tool in (
        "list_tasks",
        "get_task",
        "add_task",
        "update_task",
        "delete_task",
        "complete_task",
    ):
        assert f"async def {tool}(" in server, tool
    compact = "".join(server.split())
    assert "task_service.create_task(session,task,visible_to=account.id,user_id=account.id)" in (
        compact
    )
    assert 'server.run("stdio")' in server
    assert "app.router.routes.extend(mcp_routes())" in files["app/main.py"]
    assert "async with mcp_http_lifespan():" in files["app/main.py"]
    assert '"mcp>=2.3,<3",' in files["pyproject.toml"]
    assert "mcp_access_token: str" in files["app/core/config.py"]
    tests = files["tests/test_mcp.py"]
    for test in (
        "test_the_tools_and_their_input_schemas",
        "test_add_task_writes_a_row",
        "test_the_tools_keep_to_the_accounts_own_tasks",
        "test_over_http_only_the_acting_account_gets_in",
        "test_the_tools_run_over_stdio",
    ):
        assert f"async def {test}(" in tests, test


def test_the_feature_is_off_unless_asked_for() -> None:
    assert "app/mcp_server.py" not in _files("blog")
    files = _files("blog", "mcp-tools")
    server = files["app/mcp_server.py"]
    assert "check_owner(row, account.id)" in server  # only a post's author changes it
    assert "async def add_post(" in server and "async def delete_comment(" in server


def test_the_scaffold_feature_turns_it_on(tmp_path: Path) -> None:
    scaffold = BackendScaffold(
        spec=EXAMPLES / "library", features=["mcp-tools"], output=tmp_path / "p"
    )
    result = scaffold.generate()
    assert (result.project_dir / "app" / "mcp_server.py").is_file()
    assert not any("not generated yet" in w.message for w in result.warnings)


@pytest.mark.e2e
def test_a_generated_mcp_server_passes_its_tests(tmp_path: Path) -> None:
    """The blog with MCP tools: tools listed with their schemas, called in-process, over stdio
    and over HTTP, the rows checked in the database, ownership applied."""
    result = BackendScaffold(spec=EXAMPLES / "blog", features=["mcp-tools"], output=tmp_path / "b")
    project = result.generate().project_dir
    outcome = verify(project, pytest_args=["-m", "not conformance", "tests/test_mcp.py"])
    assert outcome.ok, outcome.output[-4000:]
    assert outcome.passed >= 8
