"""Digests and follows: what a group, channel or reader gets without asking, each with a cursor
(the last article it was sent), and the one selection of new articles both read. Blocking: call
from a worker thread."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, delete, func, select, update
from sqlalchemy.orm import selectinload

from bot.answer import Item, Story, group_stories, with_words
from bot.state.tables import Digest, Follow
from index.knowledge import KnowledgeBase
from index.models import Article, Passage
from index.search import article_centroids
from index.text import stem, words


def last_article_id(kb: KnowledgeBase) -> int:
    with kb.sessions() as session:
        return session.scalar(select(Article.id).order_by(Article.id.desc()).limit(1)) or 0


def articles_after(kb: KnowledgeBase, after_id: int, topic: str | None = None, limit: int = 200) -> list[Item]:
    """Return articles stored after `after_id` (about `topic` when given), with a vector each."""
    with kb.sessions() as session:
        statement = select(Article).where(Article.id > after_id).order_by(Article.id).limit(limit)
        if topic:  # its words are looked for in the passages: one query with the articles, not one each
            statement = statement.options(selectinload(Article.passages))
        articles = session.scalars(statement)
        kept = [a for a in articles if not topic or _about(topic, a.title, a.passages)]
    # As an answer's citations are grouped: the centroid and focus stored at ingest.
    centroids = article_centroids(kb, {a.id for a in kept})
    items = []
    for article in kept:
        vector, focus = centroids.get(article.id, (None, None))
        items.append(Item(article.id, article.title, article.url, article.outlet, article.published_at, vector,
                          focus=focus))
    return with_words(kb, items)


def _about(topic: str, title: str, passages: list[Passage]) -> bool:
    """Return True when the article holds one of the topic's words as a whole word (its stem:
    "strikes" follows "strike"): "/follow ai" is not "said" or "Ukraine"."""
    wanted = {stem(w) for w in words(topic)}
    return any(stem(w) in wanted for w in words(title + " " + " ".join(p.text for p in passages)))


def claim_cursor(kb: KnowledgeBase, model, row_id: int, old: int, new: int) -> bool:
    """Advance a digest's or follow's cursor from `old` to `new`; False if another process did.
    The compare-and-set makes a post happen once even with several bot processes."""
    with kb.sessions.begin() as session:
        result = cast(CursorResult[Any], session.execute(
            update(model).where(model.id == row_id, model.last_article_id == old).values(last_article_id=new)
        ))
        return result.rowcount == 1


def set_digest(kb: KnowledgeBase, *, chat_id: int, time_of_day: str, timezone: str, topic: str | None,
               created_by: int | None, thread_id: int | None = None) -> Digest:
    with kb.sessions.begin() as session:
        digest = session.scalar(select(Digest).where(Digest.chat_id == chat_id))
        if digest is None:
            # Start from now: the first digest has the stories that arrive after it was set.
            digest = Digest(chat_id=chat_id, last_article_id=last_article_id(kb))
            session.add(digest)
        digest.time_of_day, digest.timezone, digest.topic, digest.created_by = time_of_day, timezone, topic, created_by
        digest.thread_id = thread_id
        session.flush()
        return digest


def remove_digest(kb: KnowledgeBase, chat_id: int) -> Digest | None:
    with kb.sessions.begin() as session:
        digest = session.scalar(select(Digest).where(Digest.chat_id == chat_id))
        if digest is not None:
            session.delete(digest)
        return digest


def all_digests(kb: KnowledgeBase) -> list[Digest]:
    with kb.sessions() as session:
        return list(session.scalars(select(Digest)))


def get_digest(kb: KnowledgeBase, digest_id: int) -> Digest | None:
    with kb.sessions() as session:
        return session.get(Digest, digest_id)


def digest_of_chat(kb: KnowledgeBase, chat_id: int) -> Digest | None:
    with kb.sessions() as session:
        return session.scalar(select(Digest).where(Digest.chat_id == chat_id))


def mark_digest_sent(kb: KnowledgeBase, digest_id: int) -> None:
    with kb.sessions.begin() as session:
        session.execute(update(Digest).where(Digest.id == digest_id).values(last_sent_at=datetime.now(UTC)))


def follow(kb: KnowledgeBase, chat_id: int, words: str, thread_id: int | None = None) -> None:
    with kb.sessions.begin() as session:
        if session.scalar(select(Follow.id).where(Follow.chat_id == chat_id, Follow.words == words)) is None:
            session.add(Follow(chat_id=chat_id, words=words, thread_id=thread_id, last_article_id=last_article_id(kb)))


def unfollow(kb: KnowledgeBase, chat_id: int, words: str | None = None) -> int:
    """Stop a chat's follows (only those of `words` when given); return how many stopped."""
    statement = delete(Follow).where(Follow.chat_id == chat_id)
    if words:
        statement = statement.where(Follow.words == words)
    with kb.sessions.begin() as session:
        return cast(CursorResult[Any], session.execute(statement)).rowcount


def all_follows(kb: KnowledgeBase) -> list[Follow]:
    with kb.sessions() as session:
        return list(session.scalars(select(Follow)))


def follows_of(kb: KnowledgeBase, chat_id: int) -> list[str]:
    """Return the words a chat follows."""
    with kb.sessions() as session:
        return list(session.scalars(select(Follow.words).where(Follow.chat_id == chat_id).order_by(Follow.id)))


def new_stories(kb: KnowledgeBase, after_id: int, topic: str | None = None) -> list[Story]:
    """Return the stories of the articles stored after `after_id` (about `topic` when given): what
    a digest posts, and what `lede digest` shows it would."""
    return group_stories(articles_after(kb, after_id, topic))


def cursor_a_day_ago(kb: KnowledgeBase, now: datetime | None = None) -> int:
    """Return the cursor of a digest sent a day ago: the newest article Lede had first seen by then."""
    moment = (now or datetime.now(UTC)) - timedelta(days=1)
    with kb.sessions() as session:
        return session.scalar(select(func.max(Article.id)).where(Article.fetched_at < moment)) or 0
