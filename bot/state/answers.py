"""The answers the bot sent, kept for their buttons, follow-ups, edits and the readers' votes.
Blocking: call from a worker thread."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, delete, func, select, update

from bot.answer import Context
from bot.state.tables import AnswerRecord, Follow, Vote, insert_into
from index.knowledge import KnowledgeBase
from index.models import Passage


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


def _ids(context: Context | None) -> list[int] | None:
    """Return the context's article ids, its lead article first."""
    if context is None:
        return None
    lead = [context.lead] if context.lead is not None else []
    return lead + sorted(context.article_ids - set(lead))


def context_of(ids: list[int] | None) -> Context | None:
    """Return the context kept as article ids, lead first (None when there are none)."""
    return Context(frozenset(ids), lead=ids[0]) if ids else None


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


def update_answer_html(kb: KnowledgeBase, answer_id: int, answer_html: str) -> None:
    """Replace a stored answer's HTML (a language model improved it after it was sent)."""
    with kb.sessions.begin() as session:
        session.execute(update(AnswerRecord).where(AnswerRecord.id == answer_id).values(answer_html=answer_html))


def get_answer(kb: KnowledgeBase, answer_id: int) -> AnswerRecord | None:
    with kb.sessions() as session:
        return session.get(AnswerRecord, answer_id)


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


def vote(kb: KnowledgeBase, answer_id: int, user_id: int, value: int) -> None:
    """Keep `user_id`'s vote on an answer: one per reader, the last one pressed."""
    statement = insert_into(kb, Vote).values(answer_id=answer_id, user_id=user_id, value=value, voted_at=datetime.now(UTC))
    with kb.sessions.begin() as session:
        session.execute(statement.on_conflict_do_update(
            index_elements=[Vote.answer_id, Vote.user_id], set_={"value": value, "voted_at": statement.excluded.voted_at}))


def recent_downvotes(kb: KnowledgeBase, limit: int = 20) -> list[tuple[datetime, str]]:
    """Return the latest answers voted 👎: when, and the question."""
    with kb.sessions() as session:
        rows = session.execute(select(AnswerRecord.created_at, AnswerRecord.question).join(Vote)
                               .where(Vote.value == -1).group_by(AnswerRecord.id)
                               .order_by(AnswerRecord.id.desc()).limit(limit)).all()
    return [(at, question) for at, question in rows]


def passages_by_id(kb: KnowledgeBase, ids: list[int]) -> dict[int, str]:
    with kb.sessions() as session:
        return dict(session.execute(select(Passage.id, Passage.text).where(Passage.id.in_(ids))).all())


def prune_answers(kb: KnowledgeBase, before: datetime, *, dry_run: bool = False) -> int:
    """Delete the answers given before `before` (their votes go with them); return how many went
    (with `dry_run`, how many would)."""
    if dry_run:
        with kb.sessions() as session:
            return session.scalar(select(func.count(AnswerRecord.id)).where(AnswerRecord.created_at < before)) or 0
    with kb.sessions.begin() as session:
        return cast(CursorResult[Any], session.execute(delete(AnswerRecord).where(AnswerRecord.created_at < before))).rowcount
