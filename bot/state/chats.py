"""The chats the bot has talked in: their kind, language and whether they still take messages.
Blocking: call from a worker thread."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import update

from bot.state.tables import AnswerRecord, Chat, Digest, Follow, insert_into
from index.knowledge import KnowledgeBase


def touch_chat(kb: KnowledgeBase, chat_id: int, kind: str, title: str | None, language: str | None) -> None:
    """Remember a chat we heard from; hearing from it makes it active again."""
    values = {"id": chat_id, "type": str(kind), "title": title, "active": True,
              "updated_at": datetime.now(UTC)}
    if language:
        values["language"] = language
    # An upsert: two updates from one chat may arrive at the same moment.
    statement = insert_into(kb, Chat).values(**values)
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


def set_chat_language(kb: KnowledgeBase, chat_id: int, language: str | None) -> None:
    """Set the language a group's or channel's digests and alerts are written in."""
    if language:
        with kb.sessions.begin() as session:
            session.execute(update(Chat).where(Chat.id == chat_id).values(language=language))


def chat_language(kb: KnowledgeBase, chat_id: int) -> str | None:
    with kb.sessions() as session:
        chat = session.get(Chat, chat_id)
        return chat.language if chat else None
