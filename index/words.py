"""The vectors of the articles' words, stored at ingest (table `words`): a question in another
language is matched to the articles' words ("коалицию" -> "coalition") by lookup, not by the
model."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

import numpy as np
from sqlalchemy import insert, select

from index.models import Word
from index.precomputed import pack, unpack

if TYPE_CHECKING:
    from index.knowledge import KnowledgeBase

CHUNK = 500  # words per query: within every database's parameter limit


def store_words(kb: KnowledgeBase, words: Iterable[str]) -> int:
    """Embed and store those of `words` not stored yet; return how many were new. Two workers
    storing the same word at once both succeed: the second insert is ignored."""
    wanted = sorted(set(words))
    new: list[str] = []
    with kb.sessions() as session:
        for start in range(0, len(wanted), CHUNK):
            part = wanted[start : start + CHUNK]
            known = set(session.scalars(select(Word.text).where(Word.text.in_(part))))
            new += [w for w in part if w not in known]
    if not new:
        return 0
    vectors = kb.embedder.embed_passages(new)
    with kb.sessions.begin() as session:
        statement = insert(Word)
        if session.get_bind().dialect.name == "postgresql":
            from sqlalchemy.dialects.postgresql import insert as pg_insert

            statement = pg_insert(Word).on_conflict_do_nothing()
        else:
            statement = statement.prefix_with("OR IGNORE")
        for start in range(0, len(new), CHUNK):
            session.execute(statement, [{"text": w, "vector": pack(v[None, :])}
                                        for w, v in zip(new[start : start + CHUNK], vectors[start : start + CHUNK],
                                                        strict=True)])
    return len(new)


def word_vectors(kb: KnowledgeBase, words: list[str]) -> np.ndarray:
    """Return one row per word of `words`: stored ones read, others (stored before words were,
    until `lede backfill`) embedded now."""
    found: dict[str, np.ndarray] = {}
    with kb.sessions() as session:
        for start in range(0, len(words), CHUNK):
            rows = session.execute(select(Word.text, Word.vector).where(Word.text.in_(words[start : start + CHUNK])))
            found.update((text, unpack(blob, kb.embedder.dim)[0]) for text, blob in rows)
    missing = [w for w in words if w not in found]
    if missing:
        found.update(zip(missing, kb.embedder.embed_words(missing), strict=True))
    if not words:
        return np.zeros((0, kb.embedder.dim), dtype=np.float32)
    return np.stack([found[w] for w in words])
