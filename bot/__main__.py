"""`python -m bot [--webhook] [--no-ingest]` runs the Telegram bot, like `lede bot`."""

import sys

from bot.cli import main

sys.exit(main(["bot", *sys.argv[1:]]))
