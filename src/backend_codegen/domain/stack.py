"""The tech stack: what the documents say, overridden by the command line, checked against
what backend-codegen can generate. Unsupported choices are errors, never silent fallbacks."""

from __future__ import annotations

import re
from dataclasses import dataclass

from backend_codegen.domain.model import Stack
from backend_codegen.errors import Location, SpecError, Warnings
from backend_codegen.spec.model import StackChoice

SUPPORTED_STACKS = {"python-fastapi": ("python", "fastapi")}
SUPPORTED_TEXT = "python-fastapi (Python + FastAPI + SQLAlchemy 2)"

_LANGUAGES = {
    "python": "python",
    "py": "python",
    "java": "java",
    "kotlin": "kotlin",
    "node": "node",
    "nodejs": "node",
    "node.js": "node",
    "javascript": "node",
    "typescript": "node",
    "go": "go",
    "golang": "go",
    "rust": "rust",
    "c#": "csharp",
    ".net": "csharp",
    "php": "php",
    "ruby": "ruby",
}
_FRAMEWORKS = {
    "fastapi": "fastapi",
    "flask": "flask",
    "django": "django",
    "spring": "spring-boot",
    "spring boot": "spring-boot",
    "springboot": "spring-boot",
    "express": "express",
    "nestjs": "nestjs",
    "nest": "nestjs",
    "koa": "koa",
    "gin": "gin",
    "echo": "echo",
    "rails": "rails",
    "laravel": "laravel",
}
_DATABASES = {
    "postgresql": "postgresql",
    "postgres": "postgresql",
    "pg": "postgresql",
    "mysql": "mysql",
    "mariadb": "mysql",
    "sqlite": "sqlite",
    "mongodb": "mongodb",
    "mongo": "mongodb",
    "sql server": "mssql",
    "mssql": "mssql",
    "oracle": "oracle",
}
_ORMS = {
    "sqlalchemy": "sqlalchemy",
    "sqlmodel": "sqlmodel",
    "django orm": "django-orm",
    "mybatis": "mybatis",
    "jpa": "jpa",
    "hibernate": "jpa",
    "mongoose": "mongoose",
    "sequelize": "sequelize",
    "prisma": "prisma",
    "typeorm": "typeorm",
    "gorm": "gorm",
    "tortoise": "tortoise",
}


@dataclass
class StackOverrides:
    stack: str | None = None  # e.g. "python-fastapi"
    database: str | None = None
    orm: str | None = None


def _match(text: str, table: dict[str, str]) -> str | None:
    """The first table entry named in `text` as a whole word (longest names first)."""
    low = text.lower().replace("-", " ")
    for key in sorted(table, key=len, reverse=True):
        if re.search(rf"(?<![a-z0-9]){re.escape(key)}(?![a-z0-9])", low):
            return table[key]
    return None


def resolve_stack(choice: StackChoice, overrides: StackOverrides, warnings: Warnings) -> Stack:
    stack = Stack()

    def where(key: str) -> Location | None:
        return choice.locations.get(key)

    if overrides.stack:
        if overrides.stack not in SUPPORTED_STACKS:
            raise SpecError(
                f"unsupported stack '{overrides.stack}'", None, f"supported: {SUPPORTED_TEXT}"
            )
        stack.reasons.append(f"--stack {overrides.stack}")
    else:
        if choice.language:
            lang = _match(choice.language, _LANGUAGES)
            if lang != "python":
                raise SpecError(
                    f"backend language '{choice.language}' is not supported yet",
                    where("language"),
                    f"supported: {SUPPORTED_TEXT}; pass --stack python-fastapi to override",
                )
            stack.reasons.append(f"language {choice.language} ({where('language')})")
        if choice.framework:
            framework = _match(choice.framework, _FRAMEWORKS)
            if framework != "fastapi":
                raise SpecError(
                    f"web framework '{choice.framework}' is not supported yet",
                    where("framework"),
                    f"supported: {SUPPORTED_TEXT}; pass --stack python-fastapi to override",
                )
            stack.reasons.append(f"framework {choice.framework} ({where('framework')})")
    db_text = overrides.database or choice.database
    if db_text:
        database = _match(db_text, _DATABASES)
        if database not in ("postgresql", "mysql", "sqlite"):
            raise SpecError(
                f"database '{db_text}' is not supported",
                None if overrides.database else where("database"),
                "supported: PostgreSQL, MySQL/MariaDB, SQLite",
            )
        stack.database = database
        stack.reasons.append(
            f"database {db_text}" + (" (--db)" if overrides.database else f" ({where('database')})")
        )
    orm_text = overrides.orm or choice.orm
    if orm_text:
        orm = _match(orm_text, _ORMS)
        if orm not in ("sqlalchemy", "sqlmodel"):
            raise SpecError(
                f"ORM '{orm_text}' is not supported",
                None if overrides.orm else where("orm"),
                "supported: SQLAlchemy 2 (--orm sqlalchemy), SQLModel (--orm sqlmodel)",
            )
        stack.orm = orm
        stack.reasons.append(
            f"ORM {orm_text}" + (" (--orm)" if overrides.orm else f" ({where('orm')})")
        )
    return stack
