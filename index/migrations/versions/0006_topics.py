"""Digests and alerts keep the forum topic they were set in.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    for table in ("digests", "follows"):
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("thread_id", sa.BigInteger()))


def downgrade() -> None:
    for table in ("digests", "follows"):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("thread_id")
