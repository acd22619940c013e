"""Run a Postman collection (e.g. RealWorld's own API suite) against a generated server
with newman, and count its assertions."""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from backend_codegen.verify.conformance import contract_of, serve

NEWMAN = "newman@6"


@dataclass
class PostmanResult:
    assertions: int
    failed: int
    requests: int
    output: str

    @property
    def passed(self) -> int:
        return self.assertions - self.failed


def run_postman(
    project: Path,
    collection: Path,
    variables: dict[str, str],
    *,
    database_url: str | None = None,
    log: list[str] | None = None,
) -> PostmanResult:
    """Serve `project` and run `collection` with newman (from the npm registry through npx).
    `APIURL` is set to the server's base URL; `variables` become global variables."""
    npx = shutil.which("npx")
    if npx is None:
        raise RuntimeError("npx (Node.js) is needed to run newman; install Node 18 or newer")
    base_path = contract_of(project.resolve()).base_path
    with (
        serve(project, database_url, log) as (origin, _python, _env, server_log),
        tempfile.TemporaryDirectory(prefix="bcg-newman-") as tmp,
    ):
        report = Path(tmp) / "report.json"
        command = [
            npx, "--yes", NEWMAN, "run", str(collection),
            "--reporters", "cli,json", "--reporter-json-export", str(report),
            "--color", "off", "--global-var", f"APIURL={origin}{base_path}",
        ]  # fmt: skip
        for key, value in variables.items():
            command += ["--global-var", f"{key}={value}"]
        done = subprocess.run(command, capture_output=True, text=True)
        output = done.stdout + done.stderr + "\n--- server log ---\n" + server_log.read_text()
        if not report.exists():
            raise RuntimeError("newman did not run:\n" + output[-4000:])
        stats = json.loads(report.read_text())["run"]["stats"]
    return PostmanResult(
        stats["assertions"]["total"],
        stats["assertions"]["failed"],
        stats["requests"]["total"],
        output,
    )
