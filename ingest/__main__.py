"""`python -m ingest [PATH... | --once | --watch]` ingests, like `lede ingest`."""

import sys

from bot.cli import main

sys.exit(main(["ingest", *sys.argv[1:]]))
