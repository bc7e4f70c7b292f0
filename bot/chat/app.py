"""Wire the Telegram Application: handlers, command menus, jobs, and how it runs (polling or
webhook). python-telegram-bot talks to `LEDE_TELEGRAM_API_URL`: Telegram, a local Bot API server,
or the tests' fake."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from typing import Any

import httpx
from telegram import BotCommand, Update
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    InlineQueryHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.answer import warm_up
from bot.chat import admin, buttons, digests, handlers, inline, privacy, story_views
from bot.chat.context import Lede, LedeApplication, LedeContext, as_lede_application
from bot.i18n import LANGUAGES, PUBLIC_COMMANDS, t
from bot.reader.model import shipped_reader
from bot.settings import Settings
from bot.state import updates
from index.errors import ConfigError
from index.knowledge import KnowledgeBase
from index.monitoring import serve_monitoring
from ingest.fetch import Fetcher, FetchPolicy
from ingest.runner import Runner

log = logging.getLogger(__name__)


def build_application(settings: Settings, kb: KnowledgeBase, *, run_ingest: bool = True) -> LedeApplication:
    """Return the bot's Application, not yet started."""
    if not settings.telegram_token:
        raise ConfigError("set TELEGRAM_TOKEN to the token BotFather gave you.")
    api = settings.telegram_api_url.rstrip("/")
    builder = (
        ApplicationBuilder()
        .application_class(LedeApplication, kwargs={"lede": Lede(settings, kb, run_ingest=run_ingest)})
        .context_types(ContextTypes(context=LedeContext))
        .token(settings.telegram_token.get_secret_value())
        .base_url(api)
        .base_file_url(api.removesuffix("/bot") + "/file/bot")
        # Retries a 429 after its retry_after, pausing all sends meanwhile.
        .rate_limiter(AIORateLimiter(max_retries=3))
        # One slow answer must not hold up every other chat.
        .concurrent_updates(8)
        .post_init(_on_start)
        .post_shutdown(_on_stop)
    )
    application = as_lede_application(builder.build())
    _add_handlers(application)
    return application


def _add_handlers(app: LedeApplication) -> None:
    app.add_handler(TypeHandler(Update, handlers.first_pass), group=-1)
    app.add_handler(CommandHandler("start", handlers.on_start))
    app.add_handler(CommandHandler("help", handlers.on_help))
    app.add_handler(CommandHandler("ask", handlers.on_ask))
    app.add_handler(CommandHandler("timeline", story_views.on_timeline))
    app.add_handler(CommandHandler("compare", story_views.on_compare))
    for name in ("addsource", "sources", "disable", "enable", "removesource", "ingest", "stats", "votes"):
        app.add_handler(CommandHandler(name, getattr(admin, f"on_{name}")))
    app.add_handler(CommandHandler("digest", digests.on_digest))
    app.add_handler(CommandHandler("follow", digests.on_follow))
    app.add_handler(CommandHandler("following", digests.on_following))
    for name in ("outlets", "privacy", "forget"):
        app.add_handler(CommandHandler(name, getattr(privacy, f"on_{name}")))
    app.add_handler(CommandHandler("unfollow", digests.on_unfollow))
    text = filters.TEXT & ~filters.COMMAND & filters.UpdateType.MESSAGE
    # In a private chat a forwarded post's caption is read too: it may carry the link asked about.
    captioned = filters.CAPTION & filters.UpdateType.MESSAGE
    app.add_handler(MessageHandler((text | captioned) & filters.ChatType.PRIVATE, handlers.on_private_text))
    app.add_handler(MessageHandler(text & filters.ChatType.GROUPS, handlers.on_group_text))
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND & filters.UpdateType.EDITED_MESSAGE,
                                   handlers.on_edited))
    app.add_handler(MessageHandler(filters.StatusUpdate.MIGRATE, handlers.on_migrate))
    app.add_handler(InlineQueryHandler(inline.on_inline))
    app.add_handler(CallbackQueryHandler(buttons.on_button))
    app.add_error_handler(handlers.on_error)


