"""Behaviour beyond CRUD (domain/social.py), wrapped bodies, and an OpenAPI contract read with
a requirements document; RealWorld's contract is the worked example."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from backend_codegen import api
from backend_codegen.domain.infer import infer, unwrap
from backend_codegen.domain.model import Binding, DomainModel
from backend_codegen.errors import SpecError, Warnings
from backend_codegen.spec.loader import load_spec
from backend_codegen.spec.model import Schema

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
REALWORLD = CORPUS / "realworld" / "openapi.yml"
needs_corpus = pytest.mark.skipif(not REALWORLD.exists(), reason="shared corpus not available")


def _binding(model: DomainModel, key: str) -> Binding:
    return next(b for b in model.bindings if b.key == key)


@pytest.fixture(scope="module")
def realworld() -> DomainModel:
    if not REALWORLD.exists():
        pytest.skip("shared corpus not available")
    return infer(load_spec([REALWORLD]))


def test_unwrap_reads_wrappers_and_counted_envelopes() -> None:
    article = Schema(type="object", name="Article", properties={"title": Schema(type="string")})
    one = unwrap(Schema(type="object", properties={"article": article}))
    assert (one.schema, one.is_list, one.key, one.count_key) == (article, False, "article", None)
    many = unwrap(
        Schema(
            type="object",
            properties={
                "articles": Schema(type="array", items=article),
                "articlesCount": Schema(type="integer"),
            },
        )
    )
    assert (many.schema, many.is_list, many.key, many.count_key) == (
        article,
        True,
        "articles",
        "articlesCount",
    )
    paged = unwrap(
        Schema(
            type="object",
            properties={
                "items": Schema(type="array", items=article),
                "next_page_token": Schema(type="string"),
            },
        )
    )
    # the next page's key: the contract's envelope, paged by key (`?page_token=`)
    assert (paged.is_list, paged.key, paged.meta) == (True, "items", {"next_page_token": "cursor"})
    other = unwrap(
        Schema(
            type="object",
            properties={
                "items": Schema(type="array", items=article),
                "has_more": Schema(type="boolean"),
            },
        )
    )
    assert other.is_list and other.key is None  # other meta members: the generator's Page


@needs_corpus
def test_realworld_accounts_and_wrappers(realworld: DomainModel) -> None:
    assert _binding(realworld, "POST /api/users").action == "register"
    assert _binding(realworld, "GET /api/user").action == "me"
    assert _binding(realworld, "PUT /api/user").action == "me_update"
    login = _binding(realworld, "POST /api/users/login")
    assert (login.body_key, login.response_key, login.token_member) == ("user", "user", "token")
    listed = _binding(realworld, "GET /api/articles")
    assert (listed.list_shape, listed.response_key, listed.count_key) == (
        "envelope",
        "articles",
        "articlesCount",
    )
    # UpdateArticle requires nothing: PUT changes only what is sent
    assert _binding(realworld, "PUT /api/articles/{slug}").action == "patch"


@needs_corpus
def test_realworld_profile_is_a_view_of_user_with_follow_links(realworld: DomainModel) -> None:
    assert realworld.find("Profile") is None
    user = realworld.entity("User")
    assert [v.name for v in user.views] == ["Profile"]
    assert user.views[0].computed == ["following"]
    follow = _binding(realworld, "POST /api/profiles/{username}/follow")
    unfollow = _binding(realworld, "DELETE /api/profiles/{username}/follow")
    assert (follow.action, unfollow.action) == ("link", "unlink")
    assert follow.entity == "User" and follow.view == "Profile" and follow.id_field == "username"
    followers = user.relation("followers")
    assert followers is not None and followers.hidden and followers.target == "User"
    assert followers.join_target_column == "follower_id"
    assert [(c.name, c.kind) for c in user.computed] == [("following", "flag")]


@needs_corpus
def test_realworld_articles(realworld: DomainModel) -> None:
    article = realworld.entity("Article")
    author = article.relation("author")
    assert author is not None and author.embed == "Profile" and author.target == "User"
    owner = article.field("author_id")
    assert owner is not None and owner.from_current_user and not owner.nullable
    assert sorted((c.name, c.kind) for c in article.computed) == [
        ("favorited", "flag"),
        ("favorites_count", "count"),
    ]
    tags = article.relation("tags")
    assert tags is not None and tags.api_key == "name" and tags.api_name == "tagList"
    slug = article.field("slug")
    assert slug is not None and slug.derived_from == "title" and slug.unique
    feed = _binding(realworld, "GET /api/articles/feed")
    assert (feed.action, feed.feed_fk, feed.feed_relation) == ("list", "author_id", "followers")
    filters = {
        f.param: (f.op, f.search_fields) for f in _binding(realworld, "GET /api/articles").filters
    }
    assert filters == {
        "tag": ("has", ["name"]),
        "author": ("ref", ["username"]),
        "favorited": ("has", ["username"]),
    }
    tag_list = _binding(realworld, "GET /api/tags")
    assert (tag_list.list_shape, tag_list.values_field) == ("values", "name")
    # nested comments are addressed through the article's slug
    assert _binding(realworld, "DELETE /api/articles/{slug}/comments/{id}").parent_field == "slug"


def _write(directory: Path, name: str, text: str) -> Path:
    path = directory / name
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return path


@needs_corpus
def test_openapi_with_requirements_document(tmp_path: Path) -> None:
    requirements = _write(
        tmp_path,
        "requirements.md",
        """
        # Conduit
        ## Rules
        - Article.slug is generated from title
        - Users can favorite articles
        - Users can like comments
        """,
    )
    warnings = Warnings()
    spec = load_spec([REALWORLD, requirements], warnings)
    assert str(requirements) in spec.sources
    model = infer(spec, warnings=warnings)
    favoriters = model.entity("Article").relation("favoriters")
    assert favoriters is not None
    assert any("Users can favorite articles" in r for r in favoriters.reasons)
    # a rule no operation carries out is reported, not silently dropped
    assert any("like" in w.message for w in warnings.items)


def test_openapi_goes_with_markdown_only(tmp_path: Path) -> None:
    spec = _write(
        tmp_path, "api.yaml", "openapi: 3.0.0\ninfo: {title: x, version: '1'}\npaths: {}\n"
    )
    other = _write(tmp_path, "notes.txt", "hello")
    with pytest.raises(SpecError, match="at most a requirements document"):
        load_spec([spec, other])


def test_directory_with_openapi_and_two_markdown_files_is_refused(tmp_path: Path) -> None:
    _write(tmp_path, "api.yaml", "openapi: 3.0.0\ninfo: {title: x, version: '1'}\npaths: {}\n")
    _write(tmp_path, "a.md", "# a\n")
    _write(tmp_path, "b.md", "# b\n")
    with pytest.raises(SpecError, match="several Markdown files"):
        load_spec([tmp_path])


@needs_corpus
def test_slug_rule_naming_unknown_fields_is_an_error(tmp_path: Path) -> None:
    requirements = _write(
        tmp_path, "requirements.md", "# x\n## Rules\n- Article.slug is generated from headline\n"
    )
    with pytest.raises(SpecError, match="no entity has both fields"):
        infer(load_spec([REALWORLD, requirements]))


@needs_corpus
def test_realworld_example_generates_wrapped_routes(tmp_path: Path) -> None:
    files = {
        f.path: f.content for f in api.render(api.inspect([ROOT / "examples" / "realworld"]).model)
    }
    routes = files["app/api/routes/article.py"]
    assert "response_model=ArticleReadList" in routes
    assert (
        "articles=[ArticleRead.model_validate(row) for row in rows], articles_count=total" in routes
    )
    assert "await service.present(session, rows, current_user)" in routes
    schemas = files["app/schemas/auth.py"]
    assert "class UserSession(UserRead)" in schemas and "token: str" in schemas
    assert "class ProfileRead(ReadSchema)" in files["app/schemas/user.py"]
