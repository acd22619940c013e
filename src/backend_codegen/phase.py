"""Phase detection and the context-aware runner (the seed's `ProjectPhaseDetector` and
`ContextAwareServerRunner`).

A project grows through three phases:

- Phase I, a console application: `src/main.py`;
- Phase II, a web backend: `backend/main.py` or `backend/app/main.py` (or the directory given
  is the backend itself: `app/main.py`);
- Phase III, the web backend with AI components: an `app/ai` or `app/mcp` package in it, or the
  `mcp` SDK among its dependencies.

`detect` says which one a directory holds and the command that runs it; `run` runs it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from backend_codegen.errors import Location, SpecError

PHASES = {
    1: "Console Application (Phase I)",
    2: "Full Stack Web Application (Phase II)",
    3: "AI Chatbot Application (Phase III)",
}


@dataclass
class Detection:
    phase: int
    description: str
    root: Path  # where the command runs
    entry_point: Path
    app: str | None = None  # the ASGI app (`app.main:app`) of a web backend
    reasons: list[str] = field(default_factory=list)

    @property
    def web(self) -> bool:
        return self.app is not None

    def command(self, host: str = "127.0.0.1", port: int = 8000, reload: bool = True) -> list[str]:
        """The command that runs it (the interpreter comes first; see `run`)."""
        if self.app is None:
            return ["python", self.entry_point.relative_to(self.root).as_posix()]
        cmd = ["python", "-m", "uvicorn", self.app, "--host", host, "--port", str(port)]
        return [*cmd, "--reload"] if reload else cmd


def detect(directory: Path) -> Detection:
    """The phase of the project in `directory`; exit 2 (SpecError) when it holds none."""
    root = directory.resolve()
    if not root.is_dir():
        raise SpecError(f"{directory} is not a directory", Location(str(directory)), None)
    for backend, module in (
        (root / "backend", "app.main"),
        (root / "backend", "main"),
        (root, "app.main"),
    ):
        entry = backend / (module.replace(".", "/") + ".py")
        if not entry.is_file():
            continue
        reasons = [f"{entry.relative_to(root).as_posix()} is a web backend's entry point"]
        ai = _ai_components(backend)
        phase = 3 if ai else 2
        return Detection(phase, PHASES[phase], backend, entry, f"{module}:app", reasons + ai)
    console = root / "src" / "main.py"
    if console.is_file():
        return Detection(1, PHASES[1], root, console, None, ["src/main.py: a console application"])
    raise SpecError(
        "no project this tool can run is here",
        Location(str(directory)),
        "expected src/main.py (a console app, Phase I), backend/main.py or backend/app/main.py "
        "(a web backend, Phase II/III), or app/main.py in the directory given",
    )


def _ai_components(backend: Path) -> list[str]:
    found = [
        f"{path.relative_to(backend).as_posix()}/ holds AI components"
        for path in (
            backend / "app" / "ai",
            backend / "app" / "mcp",
            backend / "ai",
            backend / "mcp",
        )
        if path.is_dir()
    ]
    pyproject = backend / "pyproject.toml"
    if pyproject.is_file() and re.search(
        r"""["']mcp(?:\[[^\]]*\])?\s*(?:[<>=!~][^"']*)?["']""", pyproject.read_text()
    ):
        found.append("pyproject.toml depends on the mcp SDK")
    return found
