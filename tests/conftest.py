"""Shared fixtures: a knowledge base in a temporary folder, with a fast deterministic embedder for
tests of logic and the real packaged model for tests of retrieval quality."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings

from bot.settings import Settings
from index.embedders import Embedder, create_embedder
from index.knowledge import KnowledgeBase
from tests.fakes.embedder import HashingEmbedder

# Set to a PostgreSQL server URL (a role that may create databases) to run the suite on
# PostgreSQL: each test then gets a database of its own. Read here, before the fixtures below
# clear LEDE_* variables.
POSTGRES = os.environ.get("LEDE_TEST_DATABASE_URL")
# With PostgreSQL, LEDE_TEST_VECTOR_STORE=pgvector keeps the vectors in the database instead of FAISS.
VECTOR_STORE = os.environ.get("LEDE_TEST_VECTOR_STORE", "faiss")

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "ingest" / "samples"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SHARED = ROOT.parent / "shared"


# Fixtures that load the packaged model: a test using one is slow, whether marked or not.
MODEL_FIXTURES = {"model", "real_kb", "telegram"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test that loads the model `slow`, so `pytest -m "not slow"` never loads it; skip
    the tests of the FAISS file in a run with the vectors in pgvector."""
    for item in items:
        if MODEL_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)
        if VECTOR_STORE == "pgvector" and item.get_closest_marker("faiss"):
            item.add_marker(pytest.mark.skip(reason="about the FAISS file; this run keeps the vectors in pgvector"))


@pytest.fixture(autouse=True)
def _isolated_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Keep tests from reading a developer's .env or LEDE_* variables."""
    for name in list(os.environ):
        if name.startswith("LEDE_") or name == "TELEGRAM_TOKEN":
            monkeypatch.delenv(name)
    monkeypatch.setenv("PTB_TIMEDELTA", "1")  # as `lede` sets it (bot/cli/__init__.py)
    monkeypatch.chdir(tmp_path)


@pytest.fixture(autouse=True)
def database_url(_isolated_environment, monkeypatch: pytest.MonkeyPatch):
    """None for SQLite in the data dir; with LEDE_TEST_DATABASE_URL, a fresh PostgreSQL database,
    also handed to `lede` processes the test starts (with the vector store chosen for the run)."""
    if not POSTGRES:
        yield None
        return
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from index.db import driver_url

    name = f"lede_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(driver_url(POSTGRES), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(POSTGRES).set(database=name).render_as_string(hide_password=False)
    monkeypatch.setenv("LEDE_DATABASE_URL", url)
    monkeypatch.setenv("LEDE_VECTOR_STORE", VECTOR_STORE)
    yield url
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def settings(tmp_path: Path, database_url) -> Settings:
    return Settings(data_dir=tmp_path / "data", database_url=database_url)


@pytest.fixture
def embedder() -> HashingEmbedder:
    return HashingEmbedder()


@pytest.fixture
def kb(settings: Settings, embedder: HashingEmbedder) -> KnowledgeBase:
    return KnowledgeBase.connect(settings, embedder=embedder)


@pytest.fixture(scope="session")
def model() -> Embedder:
    """The default packaged model, loaded once per test run."""
    embedder = create_embedder(Settings().embedding_model)
    embedder.embed_query("warm up")  # load now, not inside the first test that uses it
    return embedder


@pytest.fixture
def real_kb(settings: Settings, model: Embedder) -> KnowledgeBase:
    return KnowledgeBase.connect(settings, embedder=model)


@pytest.fixture
def web():
    """A real HTTP server on 127.0.0.1."""
    from tests.fakes.webserver import WebServer

    server = WebServer()
    yield server
    server.close()


@pytest.fixture(autouse=True)
def _no_proxies(monkeypatch: pytest.MonkeyPatch) -> None:
    """Loopback tests must not be routed to a proxy from the environment."""
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(name, raising=False)

# Fuzz tests run a bounded number of examples in CI (each run draws new ones); `pytest
# --hypothesis-profile=deep tests -k fuzz` searches longer.
hypothesis_settings.register_profile("lede", max_examples=150, deadline=None, print_blob=True)
hypothesis_settings.register_profile("deep", max_examples=3000, deadline=None, print_blob=True)
hypothesis_settings.load_profile("lede")
