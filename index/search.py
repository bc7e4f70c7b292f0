"""Hybrid retrieval: dense (FAISS) and keyword results fused by reciprocal rank."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TypeVar

import numpy as np
from sqlalchemy import func, select

from index.keyword import keyword_search
from index.knowledge import KnowledgeBase
from index.models import Article, Passage
from index.precomputed import centroid_and_focus, unpack

RRF_K = 60  # the constant from Cormack et al.; damps the weight of top ranks
# Tuned on the news eval (docs/quality.md): keyword matches weigh 1.5 times the dense
# ones; news goes stale, so a passage keeps its score for RECENT_DAYS before the moment asked
# about and loses half of it every STALE_HALF_LIFE days beyond, down to STALE_FLOOR: an old
# article that alone answers the question must still be found.
KEYWORD_WEIGHT = 1.5
RECENT_DAYS = 7.0
STALE_HALF_LIFE = 5.0
STALE_FLOOR = 0.5
# A roundup ("5 things to know for June 16") may hold the answer in a line, but the story devoted
# to it is the better citation: a roundup's passages keep ROUNDUP_WEIGHT of their score, rising
# to all of it over FOCUS_SPAN above the embedder's roundup_focus. On the news eval this took
# recall@1 from 0.627 to 0.647 (answers in citations 0.775 to 0.765: roundups do quote answers).
ROUNDUP_WEIGHT = 0.5
FOCUS_SPAN = 0.1

T = TypeVar("T")


@dataclass(frozen=True)
class Hit:
    """One retrieved passage with what a citation needs."""

    passage_id: int
    article_id: int
    text: str
    content_hash: str
    title: str
    url: str
    outlet: str | None
    published_at: datetime | None
    fetched_at: datetime
    score: float  # fused score: higher is better
    similarity: float  # cosine between the question and the passage
    # The article's centroid (its passages' mean vector, normalised): which story it tells.
    article_vector: np.ndarray | None = field(default=None, compare=False, repr=False)
    # How much the article tells one story (index/precomputed.py): low for a roundup.
    article_focus: float | None = field(default=None, compare=False, repr=False)


def search(
    kb: KnowledgeBase,
    query: str,
    *,
    k: int = 10,
    candidates: int = 50,
    since: datetime | None = None,
    until: datetime | None = None,
    as_of: datetime | None = None,
    exclude_articles: frozenset[int] = frozenset(),
    query_vector: np.ndarray | None = None,
) -> list[Hit]:
    """Return up to k passages for `query`, best first, one per distinct passage text.

    Only articles published in [since, until) count when those are given; with `as_of`, newer
    articles (up to that moment) are preferred. `exclude_articles` are left out entirely.
    """
    store = kb.open().store
    query_vector = kb.embedder.embed_query(query) if query_vector is None else query_vector
    if since is not None:
        # A narrow range: search only inside it, or its passages may all fall below the top.
        dense = store.search_dated(query_vector, candidates, since=since, until=until, exclude=exclude_articles)
    else:
        # Only an upper bound ("as of") or a few articles left out: most passages qualify, so
        # listing them all costs more than searching wider and dropping the others below.
        wider = until is not None or bool(exclude_articles)
        dense = store.vectors.search(query_vector, candidates * (4 if wider else 1))
    with kb.sessions() as session:
        lexical = keyword_search(session, query, k=candidates, since=since, until=until, counts=kb.passage_counts)
    fused: dict[int, float] = {}
    for weight, ranking in ((1.0, [pid for pid, _ in dense]), (KEYWORD_WEIGHT, lexical)):
        for rank, passage_id in enumerate(ranking):
            fused[passage_id] = fused.get(passage_id, 0.0) + weight / (RRF_K + rank + 1)
    ranked = _ranked(kb, fused, exclude_articles, until, as_of)[:k]
    hits = _load_hits(kb, [passage_id for passage_id, _ in ranked], query_vector, dict(ranked))
    hits.sort(key=lambda hit: hit.score, reverse=True)
    return hits


def _ranked(kb: KnowledgeBase, fused: dict[int, float], exclude_articles: frozenset[int],
            until: datetime | None, as_of: datetime | None) -> list[tuple[int, float]]:
    """Return the `fused` passages as (id, score), best first, one per distinct text (a
    syndicated copy of a story is cited once): each score lowered for age and for a roundup
    (_adjusted); passages of articles left out or published from `until` on are dropped. Only
    what ranks is read here: the texts and vectors of the few passages kept are read after."""
    with kb.sessions() as session:
        rows = session.execute(
            select(Passage.id, Passage.article_id, Passage.content_hash, Article.published_at, Article.fetched_at,
                   Article.focus)
            .join(Article, Passage.article_id == Article.id).where(Passage.id.in_(list(fused)))
        ).all()
    # An article stored before its focus was (until `lede backfill`) has it computed now.
    computed = article_centroids(kb, {row.article_id for row in rows if row.focus is None})
    scored = []
    for row in rows:
        published = row.published_at or row.fetched_at
        if row.article_id in exclude_articles or (until is not None and published >= until):
            continue
        focus = row.focus if row.focus is not None else computed.get(row.article_id, (None, None))[1]
        scored.append((_adjusted(fused[row.id], published, focus, as_of, kb.embedder.roundup_focus), row.id,
                       row.content_hash))
    scored.sort(key=lambda entry: entry[0], reverse=True)
    return [(passage_id, score) for score, passage_id, _ in _distinct(scored, lambda entry: entry[2])]


def search_within(
    kb: KnowledgeBase, query: str, article_ids: frozenset[int], *, until: datetime | None = None,
    query_vector: np.ndarray | None = None,
) -> list[Hit]:
    """Return the passages of `article_ids` (published before `until`, when given), nearest
    `query` in meaning first: a story's own passages, scored exactly (a story is a few articles)."""
    if not article_ids:
        return []
    query_vector = kb.embedder.embed_query(query) if query_vector is None else query_vector
    statement = select(Passage.id).join(Article).where(Passage.article_id.in_(article_ids))
    if until is not None:
        statement = statement.where(func.coalesce(Article.published_at, Article.fetched_at) < until)
    with kb.sessions() as session:
        ids = list(session.scalars(statement))
    hits = _load_hits(kb, ids, query_vector)
    hits.sort(key=lambda hit: hit.score, reverse=True)
    return _distinct(hits, lambda hit: hit.content_hash)


