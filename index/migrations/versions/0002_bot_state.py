"""Bot state: chats, answers with feedback, digests, followed topics.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "chats",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("type", sa.String(16), nullable=False),
        sa.Column("title", sa.String(256)),
        sa.Column("language", sa.String(16)),
        sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
        sa.Column("updated_at", TS, nullable=False),
    )
    op.create_table(
        "answers",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("chat_id", sa.BigInteger),
        sa.Column("user_id", sa.BigInteger),
        sa.Column("question", sa.Text, nullable=False),
        sa.Column("answer_html", sa.Text, nullable=False),
        sa.Column("sources_html", sa.Text, nullable=False),
        sa.Column("found", sa.Boolean, nullable=False),
        sa.Column("vote", sa.Integer),
        sa.Column("created_at", TS, nullable=False),
    )
    op.create_table(
        "digests",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("chat_id", sa.BigInteger, nullable=False, unique=True),
        sa.Column("time_of_day", sa.String(5), nullable=False),
        sa.Column("timezone", sa.String(64), nullable=False),
        sa.Column("topic", sa.String(256)),
        sa.Column("last_article_id", sa.Integer, nullable=False, server_default="0"),
        sa.Column("last_sent_at", TS),
        sa.Column("created_by", sa.BigInteger),
    )
    op.create_table(
        "follows",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("chat_id", sa.BigInteger, nullable=False),
        sa.Column("words", sa.String(256), nullable=False),
        sa.Column("last_article_id", sa.Integer, nullable=False, server_default="0"),
        sa.UniqueConstraint("chat_id", "words"),
    )
    op.create_index("ix_follows_chat_id", "follows", ["chat_id"])


def downgrade() -> None:
    for table in ("follows", "digests", "answers", "chats"):
        op.drop_table(table)
