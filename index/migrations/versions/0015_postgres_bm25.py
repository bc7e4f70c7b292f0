"""Keyword search on PostgreSQL ranks by BM25, as SQLite's FTS5 does (index/keyword.py).

`passage_terms` is the inverted index BM25 reads: one row per word of a passage (PostgreSQL's
'english' stem, as `to_tsvector` gives it, of the passage and its article's headline), with how
often the passage uses it (a headline's word counts twice, as SQLite's bm25(2.0, 1.0) weighs the
title column), how many words the passage holds and when its article counts as published. Its
primary key holds all of that, so a search (date-bounded or not) reads only the postings of the
words asked, in order, never a passage or article row. `keyword_totals` holds how many passages
and words there are, as rows added by each writing statement (no two writers update one row); a
reader sums them and folds them into one now and then.

Triggers keep both in step with every writer, as SQLite's keep its FTS table: a passage added,
changed or deleted, an article's new headline or date, an article deleted (before its passages
go, while its headline is still there to say which postings were its). The `tsv` column and its
GIN index go (nothing searches them); no passage row is rewritten. The upgrade writes the stored
passages' postings with a progress bar on a terminal: 70k passages took 40 s and 307 MB.
SQLite: nothing changes.

Revision ID: 0015
Revises: 0014
"""

from alembic import op
from sqlalchemy import text
from tqdm import tqdm

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

CHUNK = 10_000  # passages whose postings are written per statement during the upgrade

FUNCTIONS = r"""
CREATE FUNCTION passage_tsv(title text, body text) RETURNS tsvector LANGUAGE sql IMMUTABLE AS $$
    SELECT setweight(to_tsvector('english', coalesce(title, '')), 'A') || to_tsvector('english', body)
$$;

-- How many words a passage and its headline hold, counted as SQLite's tokenizer counts them (stop
-- words too): BM25's document length. Counting the stemmed words instead kept the same first
-- keyword result as SQLite for 0.81 of the dev questions; this, for 0.93.
CREATE FUNCTION passage_length(title text, body text) RETURNS smallint LANGUAGE sql IMMUTABLE AS $$
    SELECT least(32767, count(*))::smallint FROM regexp_matches(coalesce(title, '') || ' ' || body, '\w+', 'g')
$$;

-- Postings are added and removed with the totals they change.
CREATE FUNCTION add_postings(passage_ids integer[]) RETURNS void LANGUAGE sql AS $$
    WITH counted AS MATERIALIZED (  -- each passage read once, not once per word
        SELECT p.id, passage_tsv(a.title, p.text) AS tsv, passage_length(a.title, p.text) AS length,
               coalesce(a.published_at, a.fetched_at) AS published
        FROM passages p JOIN articles a ON a.id = p.article_id WHERE p.id = ANY(passage_ids)
    ), added AS (
        INSERT INTO passage_terms (term, passage_id, frequency, length, published)
        SELECT u.lexeme, c.id,
               least(32767, cardinality(u.positions) + cardinality(array_positions(u.weights, 'A')))::smallint,
               c.length, c.published
        FROM counted c, unnest(c.tsv) u
        RETURNING passage_id, length)
    INSERT INTO keyword_totals (passages, words)
    SELECT count(*), coalesce(sum(length), 0) FROM (SELECT DISTINCT passage_id, length FROM added) d
    HAVING count(*) > 0
$$;

-- The postings of passages as they were written: their text and their article's headline then.
CREATE FUNCTION remove_postings(passage_ids integer[], texts text[], titles text[]) RETURNS void LANGUAGE sql AS $$
    WITH removed AS (
        DELETE FROM passage_terms t USING unnest(passage_ids, texts, titles) AS r(id, body, title),
                                          unnest(passage_tsv(r.title, r.body)) u
        WHERE t.term = u.lexeme AND t.passage_id = r.id
        RETURNING t.passage_id, t.length)
    INSERT INTO keyword_totals (passages, words)
    SELECT -count(*), -coalesce(sum(length), 0) FROM (SELECT DISTINCT passage_id, length FROM removed) d
    HAVING count(*) > 0
$$;

CREATE FUNCTION passages_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM add_postings(array(SELECT id FROM added));
    RETURN NULL;
END $$;

-- An article deleted has removed its passages' postings already (articles_deleted): its
-- headline is gone by now, and what is left to remove is nothing.
CREATE FUNCTION passages_removed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM remove_postings(array_agg(r.id), array_agg(r.text), array_agg(a.title))
    FROM removed r LEFT JOIN articles a ON a.id = r.article_id;
    RETURN NULL;
END $$;

CREATE FUNCTION passages_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM remove_postings(ARRAY[OLD.id], ARRAY[OLD.text], array(SELECT title FROM articles WHERE id = OLD.article_id));
    PERFORM add_postings(ARRAY[NEW.id]);
    RETURN NULL;
END $$;

-- A new headline or date: the article's passages' postings written again.
CREATE FUNCTION articles_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM remove_postings(array_agg(id), array_agg(text), array_agg(OLD.title)) FROM passages WHERE article_id = NEW.id;
    PERFORM add_postings(array(SELECT id FROM passages WHERE article_id = NEW.id));
    RETURN NULL;
END $$;

CREATE FUNCTION articles_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM remove_postings(array_agg(id), array_agg(text), array_agg(OLD.title))
    FROM passages WHERE article_id = OLD.id;
    RETURN OLD;
END $$;
"""

