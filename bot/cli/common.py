"""What the command groups share: opening the knowledge base and printing figures."""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING, Any

from index.settings import Settings

if TYPE_CHECKING:
    from index.knowledge import KnowledgeBase

# The object `add_subparsers` returns, to which each command group adds its commands.
Commands = argparse._SubParsersAction


def open_knowledge_base(settings: Settings) -> KnowledgeBase:
    """Return the knowledge base of `settings` (the model and FAISS are imported here, not at
    start-up, so `lede --help` is instant)."""
    from index.knowledge import KnowledgeBase

    return KnowledgeBase(settings)


def print_result(result: dict[str, Any], as_json: bool) -> None:
    """Print a benchmark's or evaluation's figures as one JSON object or aligned lines."""
    print(json.dumps(result) if as_json else "\n".join(f"{k:>26}: {v}" for k, v in result.items()))
