"""The pass before ruff (targets/imports.py): imports the module never mentions go, the rest
are written as ruff's isort writes them; what ruff then makes of the files is unchanged."""

from __future__ import annotations

from pathlib import Path

import pytest

from backend_codegen import api
from backend_codegen.targets import base
from backend_codegen.targets.imports import tidy_imports

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def test_unused_names_go_and_the_rest_are_sorted_by_kind() -> None:
    source = (
        "import datetime as dt\n"
        "import os\n"
        "from sqlalchemy import (\n    select,\n    JSON,\n    Integer,\n    func,\n    Text,\n)\n"
        "from app.deps import helper, Other\n"
        "\n"
        "\n"
        "x = select(Integer(), JSON, os.sep)\n"
    )
    assert tidy_imports("app/x.py", source) == (
        "import os\n"
        "from sqlalchemy import JSON, Integer, select\n"
        "\n"  # one blank line before a statement, as isort leaves it
        "x = select(Integer(), JSON, os.sep)\n"
    )


def test_statements_are_sorted_within_their_group_and_as_imports_stand_alone() -> None:
    source = (
        '"""Doc."""\n'
        "\n"
        "from typing import Any\n"
        "import math\n"
        "\n"
        "from fastapi import Depends\n"
        "from pydantic import BaseModel\n"
        "from fastapi.exceptions import RequestValidationError\n"
        "from sqlalchemy import Index as SaIndex, String\n"
        "\n"
        "from app.services import user as user_service\n"
        "from app.hooks import post as hooks\n"
        "from app.services import post as post_service\n"
        "from app.db import SessionDep\n"
        "\n"
        "\n"
        "\n"
        "class A(BaseModel):\n"
        "    x: Any = Depends(math.floor, RequestValidationError, SaIndex, String)\n"
        "    y = (user_service, hooks, post_service, SessionDep)\n"
    )
    assert tidy_imports("app/x.py", source) == (
        '"""Doc."""\n'
        "\n"
        "import math\n"
        "from typing import Any\n"
        "\n"
        "from fastapi import Depends\n"
        "from fastapi.exceptions import RequestValidationError\n"
        "from pydantic import BaseModel\n"
        "from sqlalchemy import String\n"
        "from sqlalchemy import Index as SaIndex\n"
        "\n"
        "from app.db import SessionDep\n"
        "from app.hooks import post as hooks\n"
        "from app.services import post as post_service\n"
        "from app.services import user as user_service\n"
        "\n"
        "\n"  # two before a class or a function
        "class A(BaseModel):\n"
        "    x: Any = Depends(math.floor, RequestValidationError, SaIndex, String)\n"
        "    y = (user_service, hooks, post_service, SessionDep)\n"
    )


def test_a_package_init_is_sorted_and_keeps_every_name() -> None:
    source = "from app.models.user import User\nfrom app.models.base import Base, unused\n"
    assert tidy_imports("app/models/__init__.py", source) == (
        "from app.models.base import Base, unused\nfrom app.models.user import User\n"
    )


def test_code_under_a_comment_that_ends_the_block_stays_under_it() -> None:
    source = "from a import y\n\n# what x is\nx = y\n"
    assert tidy_imports("app/x.py", source) == source


def test_a_future_import_stays_first() -> None:
    source = "from __future__ import annotations\nimport os\n\nos.sep\n"
    assert tidy_imports("app/x.py", source) == source


def test_a_commented_group_keeps_its_order() -> None:
    source = "from b import x  # first\nfrom a import y\n\nx(y)\n"
    assert tidy_imports("app/x.py", source) == source


def test_a_long_list_is_wrapped_one_name_a_line() -> None:
    names = [f"name_number_{i}" for i in range(8)]
    source = f"from package.module import {', '.join(names)}\n\nuse({', '.join(names)})\n"
    tidied = tidy_imports("app/x.py", source)
    assert tidied.startswith(
        "from package.module import (\n" + "".join(f"    {n},\n" for n in names) + ")\n"
    )


def test_a_name_imported_twice_is_imported_once() -> None:
    source = "from a import b as c\nfrom a import b as c\n\nc()\n"
    assert tidy_imports("app/x.py", source) == "from a import b as c\n\nc()\n"


@pytest.mark.parametrize(
    ("path", "source"),
    [
        ("app/__init__.py", "from app.x import unused\n"),  # may be re-exported
        ("app/x.py", "from app.y import unused\n__all__ = ['z']\n"),
        ("app/x.py", "from app.y import (\n    unused,  # a comment\n)\n"),
        ("app/x.py", "from app.y import *\n"),
        ("app/x.py", "from __future__ import annotations\n"),
    ],
)
def test_what_only_ruff_should_judge_is_left_alone(path: str, source: str) -> None:
    assert tidy_imports(path, source) == source


def test_a_name_in_a_string_or_comment_is_kept_for_ruff() -> None:
    source = "from a import b, c\n\nx = 'b'  # c\n"
    assert tidy_imports("app/x.py", source) == source


@pytest.mark.parametrize("example", ["ecommerce", "realworld", "library"])
def test_ruff_makes_the_same_files_with_and_without_it(
    example: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    model = api.inspect([EXAMPLES / example]).model
    tidied = {f.path: f.content for f in api.render(model)}
    monkeypatch.setattr(base, "tidy_imports", lambda path, text: text)
    assert {f.path: f.content for f in api.render(model)} == tidied


def test_only_the_leading_import_block_is_touched() -> None:
    """A docstring or string that holds `from x import y` at a line's start, and an import
    after the code begins, are left to ruff: changing text inside a string would change
    the program."""
    source = (
        '"""Module.\n\nfrom here import nothing\n"""\n'
        "from a import unused\n"
        "\n"
        "TEXT = '''\nfrom b import kept_in_a_string\n'''\n"
        "from c import late\n"
    )
    assert tidy_imports("app/x.py", source) == source.replace("from a import unused\n", "")
