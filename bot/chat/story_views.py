"""/timeline and /compare, and the Timeline, Coverage and More buttons: how a story unfolded day
by day, and where its outlets agree and differ. Each view is kept as an answer record whose story
is the one shown, so a "More" button can show the next page. Model, FAISS and SQL work runs in a
worker thread."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, LinkPreviewOptions, Message, Update

from bot.answer.coverage import compare
from bot.answer.followup import Context
from bot.answer.story import StoryArticle, find_story, lead_of, story_of
from bot.answer.timeline import timeline
from bot.chat import state
from bot.chat.context import LedeContext, message_of, user_language
from bot.chat.render import coverage_html, timeline_pages
from bot.i18n import t
from index.knowledge import KnowledgeBase
from index.models import AnswerRecord

NO_PREVIEW = LinkPreviewOptions(is_disabled=True)
TIMELINE, COVERAGE = "tl", "cv"  # the views, as their buttons' data names them


@dataclass(frozen=True)
class View:
    html: str
    record_id: int
    pages: int  # a timeline's page count (1 for a comparison)


def story_view(kb: KnowledgeBase, kind: str, articles: list[StoryArticle], *, page: int, language: str | None,
               chat_id: int | None, user_id: int | None, asked: str, thread_id: int | None) -> View:
    """Render page `page` of a story's timeline, or its comparison, and keep it (blocking)."""
    title = lead_of(articles).title if articles else ""
    if kind == TIMELINE:
        pages = timeline_pages(timeline(articles, title), language)
    else:
        pages = [coverage_html(compare(articles, title), language)]
    html = pages[min(page, len(pages)) - 1]
    story = Context(frozenset(a.article_id for a in articles), lead=lead_of(articles).article_id) if articles else None
    record_id = state.save_answer(kb, chat_id=chat_id, user_id=user_id, question=asked, answer_html=html,
                                  sources_html=html, found=bool(articles), thread_id=thread_id, story=story)
    return View(html, record_id, len(pages))


def more_button(view: View, page: int, language: str | None) -> InlineKeyboardMarkup | None:
    """Return the "More" button of a timeline page that has a next one."""
    if page >= view.pages:
        return None
    return InlineKeyboardMarkup([[InlineKeyboardButton(t("more", language), callback_data=f"{TIMELINE}:{view.record_id}:{page + 1}")]])


def _thread_of(message: Message) -> int | None:
    return message.message_thread_id if message.is_topic_message else None


async def _send(message: Message, view: View, page: int, language: str | None, *, reply: bool) -> None:
    await message.reply_html(view.html, reply_markup=more_button(view, page, language), link_preview_options=NO_PREVIEW,
                             message_thread_id=_thread_of(message), do_quote=reply)


async def _story_command(update: Update, context: LedeContext, kind: str) -> None:
    lede = context.lede
    message, user = message_of(update), update.effective_user
    language = user_language(update)
    words = " ".join(context.args or []).strip()
    if not words:
        await message.reply_text(t("timeline_usage" if kind == TIMELINE else "compare_usage", language),
                                 message_thread_id=_thread_of(message))
        return
    wait = lede.quota_wait(user.id) if user else 0
    if wait:
        await message.reply_text(t("quota", language, minutes=max(1, round(wait / 60))), message_thread_id=_thread_of(message))
        return
    articles = await asyncio.to_thread(find_story, lede.kb, words)
    view = await asyncio.to_thread(story_view, lede.kb, kind, articles, page=1, language=language,
                                   chat_id=message.chat_id, user_id=user.id if user else None,
                                   asked=f"/{'timeline' if kind == TIMELINE else 'compare'} {words}",
                                   thread_id=_thread_of(message))
    await _send(message, view, 1, language, reply=True)


async def on_timeline(update: Update, context: LedeContext) -> None:
    await _story_command(update, context, TIMELINE)


async def on_compare(update: Update, context: LedeContext) -> None:
    await _story_command(update, context, COVERAGE)


async def show_story(update: Update, context: LedeContext, record: AnswerRecord, kind: str, page: int) -> None:
    """A Timeline, Coverage or More button was pressed under `record`: send that view of its
    story under the message the button is on."""
    query = update.callback_query
    if query is None or not isinstance(query.message, Message):
        return
    lede, language = context.lede, user_language(update)
    story = state.context_of(record.story)
    if story is None or story.lead is None:
        await query.answer()
        return
    articles = await asyncio.to_thread(story_of, lede.kb, story.lead)
    user = update.effective_user
    view = await asyncio.to_thread(story_view, lede.kb, kind, articles, page=page, language=language,
                                   chat_id=query.message.chat.id, user_id=user.id if user else None,
                                   asked=f"{kind}:{record.id}:{page}", thread_id=_thread_of(query.message))
    await query.answer()
    await _send(query.message, view, page, language, reply=page == 1)
