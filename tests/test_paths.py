"""Resource shapes read from URL paths (domain/paths.py)."""

from __future__ import annotations

import pytest

from backend_codegen.domain.paths import shape_of, split_path

# path, base path -> collection, item_param, parent, parent_param, action
CASES = [
    ("/api/products", "/api", ("products", None, None, None, None)),
    ("/api/products/{id}", "/api", ("products", "id", None, None, None)),
    ("/api/posts/{post_id}/comments", "/api", ("comments", None, "posts", "post_id", None)),
    ("/api/posts/{post_id}/comments/{id}", "/api", ("comments", "id", "posts", "post_id", None)),
    ("/api/tasks/{id}/complete", "/api", ("tasks", "id", None, None, "complete")),
    ("/api/auth/login", "/api", ("auth", None, None, None, "login")),
    ("/books/{book_id}:archive", "", ("books", "book_id", None, None, "archive")),
    ("/users/me", "", ("users", None, None, None, "me")),
    ("/products/search", "", ("products", None, None, None, "search")),
    ("/users/:id", "", ("users", "id", None, None, None)),
    ("/shelves/{shelf}/books/{book}:archive", "", ("books", "book", "shelves", "shelf", "archive")),
    # a version after the noun (GitHub): a collection, not an action on a user
    ("/users/{username}/projectsV2", "", ("projectsV2", None, "users", "username", None)),
    ("/orgs/{org}/items-v1/{id}", "", ("items-v1", "id", "orgs", "org", None)),
    ("/images/{id}/v2", "", ("images", "id", None, None, "v2")),
]


@pytest.mark.parametrize(("path", "base", "expected"), CASES, ids=[c[0] for c in CASES])
def test_shape_of(path: str, base: str, expected: tuple[str | None, ...]) -> None:
    shape = shape_of(path, base, set())
    assert (
        shape.collection,
        shape.item_param,
        shape.parent,
        shape.parent_param,
        shape.action,
    ) == expected


def test_words_are_the_literals_without_the_base_path() -> None:
    assert shape_of("/api/posts/{post_id}/comments", "/api", set()).words == ["posts", "comments"]
    assert shape_of("/api/tasks/{id}/complete", "/api", set()).words == ["tasks", "complete"]


def test_a_known_resource_word_is_a_collection_not_an_action() -> None:
    # 'inventory' is not a plural noun, so it reads as a verb unless a schema names it.
    assert shape_of("/store/inventory", "", set()).action == "inventory"
    known = shape_of("/store/inventory", "", {"inventory"})
    assert (known.collection, known.action) == ("inventory", None)


def test_parameter_without_a_literal() -> None:
    shape = shape_of("/{username}", "", set())
    assert shape.collection == ""
    assert shape.item_param == "username"


def test_split_path_reads_custom_methods_and_colon_params() -> None:
    segs = split_path("/books/{book_id}:archive", "")
    assert [(s.literal, s.param) for s in segs] == [
        ("books", None),
        (None, "book_id"),
        ("archive", None),
    ]
    assert [s.param for s in split_path("/users/:id", "") if s.is_param] == ["id"]
    assert split_path("/api/x", "/api")[0].literal == "x"
