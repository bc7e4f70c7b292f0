"""/timeline and /compare, and the Timeline, Coverage and More buttons: how a story unfolded day
by day, and where its outlets agree and differ. Each view is kept as an answer record whose story
is the one shown, so a "More" button can show the next page. Model, FAISS and SQL work runs in a
worker thread."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update

from bot.answer import (
    Context,
    StoryArticle,
    compare,
    find_story,
    lead_of,
    lead_sentence,
    lead_sentences,
    related_to,
    story_of,
    timeline_of,
)
from bot.chat.context import LedeContext, admitted, message_of, user_language
from bot.chat.render import coverage_html, page_summary_html, timeline_pages
from bot.chat.send import NO_PREVIEW
from bot.i18n import t
from bot.state import answers
from bot.state.tables import AnswerRecord
from index.knowledge import KnowledgeBase

TIMELINE, COVERAGE = "tl", "cv"  # the views, as their buttons' data names them
# A digest links each story that spans several days to its timeline: t.me/<bot>?start=tl_<id>
# opens a private chat with the bot, which shows it there (a channel's readers cannot press
# buttons that post into the channel).
START_TIMELINE = "tl_"


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
        pages = timeline_pages(timeline_of(articles, title), language)
    else:
        pages = [coverage_html(compare(articles, title), language)]
    html = pages[min(page, len(pages)) - 1]
    story = Context(frozenset(a.article_id for a in articles), lead=lead_of(articles).article_id) if articles else None
    record_id = answers.save_answer(kb, chat_id=chat_id, user_id=user_id, question=asked, answer_html=html,
                                  sources_html=html, found=bool(articles), thread_id=thread_id, story=story)
    return View(html, record_id, len(pages))


LEAD_FACTS, OTHER_OUTLETS = 3, 4


def link_view(kb: KnowledgeBase, article_id: int, *, language: str | None, chat_id: int | None,
              user_id: int | None, asked: str, thread_id: int | None, question_message_id: int | None) -> View:
    """Render what a link a reader sent is about: its lead facts and what the other outlets of its
    story say; keep it as an answer whose story is the link's, so follow-ups and the Timeline and
    Coverage buttons work on it (blocking)."""
    articles = story_of(kb, article_id)
    page = next(a for a in articles if a.article_id == article_id)
    facts = [s.text for s in lead_sentences(page, LEAD_FACTS)]
    others: list[tuple[StoryArticle, str]] = []
    for other in sorted((a for a in articles if a.label != page.label), key=lambda a: -a.nearness):
        lead = lead_sentence(other)
        if lead is not None and all(other.label != o.label for o, _ in others):
            others.append((other, lead.text))
    related = [] if others else [(a, s.text) for a in related_to(kb, article_id, count=OTHER_OUTLETS)
                                 if (s := lead_sentence(a)) is not None]
    html = page_summary_html(page, facts, others[:OTHER_OUTLETS], language, related=related)
    story = Context(frozenset(a.article_id for a in articles), lead=article_id)
    record_id = answers.save_answer(kb, chat_id=chat_id, user_id=user_id, question=asked, answer_html=html,
                                  sources_html=html, found=True, thread_id=thread_id, story=story,
                                  question_message_id=question_message_id)
    return View(html, record_id, 1)


def more_button(view: View, page: int, language: str | None) -> InlineKeyboardMarkup | None:
    """Return the "More" button of a timeline page that has a next one."""
    if page >= view.pages:
        return None
    return InlineKeyboardMarkup([[InlineKeyboardButton(t("more", language), callback_data=f"{TIMELINE}:{view.record_id}:{page + 1}")]])


def _thread_of(message: Message) -> int | None:
    return message.message_thread_id if message.is_topic_message else None


async def _send(kb: KnowledgeBase, message: Message, view: View, page: int, language: str | None, *,
                reply: bool) -> None:
    sent = await message.reply_html(view.html, reply_markup=more_button(view, page, language),
                                    link_preview_options=NO_PREVIEW, message_thread_id=_thread_of(message),
                                    do_quote=reply)
    # A reply to the view follows up its story, as a reply to an answer does.
    await asyncio.to_thread(answers.set_answer_message, kb, view.record_id, sent.message_id)


async def _story_command(update: Update, context: LedeContext, kind: str) -> None:
    lede, message = context.lede, message_of(update)
    language = user_language(update)
    words = " ".join(context.args or []).strip()
    if not words:
        await message.reply_text(t("timeline_usage" if kind == TIMELINE else "compare_usage", language),
                                 message_thread_id=_thread_of(message))
        return
    async with admitted(update, context) as admit:
        if admit:
            articles = await asyncio.to_thread(find_story, lede.kb, words)
            await _show_new(update, context, kind, articles, f"/{'timeline' if kind == TIMELINE else 'compare'} {words}")


async def _show_new(update: Update, context: LedeContext, kind: str, articles: list[StoryArticle], asked: str) -> None:
    """Send page 1 of a story's view in reply to the message that asked for it."""
    message, user, language = message_of(update), update.effective_user, user_language(update)
    view = await asyncio.to_thread(story_view, context.lede.kb, kind, articles, page=1, language=language,
                                   chat_id=message.chat_id, user_id=user.id if user else None, asked=asked,
                                   thread_id=_thread_of(message))
    await _send(context.lede.kb, message, view, 1, language, reply=True)


