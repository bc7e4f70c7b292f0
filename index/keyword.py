"""Keyword search over passages, ranked by BM25: SQLite's FTS5, or on PostgreSQL the same formula
over the postings migration 0015 keeps (passage_terms)."""

from __future__ import annotations

import math
from datetime import datetime

from sqlalchemy import Engine, bindparam, text
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
# BM25's constants, FTS5's (term-frequency saturation and length normalisation).
K1, B = 1.2, 0.75
# Rows of keyword_totals (one per writing statement) a reader sums before folding them into one.
TOTALS_ROWS = 1_000
# On PostgreSQL the words' passage counts are read from passage_term_counts (migration 0017),
# counted again after ingest once the passages stored have changed by this share since: a stale
# count weighs a word by about as many passages as were added since (SQLite's FTS5 counts as it
# stores). Counting takes 11 s at a million passages, once every 10,000 new ones there.
RECOUNT_SHARE = 0.01
# pg_try_advisory_xact_lock's key for counting: one worker at a time does it, the others go on.
RECOUNT_LOCK = 0x1EDE_0017


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
    held = _searched_terms(session, terms, sqlite=sqlite, counts=counts)
    if not held:
        return []
    if sqlite:
        sql, values = _fts5_query(held, since=since, until=until)
    else:
        sql, values = _postgres_query(session, held, counts, since=since, until=until)
    statement = text(sql)
    values["k"] = k
    for name, value in (("since", since), ("until", until)):
        if value is not None:
            # Typed so the value is stored-format on every backend (SQLite keeps text).
            statement = statement.bindparams(bindparam(name, type_=UTCDateTime()))
            values[name] = value
    return [row[0] for row in session.execute(statement, values)]


def _fts5_query(held: dict[str, int], *, since: datetime | None, until: datetime | None) -> tuple[str, dict]:
    """Return SQLite's query: FTS5's own BM25, the passages' dates read from their articles."""
    # An undated article counts as published when it was first seen ("today" finds it).
    date_filter = ""
    if since is not None:
        date_filter += " AND COALESCE(a.published_at, a.fetched_at) >= :since"
    if until is not None:
        date_filter += " AND COALESCE(a.published_at, a.fetched_at) < :until"
    # Quoting each term keeps FTS5 operators in user text from being interpreted. A word in the
    # title counts twice (tuned on the news eval: docs/quality.md).
    ranked = """SELECT rowid AS id, bm25(passages_fts, 2.0, 1.0) AS score FROM passages_fts
                WHERE passages_fts MATCH :match"""
    values = {"match": " OR ".join(f'"{t}"' for t in held)}
    if since is None:
        # Most passages pass an upper bound alone, so the best few hundred hold the best k.
        return f"""
            SELECT f.id FROM ({ranked} ORDER BY score, rowid LIMIT {OVERFETCH} * :k) f
            JOIN passages p ON p.id = f.id JOIN articles a ON a.id = p.article_id
            WHERE 1 = 1 {date_filter} ORDER BY f.score, f.id LIMIT :k""", values
    # A date range holds few passages: score only theirs, read through
    # ix_articles_published_or_seen (news eval: 26 ms -> 4 ms a question). The unary plus keeps
    # FTS5 from looking each of them up on its own (336 ms).
    return f"""
        {ranked} AND +rowid IN (
            SELECT p.id FROM passages p JOIN articles a ON a.id = p.article_id WHERE 1 = 1 {date_filter})
        ORDER BY score, rowid LIMIT :k""", values


def ranking(engine: Engine) -> str:
    """Name how keyword search ranks on this database, for `lede stats`."""
    if engine.dialect.name == "sqlite":
        return "BM25 (SQLite FTS5, porter stemmer)"
    return "BM25 (PostgreSQL passage_terms, 'english' configuration)"


def indexed_passages(session: Session) -> int:
    """Return how many passages keyword search holds: the passages stored, unless it fell behind."""
    if session.get_bind().dialect.name == "sqlite":
        return session.execute(text("SELECT count(*) FROM passages_fts_docsize")).scalar_one()
    return int(session.execute(text("SELECT coalesce(sum(passages), 0) FROM keyword_totals")).scalar_one())


def _postgres_query(session: Session, held: dict[str, int], counts: PassageCounts, *,
                    since: datetime | None, until: datetime | None) -> tuple[str, dict]:
    """Return PostgreSQL's query: FTS5's BM25 formula and constants over the postings migration
    0015 keeps, which carry their article's date, so a date range is one more condition on the
    same index scan (joining passages and articles for it cost up to 200 ms at 200k passages)."""
    passages, words = _totals(session, counts)
    # FTS5's inverse document frequency: a word in over half the passages still counts a little.
    # (A word's count, as last counted, may exceed the passages left after a prune.)
    idfs = [max(1e-6, math.log((passages - min(n, passages) + 0.5) / (n + 0.5))) * (K1 + 1) for n in held.values()]
    # A question's word is stemmed as the stored text was: PostgreSQL's 'english' configuration
    # (Russian and Ukrainian words too: they are kept whole, as SQLite's porter tokenizer keeps them).
    asked = """SELECT array_agg(l.lexeme) AS terms, array_agg(w.idf) AS idfs
               FROM unnest(CAST(:words AS text[]), CAST(:idfs AS float8[])) AS w(word, idf),
                    unnest(to_tsvector('english', w.word)) AS l"""
    # idf * f * (k1 + 1) / (f + k1 * (1 - b + b * length / average)), its constants bound as
    # floats (PostgreSQL reads a literal as numeric: its arithmetic doubled the query's time).
    # One index scan over the words' postings (`= ANY`): joining word by word cost a third more.
    score = "sum(q.idfs[array_position(q.terms, t.term)] * t.frequency / (t.frequency + :base + :per_word * t.length))"
    dates = (" AND t.published >= :since" if since is not None else "") + (" AND t.published < :until" if until is not None else "")
    sql = f"""WITH q AS MATERIALIZED ({asked})
              SELECT t.passage_id FROM q, passage_terms t WHERE t.term = ANY(q.terms) {dates}
              GROUP BY t.passage_id ORDER BY {score} DESC, t.passage_id LIMIT :k"""
    return sql, {"words": list(held), "idfs": idfs, "base": K1 * (1 - B),
                 "per_word": K1 * B / max(1.0, words / max(1, passages))}


