"""The bot's tables: the chats it talks in, the answers it sent and their votes, what each asker
asked this hour, the updates it handled, digests and follows. They have their own MetaData: the
knowledge base (index/models.py) knows articles, passages and vectors only. Both are created by
the one Alembic history in index/migrations."""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

from index.knowledge import KnowledgeBase
from index.models import UTCDateTime


class ArticleIds(TypeDecorator[list[int]]):
    """A list of article ids, kept as a JSON array in a text column."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: list[int] | None, dialect: Dialect) -> str | None:
        return None if value is None else json.dumps([int(i) for i in value], separators=(",", ":"))

    def process_result_value(self, value: str | None, dialect: Dialect) -> list[int] | None:
        return None if value is None else [int(i) for i in json.loads(value)]


class BotBase(DeclarativeBase):
    """The bot's tables, apart from the knowledge base's."""


def insert_into(kb: KnowledgeBase, table: type[BotBase]) -> postgresql.Insert | sqlite.Insert:
    """Return an INSERT into `table` in the knowledge base's dialect, the one with ON CONFLICT."""
    return sqlite.insert(table) if kb.engine.dialect.name == "sqlite" else postgresql.insert(table)


class Chat(BotBase):
    """A Telegram chat the bot has talked in; `active` turns false when it blocks the bot."""

    __tablename__ = "chats"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    type: Mapped[str] = mapped_column(String(16))
    title: Mapped[str | None] = mapped_column(String(256))
    language: Mapped[str | None] = mapped_column(String(16))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class AnswerRecord(BotBase):
    """An answer the bot sent, kept for its buttons, the reader's 👍/👎 and the follow-ups to it;
    a user's recent ones count against the hourly quota."""

    __tablename__ = "answers"
    __table_args__ = (Index("ix_answers_user_id_created_at", "user_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    chat_id: Mapped[int | None] = mapped_column(BigInteger, index=True)
    user_id: Mapped[int | None] = mapped_column(BigInteger)
    thread_id: Mapped[int | None] = mapped_column(BigInteger)  # the forum topic it was asked in
    message_id: Mapped[int | None] = mapped_column(BigInteger)  # the answer's message
    question_message_id: Mapped[int | None] = mapped_column(BigInteger)  # the question's message
    # Article ids, lead first: the story a follow-up to this answer leans on, and the story this
    # answer was asked in (bot/answer/followup.py).
    story: Mapped[list[int] | None] = mapped_column(ArticleIds)
    asked_in: Mapped[list[int] | None] = mapped_column(ArticleIds)
    question: Mapped[str] = mapped_column(Text)
    answer_html: Mapped[str] = mapped_column(Text)
    sources_html: Mapped[str] = mapped_column(Text)
    found: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Vote(BotBase):
    """👍 (1) or 👎 (-1) on an answer, one per reader: an inline answer is voted on wherever it went."""

    __tablename__ = "votes"

    answer_id: Mapped[int] = mapped_column(ForeignKey("answers.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False, index=True)
    value: Mapped[int] = mapped_column(SmallInteger)
    voted_at: Mapped[datetime] = mapped_column(UTCDateTime)


class QuestionCount(BotBase):
    """How many questions an asker (a reader, or a group) asked in one hour's window. `asker` is a
    keyed hash of "user:ID" or "chat:ID", never the id; the rows of past windows are deleted."""

    __tablename__ = "question_counts"

    asker: Mapped[str] = mapped_column(String(64), primary_key=True)
    window_start: Mapped[datetime] = mapped_column(UTCDateTime, primary_key=True, index=True)
    asked: Mapped[int] = mapped_column(Integer)
    told: Mapped[bool] = mapped_column(Boolean)  # told, once, when they may ask again


class SeenUpdate(BotBase):
    """A Telegram update already handled by one of the bot's processes."""

    __tablename__ = "seen_updates"

    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Digest(BotBase):
    """A daily digest for a group or channel; `last_article_id` is the cursor of what was sent."""

    __tablename__ = "digests"

    id: Mapped[int] = mapped_column(primary_key=True)
    chat_id: Mapped[int] = mapped_column(BigInteger, unique=True)
    time_of_day: Mapped[str] = mapped_column(String(5))
    timezone: Mapped[str] = mapped_column(String(64))
    topic: Mapped[str | None] = mapped_column(String(256))
    thread_id: Mapped[int | None] = mapped_column(BigInteger)  # the forum topic it is posted in
    last_article_id: Mapped[int] = mapped_column(Integer, default=0)
    last_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by: Mapped[int | None] = mapped_column(BigInteger)


class Follow(BotBase):
    """Topic words a chat follows; new matching articles are pushed to it."""

    __tablename__ = "follows"
    __table_args__ = (UniqueConstraint("chat_id", "words"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    chat_id: Mapped[int] = mapped_column(BigInteger, index=True)
    words: Mapped[str] = mapped_column(String(256))
    thread_id: Mapped[int | None] = mapped_column(BigInteger)  # the forum topic alerts go to
    last_article_id: Mapped[int] = mapped_column(Integer, default=0)
