"""Typed SQLAlchemy models: sources, the articles they carry, and the passages we index."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import numpy as np
from sqlalchemy import (
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    TypeDecorator,
    func,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeEngine

from index import sql_vectors


class StoredVector(TypeDecorator):
    """A passage's normalised vector, float32 bytes to the application. In the database it is
    bytes (FAISS's source of truth), or a pgvector halfvec on an engine whose dialect
    index.sql_vectors.prepare marked (LEDE_VECTOR_STORE=pgvector)."""

    impl = LargeBinary
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if getattr(dialect, sql_vectors.IN_SQL, False):
            from pgvector.sqlalchemy import HALFVEC  # the postgres extra; not needed with FAISS

            return dialect.type_descriptor(HALFVEC())
        return dialect.type_descriptor(LargeBinary())

    def process_bind_param(self, value: bytes | None, dialect: Dialect) -> Any:
        if value is not None and getattr(dialect, sql_vectors.IN_SQL, False):
            return np.frombuffer(value, dtype=np.float32)
        return value

    def process_result_value(self, value: Any, dialect: Dialect) -> bytes | None:
        if isinstance(value, list):  # a halfvec, read as floats
            return np.asarray(value, dtype=np.float32).tobytes()
        return value


class UTCDateTime(TypeDecorator):
    """A timestamp that is always an aware UTC datetime in Python, whatever the backend keeps
    (SQLite drops the offset)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; Lede stores aware UTC times")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    pass


class Source(Base):
    """Somewhere articles come from: a local file or folder, a feed, a page, a site."""

    __tablename__ = "sources"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    url: Mapped[str] = mapped_column(String(2048), unique=True)
    title: Mapped[str | None] = mapped_column(String(512))
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    interval_seconds: Mapped[int] = mapped_column(Integer, default=3600)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_fetch_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_success_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    etag: Mapped[str | None] = mapped_column(String(512))
    last_modified: Mapped[str | None] = mapped_column(String(128))
    next_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Held by the worker fetching the source; a crashed worker's lease simply runs out.
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)

    articles: Mapped[list[Article]] = relationship(back_populates="source")


class Article(Base):
    """One news article, keyed by its canonical URL (or file path)."""

    __tablename__ = "articles"

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int | None] = mapped_column(
        ForeignKey("sources.id", ondelete="SET NULL"), index=True
    )
    url: Mapped[str] = mapped_column(String(2048), unique=True)
    guid: Mapped[str | None] = mapped_column(String(2048), index=True)
    title: Mapped[str] = mapped_column(Text)
    outlet: Mapped[str | None] = mapped_column(String(256))
    author: Mapped[str | None] = mapped_column(String(512))
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    language: Mapped[str | None] = mapped_column(String(16))
    content_hash: Mapped[str] = mapped_column(String(64), index=True)
    fetched_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Computed at ingest from the passages' vectors (index/precomputed.py): which story the
    # article tells (float16, packed) and how closely its passages keep to it.
    centroid: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    focus: Mapped[float | None] = mapped_column(Float)
    # The hash of its text read as words, whatever its headline (index/copies.py): another
    # URL publishing the same text is a copy of this article, not a second one.
    body_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    # The words it is counted under and how often it uses each, as JSON (index/terms.py): what
    # grouping articles into stories reads instead of every passage.
    words: Mapped[str | None] = mapped_column(Text, deferred=True)

    source: Mapped[Source | None] = relationship(back_populates="articles")
    passages: Mapped[list[Passage]] = relationship(
        back_populates="article", cascade="all, delete-orphan", order_by="Passage.ordinal"
    )
    copies: Mapped[list[Copy]] = relationship(back_populates="article", cascade="all, delete-orphan",
                                              order_by="Copy.url")


class Copy(Base):
    """Another URL publishing an article's text (a syndicated or wire copy, a retitled page):
    stored once, its URL, headline and outlet kept so that citations show who else carried it."""

    __tablename__ = "copies"

    url: Mapped[str] = mapped_column(String(2048), primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(Text)
    outlet: Mapped[str | None] = mapped_column(String(256))
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    article: Mapped[Article] = relationship(back_populates="copies")


class Boilerplate(Base):
    """A text published under more than MAX_TITLES headlines (index/copies.py): a registration
    wall or an advert form, not an article; never stored again."""

    __tablename__ = "boilerplate"

    body_hash: Mapped[str] = mapped_column(String(64), primary_key=True)


# Date-bounded searches filter on when an article counts as published: its date, or when it was
# first seen (migration 0008).
Index("ix_articles_published_or_seen", func.coalesce(Article.published_at, Article.fetched_at))


class Passage(Base):
    """A few sentences of an article: the unit we embed, search and cite."""

    __tablename__ = "passages"
    __table_args__ = {"sqlite_autoincrement": True}
    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), index=True)
    ordinal: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(64), index=True)
    # float32 bytes of the normalised vector: the database, not the FAISS file, is the source of
    # truth, so a lost or stale index is rebuilt without re-running the model.
    embedding: Mapped[bytes | None] = mapped_column(StoredVector)
    # The vectors of its answerable sentences, packed in float16 (index/precomputed.py): computed
    # at ingest so that answering runs the model on the question only.
    sentence_vectors: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)

    article: Mapped[Article] = relationship(back_populates="passages")


class Word(Base):
    """A word of the stored articles with its vector (float16, packed), computed at ingest once two
    articles hold it: a question in another language is matched to the articles' words without
    running the model."""

    __tablename__ = "words"

    text: Mapped[str] = mapped_column(String(64), primary_key=True)
    vector: Mapped[bytes | None] = mapped_column(LargeBinary)
    # How many stored articles hold the word (index/terms.py): what tells a story's rare words.
    articles: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class Meta(Base):
    """Facts about the knowledge base itself, such as which model embedded it."""

    __tablename__ = "meta"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
