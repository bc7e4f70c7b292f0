"""Keyword search over passages: SQLite FTS5 with BM25, or PostgreSQL full-text search."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, text
from sqlalchemy.orm import Session

from index.counts import PassageCounts
from index.models import UTCDateTime
from index.text import keywords

# A long question's rarest words carry nearly all of its BM25 score, while each common word
# makes the engine score a large share of the corpus. With the ten rarest (and the late join
# below) the news eval's answer p95 fell from 377 to 191 ms at the same recall; six cost recall.
MAX_TERMS = 10
# The engine scores every passage holding any searched word, so the work grows with the corpus:
# at a million passages of real text an answer took 619 ms p95. Words are added rarest first
# while the passages holding them add up to at most POSTINGS (the rarest always): on the news
# eval (70k passages) 40,000 left the keyword top ten of 99 of 102 questions and every answer
# figure unchanged; 20,000 moved figures by up to 0.02 on each half (one up, the other down),
# 10,000 cost recall@5 0.01 and answers in citations 0.02.
POSTINGS = 40_000
# With no lower date bound, rank in the full-text index alone and join only the best of them:
# joining every match first costs more than the ranking itself.
OVERFETCH = 4


def keyword_search(
    session: Session,
    query: str,
    *,
    k: int,
    counts: PassageCounts,
    since: datetime | None = None,
    until: datetime | None = None,
) -> list[int]:
    """Return up to k passage ids matching any content word of `query`, best first (equal
    scores by id: never by where rows happen to lie on disk), from articles published in
    [since, until) when those are given."""
    terms = keywords(query)
    if not terms:
        return []
    sqlite = session.get_bind().dialect.name == "sqlite"
    terms = _searched_terms(session, terms, sqlite=sqlite, counts=counts)
    if not terms:
        return []
    # An undated article counts as published when it was first seen ("today" finds it).
    date_filter = ""
    if since is not None:
        date_filter += " AND COALESCE(a.published_at, a.fetched_at) >= :since"
    if until is not None:
        date_filter += " AND COALESCE(a.published_at, a.fetched_at) < :until"
    if sqlite:
        # Quoting each term keeps FTS5 operators in user text from being interpreted. A word in
        # the title counts twice (tuned on the news eval: docs/quality.md).
        match = " OR ".join(f'"{t}"' for t in terms)
        ranked = "SELECT rowid AS id, bm25(passages_fts, 2.0, 1.0) AS score FROM passages_fts WHERE passages_fts MATCH :match"
        if since is None:
            # Most passages pass an upper bound alone, so the best few hundred hold the best k.
            sql = f"""
                SELECT f.id FROM ({ranked} ORDER BY score, rowid LIMIT {OVERFETCH} * :k) f
                JOIN passages p ON p.id = f.id JOIN articles a ON a.id = p.article_id
                WHERE 1 = 1 {date_filter} ORDER BY f.score, f.id LIMIT :k"""
        else:
            # A date range holds few passages: score only theirs, read through
            # ix_articles_published_or_seen (news eval: 26 ms -> 4 ms a question). The unary plus
            # keeps FTS5 from looking each of them up on its own (336 ms).
            sql = f"""
                {ranked} AND +rowid IN (
                    SELECT p.id FROM passages p JOIN articles a ON a.id = p.article_id WHERE 1 = 1 {date_filter})
                ORDER BY score, rowid LIMIT :k"""
    else:
        match = " | ".join(terms)
        sql = f"""
            SELECT p.id FROM passages p JOIN articles a ON a.id = p.article_id,
                 to_tsquery('english', :match) q
            WHERE p.tsv @@ q {date_filter}
            ORDER BY ts_rank_cd(p.tsv, q) DESC, p.id LIMIT :k"""
    statement = text(sql)
    values: dict = {"match": match, "k": k}
    for name, value in (("since", since), ("until", until)):
        if value is not None:
            # Typed so the value is stored-format on every backend (SQLite keeps text).
            statement = statement.bindparams(bindparam(name, type_=UTCDateTime()))
            values[name] = value
    return [row[0] for row in session.execute(statement, values)]


def _searched_terms(session: Session, terms: list[str], *, sqlite: bool, counts: PassageCounts) -> list[str]:
    """Return the words to search for: the rarest first, at most MAX_TERMS of them and as many
    as hold at most POSTINGS passages together. A word no passage holds (a typo, a name never
    reported) is not a rare word: it is left out."""
    held: dict[str, int] = {}
    for term in terms:
        if (count := counts.get(term)) is None:
            count = _document_count(session, term, sqlite=sqlite)
            counts.remember(term, count)
        held[term] = count
    kept: list[str] = []
    total = 0
    for term in sorted((t for t in terms if held[t]), key=held.__getitem__):
        if kept and (len(kept) == MAX_TERMS or total + held[term] > POSTINGS):
            break
        kept.append(term)
        total += held[term]
    return kept


def _document_count(session: Session, term: str, *, sqlite: bool) -> int:
    """Return how many passages contain `term` (reading its posting list, not scoring it)."""
    if sqlite:
        sql = "SELECT count(*) FROM passages_fts WHERE passages_fts MATCH :term"
        term = f'"{term}"'
    else:
        sql = "SELECT count(*) FROM passages WHERE tsv @@ to_tsquery('english', :term)"
    return session.execute(text(sql), {"term": term}).scalar_one()
