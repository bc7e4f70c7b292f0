"""Questions in chats: private chats, groups (mention, reply, /ask), edited questions, links sent
to the bot, /start and /help, and errors. Inline mode is `inline`'s, the buttons under an answer
`buttons`'. Model, FAISS and SQL work runs in a worker thread."""

from __future__ import annotations

import asyncio
import logging
import re
import time
from datetime import timedelta

from telegram import Message, MessageEntity, Update
from telegram.constants import ChatAction, ChatType, ParseMode
from telegram.error import BadRequest, RetryAfter
from telegram.ext import ApplicationHandlerStop

from bot.answer import FOLLOW_UP_MINUTES, context_for, refers_back, timeline_subject
from bot.chat.buttons import keyboard
from bot.chat.context import LedeContext, admitted, chat_of, message_of, user_id_of, user_language
from bot.chat.metrics import TELEGRAM_ERRORS, TELEGRAM_RATE_LIMITED
from bot.chat.replies import compose_reply, improve_reply, reanswer
from bot.chat.send import NO_PREVIEW
from bot.chat.story_views import (
    START_TIMELINE,
    answer_timeline_question,
    link_view,
    show_linked_timeline,
)
from bot.i18n import t
from bot.state import answers, chats
from index.errors import LedeError
from ingest.sources import read_link

log = logging.getLogger(__name__)
FOLLOW_UP_WINDOW = timedelta(minutes=FOLLOW_UP_MINUTES)


async def first_pass(update: Update, context: LedeContext) -> None:
    """Runs before every handler: drop repeated updates, remember the chat."""
    lede = context.lede
    if not await asyncio.to_thread(lede.first_time, update.update_id):
        raise ApplicationHandlerStop
    chat, _user = update.effective_chat, update.effective_user
    if chat is not None and update.effective_message is not None:
        # A group's language is its digest's and alerts' and is set by whoever configures them
        # (digests.py): it does not follow whoever spoke last.
        language = user_language(update) if chat.type == ChatType.PRIVATE else None
        await asyncio.to_thread(chats.touch_chat, lede.kb, chat.id, chat.type, chat.title or chat.username, language)


async def answer_in_chat(update: Update, context: LedeContext, question: str) -> None:
    """Answer `question` in reply to the message that asked it (in its forum topic, if any)."""
    message, language = message_of(update), user_language(update)
    question = question.strip()
    if not question:
        await message.reply_text(t("ask_usage", language))
        return
    async with admitted(update, context) as admit:
        if admit:
            await _answer_in_chat(update, context, question)


async def _answer_in_chat(update: Update, context: LedeContext, question: str) -> None:
    lede = context.lede
    message, user = message_of(update), update.effective_user
    language = user_language(update)
    thread_id = message.message_thread_id if message.is_topic_message else None
    await context.bot.send_chat_action(message.chat_id, ChatAction.TYPING, message_thread_id=thread_id)
    log.debug("question from %s: %s", user.id if user else None, question)
    url = _link_in(message)
    if url is not None:
        await _answer_link(update, context, url, question, thread_id)
        return
    # A reply to one of our answers follows it up; so may a message soon after the last answer.
    replied_to = message.reply_to_message.message_id if (
        message.reply_to_message is not None and _replies_to_bot(message, context.bot.id)) else None
    previous, replied = await asyncio.to_thread(answers.previous_answer, lede.kb, message.chat_id, thread_id,
                                                replied_to=replied_to, within=FOLLOW_UP_WINDOW)
    asked_in = context_for(question, answers.context_of(previous.story) if previous else None, replied=replied)
    subject = timeline_subject(question)
    if subject is not None:
        lead = asked_in.lead if asked_in is not None and refers_back(subject) else None
        await answer_timeline_question(update, context, question, subject, lead)
        return
    reply = await asyncio.to_thread(compose_reply, lede.kb, question, chat_id=message.chat_id,
                                    user_id=user.id if user else None, language=language, context=asked_in,
                                    thread_id=thread_id, question_message_id=message.message_id)
    buttons = keyboard(reply.answer_id, language, story=reply.answer.found)
    sent = await message.reply_html(reply.html, reply_markup=buttons, link_preview_options=NO_PREVIEW,
                                    message_thread_id=thread_id, do_quote=True)
    await asyncio.to_thread(answers.set_answer_message, lede.kb, reply.answer_id, sent.message_id)
    better = await asyncio.to_thread(improve_reply, lede.kb, lede.settings.llm(), reply, language)
    if better is not None:
        await sent.edit_text(better.html, parse_mode=ParseMode.HTML, reply_markup=buttons,
                             link_preview_options=NO_PREVIEW)


def _link_in(message: Message) -> str | None:
    """Return the first web address a message (or a forwarded post's caption) carries."""
    kinds: list[str | None] = [MessageEntity.URL, MessageEntity.TEXT_LINK]
    found = {**message.parse_entities(kinds), **message.parse_caption_entities(kinds)}
    for entity, text in found.items():
        url = entity.url if entity.type == MessageEntity.TEXT_LINK else text
        if url:
            return url if "://" in url else f"https://{url}"
    return None


async def _answer_link(update: Update, context: LedeContext, url: str, question: str, thread_id: int | None) -> None:
    """A reader sent a link: read the page (safe-fetch rules), store it, and say what it is about
    and what other outlets in the knowledge base say about the same story."""
    lede, message, user = context.lede, message_of(update), update.effective_user
    language = user_language(update)
    try:
        article_id = await read_link(lede.kb, lede.runner, url)
    except LedeError as exc:
        await message.reply_text(t("link_failed", language, reason=str(exc)), message_thread_id=thread_id)
        return
    view = await asyncio.to_thread(link_view, lede.kb, article_id, language=language, chat_id=message.chat_id,
                                   user_id=user.id if user else None, asked=question or url, thread_id=thread_id,
                                   question_message_id=message.message_id)
    sent = await message.reply_html(view.html, reply_markup=keyboard(view.record_id, language, story=True),
                                    link_preview_options=NO_PREVIEW, message_thread_id=thread_id, do_quote=True)
    await asyncio.to_thread(answers.set_answer_message, lede.kb, view.record_id, sent.message_id)


