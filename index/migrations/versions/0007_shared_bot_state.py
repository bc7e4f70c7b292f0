"""State bot replicas share: the update ids already handled (Telegram may deliver one twice, to
any replica), and an index to count a user's recent questions for the hourly quota.

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "seen_updates",
        sa.Column("update_id", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_answers_user_id_created_at", "answers", ["user_id", "created_at"])


def downgrade() -> None:
    op.drop_index("ix_answers_user_id_created_at", "answers")
    op.drop_table("seen_updates")
