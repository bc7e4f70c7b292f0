"""Retention: `lede prune --older-than 90d` deletes the articles published (or, undated, first
seen) before the cut-off with their passages and vectors; the FAISS index is kept in step. (The
bot's answers of before it go too: bot/state/answers.py.)"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, func, select

from index.keyword import refresh_term_counts
from index.knowledge import KnowledgeBase
from index.models import Article, Passage


@dataclass(frozen=True)
class Pruned:
    articles: int
    passages: int


def prune(kb: KnowledgeBase, older_than: timedelta, *, now: datetime | None = None, dry_run: bool = False) -> Pruned:
    """Delete what is older than `older_than`; return how much went (with `dry_run`, how much
    would go, deleting nothing)."""
    cutoff = (now or datetime.now(UTC)) - older_than
    old = select(Article.id).where(func.coalesce(Article.published_at, Article.fetched_at) < cutoff)
    if dry_run:
        with kb.sessions() as session:
            return Pruned(session.scalar(select(func.count()).select_from(old.subquery())) or 0,
                          session.scalar(select(func.count(Passage.id)).where(Passage.article_id.in_(old))) or 0)
    with kb.sessions.begin() as session:
        article_ids = list(session.scalars(old))
        passage_ids = list(session.scalars(select(Passage.id).where(Passage.article_id.in_(article_ids))))
        # Passages go with their articles (ON DELETE CASCADE), and the full-text index with them.
        session.execute(delete(Article).where(Article.id.in_(article_ids)))
    if passage_ids:
        kb.remove_vectors(passage_ids)
        kb.save_vectors()
        refresh_term_counts(kb.engine)  # PostgreSQL: pruned passages hold words no more
    return Pruned(len(article_ids), len(passage_ids))
