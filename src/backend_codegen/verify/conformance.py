"""Conformance: start a generated server on a free port and run schemathesis (every check)
against the OpenAPI contract the project was generated from."""

from __future__ import annotations

import base64
import json
import os
import re
import socket
import subprocess
import tempfile
import time
import tomllib
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from backend_codegen.errors import Location, SpecError
from backend_codegen.verify.runner import environment_for


@dataclass(order=True)
class Finding:
    """One distinct failed check: the operation, the check's code (ST103...), the status the
    server answered and the first line of the check's message."""

    operation: str
    code: str
    status: int | None
    message: str
    bodiless: bool = False  # the request carried no body
    media: str = ""  # the request body's media type
    # the request carried an integer beyond an int32 column, refused naming only the
    # columns' bounds (see beyond_columns)
    beyond_column: bool = False
    gap: str = ""  # why this is a gap in the contract rather than a failure ("" if it is not)

    @property
    def contract_gap(self) -> bool:
        return bool(self.gap)

    def describe(self) -> str:
        return f"{self.operation} {self.gap}"


def gap_of(
    finding: Finding,
    optional_bodies: frozenset[str],
    not_implemented: frozenset[str] = frozenset(),
    form_nested: frozenset[str] = frozenset(),
    several_tags: frozenset[str] = frozenset(),
) -> str:
    """Why a failed check is a gap in the contract ("" when it is a real failure):
    - an error status the operation does not declare, and none the server could answer
      instead (a lookup that finds nothing where no 404 is declared, invalid input where
      neither 400 nor 422 is): the server answers the standard status, and no answer would
      pass every check;
    - a request that left out a body the contract makes optional while requiring members
      in it: that request is invalid whatever the server does;
    - 501 from an operation the generator listed as not implemented (its function in
      app/services/custom.py is for the user to fill in): no behaviour was claimed;
    - a form-encoded body with object members (listed as form-nested): a form has no way
      to carry them, so the valid request arrives unreadable;
    - a form or XML body accepted though a value has the wrong JSON type: those encodings
      carry text only, and the text is also a valid value;
    - a body of one of several kinds accepted with a discriminator value that the contract's
      mapping gives its kind (listed as several-tags): schemathesis pins each kind to one
      of its values and takes the others for invalid input;
    - a valid request refused for an integer beyond what its column stores: the contract
      leaves the member unbounded, and no integer column is."""
    if finding.code == "ST103" and finding.status is not None and is_gap_status(finding.status):
        return f"answers {finding.status}, which it does not declare"
    if finding.code == "ST202" and finding.status == 422 and finding.beyond_column:
        return (
            "refuses an integer beyond what its column stores, which the contract leaves "
            "unbounded (declare a `maximum`, or `format: int64`)"
        )
    if finding.status == 501 and finding.operation in not_implemented:
        return "answers 501: not implemented (fill in its function in app/services/custom.py)"
    if finding.code == "ST202" and finding.bodiless and finding.operation in optional_bodies:
        return (
            "refuses a request without its body, optional in the contract yet with required members"
        )
    if (
        finding.code == "ST202"
        and finding.media == "application/x-www-form-urlencoded"
        and finding.operation in form_nested
    ):
        return "refuses a form-encoded body with object members, which a form cannot carry"
    if finding.code == "ST201" and finding.media in TEXT_ENCODINGS and _type_only(finding.message):
        return (
            "accepts a form/XML body whose value has the wrong JSON type: these encodings carry "
            "text only, and that text is also a valid value (a one-item array, a number as text)"
        )
    if (
        finding.code == "ST201"
        and finding.operation in several_tags
        and PINNED_TAG.search(finding.message)
    ):
        return (
            "accepts a discriminator value its mapping gives the kind sent, which schemathesis "
            "takes for invalid (it pins each kind to one of its values)"
        )
    return ""


# schemathesis' message for a discriminator value outside the one it pinned the branch to
PINNED_TAG = re.compile(r"violates `enum` at /(?:oneOf|anyOf)/\d+/allOf/1/properties/")

# Bodies carried as text: a form field or an XML element has no JSON type of its own.
TEXT_ENCODINGS = ("application/x-www-form-urlencoded", "application/xml", "text/xml")


def _type_only(message: str) -> bool:
    """schemathesis' message for a negative case that changed only a value's JSON type."""
    return "Incorrect type" in message or "violates `type`" in message


