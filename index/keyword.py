"""Keyword search over passages: SQLite FTS5 with BM25, or PostgreSQL full-text search."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, text
from sqlalchemy.orm import Session

from index.models import UTCDateTime
from index.text import keywords


def keyword_search(
    session: Session,
    query: str,
    *,
    k: int,
    since: datetime | None = None,
    until: datetime | None = None,
) -> list[int]:
    """Return up to k passage ids matching any content word of `query`, best first, from
    articles published in [since, until) when those are given."""
    terms = keywords(query)
    if not terms:
        return []
    date_filter = ""
    if since is not None:
        date_filter += " AND a.published_at >= :since"
    if until is not None:
        date_filter += " AND a.published_at < :until"
    if session.get_bind().dialect.name == "sqlite":
        # Quoting each term keeps FTS5 operators in user text from being interpreted. A word in
        # the title counts twice (tuned on the news eval: README, "Answer quality").
        match = " OR ".join(f'"{t}"' for t in terms)
        sql = f"""
            SELECT f.rowid FROM passages_fts f
            JOIN passages p ON p.id = f.rowid JOIN articles a ON a.id = p.article_id
            WHERE passages_fts MATCH :match {date_filter}
            ORDER BY bm25(passages_fts, 2.0, 1.0) LIMIT :k"""
    else:
        match = " | ".join(terms)
        sql = f"""
            SELECT p.id FROM passages p JOIN articles a ON a.id = p.article_id,
                 to_tsquery('english', :match) q
            WHERE p.tsv @@ q {date_filter}
            ORDER BY ts_rank_cd(p.tsv, q) DESC LIMIT :k"""
    statement = text(sql)
    values: dict = {"match": match, "k": k}
    for name, value in (("since", since), ("until", until)):
        if value is not None:
            # Typed so the value is stored-format on every backend (SQLite keeps text).
            statement = statement.bindparams(bindparam(name, type_=UTCDateTime()))
            values[name] = value
    return [row[0] for row in session.execute(statement, values)]
