"""Writing the generated tree atomically, with a manifest (output/writer.py)."""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from backend_codegen.errors import SpecError
from backend_codegen.output import writer
from backend_codegen.output.writer import (
    BASE,
    LEGACY_BASE_DIR,
    MANIFEST,
    digest,
    plan_tree,
    write_text_atomic,
    write_tree,
)
from backend_codegen.targets.base import GeneratedFile

V1 = [
    GeneratedFile("app/main.py", "print('v1')\n"),
    GeneratedFile("app/old.py", "old = 1\n"),
    GeneratedFile("README.md", "# v1\n", owner="user"),
]
V2 = [
    GeneratedFile("app/main.py", "print('v2')\n"),
    GeneratedFile("README.md", "# v2\n", owner="user"),
    GeneratedFile("app/new.py", "new = 2\n"),
]
META = {"generator": "backend-codegen", "generator_version": "test"}


def base_of(root: Path, path: str) -> str:
    """The merge base kept for `path` (.backend-codegen/base.json)."""
    return str(json.loads((root / BASE).read_text())["files"][path])


def leftovers(parent: Path) -> list[str]:
    return sorted(p.name for p in parent.iterdir() if ".new-" in p.name)


def tree(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): p.read_text() for p in root.rglob("*") if p.is_file()}


def test_new_directory_gets_every_file_and_a_manifest(tmp_path: Path) -> None:
    root = tmp_path / "proj"
    report = write_tree(V1, root, force=False, meta=META)
    assert report.written == ["app/main.py", "app/old.py", "README.md"]
    assert report.overwritten_edits == []
    assert (root / "app/main.py").read_text() == "print('v1')\n"
    manifest = json.loads((root / MANIFEST).read_text())
    assert manifest["generator"] == "backend-codegen"
    assert manifest["files"] == {f.path: digest(f.content) for f in V1}
    assert manifest["owners"]["README.md"] == "user"
    assert manifest["owners"]["app/main.py"] == "generated"
    assert leftovers(tmp_path) == []


def test_empty_existing_directory_needs_no_force(tmp_path: Path) -> None:
    root = tmp_path / "proj"
    root.mkdir()
    write_tree(V1, root, force=False, meta=META)
    assert (root / "app/old.py").is_file()


def test_digest_is_sha256_of_utf8() -> None:
    assert digest("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    assert digest("é") != digest("e")


MANY = [GeneratedFile(f"app/m{i}/f{i}.py", f"x = {i}\n") for i in range(150)]


@pytest.mark.parametrize(
    ("files", "failing"),
    [(V1, 2), (MANY, 77)],  # a few files, in this thread; many, from two threads
    ids=["one-thread", "two-threads"],
)
def test_failure_while_staging_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, files: list[GeneratedFile], failing: int
) -> None:
    real_write = Path.write_text
    calls = {"n": 0}

    def flaky(self: Path, *args: object, **kwargs: object) -> int:
        calls["n"] += 1
        if calls["n"] >= failing:
            raise OSError("disk full")
        return real_write(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Path, "write_text", flaky)
    root = tmp_path / "proj"
    with pytest.raises(OSError, match="disk full"):
        write_tree(files, root, force=False, meta=META)
    monkeypatch.undo()
    assert calls["n"] >= failing  # it did fail mid-way
    assert not root.exists()
    assert list(tmp_path.iterdir()) == []


def test_many_files_are_written_by_two_threads(tmp_path: Path) -> None:
    root = tmp_path / "proj"
    write_tree(MANY, root, force=False, meta=META)
    assert all((root / f.path).read_text() == f.content for f in MANY)


