"""Votes one per reader per answer (an inline answer shared in a group is voted on by many), and
the questions each reader and group asked in the current hour, under a keyed hash of their id:
the quota no longer counts stored answers, which `/forget` deletes.

Revision ID: 0012
Revises: 0011
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "votes",
        sa.Column("answer_id", sa.Integer(), sa.ForeignKey("answers.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("user_id", sa.BigInteger(), primary_key=True, autoincrement=False),
        sa.Column("value", sa.SmallInteger(), nullable=False),
        sa.Column("voted_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_votes_user_id", "votes", ["user_id"])
    op.execute("INSERT INTO votes (answer_id, user_id, value, voted_at) SELECT id, user_id, vote, created_at "
               "FROM answers WHERE vote IS NOT NULL AND user_id IS NOT NULL")
    with op.batch_alter_table("answers") as answers:
        answers.drop_column("vote")
    op.create_table(
        "question_counts",
        sa.Column("asker", sa.String(64), primary_key=True),
        sa.Column("window_start", sa.DateTime(timezone=True), primary_key=True),
        sa.Column("asked", sa.Integer(), nullable=False),
        sa.Column("told", sa.Boolean(), nullable=False),
    )
    op.create_index("ix_question_counts_window_start", "question_counts", ["window_start"])


def downgrade() -> None:
    op.drop_index("ix_question_counts_window_start", "question_counts")
    op.drop_table("question_counts")
    with op.batch_alter_table("answers") as answers:
        answers.add_column(sa.Column("vote", sa.Integer()))
    op.drop_index("ix_votes_user_id", "votes")
    op.drop_table("votes")
