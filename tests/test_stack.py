"""The tech stack: documents, overrides and what can be generated (domain/stack.py)."""

from __future__ import annotations

import pytest

from backend_codegen.domain.model import Stack
from backend_codegen.domain.stack import (
    _FRAMEWORKS,
    _LANGUAGES,
    StackOverrides,
    _match,
    resolve_stack,
)
from backend_codegen.errors import Location, SpecError, Warnings
from backend_codegen.spec.model import StackChoice


def where(line: int) -> Location:
    return Location("requirements.md", line)


def resolve(choice: StackChoice, overrides: StackOverrides | None = None) -> tuple[Stack, Warnings]:
    warnings = Warnings()
    return resolve_stack(choice, overrides or StackOverrides(), warnings), warnings


def test_defaults_when_nothing_is_stated() -> None:
    stack, warnings = resolve(StackChoice())
    assert (stack.language, stack.framework, stack.database, stack.orm) == (
        "python",
        "fastapi",
        "postgresql",
        "sqlalchemy",
    )
    assert not warnings


def test_supported_stack_with_versions_is_accepted() -> None:
    choice = StackChoice(
        "Python 3.12", "FastAPI", "PostgreSQL 16", "SQLAlchemy 2", locations={"language": where(3)}
    )
    stack, warnings = resolve(choice)
    assert stack.database == "postgresql"
    assert any("requirements.md:3" in r for r in stack.reasons)
    assert not warnings


@pytest.mark.parametrize(
    ("text", "database"),
    [("MySQL 8", "mysql"), ("MariaDB", "mysql"), ("SQLite", "sqlite"), ("Postgres", "postgresql")],
)
def test_supported_databases(text: str, database: str) -> None:
    stack, _ = resolve(StackChoice(database=text))
    assert stack.database == database


@pytest.mark.parametrize(
    ("choice", "key", "word"),
    [
        (StackChoice(language="Java"), "language", "Java"),
        (StackChoice(language="Python", framework="Spring Boot"), "framework", "Spring Boot"),
        (StackChoice(database="MongoDB"), "database", "MongoDB"),
        (StackChoice(orm="Mongoose"), "orm", "Mongoose"),
        (StackChoice(framework="Django"), "framework", "Django"),
    ],
)
def test_unsupported_choices_are_errors_with_location(
    choice: StackChoice, key: str, word: str
) -> None:
    choice.locations = {key: where(7)}
    with pytest.raises(SpecError) as info:
        resolve(choice)
    err = info.value
    assert word in err.message
    assert err.location == where(7)
    assert err.hint is not None and "supported" in err.hint.lower()


def test_language_hint_names_the_supported_stack_and_the_override() -> None:
    with pytest.raises(SpecError) as info:
        resolve(StackChoice(language="Java", locations={"language": where(5)}))
    assert info.value.hint is not None
    assert "python-fastapi" in info.value.hint and "--stack" in info.value.hint


def test_database_hint_lists_the_supported_databases() -> None:
    with pytest.raises(SpecError) as info:
        resolve(StackChoice(database="MongoDB"))
    assert "PostgreSQL" in (info.value.hint or "") and "SQLite" in (info.value.hint or "")


def test_sqlmodel_is_a_supported_flavour() -> None:
    stack, warnings = resolve(StackChoice(orm="SQLModel", locations={"orm": where(9)}))
    assert stack.orm == "sqlmodel"
    assert not list(warnings)
    assert f"ORM SQLModel ({where(9)})" in stack.reasons


def test_overrides_win_over_the_documents() -> None:
    choice = StackChoice("Java", "Spring Boot", "MongoDB", "Mongoose")
    overrides = StackOverrides(stack="python-fastapi", database="sqlite", orm="sqlalchemy")
    stack, warnings = resolve(choice, overrides)
    assert (stack.language, stack.database, stack.orm) == ("python", "sqlite", "sqlalchemy")
    assert "--stack python-fastapi" in stack.reasons
    assert not warnings


def test_stack_override_alone_still_checks_the_database() -> None:
    with pytest.raises(SpecError, match="MongoDB"):
        resolve(StackChoice("Java", database="MongoDB"), StackOverrides(stack="python-fastapi"))


def test_unknown_stack_override_is_an_error() -> None:
    with pytest.raises(SpecError) as info:
        resolve(StackChoice(), StackOverrides(stack="java-spring"))
    assert "java-spring" in info.value.message and "python-fastapi" in (info.value.hint or "")


def test_bad_db_override_has_no_document_location() -> None:
    choice = StackChoice(database="PostgreSQL", locations={"database": where(4)})
    with pytest.raises(SpecError) as info:
        resolve(choice, StackOverrides(database="oracle"))
    assert info.value.location is None


def test_words_are_matched_whole() -> None:
    assert _match("Django", _LANGUAGES) is None  # 'go' inside 'Django' is not Go
    assert _match("Django", _FRAMEWORKS) == "django"
    assert _match("Go 1.22", _LANGUAGES) == "go"
    assert _match("Python (not Go)", _LANGUAGES) == "python"
    assert _match("spring-boot", _FRAMEWORKS) == "spring-boot"


def test_python_with_django_fails_on_the_framework_not_the_language() -> None:
    choice = StackChoice("Python", "Django", locations={"framework": where(4)})
    with pytest.raises(SpecError) as info:
        resolve(choice)
    assert "framework" in info.value.message and "Django" in info.value.message
