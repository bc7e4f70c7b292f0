"""Migrations are atomic and locked: a start killed midway leaves the database as it was, starts
racing each other migrate it once, and a database an older Lede left half-created is one line."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, text

from index import db
from index.errors import ConfigError
from index.models import Base


def _tables(path: Path) -> set[str]:
    engine = create_engine(f"sqlite:///{path}")
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_a_migration_failing_midway_leaves_the_database_as_it_was(tmp_path: Path, monkeypatch) -> None:
    scripts = tmp_path / "migrations"
    shutil.copytree(db.MIGRATIONS, scripts, ignore=shutil.ignore_patterns("__pycache__"))
    [later] = scripts.glob("versions/0005_*.py")  # the tables of 0001-0004 exist by then
    later.write_text(later.read_text().replace("def upgrade() -> None:\n", "def upgrade() -> None:\n    raise OSError('killed')\n", 1))
    monkeypatch.setattr(db, "MIGRATIONS", scripts)
    path = tmp_path / "lede.sqlite3"
    with pytest.raises(OSError, match="killed"):
        db.create_database(url=f"sqlite:///{path}")
    assert _tables(path) == set()  # not "sources" without "alembic_version"
    monkeypatch.setattr(db, "MIGRATIONS", db.Path(db.__file__).parent / "migrations")
    db.create_database(url=f"sqlite:///{path}").dispose()  # the next start migrates it whole
    assert {"sources", "articles", "alembic_version"} <= _tables(path)


def test_processes_starting_together_on_an_empty_database_all_start(tmp_path: Path, database_url) -> None:
    # An empty PostgreSQL database in the PostgreSQL runs (two of three died there before the lock).
    url = database_url or f"sqlite:///{tmp_path / 'lede.sqlite3'}"
    start = f"from index.db import create_database; create_database(url={url!r}).dispose()"
    runs = [subprocess.Popen([sys.executable, "-c", start], stderr=subprocess.PIPE, text=True) for _ in range(3)]
    errors = [run.communicate(timeout=120)[1] for run in runs]
    assert [run.returncode for run in runs] == [0, 0, 0], errors
    engine = create_engine(db.driver_url(url))
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM alembic_version")).scalar_one() == 1
    engine.dispose()


def test_a_half_created_database_is_one_line_with_its_fix(tmp_path: Path) -> None:
    path = tmp_path / "lede.sqlite3"
    engine = create_engine(f"sqlite:///{path}")
    Base.metadata.create_all(engine)  # as an older Lede's interrupted first start left it
    engine.dispose()
    with pytest.raises(ConfigError, match=r"half-created by an interrupted first start.*delete it"):
        db.create_database(url=f"sqlite:///{path}")
