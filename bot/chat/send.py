"""Sending to chats the bot was not asked in (digests, alerts): a chat that blocked the bot is
marked inactive and skipped; a group that became a supergroup is followed to its new id."""

from __future__ import annotations

import asyncio
import logging

from telegram import Bot, LinkPreviewOptions, Message
from telegram.constants import ParseMode
from telegram.error import ChatMigrated, Forbidden

from bot.state import chats
from index.knowledge import KnowledgeBase

log = logging.getLogger(__name__)
NO_PREVIEW = LinkPreviewOptions(is_disabled=True)  # answers cite many links: no preview card


async def send_html(bot: Bot, kb: KnowledgeBase, chat_id: int, html: str, *,
                    thread_id: int | None = None) -> Message | None:
    """Send `html` to `chat_id` (in its forum topic `thread_id`, if any); return None when the
    chat can no longer be reached."""
    if not await asyncio.to_thread(chats.is_active, kb, chat_id):
        return None
    try:
        return await bot.send_message(chat_id, html, parse_mode=ParseMode.HTML, message_thread_id=thread_id,
                                      link_preview_options=LinkPreviewOptions(is_disabled=True))
    except ChatMigrated as exc:
        await asyncio.to_thread(chats.migrate_chat, kb, chat_id, exc.new_chat_id)
        return await send_html(bot, kb, exc.new_chat_id, html, thread_id=thread_id)
    except Forbidden as exc:
        log.warning("chat %s cannot be reached (%s); it is now inactive", chat_id, exc.message)
        await asyncio.to_thread(chats.deactivate_chat, kb, chat_id)
        return None
