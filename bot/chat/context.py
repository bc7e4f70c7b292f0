"""What every handler shares, typed: the `Lede` state (settings, knowledge base, fetcher, quotas)
lives on the `LedeApplication`, and each handler gets a `LedeContext` whose `.lede` reaches it.
The helpers return the parts of an update a handler's filters guarantee."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from telegram import Chat, Message, Update, User
from telegram.ext import Application, CallbackContext, ExtBot, JobQueue

from bot.chat import state
from bot.i18n import t
from index.knowledge import KnowledgeBase
from index.settings import Settings
from ingest.runner import Runner

HOUR = 3600.0


@dataclass
class Lede:
    settings: Settings
    kb: KnowledgeBase
    run_ingest: bool = True  # whether this process also fetches due sources
    _runner: Runner | None = None  # created with the event loop, at start-up
    told_admins: dict[str, float] = field(default_factory=dict)  # error -> when the admins heard of it
    warming: asyncio.Task[None] | None = None  # loading the index and the model, at start-up

    @property
    def runner(self) -> Runner:
        """The ingest runner (its HTTP client needs the event loop, so it exists once started)."""
        if self._runner is None:
            raise RuntimeError("the bot has not started: its ingest runner is created at start-up")
        return self._runner

    @runner.setter
    def runner(self, runner: Runner | None) -> None:
        self._runner = runner

    async def close(self) -> None:
        """Let the start-up loading finish and close the runner's HTTP client, if the bot started."""
        if self.warming is not None:
            await self.warming
        if self._runner is not None:
            await self._runner.fetcher.aclose()

    def is_admin(self, user_id: int | None) -> bool:
        return user_id is not None and user_id in self.settings.admin_ids

    def quota_wait(self, user_id: int) -> float:
        """Return 0 when the user may ask now, else the seconds until they may: the questions of
        the last hour are counted from the stored answers, so every replica agrees and a restart
        forgets nothing (blocking: call from a worker thread)."""
        if self.is_admin(user_id):
            return 0.0
        limit = self.settings.questions_per_hour
        if limit <= 0:
            return HOUR  # questions are closed to all but the admins
        now = datetime.now(UTC)
        asked = state.questions_asked(self.kb, user_id, now - timedelta(seconds=HOUR))
        if len(asked) < limit:
            return 0.0
        return HOUR - (now - asked[-limit]).total_seconds()

    def first_time(self, update_id: int) -> bool:
        """Return False for an update already handled by any bot process (blocking)."""
        return state.first_time(self.kb, update_id)


Data = dict[Any, Any]


class LedeContext(CallbackContext[ExtBot[None], Data, Data, Data]):
    """The context handlers and jobs get: PTB's, plus `.lede`."""

    @property
    def app(self) -> LedeApplication:
        """The application, with its type: Lede's handlers only ever run in a LedeApplication."""
        return as_lede_application(self.application)

    @property
    def lede(self) -> Lede:
        return self.app.lede


class LedeApplication(Application[ExtBot[None], LedeContext, Data, Data, Data, JobQueue[LedeContext]]):
    """PTB's Application carrying the bot's shared state (`build_application` makes one)."""

    def __init__(self, *, lede: Lede, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.lede = lede

    @property
    def jobs(self) -> JobQueue[LedeContext]:
        """The job queue (installed with the job-queue extra, which Lede requires)."""
        if self.job_queue is None:
            raise RuntimeError("python-telegram-bot's job queue is missing: pip install 'python-telegram-bot[job-queue]'")
        return self.job_queue


def as_lede_application(application: Application[Any, Any, Any, Any, Any, Any]) -> LedeApplication:
    """Return `application` typed as the LedeApplication `build_application` made it."""
    if not isinstance(application, LedeApplication):
        raise TypeError(f"expected a LedeApplication, got {type(application).__name__}")
    return application


def quota_notice(wait: float, language: str | None, key: str = "quota") -> str:
    """Return the text telling a user over the hourly quota when they may ask again."""
    return t(key, language, minutes=max(1, round(wait / 60)))


def user_language(update: Update) -> str | None:
    """Return the language code of whoever sent `update`, if Telegram says."""
    user = update.effective_user
    return user.language_code if user else None


def message_of(update: Update) -> Message:
    """Return the message of an update that a command or message handler was called for."""
    if update.effective_message is None:
        raise ValueError(f"update {update.update_id} carries no message")
    return update.effective_message


def chat_of(update: Update) -> Chat:
    """Return the chat of an update that a command or message handler was called for."""
    if update.effective_chat is None:
        raise ValueError(f"update {update.update_id} comes from no chat")
    return update.effective_chat


def user_id_of(update: Update) -> int | None:
    """Return the id of whoever sent `update` (None for a channel post)."""
    user: User | None = update.effective_user
    return user.id if user else None
