"""The database: an engine for the configured URL, migrated to the latest schema on first use."""

from __future__ import annotations

import logging
import re
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import ArgumentError
from sqlalchemy.orm import Session, sessionmaker

from index.errors import ConfigError

log = logging.getLogger(__name__)
MIGRATIONS = Path(__file__).parent / "migrations"


def create_database(*, url: str) -> Engine:
    """Return an engine for `url` whose schema is at the latest migration."""
    url = driver_url(url)
    try:
        engine = create_engine(url, pool_pre_ping=True)
    except (ArgumentError, ModuleNotFoundError) as exc:
        raise ConfigError(
            f"cannot use database URL {redacted(url)!r}: {redacted(str(exc))}. Use sqlite:///path or "
            "postgresql://user:pass@host/db (pip install 'lede[postgres]')."
        ) from exc
    if engine.dialect.name == "sqlite":
        Path(engine.url.database or ".").parent.mkdir(parents=True, exist_ok=True)
        event.listen(engine, "connect", _sqlite_pragmas)
    migrate(engine)
    return engine


def driver_url(url: str) -> str:
    """Return a PostgreSQL URL as SQLAlchemy reaches it through psycopg 3 (others unchanged)."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url.removeprefix(prefix)
    return url


def redacted(text: str) -> str:
    """Return `text` with the password of any URL in it replaced: "postgresql://lede:***@host"."""
    return re.sub(r"(\w+://[^:/@\s]*):[^@\s]*@", r"\1:***@", text)


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # WAL lets questions read while an ingest writes; busy_timeout waits instead of failing with
    # "database is locked"; SQLite enforces foreign keys (and so cascades) only when asked.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest migration (a no-op when it is already there)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """Return a factory of sessions that keep loaded objects usable after commit."""
    return sessionmaker(engine, expire_on_commit=False)
