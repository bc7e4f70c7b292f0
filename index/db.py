"""The database: an engine for the configured URL, migrated to the latest schema on first use."""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, create_engine, event, inspect
from sqlalchemy.exc import ArgumentError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import NullPool

from index.errors import ConfigError

log = logging.getLogger(__name__)
MIGRATIONS = Path(__file__).parent / "migrations"


def create_database(*, url: str) -> Engine:
    """Return an engine for `url` whose schema is at the latest migration."""
    engine = database_engine(url=url)
    migrate(engine)
    return engine


def database_engine(*, url: str) -> Engine:
    """Return an engine for `url`, connecting to nothing yet (see `migrate`)."""
    url = driver_url(url)
    try:
        engine = create_engine(url, pool_pre_ping=True)
    except (ArgumentError, ModuleNotFoundError) as exc:
        raise ConfigError(
            f"cannot use database URL {redacted(url)!r}: {redacted(str(exc))}. Use sqlite:///path or "
            "postgresql://user:pass@host/db (pip install 'lede[postgres]')."
        ) from exc
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
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


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets questions read while an ingest writes; busy_timeout waits instead of failing with
    # "database is locked"; SQLite enforces foreign keys (and so cascades) only when asked.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest migration (a no-op when it is already there): in one
    transaction, so that a process killed midway (Ctrl-C, an OOM kill, `systemctl stop`) leaves
    the database as it was, and under a lock, so that processes starting together (a Procfile,
    `docker compose up`, replicas after an upgrade) migrate it once, the others waiting. A database
    an older Lede left half-created is reported with its fix."""
    if engine.dialect.name == "sqlite":
        Path(engine.url.database or ".").parent.mkdir(parents=True, exist_ok=True)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    migrating = _migration_engine(engine)
    try:
        with migrating.begin() as connection:
            if connection.dialect.name == "postgresql":
                connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK})")
            _refuse_half_created(connection)
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
    finally:
        if migrating is not engine:
            migrating.dispose()


# The advisory lock every Lede process takes to migrate a PostgreSQL database ("lede" in ASCII).
MIGRATION_LOCK = 0x6C656465


def _migration_engine(engine: Engine) -> Engine:
    """Return an engine whose transactions hold DDL too. Python's sqlite3 module runs CREATE and
    ALTER outside any transaction; an engine of its own begins one explicitly, IMMEDIATE: it
    takes the write lock at once, so a second process waits (busy_timeout) instead of migrating
    beside it. PostgreSQL's DDL is transactional already."""
    if engine.dialect.name != "sqlite":
        return engine
    migrating = create_engine(engine.url, poolclass=NullPool)
    event.listen(migrating, "connect", _sqlite_pragmas)

    @event.listens_for(migrating, "connect")
    def _no_implicit_transactions(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None

    @event.listens_for(migrating, "begin")
    def _begin_immediate(connection: Connection) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return migrating


def _refuse_half_created(connection: Connection) -> None:
    """Raise a one-line error for a database holding Lede's tables but no record of its schema
    version: an older Lede's first start was killed while creating them."""
    tables = set(inspect(connection).get_table_names())
    if "alembic_version" not in tables and "sources" in tables:
        raise ConfigError(
            f"the database {redacted(str(connection.engine.url))} was left half-created by an interrupted "
            "first start (tables without a schema version). It holds no articles yet: delete it (for SQLite, "
            "the data dir's lede.sqlite3 files) or drop its tables, and start again.")


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """Return a factory of sessions that keep loaded objects usable after commit."""
    return sessionmaker(engine, expire_on_commit=False)
