"""The bot's own records in the database: chats, answers, digests, follows. Blocking: call these
from a worker thread."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any, cast

import numpy as np
from sqlalchemy import CursorResult, delete, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import selectinload

from bot.answer.followup import Context
from bot.answer.question import stem
from bot.answer.stories import Item, with_words
from index.embedders import normalise
from index.knowledge import KnowledgeBase
from index.models import AnswerRecord, Article, Chat, Digest, Follow, Passage, SeenUpdate, Vote
from index.text import words


def first_time(kb: KnowledgeBase, update_id: int) -> bool:
    """Return False for an update any bot process handled already (Telegram may deliver one twice)."""
    insert = sqlite_insert if kb.engine.dialect.name == "sqlite" else postgresql_insert
    statement = (insert(SeenUpdate).values(update_id=update_id, seen_at=datetime.now(UTC))
                 .on_conflict_do_nothing().returning(SeenUpdate.update_id))
    # RETURNING, not rowcount: PostgreSQL's driver reports no row count for this statement.
    with kb.sessions.begin() as session:
        return session.execute(statement).first() is not None


def forget_old_updates(kb: KnowledgeBase, older_than: timedelta = timedelta(days=2)) -> None:
    """Drop update ids older than Telegram keeps an undelivered update (24 hours)."""
    with kb.sessions.begin() as session:
        session.execute(delete(SeenUpdate).where(SeenUpdate.seen_at < datetime.now(UTC) - older_than))


def touch_chat(kb: KnowledgeBase, chat_id: int, kind: str, title: str | None, language: str | None) -> None:
    """Remember a chat we heard from; hearing from it makes it active again."""
    values = {"id": chat_id, "type": str(kind), "title": title, "active": True,
              "updated_at": datetime.now(UTC)}
    if language:
        values["language"] = language
    # An upsert: two updates from one chat may arrive at the same moment.
    insert = sqlite_insert if kb.engine.dialect.name == "sqlite" else postgresql_insert
    statement = insert(Chat).values(**values)
    statement = statement.on_conflict_do_update(
        index_elements=[Chat.id], set_={k: statement.excluded[k] for k in values if k != "id"}
    )
    with kb.sessions.begin() as session:
        session.execute(statement)


def deactivate_chat(kb: KnowledgeBase, chat_id: int) -> None:
    """Stop sending to a chat that blocked the bot or removed it."""
    with kb.sessions.begin() as session:
        chat = session.get(Chat, chat_id)
        if chat is None:
            session.add(Chat(id=chat_id, type="unknown", active=False, updated_at=datetime.now(UTC)))
        else:
            chat.active = False


def is_active(kb: KnowledgeBase, chat_id: int) -> bool:
    with kb.sessions() as session:
        chat = session.get(Chat, chat_id)
        return chat is None or chat.active


def migrate_chat(kb: KnowledgeBase, old_id: int, new_id: int) -> None:
    """Move a group's settings to the id of the supergroup it became."""
    with kb.sessions.begin() as session:
        for model in (Digest, Follow, AnswerRecord):
            session.execute(update(model).where(model.chat_id == old_id).values(chat_id=new_id))
        chat = session.get(Chat, old_id)
        if chat is not None and session.get(Chat, new_id) is None:
            session.add(Chat(id=new_id, type="supergroup", title=chat.title, language=chat.language,
                             active=True, updated_at=datetime.now(UTC)))
            session.delete(chat)


def save_answer(kb: KnowledgeBase, *, chat_id: int | None, user_id: int | None, question: str,
                answer_html: str, sources_html: str, found: bool, thread_id: int | None = None,
                question_message_id: int | None = None, story: Context | None = None,
                asked_in: Context | None = None) -> int:
    with kb.sessions.begin() as session:
        record = AnswerRecord(chat_id=chat_id, user_id=user_id, question=question, answer_html=answer_html,
                              sources_html=sources_html, found=found, created_at=datetime.now(UTC),
                              thread_id=thread_id, question_message_id=question_message_id,
                              story=_ids(story), asked_in=_ids(asked_in))
        session.add(record)
        session.flush()
        return record.id


