"""Where passage vectors are searched: a FAISS file each process loads and keeps in agreement with
the database (`FaissStore`), or pgvector's column inside PostgreSQL (`PgvectorStore`). The
knowledge base chooses one when it is created (LEDE_VECTOR_STORE) and asks it the same things.
The database is the source of truth either way: each passage row keeps its vector."""

from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Generic, TypeVar

import numpy as np
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from index import sql_vectors
from index.embedders import Embedder
from index.models import Article, Passage
from index.sql_vectors import SqlVectors
from index.vectors import VectorIndex, stored_vector

if TYPE_CHECKING:
    from index.settings import Settings

log = logging.getLogger(__name__)
Vectors = TypeVar("Vectors", VectorIndex, SqlVectors)
CHUNK = 2048  # passages read (and embedded when they lack a vector) at a time


@dataclass(frozen=True)
class SyncReport:
    added: int
    removed: int
    embedded: int


class VectorStore(ABC, Generic[Vectors]):
    """The vectors of one knowledge base: loaded by `load`, then searched through `vectors`."""

    name: str

    def __init__(self, engine: Engine, sessions: sessionmaker[Session], embedder: Embedder) -> None:
        self.engine, self.sessions, self.embedder = engine, sessions, embedder
        self._vectors: Vectors | None = None

    @property
    def vectors(self) -> Vectors:
        """What search reads (after `load`)."""
        if self._vectors is None:
            raise RuntimeError("the knowledge base is not open: call kb.open() first")
        return self._vectors

    @property
    def loaded(self) -> bool:
        """Whether this process has loaded the vectors."""
        return self._vectors is not None

    @abstractmethod
    def load(self) -> None:
        """Make the vectors searchable in this process, in agreement with the database."""

    @abstractmethod
    def sync(self, *, save: bool = True) -> SyncReport:
        """Bring the vectors into agreement with the stored passages."""

    @abstractmethod
    def refresh(self) -> SyncReport:
        """Take in what other processes stored since this one loaded (called periodically)."""

    @abstractmethod
    def save(self) -> None:
        """Keep what was added and removed."""

    @abstractmethod
    def rebuild(self) -> SyncReport:
        """Build the vectors again from the database (embedding the passages it holds none for)."""

    def forget(self) -> None:
        """Drop every vector kept beside the rows, before another model embeds them all again
        (the database forgets the rows' own vectors)."""

    @abstractmethod
    def held(self, stored: np.ndarray) -> tuple[int, bool]:
        """Return how many vectors are held and whether they are exactly those of the `stored`
        passage ids."""

    @abstractmethod
    def search_dated(self, vector: np.ndarray, k: int, *, since: datetime, until: datetime | None,
                     exclude: frozenset[int]) -> list[tuple[int, float]]:
        """Return up to k (passage id, cosine) pairs, best first, among the passages of articles
        published in [since, until) (an undated one from when it was first seen), leaving out
        the `exclude`d articles."""

    def add_from_database(self, ids: np.ndarray) -> tuple[int, int]:
        """Add the stored vectors of passages `ids`, embedding (and storing) any that lack one;
        return how many were added and how many embedded."""
        added = embedded = 0
        for start in range(0, len(ids), CHUNK):
            part = [int(i) for i in ids[start : start + CHUNK]]
            with self.sessions.begin() as session:
                rows = session.execute(select(Passage, Article.title).join(Article, Passage.article_id == Article.id)
                                       .where(Passage.id.in_(part))).all()
                unembedded = [(p, title) for p, title in rows if p.embedding is None]
                if unembedded:
                    fresh = self.embedder.embed_passages([passage_text(t, p.text) for p, t in unembedded])
                    for (passage, _), vector in zip(unembedded, fresh, strict=True):
                        passage.embedding = vector.tobytes()
                    embedded += len(unembedded)
                matrix = (np.vstack([stored_vector(p.embedding) for p, _ in rows]) if rows
                          else np.zeros((0, self.embedder.dim), dtype=np.float32))
                self.vectors.add(np.array([p.id for p, _ in rows], dtype=np.int64), matrix)
                added += len(rows)
        return added, embedded

    def _stored_ids(self, *, unembedded: bool = False) -> np.ndarray:
        """Return the ids of the stored passages (only those without a vector, when asked)."""
        statement = select(Passage.id)
        if unembedded:
            statement = statement.where(Passage.embedding.is_(None))
        with self.sessions() as session:
            return np.fromiter(session.scalars(statement), dtype=np.int64)


def passage_text(title: str, text: str) -> str:
    """Return what is embedded for a passage: its article's title gives it context."""
    return f"{title}\n{text}" if title else text


class PgvectorStore(VectorStore[SqlVectors]):
    """The vectors are the passages' own column, searched by PostgreSQL's HNSW index: nothing to
    load or save, and every process reads the same rows."""

    name = "pgvector"

    def load(self) -> None:
        self._vectors = SqlVectors(self.engine)

    def sync(self, *, save: bool = True) -> SyncReport:
        """Embed the passages stored without a vector (`reindex --re-embed` leaves them so)."""
        added, embedded = self.add_from_database(self._stored_ids(unembedded=True))
        return SyncReport(added=added, removed=0, embedded=embedded)

    def refresh(self) -> SyncReport:
        return SyncReport(0, 0, 0)

    def save(self) -> None:
        """Nothing to do: the vectors are stored with their rows."""

    def rebuild(self) -> SyncReport:
        report = self.sync()
        sql_vectors.build_index(self.engine)
        return report

    def forget(self) -> None:
        sql_vectors.forget(self.engine, dim=self.embedder.dim)

    def held(self, stored: np.ndarray) -> tuple[int, bool]:
        embedded = len(SqlVectors(self.engine))
        return embedded, embedded == len(stored)

    def search_dated(self, vector: np.ndarray, k: int, *, since: datetime, until: datetime | None,
                     exclude: frozenset[int]) -> list[tuple[int, float]]:
        # One query: listing the range's passage ids and sending them back took twice as long.
        return self.vectors.search_dated(vector, k, since=since, until=until, exclude=exclude)


