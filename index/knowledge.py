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
from index.db import database_engine, migrate, session_factory
from index.embedders import Embedder, configured_embedder
from index.errors import ConfigError
from index.keyword import indexed_passages, ranking
from index.models import Article, Meta, Passage, Source, Word
from index.precomputed import unpack
from index.settings import Settings
from index.sql_vectors import SqlVectors
from index.stores import FaissStore, PgvectorStore, SyncReport, VectorStore, passage_text
from index.vectors import VectorIndex

log = logging.getLogger(__name__)
MODEL_KEY = "embedding_model"


@dataclass(frozen=True)
class Stats:
    sources: int
    articles: int
    passages: int
    vectors: int
    in_sync: bool
    keyword_ranking: str  # how keyword search ranks on this database (index/keyword.py)
    keyword_passages: int  # the passages keyword search counts: `passages` unless something is amiss


class KnowledgeBase:
    """Owns the engine, the embedder and the vector index of one data dir."""

    def __init__(self, settings: Settings, *, embedder: Embedder | None = None) -> None:
        """Make the parts, touching neither disk nor database: `connect` (or `migrate`) does."""
        self.settings = settings
        self.engine = database_engine(url=settings.resolved_database_url)
        self.sessions = session_factory(self.engine)
        # Creating an embedder loads nothing: its model loads on its first use.
        self.embedder: Embedder = embedder or configured_embedder(settings)
        self.store: VectorStore[VectorIndex] | VectorStore[SqlVectors] = (
            PgvectorStore(self.engine, self.sessions, self.embedder) if settings.vector_store == "pgvector"
            else FaissStore(self.engine, self.sessions, self.embedder, settings))
        self._open_lock = threading.Lock()
        self.passage_counts = PassageCounts()
        self.article_counts = ArticleCounts()

    @classmethod
    def connect(cls, settings: Settings, *, embedder: Embedder | None = None) -> KnowledgeBase:
        """Return the knowledge base of `settings`, its data dir made and its database migrated."""
        kb = cls(settings, embedder=embedder)
        kb.migrate()
        return kb

    def migrate(self) -> None:
        """Make the data dir, bring the database's schema up to date and check that the vectors
        are kept where the settings say (converting an empty database's column for pgvector)."""
        data_dir = self.settings.data_dir
        if data_dir.exists() and not data_dir.is_dir():
            raise ConfigError(f"LEDE_DATA_DIR {data_dir} is a file, not a folder: set it to a folder.")
        data_dir.mkdir(parents=True, exist_ok=True)
        migrate(self.engine)
        sql_vectors.prepare(self.engine, wanted=self.store.name == "pgvector", dim=lambda: self.embedder.dim)

    @property
    def index_loaded(self) -> bool:
        """Whether open() has loaded the vectors in this process."""
        return self.store.loaded

    def vectors_held(self) -> int | None:
        """Return how many vectors the loaded index holds (None before open())."""
        return len(self.store.vectors) if self.store.loaded else None

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
            if not self.store.loaded:
                self._check_model(self.embedder)
                self.store.load()
        return self

    @property
    def vectors(self) -> VectorIndex | SqlVectors:
        """The vector index of an opened knowledge base (see `open`)."""
        return self.store.vectors

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

    def sentence_vectors(self, passage_ids: list[int]) -> dict[int, np.ndarray]:
        """Return the stored vectors of the answerable sentences of `passage_ids` (those that have
        them), one row per sentence of `answerable_sentences(passage.text)`."""
        with self.sessions() as session:
            rows = session.execute(select(Passage.id, Passage.sentence_vectors).where(
                Passage.id.in_(passage_ids), Passage.sentence_vectors.is_not(None)))
            return {passage_id: unpack(blob, self.embedder.dim) for passage_id, blob in rows if blob is not None}

    def passage_text_for_embedding(self, title: str, text: str) -> str:
        """Return what is embedded for a passage: its article's title gives it context."""
        return passage_text(title, text)

    def refresh_vectors(self) -> SyncReport:
        """Take in passages other processes stored (or removed) since this one loaded its index;
        only the difference is added, from the stored vectors. Called periodically by the bot."""
        if not self.store.loaded:
            self.open()  # opening syncs
            return SyncReport(0, 0, 0)
        return self.store.refresh()

    def sync_vectors(self) -> SyncReport:
        """Bring the opened vectors into agreement with the stored passages (see VectorStore.sync)."""
        return self.open().store.sync()

    def add_vectors(self, ids: list[int], vectors: np.ndarray) -> None:
        """Add freshly stored passages to the index (saved by `save_vectors`)."""
        self.open().vectors.add(np.asarray(ids, dtype=np.int64), vectors)

    def remove_vectors(self, ids: list[int]) -> None:
        """Remove deleted passages from the index."""
        self.open().vectors.remove(np.asarray(ids, dtype=np.int64))

    def save_vectors(self) -> None:
        """Keep the vectors added and removed (the FAISS file, written atomically)."""
        self.open().store.save()

    def reindex(self, *, re_embed: bool = False) -> SyncReport:
        """Rebuild the FAISS index from the database, re-running the model when asked (with
        pgvector only the latter has anything to do)."""
        if re_embed:
            self.store.forget()
            with self.sessions.begin() as session:
                session.query(Passage).update({Passage.embedding: None, Passage.sentence_vectors: None})
                session.query(Article).update({Article.centroid: None, Article.focus: None})
                session.query(Word).delete()
                session.merge(Meta(key=MODEL_KEY, value=self.model_name))
        report = self.open().store.rebuild()
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
            stored = np.fromiter(session.scalars(select(Passage.id)), dtype=np.int64)
            keyword_passages = indexed_passages(session)
        vectors, in_sync = self.store.held(stored)
        return Stats(sources=sources, articles=articles, passages=len(stored), vectors=vectors, in_sync=in_sync,
                     keyword_ranking=ranking(self.engine), keyword_passages=keyword_passages)