def _ids(context: Context | None) -> str | None:
    """Return the context's article ids, comma-separated, its lead article first."""
    if context is None:
        return None
    lead = [context.lead] if context.lead is not None else []
    return ",".join(map(str, lead + sorted(context.article_ids - set(lead))))


def context_of(ids: str | None) -> Context | None:
    """Return the context stored as comma-separated article ids, lead first (None when empty)."""
    article_ids = [int(i) for i in (ids or "").split(",") if i.isdigit()]
    return Context(frozenset(article_ids), lead=article_ids[0]) if article_ids else None


def set_answer_message(kb: KnowledgeBase, answer_id: int, message_id: int) -> None:
    """Remember which message carries an answer: a reply to it is a follow-up to it."""
    with kb.sessions.begin() as session:
        session.execute(update(AnswerRecord).where(AnswerRecord.id == answer_id).values(message_id=message_id))


def previous_answer(kb: KnowledgeBase, chat_id: int, thread_id: int | None, *, replied_to: int | None,
                    within: timedelta) -> tuple[AnswerRecord | None, bool]:
    """Return the answer a new message in a chat (and forum topic) may follow up, and whether it
    replies to it: the answer it replies to, whatever its age, or else the chat's last answer
    when it is recent enough (one that was sent: a digest's timeline links are not answers)."""
    with kb.sessions() as session:
        if replied_to is not None:
            record = session.scalar(select(AnswerRecord).where(
                AnswerRecord.chat_id == chat_id, AnswerRecord.message_id == replied_to))
            if record is not None:
                return record, True
        thread = AnswerRecord.thread_id.is_(None) if thread_id is None else AnswerRecord.thread_id == thread_id
        record = session.scalar(
            select(AnswerRecord).where(AnswerRecord.chat_id == chat_id, thread, AnswerRecord.message_id.is_not(None),
                                       AnswerRecord.created_at >= datetime.now(UTC) - within)
            .order_by(AnswerRecord.id.desc()).limit(1))
        return record, False


def answer_to_question(kb: KnowledgeBase, chat_id: int, question_message_id: int) -> AnswerRecord | None:
    """Return the answer given to a chat's message (to answer it again when it is edited)."""
    with kb.sessions() as session:
        return session.scalar(select(AnswerRecord).where(
            AnswerRecord.chat_id == chat_id, AnswerRecord.question_message_id == question_message_id)
            .order_by(AnswerRecord.id.desc()).limit(1))


def replace_answer(kb: KnowledgeBase, answer_id: int, *, question: str, answer_html: str, sources_html: str,
                   found: bool, story: Context | None) -> None:
    """Store the answer to an edited question in place of the old one (its vote no longer applies)."""
    with kb.sessions.begin() as session:
        session.execute(update(AnswerRecord).where(AnswerRecord.id == answer_id).values(
            question=question, answer_html=answer_html, sources_html=sources_html, found=found,
            story=_ids(story)))
        session.execute(delete(Vote).where(Vote.answer_id == answer_id))


def forget_user(kb: KnowledgeBase, user_id: int, *, chat_id: int | None) -> tuple[int, int]:
    """Delete everything asked by `user_id` (questions, answers, votes) and the follows of
    `chat_id` (their private chat); return how many answers and follows went. What the hour's
    budget counts stays (it is not theirs to reset: a keyed hash, gone within the hour)."""
    with kb.sessions.begin() as session:
        session.execute(delete(Vote).where(Vote.user_id == user_id))
        answers = cast(CursorResult[Any], session.execute(delete(AnswerRecord).where(AnswerRecord.user_id == user_id)))
        follows = cast(CursorResult[Any], session.execute(delete(Follow).where(Follow.chat_id == chat_id))) \
            if chat_id is not None else None
        return answers.rowcount, follows.rowcount if follows is not None else 0