TRIGGERS = """
CREATE TRIGGER passages_added AFTER INSERT ON passages REFERENCING NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION passages_added();
CREATE TRIGGER passages_removed AFTER DELETE ON passages REFERENCING OLD TABLE AS removed
    FOR EACH STATEMENT EXECUTE FUNCTION passages_removed();
CREATE TRIGGER passages_changed AFTER UPDATE OF text, article_id ON passages
    FOR EACH ROW WHEN (OLD.text IS DISTINCT FROM NEW.text OR OLD.article_id IS DISTINCT FROM NEW.article_id)
    EXECUTE FUNCTION passages_changed();
CREATE TRIGGER articles_changed AFTER UPDATE OF title, published_at, fetched_at ON articles
    FOR EACH ROW WHEN (OLD.title IS DISTINCT FROM NEW.title
                       OR coalesce(OLD.published_at, OLD.fetched_at) IS DISTINCT FROM coalesce(NEW.published_at, NEW.fetched_at))
    EXECUTE FUNCTION articles_changed();
CREATE TRIGGER articles_deleted BEFORE DELETE ON articles
    FOR EACH ROW EXECUTE FUNCTION articles_deleted();
"""


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP INDEX ix_passages_tsv")
    op.execute("ALTER TABLE passages DROP COLUMN tsv")
    op.execute("CREATE TABLE passage_terms (term text NOT NULL, passage_id integer NOT NULL, "
               "frequency smallint NOT NULL, length smallint NOT NULL, published timestamptz NOT NULL)")
    op.execute("CREATE TABLE keyword_totals (passages integer NOT NULL, words bigint NOT NULL)")
    op.execute(FUNCTIONS)
    _write_postings()
    # Built once the stored passages' postings are in: sorted, it takes a quarter less room than
    # one grown posting by posting (200k passages: 886 MB against 1,150).
    op.execute("SET LOCAL maintenance_work_mem = '1GB'")
    op.execute("ALTER TABLE passage_terms ADD PRIMARY KEY (term, passage_id) INCLUDE (frequency, length, published)")
    # Postings are only inserted and deleted: vacuumed after every 1% of new rows rather than 20%,
    # their index answers from itself (unvacuumed, counting a word's passages read the table too:
    # 216 ms a question at 200k passages, 7 ms vacuumed).
    op.execute("ALTER TABLE passage_terms SET (autovacuum_vacuum_insert_scale_factor = 0.01, "
               "autovacuum_vacuum_scale_factor = 0.01)")
    op.execute(TRIGGERS)


def _write_postings() -> None:
    """Write the postings of every stored passage, a chunk at a time."""
    connection = op.get_bind()
    low, high, total = connection.execute(text("SELECT min(id), max(id), count(*) FROM passages")).one()
    if not total:
        return
    # disable=None: a bar on a terminal, silence in logs and pipes.
    with tqdm(total=total, unit="passage", desc="keyword index", disable=None) as bar:
        for start in range(low, high + 1, CHUNK):
            ids = connection.execute(text("SELECT array(SELECT id FROM passages WHERE id >= :start AND id < :end)"),
                                     {"start": start, "end": start + CHUNK}).scalar_one()
            connection.execute(text("SELECT add_postings(:ids)"), {"ids": ids})
            bar.update(len(ids))


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for trigger, table in (("passages_added", "passages"), ("passages_removed", "passages"),
                           ("passages_changed", "passages"), ("articles_changed", "articles"),
                           ("articles_deleted", "articles")):
        op.execute(f"DROP TRIGGER {trigger} ON {table}")
    for function in ("passages_added()", "passages_removed()", "passages_changed()", "articles_changed()",
                     "articles_deleted()", "add_postings(integer[])", "remove_postings(integer[], text[], text[])",
                     "passage_length(text, text)", "passage_tsv(text, text)"):
        op.execute(f"DROP FUNCTION {function}")
    op.execute("DROP TABLE keyword_totals")
    op.execute("DROP TABLE passage_terms")
    op.execute("ALTER TABLE passages ADD COLUMN tsv tsvector GENERATED ALWAYS AS (to_tsvector('english', text)) STORED")
    op.execute("CREATE INDEX ix_passages_tsv ON passages USING gin (tsv)")
