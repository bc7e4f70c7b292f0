"""The story an answer leans on, and the one it was asked in, are JSON arrays of article ids (lead
first) instead of comma-separated text: "12,5,7" becomes "[12,5,7]".

Revision ID: 0014
Revises: 0013
"""

from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    for column in ("story", "asked_in"):
        op.execute(f"UPDATE answers SET {column} = '[' || {column} || ']' WHERE {column} IS NOT NULL")


def downgrade() -> None:
    for column in ("story", "asked_in"):
        op.execute(f"UPDATE answers SET {column} = REPLACE(REPLACE({column}, '[', ''), ']', '') WHERE {column} IS NOT NULL")
