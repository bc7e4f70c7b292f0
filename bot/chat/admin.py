"""Admin commands: /addsource, /sources, /disable, /enable, /removesource, /ingest, /stats, /votes,
in the admin's language. Only the user ids in
LEDE_ADMIN_IDS may run them; anyone else is refused politely, and the attempt is logged. They call
the same operations as the `lede sources` command line."""

from __future__ import annotations

import asyncio
import functools
import logging
import time

from telegram import Update
from telegram.error import BadRequest

from bot.chat.context import LedeContext, chat_of, message_of, user_language
from bot.chat.render import source_list_html
from bot.i18n import t
from bot.state import answers
from index.errors import LedeError
from ingest.sources import add_source, list_sources, parse_interval, remove_source, set_enabled

log = logging.getLogger(__name__)
PROGRESS_EVERY = 2.0  # seconds between progress edits: Telegram limits edits per chat


def admin_only(handler):
    @functools.wraps(handler)
    async def guarded(update: Update, context: LedeContext) -> None:
        user = update.effective_user
        if not context.lede.is_admin(user.id if user else None):
            log.warning("refused %s from user %s in chat %s", handler.__name__,
                        user.id if user else None, chat_of(update).id)
            await message_of(update).reply_text(t("admins_only", user_language(update)))
            return
        try:
            await handler(update, context)
        except LedeError as exc:
            await message_of(update).reply_text(f"⚠️ {exc}")

    return guarded


@admin_only
async def on_addsource(update: Update, context: LedeContext) -> None:
    """/addsource URL [interval]"""
    language = user_language(update)
    if not context.args:
        await message_of(update).reply_text(t("addsource_usage", language))
        return
    lede = context.lede
    interval = parse_interval(context.args[1]) if len(context.args) > 1 else None
    added = await add_source(lede.kb, lede.runner, context.args[0], interval_seconds=interval)
    source = added.source
    said = t("source_had" if added.existed else "source_added", language, id=source.id, kind=source.kind,
             name=source.title or source.url)
    await message_of(update).reply_text(f"{said}\n{added.result.summary()}")


@admin_only
async def on_sources(update: Update, context: LedeContext) -> None:
    sources = await asyncio.to_thread(list_sources, context.lede.kb)
    if not sources:
        await message_of(update).reply_text(t("sources_none", user_language(update)))
        return
    await message_of(update).reply_html(source_list_html(sources))


def _source_id(context: LedeContext) -> int | None:
    """Return the source id an admin command was given ("12" or "#12"), if any."""
    if context.args and context.args[0].lstrip("#").isdigit():
        return int(context.args[0].lstrip("#"))
    return None


@admin_only
async def on_removesource(update: Update, context: LedeContext) -> None:
    language = user_language(update)
    source_id = _source_id(context)
    if source_id is None:
        await message_of(update).reply_text(t("id_usage", language, command="removesource"))
        return
    info, articles = await asyncio.to_thread(remove_source, context.lede.kb, source_id)
    await message_of(update).reply_text(t("source_removed", language, id=info.id, url=info.url, articles=articles))


async def _set_enabled(update: Update, context: LedeContext, enabled: bool) -> None:
    language, command = user_language(update), "enable" if enabled else "disable"
    source_id = _source_id(context)
    if source_id is None:
        await message_of(update).reply_text(t("id_usage", language, command=command))
        return
    info = await asyncio.to_thread(set_enabled, context.lede.kb, source_id, enabled)
    await message_of(update).reply_text(t("source_enabled" if enabled else "source_disabled", language, id=info.id))


@admin_only
async def on_disable(update: Update, context: LedeContext) -> None:
    await _set_enabled(update, context, False)


@admin_only
async def on_enable(update: Update, context: LedeContext) -> None:
    await _set_enabled(update, context, True)


@admin_only
async def on_ingest(update: Update, context: LedeContext) -> None:
    """Fetch every source now, editing one message with the progress."""
    lede, language = context.lede, user_language(update)
    status = await message_of(update).reply_text(t("fetching", language))
    lines: list[str] = []
    last_edit = 0.0

    async def edit(text: str) -> None:
        try:
            await status.edit_text(text[:4000])
        except BadRequest as exc:
            if "not modified" not in str(exc).lower():
                raise

    async def progress(done: int, total: int, result) -> None:
        nonlocal last_edit
        lines.append(result.summary())
        if time.monotonic() - last_edit >= PROGRESS_EVERY and done < total:
            last_edit = time.monotonic()
            await edit(t("fetching_progress", language, done=done, total=total) + "\n" + "\n".join(lines[-10:]))

    results = await lede.runner.run(due_only=False, progress=progress)
    if not results:
        await edit(t("fetch_none", language))
        return
    failed = sum(1 for r in results if r.error)
    await edit(t("fetch_done", language, total=len(results), failed=failed) + "\n" + "\n".join(lines[-20:]))


@admin_only
async def on_stats(update: Update, context: LedeContext) -> None:
    language = user_language(update)
    stats = await asyncio.to_thread(context.lede.kb.stats)
    await message_of(update).reply_text(t("stats", language, sources=stats.sources, articles=stats.articles,
                                          passages=stats.passages, vectors=stats.vectors,
                                          in_sync=t("yes" if stats.in_sync else "no", language)))


@admin_only
async def on_votes(update: Update, context: LedeContext) -> None:
    """The recent 👎 with their questions: what readers found wrong."""
    language = user_language(update)
    votes = await asyncio.to_thread(answers.recent_downvotes, context.lede.kb)
    if not votes:
        await message_of(update).reply_text(t("votes_none", language))
        return
    lines = [t("votes", language)] + [f"• {at.date().isoformat()} — {question[:200]}" for at, question in votes]
    await message_of(update).reply_text("\n".join(lines)[:4000])
