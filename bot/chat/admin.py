"""Admin commands: /addsource, /sources, /removesource, /ingest, /stats. Only the user ids in
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
from index.errors import LedeError
from ingest.sources import add_source, list_sources, remove_source

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
    if not context.args:
        await message_of(update).reply_text("Use: /addsource URL")
        return
    lede = context.lede
    added = await add_source(lede.kb, lede.runner, context.args[0])
    source = added.source
    verb = "Already had" if added.existed else "Added"
    await message_of(update).reply_text(
        f"{verb} source #{source.id} ({source.kind}): {source.title or source.url}\n{added.result.summary()}"
    )


@admin_only
async def on_sources(update: Update, context: LedeContext) -> None:
    sources = await asyncio.to_thread(list_sources, context.lede.kb)
    if not sources:
        await message_of(update).reply_text("No sources yet. Add one: /addsource URL")
        return
    await message_of(update).reply_html(source_list_html(sources))


@admin_only
async def on_removesource(update: Update, context: LedeContext) -> None:
    if not context.args or not context.args[0].lstrip("#").isdigit():
        await message_of(update).reply_text("Use: /removesource ID (see /sources)")
        return
    info, articles = await asyncio.to_thread(remove_source, context.lede.kb, int(context.args[0].lstrip("#")))
    await message_of(update).reply_text(f"Removed source #{info.id} ({info.url}) and its {articles} articles.")


@admin_only
async def on_ingest(update: Update, context: LedeContext) -> None:
    """Fetch every source now, editing one message with the progress."""
    lede = context.lede
    status = await message_of(update).reply_text("Fetching sources…")
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
async def on_stats(update: Update, context: LedeContext) -> None:
    stats = await asyncio.to_thread(context.lede.kb.stats)
    await message_of(update).reply_text(
        f"Sources: {stats.sources}\nArticles: {stats.articles}\nPassages: {stats.passages}\n"
        f"Vectors: {stats.vectors}\nIndex agrees with database: {'yes' if stats.in_sync else 'no'}"
    )
