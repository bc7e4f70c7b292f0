"""`lede bench answer --store pgvector`: the same copied real-text knowledge base answered from
FAISS and from pgvector in one run, each by a fresh process (its peak RSS is what a bot replica
would hold), with pgvector's recall@10 against exact search and the database's size."""

from __future__ import annotations

import multiprocessing
import statistics
import tempfile
import time
import uuid
from datetime import datetime
from pathlib import Path

from pydantic import SecretStr
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from tqdm import tqdm

from index.db import driver_url
from index.settings import Settings

Asked = list[tuple[str, datetime | None]]


def bench_pgvector(settings: Settings, *, postgres: str, passages: int, questions: Asked) -> dict:
    """Copy the knowledge base of `settings` into a fresh PostgreSQL database on the server of
    `postgres` (a role that may create databases), answer `questions` with FAISS, move the
    vectors into pgvector, answer again; the database is dropped at the end."""
    from bot.evaluation.replicate import replicate
    from index import sql_vectors
    from index.knowledge import KnowledgeBase

    name = f"lede_bench_{uuid.uuid4().hex[:8]}"
    server = create_engine(driver_url(postgres), isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(driver_url(postgres)).set(database=name).render_as_string(hide_password=False)
    try:
        with tempfile.TemporaryDirectory(prefix="lede-bench-") as folder:
            faiss = settings.model_copy(update={"data_dir": Path(folder), "database_url": SecretStr(url), "vector_store": "faiss"})
            target = KnowledgeBase.connect(faiss)
            with tqdm(total=passages, unit="passage", desc="copying", disable=None) as bar:
                replicate(KnowledgeBase.connect(settings), target, passages, progress=bar.update)
            _vacuum(url)
            started = time.perf_counter()
            target.open()
            faiss_load_s = time.perf_counter() - started
            faiss_result = _answer_in_fresh_process(faiss, questions)
            started = time.perf_counter()
            sql_vectors.to_sql(target.engine, dim=target.embedder.dim)
            move_s = time.perf_counter() - started
            target.engine.dispose()
            pgvector = faiss.model_copy(update={"vector_store": "pgvector"})
            pgvector_result = _answer_in_fresh_process(pgvector, questions)
            recall = _recall_at_10(KnowledgeBase.connect(pgvector), questions)
            sizes = _sizes(url)
    finally:
        with server.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        server.dispose()
    return {
        "passages": passages, "questions": len(questions), "model": settings.embedding_model,
        "hnsw": {"m": sql_vectors.HNSW_M, "ef_construction": sql_vectors.HNSW_EF_CONSTRUCTION,
                 "ef_search": sql_vectors.EF_SEARCH},
        "faiss": {**faiss_result, "index_load_s": round(faiss_load_s, 1)},
        "pgvector": {**pgvector_result, "recall@10_vs_exact": recall[f"ef_search_{sql_vectors.EF_SEARCH}"],
                     "move_and_build_s": round(move_s, 1)},
        "recall@10_vs_exact_by_ef_search": recall,
        "p95_ratio_pgvector_to_faiss": round(pgvector_result["p95_ms"] / faiss_result["p95_ms"], 2),
        "database_mb": sizes,
    }


def _vacuum(url: str) -> None:
    """Do what autovacuum and ingest will have done by the time a store this size is asked:
    until vacuumed, an index of fresh rows reads each row's visibility from its table (keyword
    counts at 200k passages: 7 ms a question vacuumed, 216 ms not); ingest counts how many
    passages hold each word (the copy is written beside it)."""
    from index.keyword import refresh_term_counts

    engine = create_engine(url, isolation_level="AUTOCOMMIT")  # VACUUM runs outside a transaction
    with engine.connect() as connection:
        connection.execute(text("VACUUM ANALYZE"))
    engine.dispose()
    engine = create_engine(url)
    refresh_term_counts(engine, share=0.0)
    engine.dispose()


def _answer_in_fresh_process(settings: Settings, questions: Asked) -> dict:
    """Answer in a new interpreter, as a bot replica would: latencies and that process's peak RSS."""
    context = multiprocessing.get_context("spawn")
    with context.Pool(1) as pool:
        return pool.apply(_answer_all, (settings, questions))


def _answer_all(settings: Settings, questions: Asked) -> dict:
    from bot.answer import answer_question
    from bot.evaluation.timing import timed_answers
    from index.knowledge import KnowledgeBase

    kb = KnowledgeBase.connect(settings)
    started = time.perf_counter()
    kb.open()
    open_s = time.perf_counter() - started
    answer_question(kb, questions[0][0], as_of=questions[0][1])  # the model loads
    timed, _ = timed_answers(kb.engine, lambda q, moment: answer_question(kb, q, as_of=moment).elapsed_ms, questions)
    return {**timed, "open_s": round(open_s, 1),
            # VmHWM, not getrusage: a spawned process's ru_maxrss keeps the parent's from before exec.
            "peak_rss_mb": round(_status_kb("VmHWM") / 1024, 1),
            "rss_after_mb": round(_status_kb("VmRSS") / 1024, 1)}


def _status_kb(field: str) -> int:
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith(f"{field}:"))


def _recall_at_10(kb, questions: Asked) -> dict[str, float]:
    """Share of the exact top 10 (a full scan of the halfvecs) that the HNSW search returns, at
    the ef_search in use and at others, to show what the setting buys."""
    from index import sql_vectors

    kb.open()
    efs = sorted({40, 100, 200, 400, sql_vectors.EF_SEARCH})
    found: dict[int, list[float]] = {ef: [] for ef in efs}
    column = sql_vectors.COLUMN_TYPE
    for question, _ in questions:
        values = {"q": sql_vectors.literal(kb.embedder.embed_query(question))}
        nearest = f"SELECT id FROM passages WHERE embedding IS NOT NULL ORDER BY embedding <=> CAST(:q AS {column}) LIMIT 10"
        with kb.engine.begin() as connection:
            connection.execute(text("SET LOCAL enable_indexscan = off"))
            exact = set(connection.scalars(text(nearest), values))
        for ef in efs:
            with kb.engine.begin() as connection:
                connection.execute(text(f"SET LOCAL hnsw.ef_search = {ef}"))
                approximate = set(connection.scalars(text(nearest), values))
            found[ef].append(len(approximate & exact) / max(1, len(exact)))
    return {f"ef_search_{ef}": round(statistics.mean(found[ef]), 4) for ef in efs}


def _sizes(url: str) -> dict:
    engine = create_engine(url)
    with engine.connect() as connection:
        row = connection.execute(text(
            "SELECT pg_database_size(current_database()), pg_total_relation_size('passages'), "
            "pg_relation_size('passages_embedding_hnsw')")).one()
    engine.dispose()
    return {"database": round(row[0] / 2**20), "passages_table": round(row[1] / 2**20), "hnsw_index": round(row[2] / 2**20)}
