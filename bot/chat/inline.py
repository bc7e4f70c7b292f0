"""Inline mode (@bot question, in any chat): only the last keystroke of a run is answered, each
in a task of its own, so a typist holds up no other reader."""

from __future__ import annotations

import asyncio

from telegram import InlineQueryResultArticle, InlineQueryResultsButton, InputTextMessageContent, Update
from telegram.constants import ParseMode

from bot.chat.buttons import keyboard
from bot.chat.context import LedeContext, quota_notice, user_language
from bot.chat.replies import compose_reply
from bot.chat.send import NO_PREVIEW
from bot.i18n import t


async def on_inline(update: Update, context: LedeContext) -> None:
    """Inline mode: the answer as a result the user can send into any chat. Clients send a query
    per keystroke: each is answered in a task of its own, so that a run of them holds none of the
    bot's update slots, and only the last of a run is answered (one answer at a time per reader)."""
    query = update.inline_query
    if query is None:
        return
    if len(query.query.strip()) < 3:
        await query.answer([], cache_time=5)
        return
    context.application.create_task(_answer_inline(update, context), update=update)


async def _answer_inline(update: Update, context: LedeContext) -> None:
    lede, query = context.lede, update.inline_query
    assert query is not None  # on_inline checked
    user_id, language = query.from_user.id, user_language(update)
    if not await lede.turns.settled(user_id, query.id):
        return  # a keystroke: a newer query of theirs is answered instead
    async with lede.turns.turn(user_id) as turn:
        if not turn:
            return
        spent = await asyncio.to_thread(lede.spend, user_id)
        if spent.wait:  # said above the (empty) results: an empty list alone looks like a broken bot
            notice = InlineQueryResultsButton(quota_notice(spent.wait, language, "quota_inline"), start_parameter="quota")
            await query.answer([], cache_time=5, button=notice)
            return
        reply = await asyncio.to_thread(compose_reply, lede.kb, query.query, chat_id=None, user_id=user_id,
                                        language=language)
    answer = reply.answer
    title = answer.direct or (answer.quotes[0].text if answer.quotes else t("not_found", language))
    description = answer.quotes[0].text if answer.quotes and answer.direct else query.query
    result = InlineQueryResultArticle(
        id=str(reply.answer_id),
        title=title[:100],
        description=description[:200],
        input_message_content=InputTextMessageContent(reply.html, parse_mode=ParseMode.HTML,
                                                      link_preview_options=NO_PREVIEW),
        reply_markup=keyboard(reply.answer_id, language, secret=lede.secret),
    )
    await query.answer([result], cache_time=30)
