"""The vectors of the articles' words, stored at ingest (table `words`): a question in another
language is matched to the articles' words ("коалицию" -> "coalition") by lookup, not by the
model."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

import numpy as np
from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session
from sqlalchemy.sql import Executable

from index.models import Word
from index.precomputed import pack, unpack

if TYPE_CHECKING:
    from index.knowledge import KnowledgeBase

CHUNK = 500  # words per query: within every database's parameter limit
SHARED_BY = 2  # articles that must hold a word before its vector is stored


def add_words(session: Session, words: Iterable[str]) -> None:
    """Add a row, without a vector yet, for each of `words` not stored, in the caller's
    transaction (another worker adding the same word at once is not an error)."""
    wanted = sorted(set(words))
    if not wanted:
        return
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        statement: Executable = pg_insert(Word).on_conflict_do_nothing()
    else:
        statement = insert(Word).prefix_with("OR IGNORE")
    for start in range(0, len(wanted), CHUNK):
        session.execute(statement, [{"text": w, "vector": None, "articles": 0} for w in wanted[start : start + CHUNK]])


def embed_shared_words(kb: KnowledgeBase, words: Iterable[str]) -> int:
    """Embed and store the vectors of those of `words` that at least SHARED_BY articles hold and
    that have none yet; return how many. A word of one article only (a name, a typo, a page of
    made-up words) costs neither the model's time nor disk at ingest: a question that needs it
    has it embedded then (`word_vectors`)."""
    wanted = sorted(set(words))
    todo: list[str] = []
    with kb.sessions() as session:
        for start in range(0, len(wanted), CHUNK):
            todo += session.scalars(select(Word.text).where(
                Word.text.in_(wanted[start : start + CHUNK]), Word.vector.is_(None), Word.articles >= SHARED_BY))
    if not todo:
        return 0
    vectors = kb.embedder.embed_passages(todo)
    with kb.sessions.begin() as session:
        for start in range(0, len(todo), CHUNK):
            session.execute(update(Word),  # by primary key, many rows at once
                            [{"text": w, "vector": pack(v[None, :])} for w, v in
                             zip(todo[start : start + CHUNK], vectors[start : start + CHUNK], strict=True)])
    return len(todo)


def word_vectors(kb: KnowledgeBase, words: list[str]) -> np.ndarray:
    """Return one row per word of `words`: stored ones read, others (stored before words were,
    until `lede backfill`) embedded now."""
    found: dict[str, np.ndarray] = {}
    with kb.sessions() as session:
        for start in range(0, len(words), CHUNK):
            rows = session.execute(select(Word.text, Word.vector).where(Word.text.in_(words[start : start + CHUNK])))
            found.update((text, unpack(blob, kb.embedder.dim)[0]) for text, blob in rows if blob is not None)
    missing = [w for w in words if w not in found]
    if missing:
        found.update(zip(missing, kb.embedder.embed_words(missing), strict=True))
    if not words:
        return np.zeros((0, kb.embedder.dim), dtype=np.float32)
    return np.stack([found[w] for w in words])
