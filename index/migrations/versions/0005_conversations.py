"""Conversations: each answer remembers where it was sent (its message, the question's message,
the forum topic), the story a follow-up to it leans on, and the story it was itself asked in (an
edited question is answered again the same way).

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("answers") as batch:
        batch.add_column(sa.Column("thread_id", sa.BigInteger()))
        batch.add_column(sa.Column("message_id", sa.BigInteger()))
        batch.add_column(sa.Column("question_message_id", sa.BigInteger()))
        batch.add_column(sa.Column("story", sa.Text()))
        batch.add_column(sa.Column("asked_in", sa.Text()))
    op.create_index("ix_answers_chat_id", "answers", ["chat_id"])


def downgrade() -> None:
    op.drop_index("ix_answers_chat_id", "answers")
    with op.batch_alter_table("answers") as batch:
        for column in ("asked_in", "story", "question_message_id", "message_id", "thread_id"):
            batch.drop_column(column)
