"""Hybrid retrieval: dense (FAISS) and keyword results fused by reciprocal rank."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import numpy as np
from sqlalchemy import select

from index.keyword import keyword_search
from index.knowledge import KnowledgeBase
from index.models import Article, Passage

RRF_K = 60  # the constant from Cormack et al.; damps the weight of top ranks


@dataclass(frozen=True)
class Hit:
    """One retrieved passage with what a citation needs."""

    passage_id: int
    article_id: int
    text: str
    title: str
    url: str
    outlet: str | None
    published_at: datetime | None
    fetched_at: datetime
    score: float  # fused score: higher is better
    similarity: float  # cosine between the question and the passage


def search(
    kb: KnowledgeBase,
    query: str,
    *,
    k: int = 10,
    candidates: int = 50,
    since: datetime | None = None,
    until: datetime | None = None,
) -> list[Hit]:
    """Return up to k passages for `query`, best first, one per distinct passage text."""
    query_vector = kb.embedder.embed_query(query)
    only = _passages_between(kb, since, until) if since or until else None
    dense = kb.vectors.search(query_vector, candidates, only=only)
    with kb.sessions() as session:
        lexical = keyword_search(session, query, k=candidates, since=since, until=until)
    fused: dict[int, float] = {}
    for ranking in ([pid for pid, _ in dense], lexical):
        for rank, passage_id in enumerate(ranking):
            fused[passage_id] = fused.get(passage_id, 0.0) + 1.0 / (RRF_K + rank + 1)
    ordered = sorted(fused, key=fused.__getitem__, reverse=True)
    return _load_hits(kb, ordered, fused, query_vector, k)


def _passages_between(kb: KnowledgeBase, since: datetime | None, until: datetime | None) -> np.ndarray:
    statement = select(Passage.id).join(Article)
    if since is not None:
        statement = statement.where(Article.published_at >= since)
    if until is not None:
        statement = statement.where(Article.published_at < until)
    with kb.sessions() as session:
        return np.fromiter(session.scalars(statement), dtype=np.int64)


def _load_hits(
    kb: KnowledgeBase, ordered: list[int], fused: dict[int, float], query_vector: np.ndarray, k: int
) -> list[Hit]:
    with kb.sessions() as session:
        rows = session.execute(
            select(Passage, Article).join(Article).where(Passage.id.in_(ordered))
        ).all()
    by_id = {passage.id: (passage, article) for passage, article in rows}
    hits: list[Hit] = []
    seen_texts: set[str] = set()
    for passage_id in ordered:
        if passage_id not in by_id:  # deleted since the index was read
            continue
        passage, article = by_id[passage_id]
        if passage.content_hash in seen_texts:  # a syndicated copy of a passage already listed
            continue
        seen_texts.add(passage.content_hash)
        vector = np.frombuffer(passage.embedding, dtype=np.float32) if passage.embedding else None
        hits.append(
            Hit(
                passage_id=passage.id,
                article_id=article.id,
                text=passage.text,
                title=article.title,
                url=article.url,
                outlet=article.outlet,
                published_at=article.published_at,
                fetched_at=article.fetched_at,
                score=fused[passage_id],
                similarity=float(vector @ query_vector) if vector is not None else 0.0,
            )
        )
        if len(hits) == k:
            break
    return hits
