"""Passage vectors kept in PostgreSQL by pgvector (LEDE_VECTOR_STORE=pgvector).

The `passages.embedding` column itself becomes a `halfvec` (16 bits a dimension: half the bytes
the FAISS store keeps) with an HNSW index by cosine, and the dense search is a SQL query: no
process holds vectors in memory or loads anything at start, and a passage one process stores is
found by every other at once. `lede reindex --to pgvector` / `--to faiss` move the vectors
between the two forms in place, without running the model.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

import numpy as np
from sqlalchemy import Connection, Engine, bindparam, text
from sqlalchemy.exc import DBAPIError

from index.errors import ConfigError
from index.models import UTCDateTime
from index.vectors import best_first

log = logging.getLogger(__name__)

# Set on an engine's dialect once its passages' embedding column is a halfvec: the Passage model
# then binds and reads that column as one (index.models.StoredVector).
IN_SQL = "lede_vectors_in_sql"
INDEX_NAME = "passages_embedding_hnsw"
# HNSW settings, measured with `lede bench answer --store pgvector` (docs/scale.md, "Growing past one
# machine"): pgvector's default graph (m 16, ef_construction 64) builds a million passages in
# 11 minutes on 2 cores; reading EF_SEARCH candidates a query (never fewer than the k asked
# for) finds 0.96 of the exact top 10 there (100 found 0.90), and gives the dev questions exact
# search's figures, for milliseconds beside the full-text query's hundreds.
HNSW_M = 16
HNSW_EF_CONSTRUCTION = 64
EF_SEARCH = 400
CHUNK = 2048
# 16 bits a dimension: the dev questions' figures are float32's (`vector`) and exact search's,
# at half the bytes of the column and of the HNSW index.
COLUMN_TYPE = "halfvec"
BUILD_MEMORY_MB = 4096  # the most an index build may take of the database server's memory


COLUMN_TYPE_SQL = ("SELECT t.typname FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid "
                   "WHERE a.attrelid = 'passages'::regclass AND a.attname = 'embedding'")


def column_type(engine: Engine) -> str | None:
    """Return the type of passages.embedding ("bytea", "halfvec") on PostgreSQL, None elsewhere."""
    if engine.dialect.name != "postgresql":
        return None
    with engine.connect() as connection:
        return connection.scalar(text(COLUMN_TYPE_SQL))


def stored_dim(engine: Engine) -> int | None:
    """Return the dimensions of the float32 vectors stored as bytes (None when there are none)."""
    with engine.connect() as connection:
        size = connection.scalar(text("SELECT length(embedding) FROM passages WHERE embedding IS NOT NULL LIMIT 1"))
    return size // 4 if size else None


def prepare(engine: Engine, *, wanted: bool, dim: Callable[[], int]) -> None:
    """Check that the vectors are kept where the settings say, converting an empty database's
    column at once (`dim` is asked only then: it may load the model); mark the engine when the
    vectors are in SQL. Raise ConfigError naming the fix."""
    kind = column_type(engine)
    if not wanted:
        if kind == COLUMN_TYPE:
            raise ConfigError("this database keeps its vectors in pgvector: set LEDE_VECTOR_STORE=pgvector, "
                              "or move them back with `lede reindex --to faiss`.")
        return
    if kind is None:
        raise ConfigError("LEDE_VECTOR_STORE=pgvector needs PostgreSQL: set LEDE_DATABASE_URL=postgresql://… "
                          "(SQLite keeps vectors in FAISS, the default).")
    if kind == "bytea":
        _convert_empty(engine, dim)
    setattr(engine.dialect, IN_SQL, True)


def _convert_empty(engine: Engine, dim: Callable[[], int]) -> None:
    """Make a database without vectors keep them in pgvector. Processes started together (a bot
    and a worker on a fresh database) take turns: the first converts, the others find it done."""
    with engine.begin() as connection:
        _lock_and_enable(connection)
        if connection.scalar(text(COLUMN_TYPE_SQL)) != "bytea":
            return
        if connection.scalar(text("SELECT EXISTS (SELECT 1 FROM passages WHERE embedding IS NOT NULL)")):
            raise ConfigError("this database's vectors are kept for FAISS: move them into pgvector once with "
                              "`lede reindex --to pgvector`.")
        connection.execute(text(f"ALTER TABLE passages ALTER COLUMN embedding TYPE {COLUMN_TYPE}({dim()}) USING NULL"))
        _create_index(connection)


def _lock_and_enable(connection: Connection) -> None:
    """Take the lock under which the column changes form (till the transaction ends) and enable
    pgvector in the database: even CREATE EXTENSION IF NOT EXISTS fails when two run at once."""
    connection.execute(text("SELECT pg_advisory_xact_lock(hashtext('lede: passages.embedding'))"))
    try:
        connection.execute(text("CREATE EXTENSION IF NOT EXISTS vector"))
    except DBAPIError as exc:
        raise ConfigError(
            "PostgreSQL cannot enable pgvector (CREATE EXTENSION vector): install it on the server "
            "(Debian: postgresql-NN-pgvector, or build it: docs/scale.md) and let a "
            f"superuser run CREATE EXTENSION vector in this database. ({str(exc.orig).splitlines()[0]})"
        ) from exc


Progress = Callable[[int, int], None]  # (rows moved so far, rows in all)


def to_sql(engine: Engine, *, dim: int, progress: Progress | None = None) -> int:
    """Move the vectors from the bytes column into a halfvec column with an HNSW index; return how
    many moved. Each chunk commits: an interrupted move resumes where it stopped."""
    with engine.begin() as connection:
        _lock_and_enable(connection)
        connection.execute(text(f"ALTER TABLE passages ADD COLUMN IF NOT EXISTS embedding_sql {COLUMN_TYPE}({dim})"))
    moved = _move(engine, "SELECT id, embedding FROM passages WHERE embedding IS NOT NULL AND embedding_sql IS NULL "
                  "AND id > :after ORDER BY id LIMIT :n", "embedding_sql", _as_halfvec, progress)
    with engine.begin() as connection:
        connection.execute(text("ALTER TABLE passages DROP COLUMN embedding"))
        connection.execute(text("ALTER TABLE passages RENAME COLUMN embedding_sql TO embedding"))
    build_index(engine)
    return moved


def build_index(engine: Engine) -> None:
    """Create the HNSW index over the vectors stored (a no-op when it exists)."""
    with engine.begin() as connection:
        count, size = connection.execute(text(
            "SELECT count(*), coalesce(max(pg_column_size(embedding)), 0) FROM passages WHERE embedding IS NOT NULL")).one()
        # A graph that fits in memory builds many times faster than one spilled to disk: raise
        # the server's setting for this build to the graph's size (vector and neighbour lists),
        # never lower it, and no higher than BUILD_MEMORY_MB.
        wanted_mb = min(BUILD_MEMORY_MB, int(count * (size + 32 * HNSW_M) / 2**20) + 64)
        current_mb = connection.scalar(text("SELECT setting::bigint / 1024 FROM pg_settings WHERE name = 'maintenance_work_mem'"))
        if wanted_mb > current_mb:
            connection.execute(text(f"SET LOCAL maintenance_work_mem = '{wanted_mb}MB'"))
        log.info("Building the HNSW index of %d vectors (minutes per hundred thousand)", count)
        _create_index(connection)


def _create_index(connection: Connection) -> None:
    connection.execute(text(
        f"CREATE INDEX IF NOT EXISTS {INDEX_NAME} ON passages USING hnsw (embedding {COLUMN_TYPE}_cosine_ops) "
        f"WITH (m = {HNSW_M}, ef_construction = {HNSW_EF_CONSTRUCTION})"))


def forget(engine: Engine, *, dim: int) -> None:
    """Drop every vector and the index, for vectors of `dim` dimensions to come (another model)."""
    with engine.begin() as connection:
        connection.execute(text(f"DROP INDEX IF EXISTS {INDEX_NAME}"))
        connection.execute(text(f"ALTER TABLE passages ALTER COLUMN embedding TYPE {COLUMN_TYPE}({dim}) USING NULL"))


def to_bytes(engine: Engine, *, progress: Progress | None = None) -> int:
    """Move the vectors from the halfvec column back into float32 bytes (for FAISS), keeping the
    values halfvec rounded them to; return how many."""
    with engine.begin() as connection:
        connection.execute(text("ALTER TABLE passages ADD COLUMN IF NOT EXISTS embedding_bytes bytea"))
    moved = _move(engine, "SELECT id, embedding::text FROM passages WHERE embedding IS NOT NULL "
                  "AND embedding_bytes IS NULL AND id > :after ORDER BY id LIMIT :n",
                  "embedding_bytes", _as_bytes, progress)
    with engine.begin() as connection:
        connection.execute(text(f"DROP INDEX IF EXISTS {INDEX_NAME}"))
        connection.execute(text("ALTER TABLE passages DROP COLUMN embedding"))
        connection.execute(text("ALTER TABLE passages RENAME COLUMN embedding_bytes TO embedding"))
    return moved


def _move(engine: Engine, read: str, column: str, convert: Callable, progress: Progress | None) -> int:
    with engine.connect() as connection:
        total = connection.scalar(text("SELECT count(*) FROM passages WHERE embedding IS NOT NULL")) or 0
    moved, after = 0, 0
    while True:
        with engine.begin() as connection:
            rows = connection.execute(text(read), {"after": after, "n": CHUNK}).all()
            if not rows:
                break
            connection.execute(
                text(f"UPDATE passages SET {column} = :value WHERE id = :id"),
                [{"id": passage_id, "value": convert(value)} for passage_id, value in rows],
            )
        moved, after = moved + len(rows), rows[-1][0]
        if progress:
            progress(moved, total)
    return moved


def literal(vector: np.ndarray) -> str:
    """Return a vector in pgvector's text form, which a halfvec parameter reads."""
    return "[" + ",".join(f"{v:.9g}" for v in np.asarray(vector, dtype=np.float32)) + "]"


