"""Keyword search on PostgreSQL ranks by BM25, as SQLite's FTS5 does (index/keyword.py).

`passage_terms` is the inverted index BM25 reads: one row per word of a passage (PostgreSQL's
'english' stem, as `to_tsvector` gives it), with how often the passage uses it (a word of its
article's headline counts twice, as SQLite's bm25(2.0, 1.0) weighs the title column) and how many
words the passage holds. Its primary key holds all of that, so a search reads only the postings
of the words asked, in order, never a passage row. `keyword_totals` holds how many passages and
words there are, as rows added by each writing statement (no two writers update one row); a
reader sums them and folds them into one now and then.

`passages.tsv` is no longer computed from the text alone: a trigger writes the headline (weight A)
and the text, so the upgrade rewrites every passage row and fills the postings (the news eval's
70k passages: about a minute; a million: expect some 15 minutes and a database a third larger).
The GIN index on it goes: nothing searches it any more. SQLite: nothing changes.

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

CHUNK = 10_000  # passages rewritten per statement during the upgrade

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

-- A passage's postings: each word and how often it occurs (a headline's words twice).
CREATE FUNCTION tsv_postings(tsv tsvector)
    RETURNS TABLE (term text, frequency smallint) LANGUAGE sql IMMUTABLE AS $$
    SELECT lexeme, least(32767, cardinality(positions) + cardinality(array_positions(weights, 'A')))::smallint
    FROM unnest(tsv)
$$;

-- Postings are added and removed with the totals they change.
CREATE FUNCTION add_postings(passage_ids integer[]) RETURNS void LANGUAGE sql AS $$
    WITH counted AS MATERIALIZED (  -- each passage's length counted once, not once per word
        SELECT p.id, p.tsv, passage_length(a.title, p.text) AS length
        FROM passages p JOIN articles a ON a.id = p.article_id WHERE p.id = ANY(passage_ids)
    ), added AS (
        INSERT INTO passage_terms (term, passage_id, frequency, length)
        SELECT t.term, c.id, t.frequency, c.length FROM counted c, tsv_postings(c.tsv) t
        RETURNING passage_id, length)
    INSERT INTO keyword_totals (passages, words)
    SELECT count(*), coalesce(sum(length), 0) FROM (SELECT DISTINCT passage_id, length FROM added) d
    HAVING count(*) > 0
$$;

CREATE FUNCTION remove_postings(passage_ids integer[], tsvs tsvector[]) RETURNS void LANGUAGE sql AS $$
    WITH removed AS (
        DELETE FROM passage_terms t USING unnest(passage_ids, tsvs) AS r(id, tsv), unnest(r.tsv) u
        WHERE t.term = u.lexeme AND t.passage_id = r.id
        RETURNING t.passage_id, t.length)
    INSERT INTO keyword_totals (passages, words)
    SELECT -count(*), -coalesce(sum(length), 0) FROM (SELECT DISTINCT passage_id, length FROM removed) d
    HAVING count(*) > 0
$$;

CREATE FUNCTION passages_tsv_write() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.tsv := passage_tsv((SELECT title FROM articles WHERE id = NEW.article_id), NEW.text);
    RETURN NEW;
END $$;

CREATE FUNCTION passages_terms_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM add_postings(array(SELECT id FROM added));
    RETURN NULL;
END $$;

CREATE FUNCTION passages_terms_removed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM remove_postings(array(SELECT id FROM removed), array(SELECT tsv FROM removed));
    RETURN NULL;
END $$;

CREATE FUNCTION passages_terms_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM remove_postings(ARRAY[OLD.id], ARRAY[OLD.tsv]);
    PERFORM add_postings(ARRAY[NEW.id]);
    RETURN NULL;
END $$;

CREATE FUNCTION articles_title_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE passages SET tsv = passage_tsv(NEW.title, text) WHERE article_id = NEW.id;
    RETURN NULL;
END $$;
"""

TRIGGERS = """
CREATE TRIGGER passages_tsv_write BEFORE INSERT OR UPDATE OF text, article_id ON passages
    FOR EACH ROW EXECUTE FUNCTION passages_tsv_write();
CREATE TRIGGER passages_terms_added AFTER INSERT ON passages REFERENCING NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION passages_terms_added();
CREATE TRIGGER passages_terms_removed AFTER DELETE ON passages REFERENCING OLD TABLE AS removed
    FOR EACH STATEMENT EXECUTE FUNCTION passages_terms_removed();
-- Not "UPDATE OF text": a column a BEFORE trigger changes does not count as updated.
CREATE TRIGGER passages_terms_changed AFTER UPDATE ON passages
    FOR EACH ROW WHEN (OLD.tsv IS DISTINCT FROM NEW.tsv) EXECUTE FUNCTION passages_terms_changed();
CREATE TRIGGER articles_title_changed AFTER UPDATE OF title ON articles
    FOR EACH ROW WHEN (OLD.title IS DISTINCT FROM NEW.title) EXECUTE FUNCTION articles_title_changed();
"""


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP INDEX ix_passages_tsv")
    op.execute("ALTER TABLE passages ALTER COLUMN tsv DROP EXPRESSION")
    op.execute("CREATE TABLE passage_terms (term text NOT NULL, passage_id integer NOT NULL, "
               "frequency smallint NOT NULL, length smallint NOT NULL, "
               "PRIMARY KEY (term, passage_id) INCLUDE (frequency, length))")
    op.execute("CREATE TABLE keyword_totals (passages integer NOT NULL, words bigint NOT NULL)")
    op.execute(FUNCTIONS)
    _rewrite_passages()
    op.execute(TRIGGERS)


def _rewrite_passages() -> None:
    """Give every stored passage its headline in `tsv` and its postings, a chunk at a time."""
    connection = op.get_bind()
    low, high, total = connection.execute(text("SELECT min(id), max(id), count(*) FROM passages")).one()
    if not total:
        return
    # disable=None: a bar on a terminal, silence in logs and pipes.
    with tqdm(total=total, unit="passage", desc="keyword index", disable=None) as bar:
        for start in range(low, high + 1, CHUNK):
            span = {"start": start, "end": start + CHUNK}
            done = connection.execute(text(
                "UPDATE passages p SET tsv = passage_tsv(a.title, p.text) FROM articles a "
                "WHERE a.id = p.article_id AND p.id >= :start AND p.id < :end"), span).rowcount
            connection.execute(text(
                "SELECT add_postings(array(SELECT id FROM passages WHERE id >= :start AND id < :end))"), span)
            bar.update(done)


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for trigger, table in (("passages_tsv_write", "passages"), ("passages_terms_added", "passages"),
                           ("passages_terms_removed", "passages"), ("passages_terms_changed", "passages"),
                           ("articles_title_changed", "articles")):
        op.execute(f"DROP TRIGGER {trigger} ON {table}")
    for function in ("passages_tsv_write()", "passages_terms_added()", "passages_terms_removed()",
                     "passages_terms_changed()", "articles_title_changed()", "add_postings(integer[])",
                     "remove_postings(integer[], tsvector[])", "tsv_postings(tsvector)",
                     "passage_length(text, text)", "passage_tsv(text, text)"):
        op.execute(f"DROP FUNCTION {function}")
    op.execute("DROP TABLE keyword_totals")
    op.execute("DROP TABLE passage_terms")
    op.execute("ALTER TABLE passages DROP COLUMN tsv")
    op.execute("ALTER TABLE passages ADD COLUMN tsv tsvector GENERATED ALWAYS AS (to_tsvector('english', text)) STORED")
    op.execute("CREATE INDEX ix_passages_tsv ON passages USING gin (tsv)")
