"""Vectors kept in PostgreSQL by pgvector (LEDE_VECTOR_STORE=pgvector): searched in SQL, moved
in and out of FAISS's form without the model, refused where they cannot work."""

from __future__ import annotations

import numpy as np
import pytest

from index import sql_vectors
from index.errors import ConfigError
from index.knowledge import KnowledgeBase
from index.settings import Settings
from ingest.document import Document
from ingest.store import store_documents
from tests.bot.cli.test_cli import lede
from tests.conftest import POSTGRES

needs_postgres = pytest.mark.skipif(not POSTGRES, reason="set LEDE_TEST_DATABASE_URL to a PostgreSQL server")

DOCUMENTS = [
    Document(url=f"https://news.example/{i}", title=title, text=text, outlet="Example News")
    for i, (title, text) in enumerate([
        ("Ferry strike ends", "The ferry strike in Keld ended on Monday after the union accepted a new offer."),
        ("Tram line approved", "The council approved the new tram line, which will cost 40 million euros."),
        ("Chess final", "Ostvale won the chess championship final after a long endgame on Sunday."),
        ("Library reopens", "The city library reopens in March after two years of repairs to its roof."),
    ])
]


def _settings(settings: Settings, store: str) -> Settings:
    return settings.model_copy(update={"vector_store": store})


@needs_postgres
def test_pgvector_stores_and_searches_in_sql_without_a_faiss_file(settings, embedder) -> None:
    kb = KnowledgeBase.connect(_settings(settings, "pgvector"), embedder=embedder)
    store_documents(kb, DOCUMENTS, progress=False)
    assert sql_vectors.column_type(kb.engine) == "halfvec"
    query = embedder.embed_query("ferry strike union offer")
    [(best, score), *_] = kb.open().vectors.search(query, 3)
    with kb.sessions() as session:
        from index.models import Passage

        passage = session.get(Passage, best)
        assert passage is not None and "ferry strike" in passage.text
        stored = np.frombuffer(passage.embedding or b"", dtype=np.float32)  # read back as float32 bytes
    assert stored.shape == (embedder.dim,) and score == pytest.approx(float(stored @ query), abs=2e-3)
    assert kb.stats().in_sync and kb.stats().vectors == 4
    assert not settings.faiss_path.exists()


@needs_postgres
def test_a_search_among_given_passages_returns_only_those_and_all_of_them(settings, embedder) -> None:
    """A date-bounded search is exact among the passages of its range (articles left out stay
    out), in one query: the graph alone could return fewer of them."""
    from datetime import UTC, datetime, timedelta

    from sqlalchemy import select

    from index.models import Passage

    kb = KnowledgeBase.connect(_settings(settings, "pgvector"), embedder=embedder)
    store_documents(kb, DOCUMENTS, progress=False)
    with kb.sessions() as session:
        article_of = dict(session.execute(select(Passage.id, Passage.article_id)).all())
    ids = sorted(article_of)
    allowed = ids[1], ids[3]
    left_out = frozenset(article_of[i] for i in ids if i not in allowed)
    now, day = datetime.now(UTC), timedelta(days=1)
    query = embedder.embed_query("ferry strike")
    found = kb.open().store.search_dated(query, 10, since=now - day, until=now + day, exclude=left_out)
    assert sorted(i for i, _ in found) == sorted(allowed)
    assert kb.store.search_dated(query, 10, since=now + day, until=None, exclude=frozenset()) == []


