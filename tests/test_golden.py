"""Golden tests: each example's generated tree is kept in tests/golden/<example>/.

A difference fails with a diff. To accept a deliberate change, regenerate the goldens:

    BACKEND_CODEGEN_UPDATE_GOLDENS=1 python -m pytest tests/test_golden.py
"""

from __future__ import annotations

import difflib
import os
import shutil
from pathlib import Path

import pytest

from backend_codegen import api

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).resolve().parent / "golden"
# Examples whose contract is a link to the shared corpus (realworld) are left out: their golden
# tree would hold a copy of a document this repository must not copy.
EXAMPLES = sorted(
    p
    for p in (ROOT / "examples").iterdir()
    if p.is_dir() and not any(f.is_symlink() for f in p.iterdir())
)
UPDATE = os.environ.get("BACKEND_CODEGEN_UPDATE_GOLDENS") == "1"


def _render(example: Path) -> dict[str, str]:
    model = api.inspect([example]).model
    return {f.path: f.content for f in api.render(model)}


@pytest.mark.parametrize("example", EXAMPLES, ids=[p.name for p in EXAMPLES])
def test_generated_tree_matches_golden(example: Path) -> None:
    actual = _render(example)
    golden = GOLDEN / example.name
    if UPDATE:
        shutil.rmtree(golden, ignore_errors=True)
        for path, content in actual.items():
            target = golden / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(content, encoding="utf-8")
    assert golden.is_dir(), (
        f"no golden tree for {example.name}: run with BACKEND_CODEGEN_UPDATE_GOLDENS=1"
    )
    expected = {
        p.relative_to(golden).as_posix(): p.read_text(encoding="utf-8")
        for p in golden.rglob("*")
        if p.is_file()
    }
    assert sorted(actual) == sorted(expected), "the set of generated files changed"
    changed = [path for path in sorted(actual) if actual[path] != expected[path]]
    if changed:
        path = changed[0]
        diff = difflib.unified_diff(
            expected[path].splitlines(),
            actual[path].splitlines(),
            f"golden/{path}",
            path,
            lineterm="",
        )
        pytest.fail(
            f"{len(changed)} generated file(s) differ, first {path}:\n" + "\n".join(list(diff)[:80])
        )


def test_generation_is_deterministic() -> None:
    example = EXAMPLES[0]
    assert _render(example) == _render(example)