def _as_halfvec(blob: bytes) -> str:
    return literal(np.frombuffer(blob, dtype=np.float32))


def _as_bytes(value: str) -> bytes:
    return parse(value).tobytes()


def parse(value: str) -> np.ndarray:
    """Return the float32 vector of a vector or halfvec in pgvector's text form "[0.1,0.2]"."""
    return np.array(value[1:-1].split(","), dtype=np.float32)


class SqlVectors:
    """The search side of the pgvector store: the vectors are the passages' own column, so adding
    and removing happen with the rows and there is nothing to load or save."""

    compressed = False  # the HNSW index reads halfvecs, not FAISS's 8-bit clusters

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def __len__(self) -> int:
        with self.engine.connect() as connection:
            return connection.scalar(text("SELECT count(*) FROM passages WHERE embedding IS NOT NULL")) or 0

    def ids(self) -> np.ndarray:
        """Return the ids of the passages that have a vector, as int64."""
        with self.engine.connect() as connection:
            return np.fromiter(connection.scalars(text("SELECT id FROM passages WHERE embedding IS NOT NULL")),
                               dtype=np.int64)

    def add(self, ids: np.ndarray, vectors: np.ndarray) -> None:
        """Nothing to do: the passage row holds its vector."""

    def remove(self, ids: np.ndarray) -> int:
        """Nothing to do: deleting the passage row removed its vector."""
        return 0

    def search(self, vector: np.ndarray, k: int) -> list[tuple[int, float]]:
        """Return up to k (passage id, cosine) pairs, best first, from the HNSW graph."""
        if k <= 0:
            return []
        with self.engine.begin() as connection:
            # ef_search caps what one scan returns: never below the k asked for.
            connection.execute(text(f"SET LOCAL hnsw.ef_search = {max(EF_SEARCH, int(k))}"))
            rows = connection.execute(text(
                f"SELECT id, 1 - (embedding <=> CAST(:q AS {COLUMN_TYPE})) FROM passages "
                f"WHERE embedding IS NOT NULL ORDER BY embedding <=> CAST(:q AS {COLUMN_TYPE}) LIMIT :k"),
                {"q": literal(vector), "k": int(k)}).all()
        return best_first((int(i), float(s)) for i, s in rows)

    def search_dated(self, vector: np.ndarray, k: int, *, since: datetime, until: datetime | None,
                     exclude: frozenset[int]) -> list[tuple[int, float]]:
        """Return up to k (passage id, cosine) pairs, best first, exactly, among the passages of
        articles published in [since, until) (an undated one from when it was first seen),
        leaving out the `exclude`d articles: ordered by the score, which the graph cannot serve
        (a graph scan filtered afterwards could return fewer than k of them)."""
        if k <= 0:
            return []
        published = "COALESCE(a.published_at, a.fetched_at)"
        conditions = f"{published} >= :since" + (f" AND {published} < :until" if until is not None else "")
        if exclude:
            conditions += " AND a.id <> ALL(:exclude)"
        statement = text(
            f"SELECT p.id, 1 - (p.embedding <=> CAST(:q AS {COLUMN_TYPE})) AS score FROM passages p "
            f"JOIN articles a ON a.id = p.article_id WHERE {conditions} AND p.embedding IS NOT NULL "
            "ORDER BY score DESC LIMIT :k").bindparams(bindparam("since", type_=UTCDateTime()))
        values: dict = {"q": literal(vector), "k": int(k), "since": since}
        if until is not None:
            statement = statement.bindparams(bindparam("until", type_=UTCDateTime()))
            values["until"] = until
        if exclude:
            values["exclude"] = sorted(exclude)
        with self.engine.connect() as connection:
            rows = connection.execute(statement, values).all()
        return best_first((int(i), float(s)) for i, s in rows)
