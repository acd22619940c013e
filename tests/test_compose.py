"""The generated docker-compose.yml: the API, its database and a migration step (no Docker
engine here: the file is checked as data)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from backend_codegen import api

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


@pytest.mark.parametrize(
    ("example", "image", "scheme"),
    [("todo", "postgres:16", "postgresql+asyncpg"), ("blog", "mariadb:11", "mysql+asyncmy")],
)
def test_compose_runs_the_api_on_its_database(example: str, image: str, scheme: str) -> None:
    model = api.inspect([EXAMPLES / example]).model
    files = {f.path: f.content for f in api.render(model)}
    compose = yaml.safe_load(files["docker-compose.yml"])
    services = compose["services"]
    assert set(services) == {"db", "migrate", "api"}
    assert services["db"]["image"] == image and "healthcheck" in services["db"]
    env = services["api"]["environment"]
    assert env == services["migrate"]["environment"]
    assert env["DATABASE_URL"].startswith(f"{scheme}://app:")
    assert env["ENVIRONMENT"] == "production" and env["AUTO_MIGRATE"] == "false"
    assert env["SECRET_KEY"].startswith("${SECRET_KEY:?")  # refused to start without one
    assert services["migrate"]["command"] == ["alembic", "upgrade", "head"]
    assert services["migrate"]["depends_on"]["db"]["condition"] == "service_healthy"
    assert services["api"]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert services["api"]["ports"] == ["8000:8000"]
