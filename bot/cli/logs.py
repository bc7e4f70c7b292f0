"""How `lede` logs: plain lines, or one JSON object per line (LEDE_LOG_FORMAT=json) for a log
collector; the level from LEDE_LOG_LEVEL, else the command's own default."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime


class JsonFormatter(logging.Formatter):
    """One JSON object per record: time, level, logger, message, the update id when a handler
    logged one, and the traceback when there is one."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if (update_id := getattr(record, "update_id", None)) is not None:
            entry["update_id"] = update_id
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def configure_logging(*, json_lines: bool, level: int) -> None:
    """Send log records to stderr, as plain lines or JSON lines, from `level` up."""
    root = logging.getLogger()
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter() if json_lines else
                         logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.handlers[:] = [handler]
    root.setLevel(level)
    # Alembic's plugins and FAISS's CPU probing announce themselves at INFO on import: noise.
    for chatty in ("alembic.runtime.plugins", "faiss.loader"):
        logging.getLogger(chatty).setLevel(max(level, logging.WARNING))
    # Libraries Lede calls report what Lede reports better (a page with no article is one line
    # naming the source; each Bot API request is not news): theirs show only with -v (DEBUG).
    for library in THIRD_PARTY:
        logging.getLogger(library).setLevel(logging.NOTSET if level <= logging.DEBUG else logging.CRITICAL)
    # A long ingest says where it is, even to a log file, unless told to say only errors.
    logging.getLogger("ingest.progress").setLevel(logging.INFO if level <= logging.WARNING else level)
    # httpx logs each request with its URL, and a Bot API URL holds the token: never below WARNING.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    # Alembic names its context at every start; only what it migrates is worth a line.
    migration = logging.getLogger("alembic.runtime.migration")
    migration.filters[:] = [] if level <= logging.DEBUG else [_only_upgrades]


THIRD_PARTY = ("trafilatura", "htmldate", "courlan", "justext", "readability", "charset_normalizer", "apscheduler")


def _only_upgrades(record: logging.LogRecord) -> bool:
    return record.getMessage().startswith("Running ")


def level_of(name: str | None, default: int) -> int:
    """Return the level LEDE_LOG_LEVEL names (DEBUG, INFO, WARNING, ERROR), or `default`."""
    return logging.getLevelNamesMapping().get((name or "").upper(), default)