def is_gap_status(status: int) -> bool:
    """A client error an undeclared status may be (405 is not an operation's answer).
    Mirrored by `declared_status` in the generated tests/test_conformance.py."""
    return 400 <= status < 500 and status != 405


@dataclass
class ConformanceResult:
    ok: bool
    failures: int
    output: str
    command: list[str] = field(default_factory=list)
    server_log: str = ""
    findings: list[Finding] = field(default_factory=list)

    @property
    def gaps(self) -> list[Finding]:
        return [f for f in self.findings if f.contract_gap]

    @property
    def summary(self) -> str:
        gaps = self.gaps
        note = ""
        if gaps:
            listed = "; ".join(dict.fromkeys(g.describe() for g in gaps))
            plural = "s" if len(gaps) != 1 else ""
            note = f" ({len(gaps)} contract gap{plural}, not failures: {listed})"
        if self.ok:
            return "schemathesis: no failures" + note
        return f"schemathesis: {self.failures} failure{'s' if self.failures != 1 else ''}" + note


ERROR_EVENTS = ("NonFatalError", "FatalError", "Interrupted")


def read_findings(
    report: Path,
    optional_bodies: frozenset[str] = frozenset(),
    not_implemented: frozenset[str] = frozenset(),
    form_nested: frozenset[str] = frozenset(),
    several_tags: frozenset[str] = frozenset(),
) -> tuple[list[Finding], int]:
    """The distinct failed checks in a schemathesis NDJSON event report, each classified
    (gap_of), and the number of errors outside the checks (an operation that could not be
    tested, an interrupted run)."""
    found: dict[tuple[str, str, int | None, str, bool], Finding] = {}
    errors = 0
    if not report.is_file():
        return [], 1
    for line in report.read_text().splitlines():
        try:
            event = json.loads(line)
        except json.JSONDecodeError:
            continue
        errors += any(name in event for name in ERROR_EVENTS)
        recorder = (event.get("ScenarioFinished") or {}).get("recorder") or {}
        interactions = recorder.get("interactions") or {}
        for case_id, checks in (recorder.get("checks") or {}).items():
            for check in checks:
                failure = ((check.get("failure_info") or {}).get("failure")) or {}
                if check.get("status") != "failure" or not failure:
                    continue
                interaction = interactions.get(case_id) or {}
                response = interaction.get("response") or {}
                status = response.get("status_code")
                message = str(failure.get("message") or failure.get("title") or "")
                finding = Finding(
                    str(failure.get("operation") or recorder.get("label") or ""),
                    str(failure.get("code") or check.get("name") or ""),
                    status if isinstance(status, int) else None,
                    # ST103's message names the status; ST201 its invalid component;
                    # others keep their first line
                    ""
                    if failure.get("code") == "ST103"
                    else message.split("\n")[-1]
                    if failure.get("code") == "ST201"
                    else message.split("\n")[0],
                    (interaction.get("request") or {}).get("body") is None,
                    _media((interaction.get("request") or {}).get("headers") or {}),
                    beyond_columns(interaction),
                )
                finding.gap = gap_of(
                    finding, optional_bodies, not_implemented, form_nested, several_tags
                )
                found.setdefault(
                    (
                        finding.operation,
                        finding.code,
                        finding.status,
                        finding.message,
                        finding.bodiless,
                    ),
                    finding,
                )
    return sorted(found.values()), errors


# The bounds of the integer columns (smallint, integer, bigint), and the server's message
# for a value beyond one. Mirrored by `beyond_columns` in the generated
# tests/test_conformance.py.
COLUMN_LIMITS = frozenset({2**15 - 1, -(2**15), 2**31 - 1, -(2**31), 2**63 - 1, -(2**63)})
_COLUMN_BOUND = re.compile(r"than or equal to (-?\d+)")
_DIGITS = re.compile(r"-?[0-9]+")


def beyond_columns(interaction: dict[str, Any]) -> bool:
    """A recorded request carrying an integer beyond what an int32 column holds (in its
    JSON body or its query), answered with only the columns' bounds."""
    answer = _recorded_text((interaction.get("response") or {}).get("content"))
    bounds = {int(found) for found in _COLUMN_BOUND.findall(answer)}
    if not bounds or not bounds <= COLUMN_LIMITS:
        return False
    request = interaction.get("request") or {}
    query = urllib.parse.parse_qsl(urllib.parse.urlsplit(str(request.get("uri", ""))).query)
    try:
        body = json.loads(_recorded_text(request.get("body")) or "null")
    except ValueError:
        body = None
    return _big_integer(body) or any(_big_integer(value) for _, value in query)


