"""Name: one spelling of every identifier across stages (naming.py)."""

from __future__ import annotations

import pytest

from backend_codegen.naming import Name, plural, singular, split_words


@pytest.mark.parametrize(
    "text",
    ["orderItems", "order_items", "Order Items", "order-items", "  order__items  ", "OrderItems"],
)
def test_every_spelling_splits_into_the_same_words(text: str) -> None:
    assert split_words(text) == ["order", "items"]
    assert Name.parse(text) == Name(("order", "items"))


def test_acronyms_split_before_the_next_word() -> None:
    assert Name.parse("HTTPServer").words == ("http", "server")
    assert Name.parse("userID").words == ("user", "id")


@pytest.mark.parametrize("text", ["orderItems", "order_items", "Order Items"])
def test_entity_singularises_only_the_last_word(text: str) -> None:
    name = Name.entity(text)
    assert name.pascal == "OrderItem"
    assert name.snake == "order_item"
    assert name.camel == "orderItem"
    assert name.kebab == "order-item"
    assert name.human == "order item"
    assert str(name) == "order_item"
    assert name.plural.snake == "order_items"


@pytest.mark.parametrize(
    ("collection", "entity", "table"),
    [
        ("categories", "Category", "categories"),
        ("addresses", "Address", "addresses"),
        ("people", "Person", "people"),
        ("status", "Status", "status"),  # uncountable: not 'statu', not 'statuses'
        ("news", "News", "news"),
        ("products", "Product", "products"),
        ("boxes", "Box", "boxes"),
    ],
)
def test_entity_and_plural_round_trip(collection: str, entity: str, table: str) -> None:
    name = Name.entity(collection)
    assert name.pascal == entity
    assert name.plural.snake == table
    assert Name.parse(entity).plural.snake == table


def test_singular_and_plural_words() -> None:
    assert plural("category") == "categories"
    assert plural("person") == "people"
    assert plural("address") == "addresses"
    assert plural("orders") == "orders"  # already plural: unchanged, not 'orderss'
    assert singular("address") == "address"  # '-ss' is not a plural ending
    assert singular("status") == "status"  # '-us' is not a plural ending
    assert singular("data") == "data"
    assert Name.parse("Order").plural.singular == Name.parse("order")


def test_empty_or_symbol_only_text_still_gives_a_name() -> None:
    assert Name.parse("").words == ("x",)
    assert Name.parse("--").snake == "x"


@pytest.mark.parametrize(
    ("text", "snake"),
    [
        ("größe", "grosse"),
        ("Straße", "strasse"),
        ("café_besucht", "cafe_besucht"),
        ("名前", "ming_qian"),
        ("住所", "zhu_suo"),  # two names in the same script stay two names
        ("имя", "imya"),
        ("όνομα", "onoma"),
    ],
)
def test_letters_outside_ascii_are_written_in_ascii(text: str, snake: str) -> None:
    """Before: every letter outside ASCII split words, so `größe` was `gr_e` and every
    member named in another script was `x` (two of them: 'two fields named x')."""
    name = Name.parse(text)
    assert name.snake == snake
    assert name.snake.isidentifier() and name.snake.isascii()


def test_names_compare_and_sort_by_words() -> None:
    assert Name.parse("OrderItem") == Name.parse("order item")
    assert sorted([Name.parse("b"), Name.parse("a_c"), Name.parse("a")]) == [
        Name.parse("a"),
        Name.parse("a_c"),
        Name.parse("b"),
    ]