def recent_downvotes(kb: KnowledgeBase, limit: int = 20) -> list[tuple[datetime, str]]:
    """Return the latest answers voted 👎: when, and the question."""
    with kb.sessions() as session:
        rows = session.execute(select(AnswerRecord.created_at, AnswerRecord.question).join(Vote)
                               .where(Vote.value == -1).group_by(AnswerRecord.id)
                               .order_by(AnswerRecord.id.desc()).limit(limit)).all()
    return [(at, question) for at, question in rows]


def follows_of(kb: KnowledgeBase, chat_id: int) -> list[str]:
    """Return the words a chat follows."""
    with kb.sessions() as session:
        return list(session.scalars(select(Follow.words).where(Follow.chat_id == chat_id).order_by(Follow.id)))


def set_chat_language(kb: KnowledgeBase, chat_id: int, language: str | None) -> None:
    """Set the language a group's or channel's digests and alerts are written in."""
    if language:
        with kb.sessions.begin() as session:
            session.execute(update(Chat).where(Chat.id == chat_id).values(language=language))


def update_answer_html(kb: KnowledgeBase, answer_id: int, answer_html: str) -> None:
    """Replace a stored answer's HTML (a language model improved it after it was sent)."""
    with kb.sessions.begin() as session:
        session.execute(update(AnswerRecord).where(AnswerRecord.id == answer_id).values(answer_html=answer_html))


def get_answer(kb: KnowledgeBase, answer_id: int) -> AnswerRecord | None:
    with kb.sessions() as session:
        return session.get(AnswerRecord, answer_id)


def vote(kb: KnowledgeBase, answer_id: int, user_id: int, value: int) -> None:
    """Keep `user_id`'s vote on an answer: one per reader, the last one pressed."""
    insert = sqlite_insert if kb.engine.dialect.name == "sqlite" else postgresql_insert
    statement = insert(Vote).values(answer_id=answer_id, user_id=user_id, value=value, voted_at=datetime.now(UTC))
    with kb.sessions.begin() as session:
        session.execute(statement.on_conflict_do_update(
            index_elements=[Vote.answer_id, Vote.user_id], set_={"value": value, "voted_at": statement.excluded.voted_at}))


def passages_by_id(kb: KnowledgeBase, ids: list[int]) -> dict[int, str]:
    with kb.sessions() as session:
        return dict(session.execute(select(Passage.id, Passage.text).where(Passage.id.in_(ids))).all())


def articles_after(kb: KnowledgeBase, after_id: int, topic: str | None = None, limit: int = 200) -> list[Item]:
    """Return articles stored after `after_id` (about `topic` when given), with a vector each."""
    with kb.sessions() as session:
        # The passages come in one query with their articles, not one query per article.
        articles = session.scalars(
            select(Article).where(Article.id > after_id).order_by(Article.id).limit(limit)
            .options(selectinload(Article.passages))
        )
        items = []
        for article in articles:
            passages = article.passages
            if topic and not _about(topic, article.title, passages):
                continue
            vectors = [np.frombuffer(p.embedding, dtype=np.float32) for p in passages if p.embedding]
            vector = normalise(np.mean(vectors, axis=0, keepdims=True))[0] if vectors else None
            items.append(Item(article.id, article.title, article.url, article.outlet,
                              article.published_at, vector))
    return with_words(kb, items)


def last_article_id(kb: KnowledgeBase) -> int:
    with kb.sessions() as session:
        return session.scalar(select(Article.id).order_by(Article.id.desc()).limit(1)) or 0


def _about(topic: str, title: str, passages: list[Passage]) -> bool:
    """Return True when the article holds one of the topic's words as a whole word (plural and
    verb -s aside): "/follow ai" is not "said" or "Ukraine"."""
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


def chat_language(kb: KnowledgeBase, chat_id: int) -> str | None:
    with kb.sessions() as session:
        chat = session.get(Chat, chat_id)
        return chat.language if chat else None