@needs_postgres
def test_vectors_move_to_pgvector_and_back_without_the_model_and_answer_alike(settings, embedder) -> None:
    settings = _settings(settings, "faiss")
    faiss_kb = KnowledgeBase.connect(settings, embedder=embedder)
    store_documents(faiss_kb, DOCUMENTS, progress=False)
    query = embedder.embed_query("new tram line cost")
    before = faiss_kb.open().vectors.search(query, 4)
    faiss_kb.engine.dispose()

    environment = {"LEDE_DATABASE_URL": settings.resolved_database_url,
                   "LEDE_EMBEDDING_MODEL": "no-such-model"}  # a model run would fail: none may happen
    moved = lede("reindex", "--to", "pgvector", data_dir=settings.data_dir, **environment)
    assert moved.returncode == 0, moved.stderr
    assert "4 vectors moved into pgvector" in moved.stdout
    in_sql = KnowledgeBase.connect(_settings(settings, "pgvector"), embedder=embedder).open()
    during = in_sql.vectors.search(query, 4)
    assert [i for i, _ in during] == [i for i, _ in before]
    assert np.allclose([s for _, s in during], [s for _, s in before], atol=2e-3)  # halfvec: 16 bits
    in_sql.engine.dispose()

    moved_back = lede("reindex", "--to", "faiss", data_dir=settings.data_dir, **environment)
    assert moved_back.returncode == 0, moved_back.stderr
    assert "4 vectors moved out of pgvector" in moved_back.stdout
    back = KnowledgeBase.connect(settings, embedder=embedder).open()
    assert [i for i, _ in back.vectors.search(query, 4)] == [i for i, _ in before]
    assert back.stats().in_sync


@needs_postgres
def test_a_store_that_does_not_match_the_database_is_refused_naming_the_fix(settings, embedder) -> None:
    settings = _settings(settings, "faiss")
    store_documents(KnowledgeBase.connect(settings, embedder=embedder), DOCUMENTS, progress=False)
    with pytest.raises(ConfigError, match="lede reindex --to pgvector"):
        KnowledgeBase.connect(_settings(settings, "pgvector"), embedder=embedder)
    engine = KnowledgeBase.connect(settings, embedder=embedder).engine
    sql_vectors.to_sql(engine, dim=embedder.dim)
    with pytest.raises(ConfigError, match="set LEDE_VECTOR_STORE=pgvector"):
        KnowledgeBase.connect(settings, embedder=embedder)


def test_pgvector_on_sqlite_is_refused_in_one_line(tmp_path, embedder) -> None:
    settings = Settings(data_dir=tmp_path / "data", database_url=None, vector_store="pgvector")
    with pytest.raises(ConfigError, match="LEDE_VECTOR_STORE=pgvector needs PostgreSQL"):
        KnowledgeBase.connect(settings, embedder=embedder)


@needs_postgres
def test_re_embedding_in_pgvector_replaces_every_vector(settings, embedder) -> None:
    kb = KnowledgeBase.connect(_settings(settings, "pgvector"), embedder=embedder)
    store_documents(kb, DOCUMENTS, progress=False)
    report = kb.reindex(re_embed=True)
    assert report.embedded == 4 and kb.stats().vectors == 4
    assert kb.vectors.search(embedder.embed_query("chess championship"), 1)


@needs_postgres
def test_processes_starting_together_on_a_fresh_database_convert_it_once(settings, embedder) -> None:
    """A bot and a worker started at once (compose up) on a database with no vectors yet: each
    process's engine prepares the column at the same moment."""
    import threading

    from sqlalchemy import create_engine

    url = KnowledgeBase.connect(_settings(settings, "faiss"), embedder=embedder).engine.url  # the schema, bytes
    engines = [create_engine(url) for _ in range(4)]
    start = threading.Barrier(len(engines))
    failures: list[Exception] = []

    def prepare(engine) -> None:
        start.wait()
        try:
            sql_vectors.prepare(engine, wanted=True, dim=lambda: embedder.dim)
        except Exception as exc:
            failures.append(exc)

    threads = [threading.Thread(target=prepare, args=(engine,)) for engine in engines]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    kb = KnowledgeBase.connect(_settings(settings, "pgvector"), embedder=embedder)
    store_documents(kb, DOCUMENTS, progress=False)
    assert sql_vectors.column_type(kb.engine) == "halfvec" and kb.stats().in_sync