def _recorded_text(recorded: object) -> str:
    """A body as schemathesis records it (`{"$base64": ...}`), as text."""
    if isinstance(recorded, dict) and isinstance(recorded.get("$base64"), str):
        return base64.b64decode(recorded["$base64"]).decode("utf-8", "replace")
    return recorded if isinstance(recorded, str) else ""


def _big_integer(value: object) -> bool:
    """An integer (or integer text) outside the int32 range, anywhere in `value`."""
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return not -(2**31) <= value < 2**31
    if isinstance(value, str):
        return _DIGITS.fullmatch(value) is not None and _big_integer(int(value))
    if isinstance(value, dict):
        return any(_big_integer(item) for item in value.values())
    if isinstance(value, list):
        return any(_big_integer(item) for item in value)
    return False


def _media(headers: dict[str, object]) -> str:
    """The request's Content-Type (without parameters), from a recorded request."""
    for name, value in headers.items():
        if name.lower() == "content-type":
            text = value[0] if isinstance(value, list) and value else value
            return str(text).split(";")[0].strip().lower()
    return ""


@dataclass
class Contract:
    location: str  # a file in the project, or a URL path the app serves ("/openapi.json")
    base_path: str
    auth: bool
    served: bool  # the location is a URL path on the running app
    optional_bodies: frozenset[str] = frozenset()  # see gap_of
    not_implemented: frozenset[str] = frozenset()  # see gap_of
    form_nested: frozenset[str] = frozenset()  # see gap_of
    several_tags: frozenset[str] = frozenset()  # see gap_of


