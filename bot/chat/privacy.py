"""What readers may ask of the bot about itself: /outlets (where its news comes from), /privacy
(what it keeps) and /forget (delete what it keeps of them). Blocking work runs in a thread."""

from __future__ import annotations

import asyncio
from html import escape
from urllib.parse import urlsplit

from telegram import Update
from telegram.constants import ChatType

from bot.chat.context import LedeContext, chat_of, message_of, user_id_of, user_language
from bot.chat.render import fit_message
from bot.i18n import t
from bot.state import answers
from ingest.sources import SourceInfo, list_sources

PUBLIC_KINDS = ("feed", "page", "site")  # a local file's path is the host's business, not the reader's


def outlets_html(sources: list[SourceInfo], language: str | None) -> str:
    """Return the sources anyone may see: the enabled web sources, by name, with article counts."""
    shown = [s for s in sources if s.enabled and s.kind in PUBLIC_KINDS]
    if not shown:
        return escape(t("outlets_none", language))
    lines = [escape(t("outlets", language))]
    lines += [f"• {escape(s.title or urlsplit(s.url).hostname or s.url)} — {s.articles}" for s in shown]
    return fit_message(lines)


async def on_outlets(update: Update, context: LedeContext) -> None:
    sources = await asyncio.to_thread(list_sources, context.lede.kb)
    await message_of(update).reply_html(outlets_html(sources, user_language(update)))


async def on_privacy(update: Update, context: LedeContext) -> None:
    await message_of(update).reply_text(t("privacy", user_language(update)))


async def on_forget(update: Update, context: LedeContext) -> None:
    """Delete the user's questions, answers and votes, and a private chat's follows."""
    user_id = user_id_of(update)
    if user_id is None:
        return
    private = chat_of(update).type == ChatType.PRIVATE
    removed, stopped = await asyncio.to_thread(answers.forget_user, context.lede.kb, user_id,
                                               chat_id=chat_of(update).id if private else None)
    await message_of(update).reply_text(t("forgotten", user_language(update), answers=removed, follows=stopped))
