"""What every handler shares, typed: the `Lede` state (settings, knowledge base, fetcher, quotas)
lives on the `LedeApplication`, and each handler gets a `LedeContext` whose `.lede` reaches it.
The helpers return the parts of an update a handler's filters guarantee."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from telegram import Chat, Message, Update, User
from telegram.constants import ChatType
from telegram.ext import Application, CallbackContext, ExtBot, JobQueue

from bot.chat.budget import Spent, Turns, asker_key, spend
from bot.i18n import t
from bot.settings import Settings
from bot.state import updates
from index.knowledge import KnowledgeBase
from ingest.runner import Runner


@dataclass
class Lede:
    settings: Settings
    kb: KnowledgeBase
    run_ingest: bool = True  # whether this process also fetches due sources
    _runner: Runner | None = None  # created with the event loop, at start-up
    told_admins: dict[str, float] = field(default_factory=dict)  # error -> when the admins heard of it
    warming: asyncio.Task[None] | None = None  # loading the index and the model, at start-up
    turns: Turns = field(default_factory=Turns)  # one answer at a time per reader

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

    def spend(self, user_id: int, group_id: int | None = None) -> Spent:
        """Count a question of `user_id` (asked in group `group_id`, if in one) against the hour's
        budgets: the reader's, and the group's own; admins are not counted (blocking)."""
        if self.is_admin(user_id):
            return Spent(0.0)
        askers = [(asker_key(self.secret, "user", user_id), self.settings.questions_per_hour)]
        if group_id is not None:
            askers.append((asker_key(self.secret, "chat", group_id), self.settings.group_questions_per_hour))
        return spend(self.kb, askers)

    @property
    def secret(self) -> str:
        """The key of the bot's own hashes and signatures: its token, which every replica shares
        and no reader knows."""
        return self.settings.telegram_token.get_secret_value() if self.settings.telegram_token else "lede"

    def first_time(self, update_id: int) -> bool:
        """Return False for an update already handled by any bot process (blocking)."""
        return updates.first_time(self.kb, update_id)


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


@asynccontextmanager
async def admitted(update: Update, context: LedeContext) -> AsyncIterator[bool]:
    """Admit a question asked in a chat: one answer at a time per reader (a second waits, a third
    is refused), counted against the reader's and the group's hourly budgets. Yields False when it
    is not to be answered: the reader is told why, once (while their answers are in hand; in an
    hour over the budget)."""
    lede, message, user = context.lede, message_of(update), update.effective_user
    if user is None:  # a channel's post: nobody to count
        yield True
        return
    language = user_language(update)
    thread_id = message.message_thread_id if message.is_topic_message else None
    async with lede.turns.turn(user.id) as turn:
        if not turn:
            if lede.turns.tell_once(user.id):
                await message.reply_text(t("busy", language), message_thread_id=thread_id)
            yield False
            return
        group = message.chat_id if message.chat.type in (ChatType.GROUP, ChatType.SUPERGROUP) else None
        spent = await asyncio.to_thread(lede.spend, user.id, group)
        if spent.wait and spent.tell:
            await message.reply_text(quota_notice(spent.wait, language), message_thread_id=thread_id)
        yield not spent.wait


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
