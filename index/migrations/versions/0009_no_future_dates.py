"""Articles dated more than a day after they were fetched take their fetch time as their date:
a feed item dated 31 December 9999 never aged, fell inside "today" for ever and was never pruned.
Ingest now stores such items with their fetch time (ingest/store.py); this repairs older rows.

Revision ID: 0009
Revises: 0008
"""

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        # julianday() reads the stored text as a number of days, year 9999 included.
        op.execute("UPDATE articles SET published_at = fetched_at WHERE julianday(published_at) > julianday(fetched_at) + 1")
    else:
        op.execute("UPDATE articles SET published_at = fetched_at WHERE published_at > fetched_at + interval '1 day'")


def downgrade() -> None:
    pass  # the wrong dates are not kept
