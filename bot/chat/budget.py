"""What one reader, or one group, may ask: questions an hour, counted as they are asked (edits and
links included) in SQL so that every replica and a restart agree, under a keyed hash of the id so
that the table says nothing about who asked; and one answer at a time per reader, of inline
queries typed in a row only the last one."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from bot.state.tables import QuestionCount
from index.knowledge import KnowledgeBase

WINDOW = timedelta(hours=1)
# An inline query followed by another from the same reader this soon was a keystroke: only the
# last of a run of them is answered (Telegram sends one per keystroke after a short pause).
KEYSTROKE_SECONDS = 0.7


@dataclass(frozen=True)
class Spent:
    """The outcome of asking: `wait` 0 when the question was counted and may be answered, else
    the seconds until the asker may ask again; `tell` on the first refusal of the window only."""

    wait: float
    tell: bool = False


def spend(kb: KnowledgeBase, askers: list[tuple[str, int]], now: datetime | None = None) -> Spent:
    """Count one question against every asker in `askers` ((hashed key, limit an hour)), unless one
    is at its limit: then count nothing and say how long until the window ends (blocking)."""
    now = now or datetime.now(UTC)
    window = now.replace(minute=0, second=0, microsecond=0)
    until_next = (window + WINDOW - now).total_seconds()
    if any(limit <= 0 for _, limit in askers):
        return Spent(until_next, tell=True)  # questions are closed to all but the admins
    keys = [key for key, _ in askers]
    insert = sqlite_insert if kb.engine.dialect.name == "sqlite" else postgresql_insert
    with kb.sessions.begin() as session:
        session.execute(delete(QuestionCount).where(QuestionCount.window_start < window))  # past windows go
        counts = {row.asker: row for row in session.scalars(select(QuestionCount).where(
            QuestionCount.asker.in_(keys), QuestionCount.window_start == window))}
        full = [counts[key] for key, limit in askers if key in counts and counts[key].asked >= limit]
        if full:
            tell = not all(row.told for row in full)
            for row in full:
                row.told = True
            return Spent(until_next, tell=tell)
        for key in keys:
            statement = insert(QuestionCount).values(asker=key, window_start=window, asked=1, told=False)
            session.execute(statement.on_conflict_do_update(
                index_elements=[QuestionCount.asker, QuestionCount.window_start],
                set_={"asked": QuestionCount.asked + 1}))
    return Spent(0.0)


def asker_key(secret: str, kind: str, ident: int) -> str:
    """Return the keyed hash a reader ("user") or group ("chat") is counted under."""
    return hmac.new(secret.encode(), f"{kind}:{ident}".encode(), hashlib.sha256).hexdigest()[:32]


@dataclass
class Turns:
    """One answer at a time per reader, within this process: a second question waits for the
    first, a third meanwhile is refused. A flood holds at most one of the bot's update slots."""

    queued: Counter[int] = field(default_factory=Counter)  # answers of each reader running or waiting
    locks: dict[int, asyncio.Lock] = field(default_factory=dict)
    told: set[int] = field(default_factory=set)  # readers told to wait for their answers in hand
    latest_inline: dict[int, str] = field(default_factory=dict)  # reader -> their newest inline query

    @asynccontextmanager
    async def turn(self, user_id: int) -> AsyncIterator[bool]:
        """Yield True once it is this reader's turn, or False at once when two of their answers are
        running or waiting already."""
        if self.queued[user_id] >= 2:
            yield False
            return
        self.queued[user_id] += 1
        lock = self.locks.setdefault(user_id, asyncio.Lock())
        try:
            async with lock:
                yield True
        finally:
            self.queued[user_id] -= 1
            if not self.queued[user_id]:
                del self.queued[user_id]
                del self.locks[user_id]
                self.told.discard(user_id)

    def tell_once(self, user_id: int) -> bool:
        """Return True the first time a reader is refused while their answers are in hand."""
        if user_id in self.told:
            return False
        self.told.add(user_id)
        return True

    async def settled(self, user_id: int, query_id: str) -> bool:
        """Wait out the keystroke window and any answer of theirs under way; return False when a
        newer inline query of theirs arrived meanwhile (that one is answered instead)."""
        self.latest_inline[user_id] = query_id
        await asyncio.sleep(KEYSTROKE_SECONDS)
        while self.latest_inline.get(user_id) == query_id and user_id in self.queued:
            await asyncio.sleep(0.1)
        if self.latest_inline.get(user_id) != query_id:
            return False
        del self.latest_inline[user_id]
        return True
