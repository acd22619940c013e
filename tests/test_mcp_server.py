"""backend-codegen as an MCP server (`backend-codegen mcp`), driven with the SDK's client."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest
from mcp import Client, StdioServerParameters

from backend_codegen.mcp_server import server

pytestmark = pytest.mark.anyio
EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def _value(result: Any) -> Any:
    assert not result.is_error, result.content
    text = result.content[0].text
    return json.loads(text) if text[:1] in "{[" else text


async def test_the_tools() -> None:
    async with Client(server) as client:
        tools = {tool.name: tool for tool in (await client.list_tools()).tools}
    assert set(tools) == {
        "inspect_documents",
        "generate_backend",
        "verify_backend",
        "read_structure_document",
    }
    assert tools["inspect_documents"].input_schema["required"] == ["documents"]


async def test_inspect_generate_and_read_back(tmp_path: Path) -> None:
    async with Client(server) as client:
        model = _value(
            await client.call_tool("inspect_documents", {"documents": [str(EXAMPLES / "todo")]})
        )
        task = next(e for e in model["entities"] if e["name"] == "Task")
        assert task["ownership"]["policy"] == "private" and task["ownership"]["reasons"]
        out = tmp_path / "backend"
        done = _value(
            await client.call_tool(
                "generate_backend", {"documents": [str(EXAMPLES / "todo")], "output": str(out)}
            )
        )
        assert done["project"] == str(out.resolve()) and done["changes"]["app/main.py"] == "create"
        assert (out / "app" / "main.py").is_file()
        doc = _value(await client.call_tool("read_structure_document", {"project": str(out)}))
        assert "Task (`tasks`)" in doc


async def test_generate_the_sqlmodel_flavour_and_the_console_phase(tmp_path: Path) -> None:
    async with Client(server) as client:
        todo = [str(EXAMPLES / "todo")]
        await client.call_tool(
            "generate_backend",
            {"documents": todo, "output": str(tmp_path / "sm"), "orm": "sqlmodel"},
        )
        await client.call_tool(
            "generate_backend",
            {"documents": todo, "output": str(tmp_path / "console"), "phase": "console"},
        )
        bad = await client.call_tool(
            "generate_backend", {"documents": todo, "output": str(tmp_path / "x"), "phase": "tv"}
        )
    assert "table=True" in (tmp_path / "sm" / "app" / "models" / "task.py").read_text()
    assert (tmp_path / "console" / "src" / "main.py").is_file()
    assert bad.is_error and "unknown phase 'tv'" in bad.content[0].text
    assert not (tmp_path / "x").exists()


async def test_bad_documents_are_a_tool_error_with_the_location(tmp_path: Path) -> None:
    bad = tmp_path / "api-list.md"
    bad.write_text(
        "# Shop\n\n## Items\n\n| Method | Path |\n|---|---|\n| GET | /api/items |\n\n"
        "### POST /api/items\n\n| Field | Type | Required |\n|---|---|---|\n"
        "| name | strng | yes |\n"
    )
    async with Client(server) as client:
        result = await client.call_tool("inspect_documents", {"documents": [str(bad)]})
        missing = await client.call_tool(
            "read_structure_document", {"project": str(tmp_path / "x")}
        )
    assert result.is_error
    assert "api-list.md:13: unknown type 'strng'" in result.content[0].text
    assert "Traceback" not in result.content[0].text
    assert missing.is_error and "generate the project first" in missing.content[0].text


async def test_backend_codegen_mcp_serves_over_stdio() -> None:
    command = StdioServerParameters(
        command=sys.executable, args=["-m", "backend_codegen.cli", "mcp"]
    )
    async with Client(command) as client:
        names = {tool.name for tool in (await client.list_tools()).tools}
    assert "generate_backend" in names


@pytest.mark.e2e
async def test_verify_backend_runs_the_test_gate(tmp_path: Path) -> None:
    async with Client(server) as client:
        out = tmp_path / "backend"
        _value(
            await client.call_tool(
                "generate_backend", {"documents": [str(EXAMPLES / "library")], "output": str(out)}
            )
        )
        result = _value(await client.call_tool("verify_backend", {"project": str(out)}))
    assert result["ok"] and result["failed"] == 0 and result["passed"] > 50, result["output"]