async def _on_start(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    app = as_lede_application(application)
    lede = app.lede
    fetcher = Fetcher(FetchPolicy.from_settings(lede.settings))
    lede.runner = Runner(lede.kb, fetcher, concurrency=lede.settings.ingest_concurrency)
    for language in LANGUAGES:
        commands = [BotCommand(name, t(f"cmd_{name}", language)) for name in PUBLIC_COMMANDS]
        await app.bot.set_my_commands(commands, language_code=language)
    await app.bot.set_my_commands([BotCommand(n, t(f"cmd_{n}", "en")) for n in PUBLIC_COMMANDS])
    # Load the index and the model in the background: the bot polls at once, and a question that
    # arrives before they are ready waits for them (kb.open and the model load hold locks).
    lede.warming = asyncio.get_running_loop().create_task(asyncio.to_thread(_warm_up, lede.kb), name="warm-up")
    await digests.schedule_all(app)
    # Other processes (ingest workers, replicas) store passages too: take them in regularly.
    app.jobs.run_repeating(_refresh_job, interval=lede.settings.ingest_every, first=lede.settings.ingest_every,
                                name="refresh-index")
    if lede.run_ingest:
        app.jobs.run_repeating(_ingest_job, interval=lede.settings.ingest_every, first=1, name="ingest")
    log.info("bot @%s ready", app.bot.username)


def _warm_up(kb: KnowledgeBase) -> None:
    """Open the knowledge base and load the models, so the first question is answered at full speed."""
    try:
        kb.open()
        kb.embedder.embed_query("warm up")
        warm_up()  # the date library's language data: a second, once
        shipped_reader()  # the span reader: its file is checked and loaded once
    except Exception:  # each question opens it again and reports the error to its asker
        log.exception("loading the index or the model failed")
        return
    log.info("index and model loaded")


async def _on_stop(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    await as_lede_application(application).lede.close()


async def _refresh_job(context: LedeContext) -> None:
    """Take in the passages other processes stored (an ingest worker, replicas), then tell
    followers about new articles, whoever stored them: a bot started with --no-ingest beside a
    worker (the Procfile's topology) sends the alerts too. Cursors in SQL make each one go once."""
    lede = context.lede
    report = await asyncio.to_thread(lede.kb.refresh_vectors)
    if report.added or report.removed:
        log.info("index took in %d new passages, dropped %d", report.added, report.removed)
    await digests.send_alerts(context.app)
    await asyncio.to_thread(updates.forget_old_updates, lede.kb)


async def _ingest_job(context: LedeContext) -> None:
    """Fetch the sources that are due, then tell followers about what arrived."""
    lede = context.lede
    await lede.runner.run(due_only=True)
    await digests.send_alerts(context.app)


class RedactSecrets(logging.Filter):
    """Replace the bot token (in every Bot API URL httpx logs) and other secrets in log records."""

    def __init__(self, secrets: list[str]) -> None:
        super().__init__()
        self.secrets = [s for s in secrets if s]

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if any(secret in message for secret in self.secrets):
            for secret in self.secrets:
                message = message.replace(secret, "[secret]")
            record.msg, record.args = message, None
        return True


def redact_logs(settings: Settings) -> None:
    """Keep the settings' secrets out of every log line this process writes."""
    secrets_ = [s.get_secret_value() for s in (settings.telegram_token, settings.webhook_secret,
                                                settings.llm_api_key) if s is not None]
    for handler in logging.getLogger().handlers:
        handler.addFilter(RedactSecrets(secrets_))


# Seconds between tries to reach the Bot API at start: a network still coming up, a proxy not
# ready yet, Telegram blocked for a while. Doubling from 1, at most RETRY_MAX_SECONDS.
RETRY_MAX_SECONDS = 5.0


def wait_for_telegram(settings: Settings, *, sleep: Callable[[float], None] = time.sleep) -> None:
    """Return once the Bot API answers getMe; until then log one line per try. A token Telegram
    refuses is a configuration error, not a network one: raised at once."""
    delay, tries = 1.0, 0
    while (reason := reach_telegram(settings)) is not None:
        tries += 1
        log.warning("Telegram's Bot API is not reachable (%s, try %d): trying again in %.0f s", reason, tries, delay)
        sleep(delay)
        delay = min(delay * 2, RETRY_MAX_SECONDS)


def reach_telegram(settings: Settings) -> str | None:
    """Ask the Bot API getMe once: None when it answers, else why not ("ConnectError", "HTTP 502").
    A token Telegram refuses, or none, raises ConfigError."""
    if settings.telegram_token is None:
        raise ConfigError("set TELEGRAM_TOKEN to the token BotFather gave you.")
    url = f"{settings.telegram_api_url.rstrip('/')}{settings.telegram_token.get_secret_value()}/getMe"
    try:
        answer = httpx.post(url, timeout=10)
    except httpx.HTTPError as exc:
        return type(exc).__name__
    if answer.status_code in (401, 404):
        raise ConfigError("Telegram refuses TELEGRAM_TOKEN: check the token BotFather gave you.")
    return None if answer.status_code == 200 else f"HTTP {answer.status_code}"


def run_bot(settings: Settings, *, webhook: bool = False, run_ingest: bool = True) -> None:
    """Run the bot until interrupted: long polling, or a webhook server with a secret token."""
    redact_logs(settings)
    kb = KnowledgeBase.connect(settings)
    if settings.http_port is not None:
        serve_monitoring(kb, settings.http_port, settings.http_host)  # answers at once; the index and model load later
    app = build_application(settings, kb, run_ingest=run_ingest)
    wait_for_telegram(settings)
    if not webhook:
        app.run_polling(allowed_updates=Update.ALL_TYPES)
        return
    from bot.chat.webhook import run_webhook

    run_webhook(app, settings)