def _replies_to_bot(message: Message, bot_id: int) -> bool:
    replied = message.reply_to_message
    return replied is not None and replied.from_user is not None and replied.from_user.id == bot_id


async def on_edited(update: Update, context: LedeContext) -> None:
    """An edited question that Lede answered is answered again: the answer message is edited."""
    lede, message = context.lede, message_of(update)
    record = await asyncio.to_thread(answers.answer_to_question, lede.kb, message.chat_id, message.message_id)
    if record is None or record.message_id is None:
        return
    language = user_language(update)
    question = _group_question(message, context) if message.chat.type != "private" else message.text
    if not (question or "").strip():
        return
    async with admitted(update, context) as admit:  # an edit is a question asked again
        if not admit:
            return
        reply = await asyncio.to_thread(reanswer, lede.kb, record, (question or "").strip(), language)
    try:
        await context.bot.edit_message_text(reply.html, chat_id=message.chat_id, message_id=record.message_id,
                                            parse_mode=ParseMode.HTML, link_preview_options=NO_PREVIEW,
                                            reply_markup=keyboard(record.id, language, story=reply.answer.found))
    except BadRequest as exc:
        if "not modified" not in str(exc).lower():  # the edit changed nothing the answer shows
            raise


async def on_private_text(update: Update, context: LedeContext) -> None:
    message = message_of(update)
    if message.text is None and _link_in(message) is None:
        return  # a photo or a forwarded post without a link: its caption is not a question
    await answer_in_chat(update, context, message.text or message.caption or "")


async def on_group_text(update: Update, context: LedeContext) -> None:
    """In groups, answer only when mentioned or replied to."""
    question = _group_question(message_of(update), context)
    if question is not None:
        await answer_in_chat(update, context, question)


def _group_question(message: Message, context: LedeContext) -> str | None:
    """Return the question a group message asks Lede (its mentions of the bot removed), or None
    when it neither mentions the bot nor replies to it."""
    handle = f"@{context.bot.username}".lower()
    mentions = [text for entity, text in message.parse_entities([MessageEntity.MENTION]).items()
                if text.lower() == handle]
    if not mentions and not _replies_to_bot(message, context.bot.id):
        return None
    question = message.text or ""
    for mention in mentions:
        question = question.replace(mention, " ")
    return " ".join(question.split())


async def on_ask(update: Update, context: LedeContext) -> None:
    await answer_in_chat(update, context, " ".join(context.args or []))


async def on_start(update: Update, context: LedeContext) -> None:
    """Greet, or open what a deep link asks for (a digest's "timeline" link)."""
    link = re.fullmatch(rf"{START_TIMELINE}(\d{{1,18}})", (context.args or [""])[0])
    if link is not None:
        await show_linked_timeline(update, context, int(link[1]))
        return
    language = user_language(update)
    await message_of(update).reply_html(t("start", language) + "\n\n" + _help(update, context))


async def on_help(update: Update, context: LedeContext) -> None:
    await message_of(update).reply_html(_help(update, context))


def _help(update: Update, context: LedeContext) -> str:
    """Return the help, with the admin commands for admins only."""
    language = user_language(update)
    text = t("help", language, bot=context.bot.username)
    return text + "\n" + t("help_admin", language) if context.lede.is_admin(user_id_of(update)) else text


async def on_migrate(update: Update, context: LedeContext) -> None:
    """A group became a supergroup: its digest and follows move to the new id."""
    message = message_of(update)
    if message.migrate_to_chat_id:
        await asyncio.to_thread(chats.migrate_chat, context.lede.kb, message.chat_id, message.migrate_to_chat_id)


async def on_error(update: object, context: LedeContext) -> None:
    """Log the failure with the update's id, tell the user without the details, and tell the
    admins (once an hour per distinct error, so a failing loop cannot flood them)."""
    TELEGRAM_ERRORS.inc()
    if isinstance(context.error, RetryAfter):
        TELEGRAM_RATE_LIMITED.inc()
    update_id = update.update_id if isinstance(update, Update) else None
    log.error("error while handling update %s", update_id, exc_info=context.error, extra={"update_id": update_id})
    if isinstance(update, Update) and update.effective_chat is not None:
        language = user_language(update)
        try:
            await context.bot.send_message(chat_of(update).id, t("error", language))
        except Exception:
            log.warning("could not tell chat %s about the error", chat_of(update).id)
    await _tell_admins(context, update_id)


ADMIN_NOTICE_SECONDS = 3600.0


async def _tell_admins(context: LedeContext, update_id: int | None) -> None:
    lede, error = context.lede, context.error
    what = f"{type(error).__name__}: {str(error)[:300]}"
    now = time.monotonic()
    if now - lede.told_admins.get(what, -ADMIN_NOTICE_SECONDS) < ADMIN_NOTICE_SECONDS:
        return
    lede.told_admins[what] = now
    for admin in lede.settings.admin_ids:
        try:
            await context.bot.send_message(admin, f"⚠️ Lede failed on update {update_id}: {what}\n"
                                                  "The log has the traceback (search it for the update id).")
        except Exception:
            log.warning("could not tell admin %s about the error", admin)
