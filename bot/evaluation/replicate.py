"""A knowledge base of any size made of real text: an existing one's articles and passages copied
again and again with new ids, older dates and slightly moved vectors, so that benchmarks at a
million passages read real sentences, real stored vectors and real full-text statistics."""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import timedelta

import numpy as np
from sqlalchemy import func, insert, select

from index.knowledge import KnowledgeBase
from index.models import Article, Passage

CHUNK = 5_000
SHIFT = timedelta(days=30)  # each copy is dated a month before the one it copies
NOISE = 0.02  # per dimension, before normalising: copies stay near their original, never equal


def replicate(source: KnowledgeBase, target: KnowledgeBase, passages: int,
              progress: Callable[[int], None] | None = None) -> int:
    """Fill `target` (empty) with `passages` passages copied from `source`; return how many."""
    with source.sessions() as session:
        articles = [row._asdict() for row in session.execute(select(
            Article.id, Article.url, Article.title, Article.outlet, Article.author, Article.published_at,
            Article.language, Article.content_hash, Article.fetched_at, Article.centroid, Article.focus,
            Article.words))]
        top_article = session.scalar(select(func.max(Article.id))) or 0
        top_passage = session.scalar(select(func.max(Passage.id))) or 0
        available = session.scalar(select(func.count(Passage.id))) or 0
    if not available:
        raise ValueError("the source knowledge base has no passages: ingest articles into it first")
    rng = np.random.default_rng(0)
    written = 0
    for copy in range(math.ceil(passages / available)):
        with target.sessions.begin() as session:
            session.execute(insert(Article), [
                {**a, "id": a["id"] + copy * top_article, "url": a["url"] + (f"#copy{copy}" if copy else ""),
                 "published_at": a["published_at"] - copy * SHIFT if a["published_at"] else None}
                for a in articles])
        after = 0
        while written < passages:
            with source.sessions() as session:
                rows = session.execute(select(
                    Passage.id, Passage.article_id, Passage.ordinal, Passage.text, Passage.content_hash,
                    Passage.embedding, Passage.sentence_vectors,
                ).where(Passage.id > after).order_by(Passage.id).limit(min(CHUNK, passages - written))).all()
            if not rows:
                break
            after = rows[-1].id
            vectors = np.stack([np.frombuffer(r.embedding, dtype=np.float32) for r in rows])
            if copy:
                vectors = vectors + rng.normal(0, NOISE, vectors.shape).astype(np.float32)
                vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
            with target.sessions.begin() as session:
                session.execute(insert(Passage), [
                    {"id": r.id + copy * top_passage, "article_id": r.article_id + copy * top_article,
                     "ordinal": r.ordinal, "text": r.text, "content_hash": r.content_hash,
                     "embedding": vector.tobytes(), "sentence_vectors": r.sentence_vectors}
                    for r, vector in zip(rows, vectors, strict=True)])
            written += len(rows)
            if progress is not None:
                progress(len(rows))
        if written >= passages:
            break
    return written
