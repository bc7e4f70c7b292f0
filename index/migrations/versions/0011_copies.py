"""Copies: an article's text published at another URL is stored once (index/copies.py). Articles
gain the hash of their text read as words; `copies` keeps each copy's URL, headline and outlet;
`boilerplate` the texts published under too many headlines to be an article. `lede backfill`
hashes the articles stored before and merges their copies.

Revision ID: 0011
Revises: 0010
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Added in place, not by copying the table (batch mode): the full-text index's triggers
    # name `articles`, and SQLite refuses to rename a copy under them.
    op.add_column("articles", sa.Column("body_hash", sa.String(64)))
    op.create_index("ix_articles_body_hash", "articles", ["body_hash"])
    op.create_table(
        "copies",
        sa.Column("url", sa.String(2048), primary_key=True),
        sa.Column("article_id", sa.Integer(), sa.ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("outlet", sa.String(256)),
        sa.Column("published_at", sa.DateTime(timezone=True)),
    )
    op.create_index("ix_copies_article_id", "copies", ["article_id"])
    op.create_table("boilerplate", sa.Column("body_hash", sa.String(64), primary_key=True))


def downgrade() -> None:
    op.drop_table("boilerplate")
    op.drop_index("ix_copies_article_id", "copies")
    op.drop_table("copies")
    op.drop_index("ix_articles_body_hash", "articles")
    op.drop_column("articles", "body_hash")