def _adjusted(score: float, published: datetime, focus: float | None, as_of: datetime | None,
              roundup_focus: float | None) -> float:
    """Return `score` lowered for age (news goes stale) and for a roundup (a `focus` below the
    embedder's `roundup_focus`)."""
    if as_of is not None:
        age_days = max(0.0, (as_of - published).total_seconds() / 86400)
        score = score * max(STALE_FLOOR, 0.5 ** (max(0.0, age_days - RECENT_DAYS) / STALE_HALF_LIFE))
    if focus is not None and roundup_focus is not None:
        score = score * min(1.0, max(ROUNDUP_WEIGHT, (focus - roundup_focus) / FOCUS_SPAN))
    return score


def article_centroids(kb: KnowledgeBase, article_ids: set[int]) -> dict[int, tuple[np.ndarray, float]]:
    """Return each article's centroid and focus (index/precomputed.py) as stored at ingest; an
    article stored before they were (until `lede backfill`) has them computed from its passages."""
    centroids: dict[int, tuple[np.ndarray, float]] = {}
    if not article_ids:
        return centroids
    with kb.sessions() as session:
        rows = session.execute(select(Article.id, Article.centroid, Article.focus).where(Article.id.in_(article_ids)))
        for article_id, centroid, focus in rows:
            if centroid is not None and focus is not None:
                centroids[article_id] = (unpack(centroid, kb.embedder.dim)[0], focus)
        missing = article_ids - set(centroids)
        if not missing:
            return centroids
        vectors: dict[int, list[np.ndarray]] = {}
        passages = session.execute(
            select(Passage.article_id, Passage.embedding).where(Passage.article_id.in_(missing)))
        for article_id, embedding in passages:
            if embedding:
                vectors.setdefault(article_id, []).append(np.frombuffer(embedding, dtype=np.float32))
    for article_id, passage_vectors in vectors.items():
        centroids[article_id] = centroid_and_focus(np.stack(passage_vectors))
    return centroids


def _distinct(items: list[T], content_hash: Callable[[T], str]) -> list[T]:
    """Keep the first of items with the same passage text (syndicated copies of one story)."""
    seen: set[str] = set()
    kept = []
    for item in items:
        if (key := content_hash(item)) not in seen:
            seen.add(key)
            kept.append(item)
    return kept


def _load_hits(kb: KnowledgeBase, ids: list[int], query_vector: np.ndarray,
               scores: dict[int, float] | None = None) -> list[Hit]:
    """Return the passages `ids` with their articles and centroids (a passage deleted meanwhile is
    skipped), each scored by `scores` (by its similarity to the query when not given)."""
    # Columns, not ORM objects: the objects cost more than the query.
    with kb.sessions() as session:
        rows = session.execute(
            select(Passage.id, Passage.article_id, Passage.text, Passage.content_hash, Passage.embedding,
                   Article.title, Article.url, Article.outlet, Article.published_at, Article.fetched_at)
            .join(Article, Passage.article_id == Article.id).where(Passage.id.in_(ids))
        ).all()
    centroids = article_centroids(kb, {row.article_id for row in rows})
    hits = []
    for row in rows:
        vector = np.frombuffer(row.embedding, dtype=np.float32) if row.embedding else None
        similarity = float(vector @ query_vector) if vector is not None else 0.0
        hits.append(
            Hit(
                passage_id=row.id,
                article_id=row.article_id,
                text=row.text,
                content_hash=row.content_hash,
                title=row.title,
                url=row.url,
                outlet=row.outlet,
                published_at=row.published_at,
                fetched_at=row.fetched_at,
                score=scores[row.id] if scores is not None else similarity,
                similarity=similarity,
                article_vector=centroids.get(row.article_id, (None, None))[0],
                article_focus=centroids.get(row.article_id, (None, None))[1],
            )
        )
    return hits
