"""The generated N+1 and keyset-pagination tests can fail (issue 7): generated from the todo
example, they pass as generated and fail once the list route loads something per row, or
once the cursor is ignored."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from backend_codegen import api
from backend_codegen.verify.runner import verify

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def todo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return api.generate(
        [ROOT / "examples" / "todo"], tmp_path_factory.mktemp("q") / "b"
    ).project_dir


def _patch(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1))


def test_the_list_tests_pass_as_generated_and_fail_on_n_plus_1(todo: Path) -> None:
    selected = ["-k", "costs_the_same_queries or pages_with_a_cursor"]
    result = verify(todo, pytest_args=selected)
    assert result.ok and result.passed == 2, result.output[-3000:]
    route = todo / "app" / "api" / "routes" / "task.py"
    original = route.read_text()
    match = re.search(
        r"\n(\s+)rows, total = await service\.list_tasks\((?:.|\n)*?\n\1\)\n", original
    )
    assert match, "the list route calls the service"
    indent = match.group(1)
    try:
        # one query per row: what a lazy relation or a per-row lookup costs
        per_row = f"{indent}for row in rows:\n{indent}    await session.refresh(row)\n"
        _patch(route, match.group(0), match.group(0) + per_row)
        result = verify(todo, pytest_args=["-k", "costs_the_same_queries"])
        assert not result.ok and result.failed == 1, result.output[-3000:]
        route.write_text(original)
        # a cursor that is not followed: the pages repeat
        _patch(route, "after=cursor,", "after=None,")
        result = verify(todo, pytest_args=["-k", "pages_with_a_cursor"])
        assert not result.ok and result.failed == 1, result.output[-3000:]
    finally:
        route.write_text(original)


def test_the_detail_read_test_fails_on_queries_per_related_row(todo: Path) -> None:
    selected = ["-k", "bounded_number_of_queries"]
    result = verify(todo, pytest_args=selected)
    assert result.ok and result.passed == 1, result.output[-3000:]
    route = todo / "app" / "api" / "routes" / "task.py"
    original = route.read_text()
    read = '    return await service.get_task(session, task_id, "id", visible_to=current_user.id)\n'
    # a statement per related row, as a lazy load in a loop would send
    per_related = (
        '    row = await service.get_task(session, task_id, "id", visible_to=current_user.id)\n'
        "    for _ in range(20):\n"
        "        await session.refresh(row)\n"
        "    return row\n"
    )
    try:
        _patch(route, read, per_related)
        result = verify(todo, pytest_args=selected)
        assert not result.ok and result.failed == 1, result.output[-3000:]
    finally:
        route.write_text(original)
