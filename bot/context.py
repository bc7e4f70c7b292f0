"""What every handler shares: settings, the knowledge base, the fetcher and the per-user quota."""

from __future__ import annotations

import time
from collections import OrderedDict, deque
from dataclasses import dataclass, field

from telegram import Update
from telegram.ext import ContextTypes

from index.knowledge import KnowledgeBase
from index.settings import Settings
from ingest.runner import Runner

HOUR = 3600.0


@dataclass
class Lede:
    settings: Settings
    kb: KnowledgeBase
    runner: Runner | None = None  # created with the event loop, in post_init
    asked: dict[int, deque[float]] = field(default_factory=dict)
    seen_updates: OrderedDict[int, None] = field(default_factory=OrderedDict)

    def is_admin(self, user_id: int | None) -> bool:
        return user_id is not None and user_id in self.settings.admin_ids

    def quota_wait(self, user_id: int) -> float:
        """Return 0 and count the question when the user may ask, else seconds until they may."""
        if self.is_admin(user_id):
            return 0.0
        now = time.monotonic()
        window = self.asked.setdefault(user_id, deque())
        while window and now - window[0] > HOUR:
            window.popleft()
        if len(window) >= self.settings.questions_per_hour:
            return HOUR - (now - window[0])
        window.append(now)
        return 0.0

    def first_time(self, update_id: int) -> bool:
        """Return False for an update already handled (Telegram may deliver one twice)."""
        if update_id in self.seen_updates:
            return False
        self.seen_updates[update_id] = None
        if len(self.seen_updates) > 10_000:
            self.seen_updates.popitem(last=False)
        return True


def user_language(update: Update) -> str | None:
    """Return the language code of whoever sent `update`, if Telegram says."""
    user = update.effective_user
    return user.language_code if user else None


def lede_of(context: ContextTypes.DEFAULT_TYPE) -> Lede:
    return context.application.bot_data["lede"]
