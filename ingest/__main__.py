"""`python -m ingest PATH...` ingests files, like `lede ingest`."""

import sys

from bot.cli import main

sys.exit(main(["ingest", *sys.argv[1:]]))
