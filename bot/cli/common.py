"""What the command groups share: opening the knowledge base and printing figures."""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING, Any

from bot.settings import Settings
from index.errors import LedeError

if TYPE_CHECKING:
    from index.knowledge import KnowledgeBase

# The object `add_subparsers` returns, to which each command group adds its commands.
Commands = argparse._SubParsersAction


def open_knowledge_base(settings: Settings) -> KnowledgeBase:
    """Return the knowledge base of `settings` (the model and FAISS are imported here, not at
    start-up, so `lede --help` is instant)."""
    from index.knowledge import KnowledgeBase

    return KnowledgeBase.connect(settings)


FILL = ("Add some first (lede ingest PATH), or run lede where its .env is, or set LEDE_DATA_DIR or "
        "LEDE_DATABASE_URL.")


def nonempty_knowledge_base(settings: Settings, fill: str = FILL) -> KnowledgeBase:
    """Return the knowledge base, or say how to `fill` it when it is empty."""
    kb = open_knowledge_base(settings)
    if kb.is_empty():
        raise LedeError(f"{opened(settings)} holds no articles. {fill}")
    return kb


def opened(settings: Settings) -> str:
    """Return which knowledge base `settings` open, for messages that say it is empty or failed:
    run from another folder, Lede opens another `./data` and another `.env`."""
    from index.db import redacted

    return f"the database {redacted(settings.resolved_database_url)} (data dir {settings.data_dir.resolve()})"


def print_result(result: dict[str, Any], as_json: bool) -> None:
    """Print a benchmark's or evaluation's figures as one JSON object or aligned lines (a nested
    group, such as one half of the questions, under its name, indented)."""
    if as_json:
        print(json.dumps(result))
        return
    print("\n".join(_lines(result, 0)))


def _lines(result: dict[str, Any], depth: int) -> list[str]:
    lines = []
    for key, value in result.items():
        if isinstance(value, dict):
            lines += [f"{'':>{4 * depth}}{key}:", *_lines(value, depth + 1)]
        else:
            lines.append(f"{key:>{26 + 4 * depth}}: {value}")
    return lines
