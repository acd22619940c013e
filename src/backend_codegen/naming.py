"""One `Name` value for every identifier, so every stage spells names the same way."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any


def _load_inflect() -> Any:
    """inflect's engine, imported without typeguard's import-time instrumentation.

    inflect decorates its methods with `typeguard.typechecked`, which re-compiles each one
    when the module is imported (about 1.7 s, most of the CLI's start-up), and importing
    typeguard itself pulls in asyncio and unittest.mock (another 0.1 s). Those checks only
    guard inflect's own argument types, which our calls satisfy, so while inflect is
    imported `typeguard` is a module whose `typechecked` is a pass-through, exactly as under
    `python -O`; the real typeguard is untouched (and used if something else loaded it)."""
    import sys
    import types

    def passthrough(target: Any = None, **_: Any) -> Any:
        return target if target is not None else passthrough

    real = sys.modules.get("typeguard")
    if real is not None:
        original = real.typechecked
        setattr(real, "typechecked", passthrough)  # noqa: B010 (a module's attribute)
        try:
            import inflect
        finally:
            setattr(real, "typechecked", original)  # noqa: B010
        return inflect.engine()
    stand_in = types.ModuleType("typeguard")
    setattr(stand_in, "typechecked", passthrough)  # noqa: B010
    sys.modules["typeguard"] = stand_in
    try:
        import inflect
    finally:
        if sys.modules.get("typeguard") is stand_in:
            del sys.modules["typeguard"]
    return inflect.engine()


_engine = _load_inflect()

_WORD_SPLIT = re.compile(r"[^0-9A-Za-z]+")
_CAMEL_SPLIT = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")

# Words inflect gets wrong or that are already plural/singular invariant for our purposes.
_UNCOUNTABLE = {
    "data",
    "info",
    "information",
    "metadata",
    "news",
    "status",
    "media",
    "series",
    "equipment",
    "feedback",
    "inventory",
    "staff",
    "auth",
    "settings",
}


def split_words(text: str) -> list[str]:
    """'orderItems' / 'order_items' / 'Order Items' / 'order-items' -> ['order', 'items']."""
    words: list[str] = []
    for chunk in _WORD_SPLIT.split(text):
        if not chunk:
            continue
        words.extend(w.lower() for w in _CAMEL_SPLIT.split(chunk) if w)
    return words


@lru_cache(maxsize=4096)
def singular(word: str) -> str:
    low = word.lower()
    if low in _UNCOUNTABLE or low.endswith("ss") or low.endswith("us"):
        return word
    result = _engine.singular_noun(word)
    return word if result is False else str(result)


@lru_cache(maxsize=4096)
def plural(word: str) -> str:
    low = word.lower()
    if low in _UNCOUNTABLE:
        return word
    if singular(word) != word:  # already plural
        return word
    return str(_engine.plural_noun(word))


@dataclass(frozen=True, order=True)
class Name:
    """A name made of lower-case words; renders in every case a target needs."""

    words: tuple[str, ...]

    @classmethod
    def parse(cls, text: str) -> Name:
        return _parsed(text)

    @classmethod
    def entity(cls, text: str) -> Name:
        """An entity name: the last word made singular ('order_items' -> OrderItem)."""
        name = cls.parse(text)
        return cls((*name.words[:-1], singular(name.words[-1])))

    @property
    def snake(self) -> str:
        return "_".join(self.words)

    @property
    def pascal(self) -> str:
        return "".join(w[:1].upper() + w[1:] for w in self.words)

    @property
    def camel(self) -> str:
        p = self.pascal
        return p[:1].lower() + p[1:]

    @property
    def kebab(self) -> str:
        return "-".join(self.words)

    @property
    def plural(self) -> Name:
        return Name((*self.words[:-1], plural(self.words[-1])))

    @property
    def singular(self) -> Name:
        return Name((*self.words[:-1], singular(self.words[-1])))

    @property
    def human(self) -> str:
        return " ".join(self.words)

    def __str__(self) -> str:
        return self.snake


@lru_cache(maxsize=16384)
def _parsed(text: str) -> Name:
    """`Name.parse`, once per text (a Name is immutable; rendering GitHub's description
    parses 12,000 names, most of them many times). Letters outside ASCII are written in
    ASCII first (anyascii: `größe` → grosse, `名前` → ming_qian, `имя` → imya): identifiers
    and table and column names must be plain in every target and SQL dialect."""
    if not text.isascii():
        from anyascii import anyascii

        text = anyascii(text)
    words = split_words(text)
    return Name(tuple(words) if words else ("x",))
