"""Questions and answers: private chats, groups (mention, reply, /ask), inline mode, and the
buttons under an answer. Model, FAISS and SQL work runs in a worker thread."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import logging
import re
import time
from dataclasses import dataclass
from datetime import UTC, timedelta, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InlineQueryResultsButton,
    InputTextMessageContent,
    LinkPreviewOptions,
    Message,
    MessageEntity,
    Update,
)
from telegram.constants import ChatAction, ChatType, ParseMode
from telegram.error import BadRequest, RetryAfter
from telegram.ext import ApplicationHandlerStop

from bot.answer import Answer, LLMConfig, answer_question, consult_llm
from bot.answer.followup import FOLLOW_UP_MINUTES, Context, context_for, refers_back, timeline_subject
from bot.chat.context import LedeContext, admitted, chat_of, message_of, quota_notice, user_id_of, user_language
from bot.chat.metrics import TELEGRAM_ERRORS, TELEGRAM_RATE_LIMITED
from bot.chat.render import answer_html, sources_html
from bot.chat.story_views import (
    COVERAGE,
    START_TIMELINE,
    TIMELINE,
    answer_timeline_question,
    link_view,
    show_linked_timeline,
    show_story,
)
from bot.i18n import t
from bot.state import answers, chats, subscriptions
from bot.state.tables import AnswerRecord
from index.errors import LedeError
from index.knowledge import KnowledgeBase
from ingest.sources import read_link

log = logging.getLogger(__name__)
NO_PREVIEW = LinkPreviewOptions(is_disabled=True)
# What the buttons under an answer carry: "src:12", "ans:12", "fb:12:1", "fb:12:-1", and its
# story's "tl:12:1" (timeline, page 1: "More" asks for the next) and "cv:12" (coverage).
FOLLOW_UP_WINDOW = timedelta(minutes=FOLLOW_UP_MINUTES)
BUTTON = re.compile(r"(?P<kind>src|ans|fb|tl|cv):(?P<id>\d{1,18})(?::(?P<arg>-?\d{1,3}))?(?:~(?P<sig>[\w-]{11}))?")


@dataclass(frozen=True)
class Reply:
    answer: Answer
    answer_id: int
    html: str


def compose_reply(kb: KnowledgeBase, question: str, *, chat_id: int | None, user_id: int | None,
                  language: str | None, context: Context | None = None, thread_id: int | None = None,
                  question_message_id: int | None = None) -> Reply:
    """Answer `question` (in `context`, when it follows up an earlier answer) without the
    language model (seconds on a CPU: `improve_reply` adds its help afterwards) and keep the
    answer for its buttons and follow-ups (blocking)."""
    answer = answer_question(kb, question, context=context, zone=_zone_of(kb, chat_id))
    html = answer_html(answer, language)
    passages = answers.passages_by_id(kb, [q.passage_id for q in answer.quotes])
    answer_id = answers.save_answer(
        kb, chat_id=chat_id, user_id=user_id, question=question, answer_html=html,
        sources_html=sources_html(answer, passages, language), found=answer.found, thread_id=thread_id,
        question_message_id=question_message_id, story=answer.context, asked_in=context,
    )
    return Reply(answer, answer_id, html)


def _zone_of(kb: KnowledgeBase, chat_id: int | None) -> tzinfo:
    """Return the chat's time zone, as its digest names it (UTC without one): "yesterday" is the
    asker's yesterday."""
    digest = subscriptions.digest_of_chat(kb, chat_id) if chat_id is not None else None
    try:
        return ZoneInfo(digest.timezone) if digest is not None else UTC
    except (ZoneInfoNotFoundError, ValueError):  # a bad row (imported by hand) must not stop answers
        return UTC


def reanswer(kb: KnowledgeBase, record: AnswerRecord, question: str, language: str | None) -> Reply:
    """Answer an edited question again, in the context its first answer was asked in, and store
    the new answer in place of the old one (blocking)."""
    answer = answer_question(kb, question, context=answers.context_of(record.asked_in),
                             zone=_zone_of(kb, record.chat_id))
    html = answer_html(answer, language)
    passages = answers.passages_by_id(kb, [q.passage_id for q in answer.quotes])
    answers.replace_answer(kb, record.id, question=question, answer_html=html,
                         sources_html=sources_html(answer, passages, language), found=answer.found,
                         story=answer.context)
    return Reply(answer, record.id, html)


def improve_reply(kb: KnowledgeBase, llm: LLMConfig | None, reply: Reply, language: str | None) -> Reply | None:
    """Return the reply with a configured language model's help, stored for its buttons; None
    when there is no model or it changed nothing (blocking)."""
    helped = consult_llm(llm, reply.answer)
    if helped is reply.answer or (helped.direct == reply.answer.direct and not helped.written):
        return None
    html = answer_html(helped, language)
    answers.update_answer_html(kb, reply.answer_id, html)
    return Reply(helped, reply.answer_id, html)


