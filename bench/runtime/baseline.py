"""The hand-written baseline of bench/bench_runtime.py: the smallest FastAPI + SQLAlchemy 2
(async) app answering the benchmark's three requests with the same queries as the generated
backend (a live-row filter, the author checked on create, the tags of each book loaded per
page), on the tables the generated migrations create. No hooks, no error shapes, no
middleware: what a developer would write by hand for these three routes.

    DATABASE_URL=postgresql+asyncpg://... uvicorn baseline:app
"""

from __future__ import annotations

import datetime as dt
import math
import os
from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Annotated

from fastapi import Depends, FastAPI, HTTPException, Query
from pydantic import BaseModel, Field
from sqlalchemy import Column, DateTime, ForeignKey, Integer, Numeric, String, Table, func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship, selectinload


class Base(DeclarativeBase):
    pass


book_tags = Table(
    "book_tags",
    Base.metadata,
    Column("book_id", ForeignKey("books.id"), primary_key=True),
    Column("tag_id", ForeignKey("tags.id"), primary_key=True),
)


class Author(Base):
    __tablename__ = "authors"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    deleted_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class Tag(Base):
    __tablename__ = "tags"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(40))
    deleted_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class Book(Base):
    __tablename__ = "books"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    price: Mapped[Decimal] = mapped_column(Numeric(10, 2))
    author_id: Mapped[int] = mapped_column(ForeignKey("authors.id"))
    created_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), default=lambda: dt.datetime.now(dt.UTC)
    )
    updated_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), default=lambda: dt.datetime.now(dt.UTC)
    )
    deleted_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    tags: Mapped[list[Tag]] = relationship(secondary=book_tags, order_by=Tag.id)


engine = create_async_engine(os.environ["DATABASE_URL"])
Session = async_sessionmaker(engine, expire_on_commit=False)


async def session() -> AsyncIterator[AsyncSession]:
    async with Session() as s:
        yield s


SessionDep = Annotated[AsyncSession, Depends(session)]


class BookIn(BaseModel):
    title: str = Field(max_length=200)
    price: Decimal = Field(max_digits=10, decimal_places=2)
    author_id: int
    tag_ids: list[int] = Field(default_factory=list)


class BookOut(BaseModel):
    id: int
    title: str
    price: float
    author_id: int
    created_at: dt.datetime
    updated_at: dt.datetime
    tag_ids: list[int]


def out(book: Book) -> BookOut:
    return BookOut(
        id=book.id,
        title=book.title,
        price=float(book.price),
        author_id=book.author_id,
        created_at=book.created_at,
        updated_at=book.updated_at,
        tag_ids=[tag.id for tag in book.tags if tag.deleted_at is None],
    )


app = FastAPI()


@app.get("/api/books/{book_id}")
async def read_book(book_id: int, s: SessionDep) -> BookOut:
    stmt = (
        select(Book)
        .where(Book.id == book_id, Book.deleted_at.is_(None))
        .options(selectinload(Book.tags))
    )
    book = (await s.execute(stmt)).scalar_one_or_none()
    if book is None:
        raise HTTPException(404, "not found")
    return out(book)


@app.get("/api/books")
async def list_books(
    s: SessionDep,
    page: Annotated[int, Query(ge=1)] = 1,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> dict[str, object]:
    live = select(Book).where(Book.deleted_at.is_(None))
    total = (await s.execute(select(func.count()).select_from(live.subquery()))).scalar_one()
    stmt = live.order_by(Book.id).offset((page - 1) * limit).limit(limit)
    books = (await s.execute(stmt.options(selectinload(Book.tags)))).scalars().all()
    return {
        "items": [out(b) for b in books],
        "total": total,
        "page": page,
        "limit": limit,
        "pages": math.ceil(total / limit),
    }


@app.post("/api/books", status_code=201)
async def create_book(body: BookIn, s: SessionDep) -> BookOut:
    found = await s.execute(
        select(func.count())
        .select_from(Author)
        .where(Author.id == body.author_id, Author.deleted_at.is_(None))
    )
    if not found.scalar_one():
        raise HTTPException(409, "no such author")
    tags = (await s.execute(select(Tag).where(Tag.id.in_(body.tag_ids)))).scalars().all()
    if len(tags) != len(set(body.tag_ids)):
        raise HTTPException(409, "no such tag")
    book = Book(title=body.title, price=body.price, author_id=body.author_id, tags=list(tags))
    s.add(book)
    await s.commit()
    return out(book)
