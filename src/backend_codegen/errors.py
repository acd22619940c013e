"""Diagnostics shared by every stage: one error type with a location and a hint."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Location:
    """Where something came from: a file plus a line (Markdown) or a JSON pointer (OpenAPI)."""

    file: str
    line: int | None = None
    pointer: str | None = None

    def __str__(self) -> str:
        if self.line is not None:
            return f"{self.file}:{self.line}"
        if self.pointer is not None:
            return f"{self.file}#{self.pointer}"
        return self.file

    def child(self, *parts: str | int) -> Location:
        """A location deeper inside the same JSON document (pointer segments escaped)."""
        pointer = self.pointer or ""
        for part in parts:
            text = str(part).replace("~", "~0").replace("/", "~1")
            pointer = f"{pointer}/{text}"
        return Location(self.file, self.line, pointer)


@dataclass
class Diagnostic:
    message: str
    location: Location | None = None
    hint: str | None = None

    def render(self, severity: str = "error") -> str:
        where = f"{self.location}: " if self.location else ""
        text = f"{severity}: {where}{self.message}"
        if self.hint:
            text += f"\n  hint: {self.hint}"
        return text


class SpecError(Exception):
    """Bad input. Carries one or more diagnostics; the CLI prints them and exits 2."""

    def __init__(
        self,
        message: str,
        location: Location | None = None,
        hint: str | None = None,
        *,
        diagnostics: list[Diagnostic] | None = None,
    ) -> None:
        self.diagnostics = diagnostics or [Diagnostic(message, location, hint)]
        super().__init__(self.render())

    @property
    def message(self) -> str:
        return self.diagnostics[0].message

    @property
    def location(self) -> Location | None:
        return self.diagnostics[0].location

    @property
    def hint(self) -> str | None:
        return self.diagnostics[0].hint

    def render(self) -> str:
        return "\n".join(d.render("error") for d in self.diagnostics)


@dataclass
class Warnings:
    """Warnings collected during a run and shown together at the end."""

    items: list[Diagnostic] = field(default_factory=list)
    _seen: set[str] = field(default_factory=set, repr=False, compare=False)

    def add(self, message: str, location: Location | None = None, hint: str | None = None) -> None:
        diag = Diagnostic(message, location, hint)
        text = diag.render()
        if text not in self._seen:
            self._seen.add(text)
            self.items.append(diag)

    def extend(self, items: list[Diagnostic]) -> None:
        for d in items:
            self.add(d.message, d.location, d.hint)

    def take_from(self, index: int) -> list[Diagnostic]:
        """Remove and return the warnings added since there were `index` of them."""
        taken = self.items[index:]
        del self.items[index:]
        for d in taken:
            self._seen.discard(d.render())
        return taken

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)


class FormatError(Exception):
    """Generated Python that does not parse, uses an undefined name or clobbers a definition:
    a bug in the generator, never in the input."""

    def __init__(self, path: str, detail: str) -> None:
        super().__init__(f"{path}: {detail}")
        self.path = path
        self.detail = detail
