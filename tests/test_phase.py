"""Phase detection and the context-aware runner (`backend-codegen detect` / `run`)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from test_cli import assert_clean_failure, run

from backend_codegen import api
from backend_codegen.phase import detect

TODO = Path(__file__).resolve().parent.parent / "examples" / "todo"
CLI = [sys.executable, "-m", "backend_codegen.cli"]


def _touch(root: Path, *paths: str) -> Path:
    for path in paths:
        target = root / path
        if path.endswith("/"):
            target.mkdir(parents=True, exist_ok=True)
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text("app = None\n")
    return root


@pytest.mark.parametrize(
    ("files", "phase", "app", "where"),
    [
        (["src/main.py"], 1, None, "."),
        (["backend/main.py"], 2, "main:app", "backend"),
        (["backend/app/main.py"], 2, "app.main:app", "backend"),
        (["backend/app/main.py", "backend/app/mcp/"], 3, "app.main:app", "backend"),
        (["backend/app/main.py", "backend/app/ai/"], 3, "app.main:app", "backend"),
        (["app/main.py"], 2, "app.main:app", "."),
        (["src/main.py", "backend/app/main.py"], 2, "app.main:app", "backend"),
    ],
)
def test_phases(tmp_path: Path, files: list[str], phase: int, app: str | None, where: str) -> None:
    found = detect(_touch(tmp_path, *files))
    assert (found.phase, found.app) == (phase, app)
    assert found.root == (tmp_path / where).resolve()
    command = found.command(port=9000)
    if app is None:
        assert command == ["python", "src/main.py"]
    else:
        assert command[:4] == ["python", "-m", "uvicorn", app] and command[-1] == "--reload"


def test_the_mcp_sdk_among_the_dependencies_is_phase_3(tmp_path: Path) -> None:
    _touch(tmp_path, "app/main.py")
    (tmp_path / "pyproject.toml").write_text('[project]\ndependencies = ["mcp>=1.2,<2"]\n')
    found = detect(tmp_path)
    assert found.phase == 3 and "pyproject.toml depends on the mcp SDK" in found.reasons


def test_detect_from_the_cli(tmp_path: Path) -> None:
    result = run("detect", _touch(tmp_path / "p", "backend/app/main.py"))
    assert result.exit_code == 0, result.output
    assert "phase 2: Full Stack Web Application (Phase II)" in result.stdout
    assert "python -m uvicorn app.main:app" in result.stdout
    empty = tmp_path / "empty"
    empty.mkdir()
    assert_clean_failure(run("detect", empty), "no project this tool can run", "src/main.py")
    assert_clean_failure(run("run", empty), "no project this tool can run")


def test_run_a_console_app_and_its_failure(tmp_path: Path) -> None:
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "main.py").write_text("print('hello from phase one')\n")
    done = subprocess.run([*CLI, "run", str(tmp_path)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "hello from phase one" in done.stdout
    (tmp_path / "src" / "main.py").write_text("raise SystemExit(3)\n")
    done = subprocess.run([*CLI, "run", str(tmp_path)], capture_output=True, text=True)
    assert done.returncode == 1
    assert "the application exited with status 3" in done.stderr


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.e2e
def test_run_serves_a_generated_backend_and_stops_on_ctrl_c(tmp_path: Path) -> None:
    project = api.generate([TODO], tmp_path / "backend").project_dir
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/app.db"}
    server = subprocess.Popen(
        [*CLI, "run", str(tmp_path), "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        body = ""
        for _ in range(600):  # the first run installs the project's dependencies
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1) as r:
                    body = r.read().decode()
                    break
            except OSError:
                if server.poll() is not None:
                    break
                time.sleep(0.5)
        assert body == '{"status":"ok"}', server.stdout.read() if server.stdout else ""
    finally:
        server.send_signal(signal.SIGINT)
        output = server.communicate(timeout=30)[0]
    assert server.returncode == 0, output
    # the todo requirements ask for MCP tools: a backend with AI components
    assert "AI Chatbot Application (Phase III)" in output and "stopped" in output
    with socket.socket() as sock:  # nothing listens there any more: no server left behind
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", port))
    (project / "app" / "main.py").write_text("raise RuntimeError('broken on purpose')\n")
    done = subprocess.run(
        [*CLI, "run", str(project), "--port", str(port), "--no-reload"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1
    assert "error: the server exited with status" in done.stderr
