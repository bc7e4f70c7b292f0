"""On PostgreSQL, how many passages hold each word, counted from `passage_terms` after ingest
(index/keyword.py, `refresh_term_counts`) rather than counted again for every question: at a
million passages counting a question's ten words took 45-93 ms p50, ranking their postings 23-37 ms.
`passage_term_counts_taken` holds how many passages there were when they were counted, so that
they are counted again only once that has changed by a hundredth. Both start empty: until the
next ingest or `lede backfill` counts them, a question's words are counted as before.
SQLite: nothing changes (FTS5 keeps its own counts).

Revision ID: 0017
Revises: 0016
"""

from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("CREATE TABLE passage_term_counts (term text PRIMARY KEY, passages integer NOT NULL)")
    op.execute("CREATE TABLE passage_term_counts_taken (passages bigint NOT NULL)")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TABLE passage_term_counts_taken")
    op.execute("DROP TABLE passage_term_counts")
