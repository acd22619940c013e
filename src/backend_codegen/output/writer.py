"""Writing a generated tree: atomically, with a manifest, never silently over user edits."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from backend_codegen.errors import Location, SpecError
from backend_codegen.targets.base import GeneratedFile

MANIFEST = ".backend-codegen/manifest.json"


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass
class WriteReport:
    written: list[str] = field(default_factory=list)
    overwritten_edits: list[str] = field(default_factory=list)  # user-edited, replaced (--force)


def _edited_files(root: Path) -> list[str]:
    """Files a user changed since the last generation (hash differs from the manifest)."""
    manifest = root / MANIFEST
    if not manifest.is_file():
        return []
    try:
        recorded: dict[str, str] = json.loads(manifest.read_text())["files"]
    except (ValueError, KeyError, TypeError):
        return []
    edited = []
    for path, sha in sorted(recorded.items()):
        current = root / path
        if current.is_file() and digest(current.read_text(errors="replace")) != sha:
            edited.append(path)
    return edited


def write_tree(
    files: list[GeneratedFile], root: Path, *, force: bool, meta: dict[str, object]
) -> WriteReport:
    """Write `files` under `root` all at once: built in a sibling temporary directory and
    swapped in by rename, so an error or interruption leaves the previous tree intact."""
    report = WriteReport()
    if root.exists() and not root.is_dir():
        raise SpecError(
            f"{root} exists and is not a directory",
            Location(str(root)),
            "choose another output path with -o",
        )
    if root.exists() and any(root.iterdir()):
        if not force:
            raise SpecError(
                f"{root} is not empty",
                Location(str(root)),
                "pass --force to replace it, or choose another directory with -o",
            )
        report.overwritten_edits = _edited_files(root)
    root.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{root.name}.new-", dir=root.parent))
    staging.chmod(0o777 & ~_umask())  # mkdtemp makes 0700; a project is a normal directory
    try:
        for f in files:
            target = staging / f.path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(f.content, encoding="utf-8")
            report.written.append(f.path)
        manifest = {
            **meta,
            "files": {f.path: digest(f.content) for f in files},
            "owners": {f.path: f.owner for f in files},
        }
        (staging / MANIFEST).parent.mkdir(parents=True, exist_ok=True)
        (staging / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
        _swap(staging, root)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return report


def _swap(staging: Path, root: Path) -> None:
    """Put the staged tree at `root`. A new directory is renamed into place in one step; in
    an existing one each file is replaced atomically and files the generator no longer
    produces are removed, while files it never wrote (.venv, app.db, notes) stay."""
    if not root.exists():
        os.replace(staging, root)
        return
    previous = _recorded(root)
    staged = sorted(p.relative_to(staging) for p in staging.rglob("*") if p.is_file())
    for rel in staged:
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(staging / rel, target)
    for rel_text in previous - {str(p) for p in staged}:
        (root / rel_text).unlink(missing_ok=True)
    shutil.rmtree(staging, ignore_errors=True)


def _recorded(root: Path) -> set[str]:
    try:
        return set(json.loads((root / MANIFEST).read_text())["files"])
    except (OSError, ValueError, KeyError, TypeError):
        return set()


def write_text_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
