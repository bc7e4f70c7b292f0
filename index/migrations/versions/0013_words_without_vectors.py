"""A word's vector is stored once two articles hold it (index/words.py): a word of one article
only (a name, a typo, a page of made-up words) is a row without one, counted for rarity.

Revision ID: 0013
Revises: 0012
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("words") as words:
        words.alter_column("vector", existing_type=sa.LargeBinary(), nullable=True)


def downgrade() -> None:
    op.execute("DELETE FROM words WHERE vector IS NULL")
    with op.batch_alter_table("words") as words:
        words.alter_column("vector", existing_type=sa.LargeBinary(), nullable=False)
