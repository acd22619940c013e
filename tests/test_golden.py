"""Golden tests: each example's generated tree is kept in tests/golden/<example>/.

A difference fails with a diff. To accept a deliberate change, regenerate the goldens:

    BACKEND_CODEGEN_UPDATE_GOLDENS=1 python -m pytest tests/test_golden.py
"""

from __future__ import annotations

import difflib
import os
import shutil
import subprocess
import sys
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


def test_generation_is_the_same_in_every_process(tmp_path: Path) -> None:
    """Two CLI runs with other string hashes and other object addresses write the same
    tree (sets of names or of objects must not order the output; the reference-cycle spec
    has a table whose keys close a cycle)."""
    spec = tmp_path / "cycle.yaml"
    spec.write_text(
        (Path(__file__).parent / "data" / "reference-cycle.yaml")
        .read_text()
        .replace(
            "        captain_id: {type: integer, nullable: true, x-references: Member}\n",
            "        captain_id: {type: integer, nullable: true, x-references: Member}\n"
            "        vice_captain_id: {type: integer, nullable: true, x-references: Member}\n",
        )
    )
    trees = []
    for seed in ("1", "2"):
        out = tmp_path / f"out-{seed}"
        code = "from backend_codegen.launch import main; main()"
        args = [sys.executable, "-c", code, "generate", str(spec)]
        done = subprocess.run(
            [*args, "-o", str(out)],
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
        )
        assert done.returncode == 0, done.stderr
        trees.append(
            {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}
        )
    assert sorted(trees[0]) == sorted(trees[1])
    assert [p for p in sorted(trees[0]) if trees[0][p] != trees[1][p]] == []