class FaissStore(VectorStore[VectorIndex]):
    """A FAISS file in the data dir, which each process loads: a cache of the stored vectors,
    checked against the database when loaded, written atomically, and compressed (IVF-SQ8) past
    `compress_vectors_from` passages."""

    name = "faiss"

    def __init__(self, engine: Engine, sessions: sessionmaker[Session], embedder: Embedder,
                 settings: Settings) -> None:
        super().__init__(engine, sessions, embedder)
        self.settings = settings

    def load(self) -> None:
        vectors = VectorIndex(self.settings.faiss_path, self.embedder.dim)
        if vectors.load() and not self._holds_stored_vectors(vectors):
            log.warning("%s holds other vectors than this database's (a file copied from "
                        "another knowledge base?); rebuilding it from the database", vectors.path)
            vectors.clear()
        self._vectors = vectors
        self._compress_if_large()
        report = self.sync()
        if report.added or report.removed:
            log.info("FAISS index caught up with the database: %d added, %d removed", report.added, report.removed)

    def sync(self, *, save: bool = True) -> SyncReport:
        """Make the index hold exactly the database's passages; save it when it changed."""
        db_ids = self._stored_ids()
        index_ids = self.vectors.ids()
        extra = np.setdiff1d(index_ids, db_ids, assume_unique=True)
        missing = np.setdiff1d(db_ids, index_ids, assume_unique=True)
        removed = self.vectors.remove(extra)
        added, embedded = self.add_from_database(missing)
        if save and (added or removed):
            self.save()
        return SyncReport(added=added, removed=removed, embedded=embedded)

    def refresh(self) -> SyncReport:
        return self.sync(save=False)

    def save(self) -> None:
        """Write the index atomically. When another process saved it meanwhile (two `lede
        ingest` at once), take in its passages first: the last to save would otherwise write a
        file without the other's vectors."""
        vectors = self.vectors
        with vectors.exclusive():
            if vectors.written_by_another():
                self.sync(save=False)
            vectors.save()

    def search_dated(self, vector: np.ndarray, k: int, *, since: datetime, until: datetime | None,
                     exclude: frozenset[int]) -> list[tuple[int, float]]:
        # The range's passages listed from the database, then searched among in FAISS.
        published = func.coalesce(Article.published_at, Article.fetched_at)
        statement = select(Passage.id).join(Article).where(published >= since)
        if until is not None:
            statement = statement.where(published < until)
        if exclude:
            statement = statement.where(Article.id.not_in(exclude))
        with self.sessions() as session:
            only = np.fromiter(session.scalars(statement), dtype=np.int64)
        return self.vectors.search(vector, k, only=only)

    def rebuild(self) -> SyncReport:
        self.vectors.clear()
        self._compress_if_large()
        return self.sync()

    def held(self, stored: np.ndarray) -> tuple[int, bool]:
        # A process that has not loaded the index reports the file on disk, without the model.
        vectors = self._vectors
        if vectors is None:
            vectors = VectorIndex(self.settings.faiss_path, self.embedder.dim)
            vectors.load()
        held = vectors.ids()
        in_step = bool(np.array_equal(np.sort(held), np.sort(stored)))
        return len(held), in_step and self._holds_stored_vectors(vectors)

    def _holds_stored_vectors(self, vectors: VectorIndex, checked: int = 8) -> bool:
        """Spot-check that `vectors` holds this database's vectors under their ids: matching ids
        alone would take another knowledge base's file (its ids count from 1 too) as in step."""
        held = vectors.ids()
        sample = np.random.default_rng().choice(held, min(checked, len(held)), replace=False)
        with self.sessions() as session:
            rows = session.execute(select(Passage.id, Passage.embedding).where(
                Passage.id.in_([int(i) for i in sample]), Passage.embedding.is_not(None))).all()
        for passage_id, blob in rows:
            # Its own vector is among the nearest under its id (copies of the same passage may
            # tie with it), nearly exact even in 8 bits.
            found = vectors.search(stored_vector(blob), 10)
            if not any(i == passage_id and score >= 0.98 for i, score in found):
                return False
        return True

    def _compress_if_large(self) -> None:
        """Past `compress_vectors_from` stored vectors, start the index over compressed, trained on
        a random sample of them (`sync` then adds them all back from the database)."""
        vectors = self.vectors
        if vectors.compressed:
            return
        embedded = Passage.embedding.is_not(None)
        with self.sessions() as session:
            # Count first: listing every id is only worth it when the index is to be compressed.
            count = session.scalar(select(func.count(Passage.id)).where(embedded)) or 0
            if count < max(1, self.settings.compress_vectors_from):
                return
            stored = np.fromiter(session.scalars(select(Passage.id).where(embedded)), dtype=np.int64)
        log.info("Compressing the FAISS index of %d passages (once; it takes a minute per million)", len(stored))
        size = min(len(stored), VectorIndex.training_size(len(stored)))
        sample_ids = np.random.default_rng(0).choice(stored, size, replace=False)
        sample = []
        for start in range(0, size, CHUNK):
            part = [int(i) for i in sample_ids[start : start + CHUNK]]
            with self.sessions() as session:
                sample += [stored_vector(blob) for blob in session.scalars(
                    select(Passage.embedding).where(Passage.id.in_(part)))]
        vectors.compress(np.vstack(sample), expected=len(stored))
