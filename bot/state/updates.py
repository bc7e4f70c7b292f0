"""Telegram updates already handled, so that one delivered twice, or to two processes, is
handled once. Blocking: call from a worker thread."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import delete

from bot.state.tables import SeenUpdate, insert_into
from index.knowledge import KnowledgeBase


def first_time(kb: KnowledgeBase, update_id: int) -> bool:
    """Return False for an update any bot process handled already (Telegram may deliver one twice)."""
    statement = (insert_into(kb, SeenUpdate).values(update_id=update_id, seen_at=datetime.now(UTC))
                 .on_conflict_do_nothing().returning(SeenUpdate.update_id))
    # RETURNING, not rowcount: PostgreSQL's driver reports no row count for this statement.
    with kb.sessions.begin() as session:
        return session.execute(statement).first() is not None


def forget_old_updates(kb: KnowledgeBase, older_than: timedelta = timedelta(days=2)) -> None:
    """Drop update ids older than Telegram keeps an undelivered update (24 hours)."""
    with kb.sessions.begin() as session:
        session.execute(delete(SeenUpdate).where(SeenUpdate.seen_at < datetime.now(UTC) - older_than))