async def answer_timeline_question(update: Update, context: LedeContext, question: str, words: str,
                                   lead: int | None) -> None:
    """A question asked for a story's timeline ("how did it unfold?"): that of the story the chat
    is on (`lead`) when it points back, otherwise of the story best matching `words`."""
    kb = context.lede.kb
    articles = await asyncio.to_thread(story_of, kb, lead) if lead is not None else \
        await asyncio.to_thread(find_story, kb, words)
    await _show_new(update, context, TIMELINE, articles, question)


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
    story = answers.context_of(record.story)
    if story is None or story.lead is None:
        await query.answer()
        return
    articles = await asyncio.to_thread(story_of, lede.kb, story.lead)
    user = update.effective_user
    view = await asyncio.to_thread(story_view, lede.kb, kind, articles, page=page, language=language,
                                   chat_id=query.message.chat.id, user_id=user.id if user else None,
                                   asked=f"{kind}:{record.id}:{page}", thread_id=_thread_of(query.message))
    await query.answer()
    await _send(lede.kb, query.message, view, page, language, reply=page == 1)


def timeline_links(kb: KnowledgeBase, leads: list[int], *, chat_id: int, bot_username: str) -> dict[int, str]:
    """Return, for each lead article whose story spans several days, a link that opens its
    timeline in a private chat with the bot (blocking)."""
    links = {}
    for lead in leads:
        articles = story_of(kb, lead)
        if len({a.when.date() for a in articles}) < 2:
            continue
        story = Context(frozenset(a.article_id for a in articles), lead=lead)
        record_id = answers.save_answer(kb, chat_id=chat_id, user_id=None, question=f"digest timeline {lead}",
                                      answer_html="", sources_html="", found=True, story=story)
        links[lead] = f"https://t.me/{bot_username}?start={START_TIMELINE}{record_id}"
    return links


async def show_linked_timeline(update: Update, context: LedeContext, record_id: int) -> None:
    """/start tl_<id> from a digest's link: show that story's timeline in this private chat."""
    lede, message, user = context.lede, message_of(update), update.effective_user
    language = user_language(update)
    record = await asyncio.to_thread(answers.get_answer, lede.kb, record_id)
    story = answers.context_of(record.story) if record is not None and record.question.startswith("digest timeline") else None
    if story is None or story.lead is None:
        await message.reply_text(t("story_none", language))
        return
    articles = await asyncio.to_thread(story_of, lede.kb, story.lead)
    view = await asyncio.to_thread(story_view, lede.kb, TIMELINE, articles, page=1, language=language,
                                   chat_id=message.chat_id, user_id=user.id if user else None,
                                   asked=f"/start {START_TIMELINE}{record_id}", thread_id=None)
    await _send(lede.kb, message, view, 1, language, reply=False)
