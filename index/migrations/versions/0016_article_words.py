"""Articles keep the words they are counted under, with how often each is used (index/terms.py):
grouping an answer's articles into stories read and stemmed every passage of some twenty articles
a question. Ingest writes them; `lede backfill` writes those of the articles stored before, which
are read from their passages meanwhile.

Revision ID: 0016
Revises: 0015
"""

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # In place, not by copying the table (batch mode), as 0011: SQLite's full-text triggers name
    # `articles`. A column without a default: no row is rewritten.
    op.add_column("articles", sa.Column("words", sa.Text()))


def downgrade() -> None:
    op.drop_column("articles", "words")  # as 0011: SQLite 3.35+ drops a column in place
