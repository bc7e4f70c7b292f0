"""Scheduled digests for groups and channels, and topic alerts.

A digest posts the stories that arrived since the last one, near-duplicates grouped, each with
its outlets and, when it spans several days, a link to its timeline. Schedules live
in the database and are re-created at start-up (JobQueue jobs do not survive a restart). Advancing
a cursor is a compare-and-set in SQL, so with several bot processes a post happens once.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import time as day_time

from telegram import Message, Update
from telegram.constants import ChatMemberStatus, ChatType

from bot.chat.context import LedeApplication, LedeContext, chat_of, message_of, user_id_of, user_language
from bot.chat.render import alert_html, digest_html
from bot.chat.send import send_html
from bot.chat.story_views import timeline_links
from bot.clock import time_of_day, zone
from bot.i18n import t
from bot.state import chats, subscriptions
from bot.state.tables import Digest, Follow

log = logging.getLogger(__name__)
ALERTS_PER_POST = 5


def schedule(app: LedeApplication, digest: Digest) -> bool:
    """(Re)create the daily job of a digest; False, and nothing scheduled, for a row whose time or
    zone is not one (stored by an older Lede or edited by hand): it must not stop the bot."""
    name = f"digest:{digest.chat_id}"
    for job in app.jobs.get_jobs_by_name(name):
        job.schedule_removal()
    clock, tz = time_of_day(digest.time_of_day), zone(digest.timezone)
    if clock is None or tz is None:
        log.warning("the digest of chat %s is not scheduled: %r at %r is not a time and a time zone; "
                    "set it again with /digest HH:MM Zone there", digest.chat_id, digest.time_of_day, digest.timezone)
        return False
    app.jobs.run_daily(digest_job, day_time(*clock, tzinfo=tz), name=name, data=digest.id)
    return True


def unschedule(app: LedeApplication, chat_id: int) -> None:
    for job in app.jobs.get_jobs_by_name(f"digest:{chat_id}"):
        job.schedule_removal()


async def schedule_all(app: LedeApplication) -> None:
    """Re-create every digest's job at start-up."""
    digests = await asyncio.to_thread(subscriptions.all_digests, app.lede.kb)
    scheduled = sum(schedule(app, digest) for digest in digests)
    log.info("scheduled %d digests", scheduled)


async def digest_job(context: LedeContext) -> None:
    if context.job is not None and isinstance(context.job.data, int):
        await post_digest(context.app, context.job.data)


async def post_digest(app: LedeApplication, digest_id: int, *, preview_chat: int | None = None) -> bool:
    """Post the stories new since the digest's cursor; return whether anything was sent.

    A preview goes to `preview_chat` and leaves the cursor where it was.
    """
    kb = app.lede.kb
    digest = await asyncio.to_thread(subscriptions.get_digest, kb, digest_id)
    if digest is None:
        return False
    stories = await asyncio.to_thread(subscriptions.new_stories, kb, digest.last_article_id, digest.topic)
    if preview_chat is None:
        newest = await asyncio.to_thread(subscriptions.last_article_id, kb)
        claimed = await asyncio.to_thread(subscriptions.claim_cursor, kb, Digest, digest.id, digest.last_article_id, newest)
        if not claimed:  # another bot process posted this digest
            return False
    if not stories:
        return False
    chat = await asyncio.to_thread(chats.chat_language, kb, digest.chat_id)
    links = await asyncio.to_thread(timeline_links, kb, [s.items[0].article_id for s in stories],
                                    chat_id=digest.chat_id, bot_username=app.bot.username)
    html = digest_html(stories, t("digest_title", chat), links, t("timeline", chat))
    sent = await send_html(app.bot, kb, preview_chat or digest.chat_id, html,
                           thread_id=None if preview_chat else digest.thread_id)
    if sent is not None and preview_chat is None:
        await asyncio.to_thread(subscriptions.mark_digest_sent, kb, digest.id)
    return sent is not None


def _topic_of(message: Message) -> int | None:
    """Return the forum topic a message was sent in: a digest or alert set there is posted there."""
    return message.message_thread_id if message.is_topic_message else None


async def _may_configure(update: Update, context: LedeContext, chat_id: int) -> bool:
    lede = context.lede
    user_id = user_id_of(update)
    if lede.is_admin(user_id):
        return True
    if user_id is None or chat_of(update).type == ChatType.PRIVATE:
        return False
    member = await context.bot.get_chat_member(chat_id, user_id)
    return member.status in (ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.OWNER)


