"""The knowledge base: the database, the embedder and the vector index (a FAISS file kept in
agreement with the database, or pgvector inside PostgreSQL), behind one interface."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass

import numpy as np
from sqlalchemy import func, select

from index import sql_vectors
from index.counts import ArticleCounts, PassageCounts
from index.db import create_database, session_factory
from index.embedders import Embedder, configured_embedder
from index.errors import ConfigError
from index.models import Article, Meta, Passage, Source, Word
from index.precomputed import unpack
from index.settings import Settings
from index.sql_vectors import SqlVectors
from index.vectors import VectorIndex, stored_vector

log = logging.getLogger(__name__)
MODEL_KEY = "embedding_model"


@dataclass(frozen=True)
class Stats:
    sources: int
    articles: int
    passages: int
    vectors: int
    in_sync: bool


@dataclass(frozen=True)
class SyncReport:
    added: int
    removed: int
    embedded: int


class KnowledgeBase:
    """Owns the engine, the embedder and the vector index of one data dir."""

    def __init__(self, settings: Settings, *, embedder: Embedder | None = None) -> None:
        self.settings = settings
        if settings.data_dir.exists() and not settings.data_dir.is_dir():
            raise ConfigError(f"LEDE_DATA_DIR {settings.data_dir} is a file, not a folder: set it to a folder.")
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        self.engine = create_database(url=settings.resolved_database_url)
        self.sessions = session_factory(self.engine)
        # Creating an embedder loads nothing: its model loads on its first use.
        self.embedder: Embedder = embedder or configured_embedder(settings)
        self.vectors_in_sql = settings.vector_store == "pgvector"
        sql_vectors.prepare(self.engine, wanted=self.vectors_in_sql, dim=lambda: self.embedder.dim)
        self._open_lock = threading.Lock()
        self.passage_counts = PassageCounts()
        self.article_counts = ArticleCounts()
        self._vectors: VectorIndex | SqlVectors | None = None

    @property
    def index_loaded(self) -> bool:
        """Whether open() has loaded the FAISS index in this process."""
        return self._vectors is not None

    def vectors_held(self) -> int | None:
        """Return how many vectors the loaded index holds (None before open())."""
        return len(self._vectors) if self._vectors is not None else None

    @property
    def model_name(self) -> str:
        """The name of the embedding model in use."""
        return self.embedder.name

    def open(self) -> KnowledgeBase:
        """Check the model against the stored vectors, then load the FAISS index and bring it into
        agreement with the database (compressing it when large: minutes at a million passages).
        With pgvector there is nothing to load.
        Once per process; later calls return at once. Returns the knowledge base itself."""
        with self._open_lock:
            if self._vectors is None:
                self._check_model(self.embedder)
                self._vectors = SqlVectors(self.engine) if self.vectors_in_sql else self._load_faiss()
        return self

    def _load_faiss(self) -> VectorIndex:
        vectors = VectorIndex(self.settings.faiss_path, self.embedder.dim)
        if vectors.load() and not self._holds_stored_vectors(vectors):
            log.warning("%s holds other vectors than this database's (a file copied from "
                        "another knowledge base?); rebuilding it from the database", vectors.path)
            vectors.clear()
        self._vectors = vectors
        self._compress_if_large()
        report = self.sync_vectors()
        if report.added or report.removed:
            log.info("FAISS index caught up with the database: %d added, %d removed", report.added, report.removed)
        return vectors

    @property
    def vectors(self) -> VectorIndex | SqlVectors:
        """The vector index of an opened knowledge base (see `open`)."""
        if self._vectors is None:
            raise RuntimeError("the knowledge base is not open: call kb.open() first")
        return self._vectors

    def _check_model(self, embedder: Embedder) -> None:
        # Vectors from two models are not comparable: refuse to mix them.
        with self.sessions.begin() as session:
            stored = session.get(Meta, MODEL_KEY)
            if stored is None:
                session.add(Meta(key=MODEL_KEY, value=embedder.name))
            elif stored.value != embedder.name:
                has_passages = session.scalar(select(func.count(Passage.id))) or 0
                if has_passages:
                    raise ConfigError(
                        f"this knowledge base was embedded with {stored.value!r}, not "
                        f"{embedder.name!r}. Run `lede reindex --re-embed` to switch models, "
                        "or set LEDE_EMBEDDING_MODEL back."
                    )
                stored.value = embedder.name

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

    def sentence_vectors(self, passage_ids: list[int]) -> dict[int, np.ndarray]:
        """Return the stored vectors of the answerable sentences of `passage_ids` (those that have
        them), one row per sentence of `answerable_sentences(passage.text)`."""
        with self.sessions() as session:
            rows = session.execute(select(Passage.id, Passage.sentence_vectors).where(
                Passage.id.in_(passage_ids), Passage.sentence_vectors.is_not(None)))
            return {passage_id: unpack(blob, self.embedder.dim) for passage_id, blob in rows if blob is not None}

    def passage_text_for_embedding(self, title: str, text: str) -> str:
        """Return what is embedded for a passage: its article's title gives it context."""
        return f"{title}\n{text}" if title else text

    def _compress_if_large(self) -> None:
        """Past `compress_vectors_from` stored vectors, start the index over compressed, trained on
        a random sample of them (`sync_vectors` then adds them all back from the database)."""
        vectors = self._vectors
        assert isinstance(vectors, VectorIndex)
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
        for start in range(0, size, 2048):
            part = [int(i) for i in sample_ids[start : start + 2048]]
            with self.sessions() as session:
                sample += [stored_vector(blob) for blob in session.scalars(
                    select(Passage.embedding).where(Passage.id.in_(part)))]
        vectors.compress(np.vstack(sample), expected=len(stored))

    def sync_vectors(self, *, save: bool = True) -> SyncReport:
        """Make the FAISS index hold exactly the database's passages; save it when it changed.
        With pgvector, embed the passages stored without a vector (`reindex --re-embed` does)."""
        vectors = self._vectors
        assert vectors is not None
        if isinstance(vectors, SqlVectors):
            with self.sessions() as session:
                missing = np.fromiter(session.scalars(select(Passage.id).where(Passage.embedding.is_(None))), dtype=np.int64)
            added, embedded = self._add_from_database(missing)
            return SyncReport(added=added, removed=0, embedded=embedded)
        with self.sessions() as session:
            db_ids = np.fromiter(session.scalars(select(Passage.id)), dtype=np.int64)
        index_ids = vectors.ids()
        extra = np.setdiff1d(index_ids, db_ids, assume_unique=True)
        missing = np.setdiff1d(db_ids, index_ids, assume_unique=True)
        removed = vectors.remove(extra)
        added, embedded = self._add_from_database(missing)
        if save and (added or removed):
            self.save_vectors()
        return SyncReport(added=added, removed=removed, embedded=embedded)

    def _add_from_database(self, ids: np.ndarray, chunk: int = 2048) -> tuple[int, int]:
        """Add the stored vectors of passages `ids`, embedding (and storing) any that lack one."""
        added = embedded = 0
        for start in range(0, len(ids), chunk):
            part = [int(i) for i in ids[start : start + chunk]]
            with self.sessions.begin() as session:
                rows = session.execute(
                    select(Passage, Article.title)
                    .join(Article, Passage.article_id == Article.id)
                    .where(Passage.id.in_(part))
                ).all()
                unembedded = [(p, title) for p, title in rows if p.embedding is None]
                if unembedded:
                    fresh = self.embedder.embed_passages(
                        [self.passage_text_for_embedding(t, p.text) for p, t in unembedded]
                    )
                    for (passage, _), vector in zip(unembedded, fresh, strict=False):
                        passage.embedding = vector.tobytes()
                    embedded += len(unembedded)
                matrix = np.vstack(
                    [stored_vector(p.embedding) for p, _ in rows]
                ) if rows else np.zeros((0, self.embedder.dim), dtype=np.float32)
                self.vectors.add(np.array([p.id for p, _ in rows], dtype=np.int64), matrix)
                added += len(rows)
        return added, embedded

    def refresh_vectors(self) -> SyncReport:
        """Take in passages other processes stored (or removed) since this one loaded its index;
        only the difference is added, from the stored vectors. Called periodically by the bot."""
        if self._vectors is None:
            self.open()  # opening syncs
            return SyncReport(0, 0, 0)
        if self.vectors_in_sql:
            return SyncReport(0, 0, 0)  # every process reads the same rows
        return self.sync_vectors(save=False)

    def add_vectors(self, ids: list[int], vectors: np.ndarray) -> None:
        """Add freshly stored passages to the index (saved by `save_vectors`)."""
        self.open().vectors.add(np.asarray(ids, dtype=np.int64), vectors)

    def remove_vectors(self, ids: list[int]) -> None:
        """Remove deleted passages from the index."""
        self.open().vectors.remove(np.asarray(ids, dtype=np.int64))

    def save_vectors(self) -> None:
        """Write the index to disk atomically. When another process saved it meanwhile (two
        `lede ingest` at once), take in its passages first: the last to save would otherwise
        write a file without the other's vectors."""
        # open() itself saves through here, holding its lock: only open when not opened yet.
        vectors = self._vectors if self._vectors is not None else self.open().vectors
        if isinstance(vectors, SqlVectors):
            return  # stored with the rows
        with vectors.exclusive():
            if vectors.written_by_another():
                self.sync_vectors(save=False)
            vectors.save()

    def reindex(self, *, re_embed: bool = False) -> SyncReport:
        """Rebuild the FAISS index from the database, re-running the model when asked (with
        pgvector only the latter has anything to do)."""
        if re_embed and self.vectors_in_sql:
            sql_vectors.forget(self.engine, dim=self.embedder.dim)
        if re_embed:
            with self.sessions.begin() as session:
                session.query(Passage).update({Passage.embedding: None, Passage.sentence_vectors: None})
                session.query(Article).update({Article.centroid: None, Article.focus: None})
                session.query(Word).delete()
                session.merge(Meta(key=MODEL_KEY, value=self.model_name))
        vectors = self.open().vectors
        if isinstance(vectors, SqlVectors):
            report = self.sync_vectors()
            sql_vectors.build_index(self.engine)
        else:
            vectors.clear()
            self._compress_if_large()
            report = self.sync_vectors()
        if re_embed:
            from index.backfill import backfill

            backfill(self)  # the other model's sentence, centroid and word vectors are meaningless now
        return report

    def is_empty(self) -> bool:
        """Return True when no passage is stored (one row read: stats() loads the FAISS file)."""
        with self.sessions() as session:
            return session.scalar(select(Passage.id).limit(1)) is None

    def stats(self) -> Stats:
        """Return counts of everything stored and whether the vectors agree with the database."""
        with self.sessions() as session:
            sources = session.scalar(select(func.count(Source.id))) or 0
            articles = session.scalar(select(func.count(Article.id))) or 0
            db_ids = np.fromiter(session.scalars(select(Passage.id)), dtype=np.int64)
        if self.vectors_in_sql:
            embedded = len(SqlVectors(self.engine))
            return Stats(sources=sources, articles=articles, passages=len(db_ids), vectors=embedded,
                         in_sync=embedded == len(db_ids))
        # A process that has not loaded the index reports the file on disk, without the model.
        vectors = self._vectors
        if not isinstance(vectors, VectorIndex):
            vectors = VectorIndex(self.settings.faiss_path, self.embedder.dim)
            vectors.load()
        held = vectors.ids()
        return Stats(
            sources=sources,
            articles=articles,
            passages=len(db_ids),
            vectors=len(held),
            in_sync=bool(np.array_equal(np.sort(held), np.sort(db_ids))) and self._holds_stored_vectors(vectors),
        )