def _totals(session: Session, counts: PassageCounts) -> tuple[int, int]:
    """Return how many passages are stored and how many words they hold, as last read. Each
    writing statement adds a row to keyword_totals; past TOTALS_ROWS they are folded into one
    (two readers folding at once leave the same sums: each deletes only rows it saw)."""
    if (totals := counts.totals()) is not None:
        return totals
    passages, words, rows = session.execute(text(
        "SELECT coalesce(sum(passages), 0), coalesce(sum(words), 0), count(*) FROM keyword_totals")).one()
    if rows > TOTALS_ROWS:
        with session.get_bind().engine.begin() as connection:  # its own transaction, whatever the caller's
            connection.execute(text("WITH folded AS (DELETE FROM keyword_totals RETURNING passages, words) "
                                    "INSERT INTO keyword_totals SELECT sum(passages), sum(words) FROM folded"))
    counts.remember_totals(int(passages), int(words))
    return int(passages), int(words)


def _searched_terms(session: Session, terms: list[str], *, sqlite: bool, counts: PassageCounts) -> dict[str, int]:
    """Return the words to search for, each with how many passages hold it: the rarest first, at
    most MAX_TERMS of them and as many as hold at most POSTINGS passages together. A word no
    passage holds (a typo, a name never reported) is not a rare word: it is left out."""
    held: dict[str, int] = {}
    if not sqlite:
        for term, stored in _counted_terms(session, [t for t in terms if counts.get(t) is None]).items():
            counts.remember(term, stored)
    for term in terms:
        if (count := counts.get(term)) is None:
            count = _document_count(session, term, sqlite=sqlite)
            counts.remember(term, count)
        held[term] = count
    if held and min(held.values()) > POSTINGS:  # only common words: which is rarest needs their counts
        for term in (t for t, n in held.items() if n == POSTINGS + 1):
            held[term] = _document_count(session, term, sqlite=sqlite, exact=True)
            counts.remember(term, held[term])
    kept: dict[str, int] = {}
    for term in sorted((t for t in terms if held[t]), key=held.__getitem__):
        if kept and (len(kept) == MAX_TERMS or sum(kept.values()) + held[term] > POSTINGS):
            break
        kept[term] = held[term]
    return kept


def _counted_terms(session: Session, terms: list[str]) -> dict[str, int]:
    """Return how many passages hold each of `terms` as last counted on PostgreSQL (passage_term_counts),
    for the words counted then that stem to one word (the others are counted when asked)."""
    if not terms:
        return {}
    rows = session.execute(text("""
        SELECT w.word, min(c.passages) FROM unnest(CAST(:words AS text[])) AS w(word),
             unnest(to_tsvector('english', w.word)) AS l LEFT JOIN passage_term_counts c ON c.term = l.lexeme
        GROUP BY w.word HAVING count(*) = 1 AND min(c.passages) IS NOT NULL"""), {"words": terms})
    return {word: count for word, count in rows}


def refresh_term_counts(engine: Engine, *, share: float | None = None) -> bool:
    """On PostgreSQL, count again how many passages hold each word when the passages stored have
    changed by `share` since they were last counted (never counted: when there are any); return
    True when it did. One worker at a time counts; readers see the old counts until it commits."""
    if engine.dialect.name != "postgresql":
        return False
    share = RECOUNT_SHARE if share is None else share
    with engine.begin() as connection:
        if not connection.execute(text("SELECT pg_try_advisory_xact_lock(:key)"), {"key": RECOUNT_LOCK}).scalar_one():
            return False  # another worker is counting them now
        passages = connection.execute(text("SELECT coalesce(sum(passages), 0) FROM keyword_totals")).scalar_one()
        counted = connection.execute(text("SELECT max(passages) FROM passage_term_counts_taken")).scalar_one()
        if (counted is None and not passages) or (counted is not None and abs(passages - counted) <= share * counted):
            return False
        connection.execute(text("DELETE FROM passage_term_counts"))
        connection.execute(text("INSERT INTO passage_term_counts "
                                "SELECT term, count(*) FROM passage_terms GROUP BY term"))
        connection.execute(text("DELETE FROM passage_term_counts_taken"))
        connection.execute(text("INSERT INTO passage_term_counts_taken VALUES (:passages)"), {"passages": passages})
    return True


def _document_count(session: Session, term: str, *, sqlite: bool, exact: bool = False) -> int:
    """Return how many passages contain `term` (reading its posting list, not scoring it); unless
    `exact`, POSTINGS + 1 for a word in more. Counting every passage of a common word took 20 ms
    at 200k, and such a word is searched only alone (no other fits the budget beside it), where
    how much it weighs changes no order."""
    if sqlite:
        held = "SELECT rowid FROM passages_fts WHERE passages_fts MATCH :term"
        term = f'"{term}"'
    else:
        held = "SELECT 1 FROM passage_terms WHERE term IN (SELECT lexeme FROM unnest(to_tsvector('english', :term)))"
    limit = "" if exact else f"LIMIT {POSTINGS + 1}"
    return session.execute(text(f"SELECT count(*) FROM ({held} {limit}) held"), {"term": term}).scalar_one()