async def on_digest(update: Update, context: LedeContext) -> None:
    """/digest HH:MM Zone [topic] | off | now; from a private chat: /digest @channel ... (admins)."""
    lede = context.lede
    message, user_id = message_of(update), user_id_of(update)
    language = user_language(update)
    args = list(context.args or [])
    chat_id = message.chat_id
    if args and args[0].startswith("@"):
        if not lede.is_admin(user_id):
            log.warning("refused /digest for %s from user %s", args[0], user_id)
            await message.reply_text(t("admins_only", language))
            return
        chat_id = (await context.bot.get_chat(args.pop(0))).id
    elif chat_of(update).type == ChatType.PRIVATE and not lede.is_admin(user_id):
        await message.reply_text(t("digest_usage", language))
        return
    if not await _may_configure(update, context, chat_id):
        log.warning("refused /digest in chat %s from user %s", chat_id, user_id)
        await message.reply_text(t("chat_admins_only", language))
        return
    if not args:
        await message.reply_text(t("digest_usage", language))
        return
    if args[0].lower() == "off":
        removed = await asyncio.to_thread(subscriptions.remove_digest, lede.kb, chat_id)
        unschedule(context.app, chat_id)
        await message.reply_text(t("digest_off" if removed else "digest_none", language))
        return
    if args[0].lower() == "now":
        digest = await asyncio.to_thread(subscriptions.digest_of_chat, lede.kb, chat_id)
        if digest is None:
            await message.reply_text(t("digest_none", language))
        elif not await post_digest(context.app, digest.id, preview_chat=message.chat_id):
            await message.reply_text(t("digest_empty", language))
        return
    clock = time_of_day(args[0]) if len(args) >= 2 else None
    if clock is None or zone(args[1]) is None:  # "Europe" is no zone: "Europe/Kyiv" is
        await message.reply_text(t("digest_usage", language))
        return
    topic = " ".join(args[2:]) or None
    saved = await asyncio.to_thread(subscriptions.set_digest, lede.kb, chat_id=chat_id,
                                     time_of_day=f"{clock[0]:02d}:{clock[1]:02d}", timezone=args[1],
                                     topic=topic, created_by=user_id,
                                     thread_id=_topic_of(message) if chat_id == message.chat_id else None)
    schedule(context.app, saved)
    await asyncio.to_thread(chats.set_chat_language, lede.kb, chat_id, language)  # the digest's language
    await message.reply_text(t("digest_set", language, time=saved.time_of_day, tz=saved.timezone,
                               topic=f" — {topic}" if topic else ""))


async def on_follow(update: Update, context: LedeContext) -> None:
    language = user_language(update)
    if chat_of(update).type != ChatType.PRIVATE and not await _may_configure(update, context, chat_of(update).id):
        await message_of(update).reply_text(t("chat_admins_alerts", language))
        return
    words = " ".join(context.args or []).strip().lower()
    if not words:
        await message_of(update).reply_text(t("follow_usage", language))
        return
    await asyncio.to_thread(subscriptions.follow, context.lede.kb, chat_of(update).id, words, _topic_of(message_of(update)))
    await asyncio.to_thread(chats.set_chat_language, context.lede.kb, chat_of(update).id, language)
    await message_of(update).reply_text(t("follow_set", language, words=words))


async def on_unfollow(update: Update, context: LedeContext) -> None:
    if chat_of(update).type != ChatType.PRIVATE and not await _may_configure(update, context, chat_of(update).id):
        await message_of(update).reply_text(t("chat_admins_alerts", user_language(update)))
        return
    words = " ".join(context.args or []).strip().lower() or None
    count = await asyncio.to_thread(subscriptions.unfollow, context.lede.kb, chat_of(update).id, words)
    language = user_language(update)
    said = t("unfollowed_one", language, words=words) if words and count else t("unfollowed", language, count=count)
    await message_of(update).reply_text(said)


async def on_following(update: Update, context: LedeContext) -> None:
    """/following: the words this chat follows."""
    language = user_language(update)
    follows = await asyncio.to_thread(subscriptions.follows_of, context.lede.kb, chat_of(update).id)
    text = "\n".join([t("following", language)] + [f"• {words}" for words in follows]) if follows \
        else t("following_none", language)
    await message_of(update).reply_text(text)


async def send_alerts(app: LedeApplication) -> int:
    """Push new articles that match followed words; return how many posts were sent."""
    kb = app.lede.kb
    sent = 0
    for follow in await asyncio.to_thread(subscriptions.all_follows, kb):
        # The newest id first: an article stored after it waits for the next round, instead of
        # being passed over by the cursor.
        newest = await asyncio.to_thread(subscriptions.last_article_id, kb)
        if newest == follow.last_article_id:
            continue
        items = [item for item in await asyncio.to_thread(subscriptions.articles_after, kb, follow.last_article_id, follow.words)
                 if item.article_id <= newest]
        if not await asyncio.to_thread(subscriptions.claim_cursor, kb, Follow, follow.id, follow.last_article_id, newest):
            continue
        if items:
            language = await asyncio.to_thread(chats.chat_language, kb, follow.chat_id)
            html = alert_html(t("alert", language, words=follow.words), items[:ALERTS_PER_POST])
            if await send_html(app.bot, kb, follow.chat_id, html, thread_id=follow.thread_id):
                sent += 1
    return sent