def contract_of(project: Path) -> Contract:
    pyproject = project / "pyproject.toml"
    table = {}
    if pyproject.is_file():
        table = tomllib.loads(pyproject.read_text()).get("tool", {}).get("backend-codegen", {})
    if not table:
        what = "no [tool.backend-codegen] table in" if pyproject.is_file() else "no"
        raise SpecError(
            f"{project} has {what} pyproject.toml",
            Location(str(pyproject)),
            "point --conformance at a project generated by this version of backend-codegen "
            "(regenerate older projects)",
        )
    location = str(table.get("contract", "/openapi.json"))
    served = location.startswith("/")
    if not served:
        location = str(project / location)
    return Contract(
        location,
        str(table.get("base-path", "")),
        bool(table.get("auth", False)),
        served,
        frozenset(str(op) for op in table.get("optional-bodies", [])),
        frozenset(str(op) for op in table.get("not-implemented", [])),
        frozenset(str(op) for op in table.get("form-nested", [])),
        frozenset(str(op) for op in table.get("several-tags", [])),
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_until_up(url: str, process: subprocess.Popen[bytes], timeout: float = 60.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return True
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    return False


def _scheme_auth(contract: Contract, header_line: str) -> str | None:
    """A schemathesis config giving the test token to the contract's security scheme that
    carries it (an API key in that header, or HTTP bearer), when the contract offers several
    ways to authenticate: requests made another way are then known to lack credentials."""
    if contract.served:
        return None
    try:
        document = yaml.safe_load(Path(contract.location).read_text())
    except (OSError, yaml.YAMLError):
        return None
    schemes = ((document or {}).get("components") or {}).get("securitySchemes") or {}
    if not isinstance(schemes, dict) or len(schemes) < 2:
        return None
    name, _, value = header_line.partition(":")
    name, value = name.strip(), value.strip()
    for scheme_name, scheme in schemes.items():
        if not isinstance(scheme, dict):
            continue
        if (
            scheme.get("type") == "apiKey"
            and scheme.get("in") == "header"
            and str(scheme.get("name", "")).lower() == name.lower()
        ):
            return f"[auth.openapi.{json.dumps(scheme_name)}]\napi_key = {json.dumps(value)}\n"
        if (
            scheme.get("type") == "http"
            and str(scheme.get("scheme", "")).lower() == "bearer"
            and name.lower() == "authorization"
            and value.lower().startswith("bearer ")
        ):
            token = value.split(" ", 1)[1]
            return f"[auth.openapi.{json.dumps(scheme_name)}]\nbearer = {json.dumps(token)}\n"
    return None


def _is_postgres(database_url: str | None) -> bool:
    return bool(database_url) and str(database_url).startswith("postgresql")


_FAILURES = re.compile(r"(\d+) (?:unique )?failures?")


def conformance(
    project: Path,
    *,
    database_url: str | None = None,
    max_examples: int = 50,
    seed: int | None = None,
    log: list[str] | None = None,
) -> ConformanceResult:
    """Serve the project and test it with `schemathesis run --checks all`."""
    project = project.resolve()
    contract = contract_of(project)
    with serve(project, database_url, log) as (origin, python, env, server_log):
        headers: list[str] = []
        prefix: list[str] = []
        if contract.auth:
            token = subprocess.run(
                [str(python), "-m", "tests.issue_token"],
                cwd=project, env=env, capture_output=True, text=True,
            )  # fmt: skip
            if token.returncode != 0:
                raise RuntimeError("could not issue a test token:\n" + token.stderr)
            headers = ["-H", token.stdout.strip()]
            config = _scheme_auth(contract, token.stdout.strip())
            if config is not None:
                # the contract's own scheme carries the credentials: schemathesis then knows
                # them valid, and which requests it sent without them
                config_file = Path(server_log).parent / "schemathesis.toml"
                config_file.write_text(config)
                headers = []
                prefix = ["--config-file", str(config_file)]
        location = contract.location
        if contract.served:
            location = origin + location
        report = Path(server_log).parent / "events.ndjson"
        command = [
            str(python), "-m", "schemathesis.cli", *prefix, "run", location,
            "--report", "ndjson", "--report-ndjson-path", str(report),
            "--url", origin + contract.base_path, "--checks", "all",
            "--max-examples", str(max_examples), "--no-color", *headers,
            *(["--seed", str(seed)] if seed is not None else []),
            # PostgreSQL text cannot hold NUL characters at all: such values are
            # refused with 422 there, so schemathesis is told not to send them.
            *(["--generation-allow-x00", "false"] if _is_postgres(database_url) else []),
        ]  # fmt: skip
        if log is not None:
            log.append(" ".join(command[:8]) + " ...")
        done = subprocess.run(command, cwd=project, env=env, capture_output=True, text=True)
        served_log = server_log.read_text()
        findings, errors = read_findings(
            report,
            contract.optional_bodies,
            contract.not_implemented,
            contract.form_nested,
            contract.several_tags,
        )
    output = done.stdout + done.stderr
    real = [f for f in findings if not f.contract_gap]
    if done.returncode == 0:
        ok, failures = True, 0
    elif findings and not errors:
        # schemathesis failed only on contract gaps: every other check passed
        ok, failures = not real, len(real)
    else:  # an error before or outside the checks (bad contract, crashed run)
        tail = "\n".join(output.strip().splitlines()[-3:])
        match = _FAILURES.search(tail)
        ok, failures = False, int(match.group(1)) if match else 1
    return ConformanceResult(ok, failures, output, command, served_log, findings)


@contextmanager
def serve(
    project: Path, database_url: str | None = None, log: list[str] | None = None
) -> Iterator[tuple[str, Path, dict[str, str], Path]]:
    """Run the generated server on a free port with a fresh database (SQLite unless
    `database_url`); yields (origin, python, environment, server log)."""
    project = project.resolve()
    python = environment_for(project, log)
    port = free_port()
    origin = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory(prefix="bcg-serve-") as tmp:
        env = {
            **os.environ,
            "PYTHONPATH": str(project),
            "DATABASE_URL": database_url or f"sqlite+aiosqlite:///{tmp}/served.db",
            "AUTO_MIGRATE": "true",
            "ENVIRONMENT": "test",
        }
        server_log = Path(tmp) / "server.log"
        with server_log.open("wb") as sink:
            server = subprocess.Popen(
                [str(python), "-m", "uvicorn", "app.main:app", "--host", "127.0.0.1",
                 "--port", str(port), "--log-level", "warning"],
                cwd=project, env=env, stdout=sink, stderr=subprocess.STDOUT,
            )  # fmt: skip
            try:
                if not _wait_until_up(origin + "/health", server):
                    raise RuntimeError(
                        "the generated server did not start:\n" + server_log.read_text()[-4000:]
                    )
                yield origin, python, env, server_log
            finally:
                server.terminate()
                try:
                    server.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    server.kill()