def keyboard(answer_id: int, language: str | None, *, showing_sources: bool = False,
             story: bool = False, secret: str | None = None) -> InlineKeyboardMarkup:
    """Return the buttons under an answer: Sources/Answer, the story's Timeline and Coverage
    (when it found one; inline results have none: their chat is unknown), 👍/👎. With `secret`
    (an inline answer, whose message names no chat to check) each button carries a signature."""
    sign = f"~{button_signature(secret, answer_id)}" if secret is not None else ""
    toggle = (InlineKeyboardButton(t("answer", language), callback_data=f"ans:{answer_id}{sign}") if showing_sources
              else InlineKeyboardButton(t("sources", language), callback_data=f"src:{answer_id}{sign}"))
    rows = [[toggle]]
    if story:
        rows.append([InlineKeyboardButton(t("timeline", language), callback_data=f"{TIMELINE}:{answer_id}:1"),
                     InlineKeyboardButton(t("coverage", language), callback_data=f"{COVERAGE}:{answer_id}")])
    rows.append([InlineKeyboardButton("👍", callback_data=f"fb:{answer_id}:1{sign}"),
                 InlineKeyboardButton("👎", callback_data=f"fb:{answer_id}:-1{sign}")])
    return InlineKeyboardMarkup(rows)


def button_signature(secret: str, answer_id: int) -> str:
    """Return the 11 characters (64 bits) that prove a button was made by this bot for `answer_id`:
    answer ids are sequential, so a forged button could name anyone's answer."""
    digest = hmac.new(secret.encode(), f"button:{answer_id}".encode(), hashlib.sha256).digest()[:8]
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


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


async def on_button(update: Update, context: LedeContext) -> None:
    """"Sources" / "Answer" switch the message's view; 👍/👎 are stored with the answer."""
    lede = context.lede
    query = update.callback_query
    if query is None:
        return
    language = user_language(update)
    # Button data comes from the client and may be forged: read it strictly, and act only on an
    # answer that belongs where the button is (answer ids are sequential, so guessable).
    named = BUTTON.fullmatch(query.data or "")
    record = await asyncio.to_thread(answers.get_answer, lede.kb, int(named["id"])) if named else None
    chat_id = query.message.chat.id if query.message is not None else None
    button = pressed(query.data or "", record, chat_id=chat_id, inline=query.inline_message_id is not None,
                     secret=lede.secret)
    if button is None or record is None:
        await query.answer()
        return
    kind = button["kind"]
    if kind == "fb":
        await asyncio.to_thread(answers.vote, lede.kb, record.id, query.from_user.id, int(button["arg"]))
        await query.answer(t("thanks", language))
        return
    if kind in (TIMELINE, COVERAGE):
        await show_story(update, context, record, kind, int(button["arg"] or 1))
        return
    showing_sources = kind == "src"
    try:
        await query.edit_message_text(
            record.sources_html if showing_sources else record.answer_html, parse_mode=ParseMode.HTML,
            reply_markup=keyboard(record.id, language, showing_sources=showing_sources, story=record.found,
                                  secret=lede.secret if record.chat_id is None else None),
            link_preview_options=NO_PREVIEW,
        )
    except BadRequest as exc:
        if "not modified" not in str(exc).lower():  # a double press changes nothing
            raise
    await query.answer()


def pressed(data: str, record: AnswerRecord | None, *, chat_id: int | None, inline: bool,
            secret: str) -> re.Match[str] | None:
    """Return the button `data` stands for when it may act on `record`, the answer it names: well
    formed, and pressed in the chat the answer was given in or, for an inline answer (whose
    message Telegram does not show the bot), signed as the bot signed that answer's buttons."""
    button = BUTTON.fullmatch(data)
    if button is None or record is None or record.id != int(button["id"]) \
            or not _well_formed(button["kind"], button["arg"]):
        return None
    if record.chat_id is None:  # an inline answer's buttons: Sources/Answer and the votes only
        signature = button["sig"]
        genuine = inline and button["kind"] in ("src", "ans", "fb") and signature is not None \
            and hmac.compare_digest(signature, button_signature(secret, record.id))
        return button if genuine else None
    return button if not inline and chat_id == record.chat_id else None


def _well_formed(kind: str, arg: str | None) -> bool:
    """Return True when a button's argument suits its kind: a vote of 1 or -1, a page from 1."""
    if kind == "fb":
        return arg in ("1", "-1")
    if kind == TIMELINE:
        return arg is not None and 1 <= int(arg) <= 100
    return arg is None


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
