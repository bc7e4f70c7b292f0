"""Admin commands: /addsource, /sources, /removesource, /ingest, /stats. Only the user ids in
LEDE_ADMIN_IDS may run them; anyone else is refused politely, and the attempt is logged. They call
the same operations as the `lede sources` command line."""

from __future__ import annotations

import asyncio
import functools
import logging
import time
from html import escape

from telegram import Update
from telegram.error import BadRequest
from telegram.ext import ContextTypes

from bot.context import lede_of, user_language
from bot.i18n import t
from index.errors import LedeError
from ingest.sources import add_source, list_sources, remove_source

log = logging.getLogger(__name__)
PROGRESS_EVERY = 2.0  # seconds between progress edits: Telegram limits edits per chat


def admin_only(handler):
    @functools.wraps(handler)
    async def guarded(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        user = update.effective_user
        if not lede_of(context).is_admin(user.id if user else None):
            log.warning("refused %s from user %s in chat %s", handler.__name__,
                        user.id if user else None, update.effective_chat.id)
            await update.effective_message.reply_text(t("admins_only", user_language(update)))
            return
        try:
            await handler(update, context)
        except LedeError as exc:
            await update.effective_message.reply_text(f"⚠️ {exc}")

    return guarded


@admin_only
async def on_addsource(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if not context.args:
        await update.effective_message.reply_text("Use: /addsource URL")
        return
    lede = lede_of(context)
    added = await add_source(lede.kb, lede.runner, context.args[0])
    source = added.source
    verb = "Already had" if added.existed else "Added"
    await update.effective_message.reply_text(
        f"{verb} source #{source.id} ({source.kind}): {source.title or source.url}\n{added.result.summary()}"
    )


@admin_only
async def on_sources(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    sources = await asyncio.to_thread(list_sources, lede_of(context).kb)
    if not sources:
        await update.effective_message.reply_text("No sources yet. Add one: /addsource URL")
        return
    lines = []
    for s in sources:
        line = f"#{s.id} <b>{escape(s.title or s.url)}</b> — {s.kind}, {escape(s.status)}, {s.articles} articles"
        if s.title:
            line += f"\n{escape(s.url)}"
        if s.last_error:
            line += f"\n⚠️ {escape(s.last_error[:200])}"
        lines.append(line)
    text = "\n\n".join(lines)
    await update.effective_message.reply_html(text[:4000])


@admin_only
async def on_removesource(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if not context.args or not context.args[0].lstrip("#").isdigit():
        await update.effective_message.reply_text("Use: /removesource ID (see /sources)")
        return
    info, articles = await asyncio.to_thread(remove_source, lede_of(context).kb, int(context.args[0].lstrip("#")))
    await update.effective_message.reply_text(f"Removed source #{info.id} ({info.url}) and its {articles} articles.")


@admin_only
async def on_ingest(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Fetch every source now, editing one message with the progress."""
    lede = lede_of(context)
    status = await update.effective_message.reply_text("Fetching sources…")
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
            await edit(f"Fetching sources… {done}/{total}\n" + "\n".join(lines[-10:]))

    results = await lede.runner.run(due_only=False, progress=progress)
    if not results:
        await edit("No sources to fetch. Add one: /addsource URL")
        return
    failed = sum(1 for r in results if r.error)
    await edit(f"Done: {len(results)} sources, {failed} failed.\n" + "\n".join(lines[-20:]))


@admin_only
async def on_stats(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    stats = await asyncio.to_thread(lede_of(context).kb.stats)
    await update.effective_message.reply_text(
        f"Sources: {stats.sources}\nArticles: {stats.articles}\nPassages: {stats.passages}\n"
        f"Vectors: {stats.vectors}\nIndex agrees with database: {'yes' if stats.in_sync else 'no'}"
    )
