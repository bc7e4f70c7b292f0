"""`lede bot`: run the Telegram bot."""

from __future__ import annotations

import argparse

from bot.cli.common import Commands
from bot.settings import Settings


def cmd_bot(args: argparse.Namespace, settings: Settings) -> int:
    if args.webhook:
        settings.webhook()  # checked before the bot's modules load: a wrong setting is one line
    from bot.chat.app import run_bot

    run_bot(settings, webhook=args.webhook, run_ingest=not args.no_ingest)
    return 0


def register(commands: Commands) -> None:
    """Add these commands to `lede`."""
    bot = commands.add_parser(
        "bot",
        help="run the Telegram bot",
        description="Run the Telegram bot (long polling, or --webhook). Needs TELEGRAM_TOKEN; "
        "LEDE_ADMIN_IDS lists the user ids allowed to run admin commands.",
    )
    bot.add_argument("--webhook", action="store_true", help="receive updates at LEDE_WEBHOOK_URL")
    bot.add_argument("--no-ingest", action="store_true", help="do not fetch sources in this process")
    bot.set_defaults(run=cmd_bot)
