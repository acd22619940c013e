"""Find and read the input documents: a directory or files, Markdown or OpenAPI."""

from __future__ import annotations

from pathlib import Path

from backend_codegen.errors import Location, SpecError, Warnings
from backend_codegen.spec.model import ApiSpec

OPENAPI_SUFFIXES = (".yaml", ".yml", ".json")


def _looks_like_openapi(path: Path) -> bool:
    try:
        head = path.read_text(encoding="utf-8", errors="replace")[:4096]
    except OSError:
        return False
    return "openapi" in head or "swagger" in head


def load_spec(inputs: list[Path], warnings: Warnings | None = None) -> ApiSpec:
    """Read the documents named on the command line.

    - one OpenAPI file (.yaml/.yml/.json);
    - one directory holding an API list and a requirements document (Markdown) or one
      OpenAPI file;
    - an API list Markdown file, optionally followed by the requirements document.
    """
    warnings = warnings if warnings is not None else Warnings()
    if not inputs:
        raise SpecError(
            "no input documents given",
            None,
            "pass a directory, an OpenAPI file, or api-list.md [requirements.md]",
        )
    for path in inputs:
        if not path.exists():
            raise SpecError(
                f"{path} does not exist",
                Location(str(path)),
                "check the path; pass a directory or the document files",
            )
    if len(inputs) > 2:
        raise SpecError(
            "too many input documents",
            Location(str(inputs[2])),
            "pass one OpenAPI file, or an API list and a requirements document",
        )
    first = inputs[0]
    if first.is_dir():
        if len(inputs) > 1:
            raise SpecError(
                "a directory cannot be combined with other inputs",
                Location(str(inputs[1])),
                "pass the directory alone",
            )
        return _load_directory(first, warnings)
    if first.suffix.lower() in OPENAPI_SUFFIXES:
        if len(inputs) > 1 and inputs[1].suffix.lower() not in (".md", ".markdown"):
            raise SpecError(
                "an OpenAPI document goes with at most a requirements document (Markdown)",
                Location(str(inputs[1])),
                "pass the OpenAPI file, optionally followed by requirements.md",
            )
        from backend_codegen.spec.openapi import read_openapi

        spec = read_openapi(first, warnings)
        if len(inputs) > 1:
            _add_requirements(spec, inputs[1], warnings)
        return spec
    from backend_codegen.spec.markdown import read_markdown

    requirements = inputs[1] if len(inputs) > 1 else None
    return read_markdown(first, requirements, warnings)


def _load_directory(directory: Path, warnings: Warnings) -> ApiSpec:
    specs = sorted(
        p
        for p in directory.iterdir()
        if p.suffix.lower() in OPENAPI_SUFFIXES and _looks_like_openapi(p)
    )
    markdown = sorted(p for p in directory.iterdir() if p.suffix.lower() == ".md")
    if specs:
        if len(specs) > 1:
            raise SpecError(
                f"{directory} holds several OpenAPI documents: {', '.join(p.name for p in specs)}",
                Location(str(directory)),
                "pass the one to use",
            )
        from backend_codegen.spec.openapi import read_openapi

        spec = read_openapi(specs[0], warnings)
        if len(markdown) > 1:
            raise SpecError(
                f"{directory} holds an OpenAPI document and several Markdown files: "
                f"{', '.join(p.name for p in markdown)}",
                Location(str(directory)),
                "keep one requirements document next to the OpenAPI file",
            )
        if markdown:
            _add_requirements(spec, markdown[0], warnings)
        return spec
    if not markdown:
        raise SpecError(
            f"{directory} holds no API documents",
            Location(str(directory)),
            "add api-list.md + requirements.md (see templates/) or an OpenAPI file",
        )
    from backend_codegen.spec.markdown import find_markdown_inputs, read_markdown

    api_list, requirements = find_markdown_inputs(directory)
    return read_markdown(api_list, requirements, warnings)


def _add_requirements(spec: ApiSpec, path: Path, warnings: Warnings) -> None:
    """The rules, requirements, features and stack choices of a requirements document,
    added to an OpenAPI contract (which alone says what the operations are)."""
    from backend_codegen.spec.markdown import read_requirements

    extra = read_requirements(path, warnings)
    spec.rules += extra.rules
    spec.requirements += extra.requirements
    spec.features += [f for f in extra.features if f not in spec.features]
    for key, location in extra.stack.locations.items():
        setattr(spec.stack, key, getattr(extra.stack, key))
        spec.stack.locations[key] = location
    spec.sources.append(str(path))
