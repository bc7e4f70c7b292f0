"""`python -m bot` runs the `lede` command line."""

import sys

from bot.cli import main

sys.exit(main())