def test_failure_before_the_swap_leaves_the_old_tree(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "proj"
    write_tree(V1, root, force=False, meta=META)
    before = tree(root)

    def boom(*args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(writer, "_swap", boom)
    with pytest.raises(KeyboardInterrupt):
        write_tree(V2, root, force=True, meta=META)
    assert tree(root) == before
    assert leftovers(tmp_path) == []


def test_conflicting_paths_fail_without_leftovers(tmp_path: Path) -> None:
    root = tmp_path / "proj"
    files = [GeneratedFile("a", "file"), GeneratedFile("a/b.py", "under a file")]
    with pytest.raises(OSError):
        write_tree(files, root, force=False, meta=META)
    assert list(tmp_path.iterdir()) == []


MODULE_V1 = "import os\n\n\ndef one():\n    return 1\n\n\ndef two():\n    return 2\n"
MODULE_V2 = "import os\n\n\ndef one():\n    return 1\n\n\ndef two():\n    return 22\n"


def test_regenerating_updates_untouched_files_and_merges_edited_ones(tmp_path: Path) -> None:
    root = tmp_path / "proj"
    write_tree([GeneratedFile("app/m.py", MODULE_V1), *V1[:2]], root, force=False, meta=META)
    edited = MODULE_V1.replace("return 1\n", "return 1  # mine\n")
    (root / "app/m.py").write_text(edited)
    report = write_tree(
        [GeneratedFile("app/m.py", MODULE_V2), *V2[:1]], root, force=False, meta=META
    )
    assert report.merged == ["app/m.py"]
    assert (root / "app/m.py").read_text() == edited.replace("return 2\n", "return 22\n")
    assert report.of("update") == ["app/main.py"] and report.removed == ["app/old.py"]
    assert not (root / "app/old.py").exists()
    # the base of the next merge is the new output, and the file still counts as edited
    assert base_of(root, "app/m.py") == MODULE_V2
    again = write_tree([GeneratedFile("app/m.py", MODULE_V2)], root, force=False, meta=META)
    assert again.merged == ["app/m.py"] and (root / "app/m.py").read_text().count("# mine") == 1


def test_the_bases_are_one_file(tmp_path: Path) -> None:
    """One file holds every base (1,389 fewer files to create on GitHub's description),
    one line per file, so a diff of it names the files that changed."""
    root = tmp_path / "proj"
    write_tree([GeneratedFile("app/m.py", MODULE_V1), *V1], root, force=False, meta=META)
    text = (root / BASE).read_text()
    assert json.loads(text)["files"] == {"app/m.py": MODULE_V1, **{f.path: f.content for f in V1}}
    assert len(text.splitlines()) == len(V1) + 1 + 2  # the braces open and close
    assert text.splitlines()[2] == json.dumps("app/m.py") + ": " + json.dumps(MODULE_V1) + ","
    assert not (root / LEGACY_BASE_DIR).exists()


def test_a_project_with_the_older_base_files_still_merges(tmp_path: Path) -> None:
    """A project generated before base.json keeps its bases as files: they are read, and
    the next generation replaces them with base.json."""
    root = tmp_path / "proj"
    write_tree([GeneratedFile("app/m.py", MODULE_V1), *V1[:1]], root, force=False, meta=META)
    for path, text in json.loads((root / BASE).read_text())["files"].items():
        (root / LEGACY_BASE_DIR / path).parent.mkdir(parents=True, exist_ok=True)
        (root / LEGACY_BASE_DIR / path).write_text(text)
    (root / BASE).unlink()
    edited = MODULE_V1.replace("return 1\n", "return 1  # mine\n")
    (root / "app/m.py").write_text(edited)
    report = write_tree([GeneratedFile("app/m.py", MODULE_V2)], root, force=False, meta=META)
    assert report.merged == ["app/m.py"]
    assert (root / "app/m.py").read_text() == edited.replace("return 2\n", "return 22\n")
    assert base_of(root, "app/m.py") == MODULE_V2
    assert not (root / LEGACY_BASE_DIR).exists()


def test_a_damaged_base_file_means_no_base(tmp_path: Path) -> None:
    """An unreadable base.json (or an entry that no longer matches the manifest) gives no
    base: the edited file conflicts instead of merging against a wrong base."""
    root = tmp_path / "proj"
    write_tree([GeneratedFile("app/m.py", MODULE_V1)], root, force=False, meta=META)
    (root / "app/m.py").write_text(MODULE_V1.replace("return 1\n", "return 1  # mine\n"))
    (root / BASE).write_text("{not json")
    report = write_tree([GeneratedFile("app/m.py", MODULE_V2)], root, force=False, meta=META)
    assert report.conflicts == ["app/m.py"]


def test_a_conflict_keeps_the_users_file_and_writes_the_new_one_beside_it(
    tmp_path: Path,
) -> None:
    root = tmp_path / "proj"
    write_tree([GeneratedFile("app/m.py", MODULE_V1)], root, force=False, meta=META)
    mine = MODULE_V1.replace("return 2", "return 'mine'")
    (root / "app/m.py").write_text(mine)
    report = write_tree([GeneratedFile("app/m.py", MODULE_V2)], root, force=False, meta=META)
    assert report.conflicts == ["app/m.py"]
    assert (root / "app/m.py").read_text() == mine
    assert (root / "app/m.py.new").read_text() == MODULE_V2
    # the old output stays the base: once the user takes the new line, the merge is clean
    assert base_of(root, "app/m.py") == MODULE_V1
    (root / "app/m.py").write_text(MODULE_V2.replace("import os", "import os  # mine"))
    report = write_tree([GeneratedFile("app/m.py", MODULE_V2)], root, force=False, meta=META)
    assert report.merged == ["app/m.py"]


def test_an_edited_file_no_longer_generated_is_kept(tmp_path: Path) -> None:
    root = tmp_path / "proj"
    write_tree(V1, root, force=False, meta=META)
    (root / "app/old.py").write_text("old = 'mine'\n")
    report = write_tree(V2, root, force=False, meta=META)
    assert report.orphans == ["app/old.py"]
    assert (root / "app/old.py").read_text() == "old = 'mine'\n"


def test_the_plan_writes_nothing_and_shows_diffs(tmp_path: Path) -> None:
    root = tmp_path / "proj"
    write_tree(V1, root, force=False, meta=META)
    before = tree(root)
    report = plan_tree(V2, root, force=False)
    assert tree(root) == before
    kinds = {c.path: c.kind for c in report.changes}
    assert kinds == {
        "app/main.py": "update",
        "README.md": "keep",
        "app/new.py": "create",
        "app/old.py": "remove",
    }
    main = next(c for c in report.changes if c.path == "app/main.py")
    assert "-print('v1')" in main.diff and "+print('v2')" in main.diff


def test_an_interrupted_swap_puts_every_file_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "proj"
    write_tree(V1, root, force=False, meta=META)
    before = tree(root)
    real = os.replace
    calls = {"n": 0}

    def interrupted(source: object, target: object) -> None:
        calls["n"] += 1
        if calls["n"] == 5:  # mid-way through the files
            raise KeyboardInterrupt
        real(source, target)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_tree(V2, root, force=False, meta=META)
    monkeypatch.undo()
    assert tree(root) == before
    assert leftovers(tmp_path) == []


def test_non_empty_directory_without_force_is_an_error(tmp_path: Path) -> None:
    root = tmp_path / "proj"
    root.mkdir()
    (root / "notes.txt").write_text("mine")
    with pytest.raises(SpecError) as info:
        write_tree(V1, root, force=False, meta=META)
    assert "not empty" in info.value.message
    assert info.value.location is not None and info.value.location.file == str(root)
    assert "--force" in (info.value.hint or "")
    assert tree(root) == {"notes.txt": "mine"}
    assert leftovers(tmp_path) == []


def test_output_path_that_is_a_file_is_an_error(tmp_path: Path) -> None:
    target = tmp_path / "proj"
    target.write_text("x")
    with pytest.raises(SpecError, match="not a directory"):
        write_tree(V1, target, force=True, meta=META)
    assert target.read_text() == "x"


def test_force_replaces_generated_files_and_keeps_unmanaged_ones(tmp_path: Path) -> None:
    root = tmp_path / "proj"
    write_tree(V1, root, force=False, meta=META)
    (root / "app/main.py").write_text("print('edited by hand')\n")
    (root / "app.db").write_bytes(b"SQLite format 3\x00")
    (root / ".venv").mkdir()
    (root / ".venv/pyvenv.cfg").write_text("home = /usr\n")

    report = write_tree(V2, root, force=True, meta=META)

    assert report.overwritten_edits == ["app/main.py"]  # README.md and old.py untouched
    assert sorted(report.written) == ["app/main.py", "app/new.py"]
    assert report.kept == ["README.md"]  # a user file is never rewritten
    assert (root / "README.md").read_text() == "# v1\n"
    assert (root / "app/main.py").read_text() == "print('v2')\n"
    assert (root / "app/new.py").read_text() == "new = 2\n"
    assert not (root / "app/old.py").exists()  # no longer generated
    assert (root / "app.db").read_bytes() == b"SQLite format 3\x00"  # unmanaged: kept
    assert (root / ".venv/pyvenv.cfg").is_file()
    manifest = json.loads((root / MANIFEST).read_text())
    assert manifest["files"] == {f.path: digest(f.content) for f in V2}
    assert base_of(root, "app/main.py") == "print('v2')\n"
    assert leftovers(tmp_path) == []


def test_force_with_a_broken_manifest_reports_no_edits(tmp_path: Path) -> None:
    root = tmp_path / "proj"
    write_tree(V1, root, force=False, meta=META)
    (root / "app/main.py").write_text("edited")
    (root / MANIFEST).write_text("{not json")
    report = write_tree(V2, root, force=True, meta=META)
    assert report.overwritten_edits == []
    assert (root / "app/main.py").read_text() == "print('v2')\n"


def test_write_text_atomic(tmp_path: Path) -> None:
    path = tmp_path / "docs" / "structure.md"
    write_text_atomic(path, "one")
    write_text_atomic(path, "two")
    assert path.read_text() == "two"
    assert [p.name for p in path.parent.iterdir()] == ["structure.md"]


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def umask_022() -> Iterator[None]:
    old = os.umask(0o022)
    yield
    os.umask(old)


def test_new_project_directory_has_normal_permissions(tmp_path: Path, umask_022: None) -> None:
    reference = tmp_path / "reference"
    reference.mkdir()  # what the umask gives a plain mkdir
    root = tmp_path / "proj"
    write_tree(V1, root, force=False, meta=META)
    assert _mode(root) == _mode(reference) == 0o755


def test_atomic_file_has_normal_permissions(tmp_path: Path, umask_022: None) -> None:
    reference = tmp_path / "reference.md"
    reference.write_text("x")
    path = tmp_path / "doc.md"
    write_text_atomic(path, "x")
    assert _mode(path) == _mode(reference) == 0o644
