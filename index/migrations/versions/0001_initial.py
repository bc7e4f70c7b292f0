"""Sources, articles, passages, meta, and keyword search over passages.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "sources",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("url", sa.String(2048), nullable=False, unique=True),
        sa.Column("title", sa.String(512)),
        sa.Column("enabled", sa.Boolean, nullable=False, server_default=sa.true()),
        sa.Column("interval_seconds", sa.Integer, nullable=False, server_default="3600"),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("last_fetch_at", TS),
        sa.Column("last_success_at", TS),
        sa.Column("last_error", sa.Text),
        sa.Column("failures", sa.Integer, nullable=False, server_default="0"),
        sa.Column("etag", sa.String(512)),
        sa.Column("last_modified", sa.String(128)),
        sa.Column("next_due_at", TS),
    )
    op.create_table(
        "articles",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("source_id", sa.Integer, sa.ForeignKey("sources.id", ondelete="SET NULL")),
        sa.Column("url", sa.String(2048), nullable=False, unique=True),
        sa.Column("guid", sa.String(2048)),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("outlet", sa.String(256)),
        sa.Column("author", sa.String(512)),
        sa.Column("published_at", TS),
        sa.Column("language", sa.String(16)),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("fetched_at", TS, nullable=False),
    )
    op.create_index("ix_articles_source_id", "articles", ["source_id"])
    op.create_index("ix_articles_guid", "articles", ["guid"])
    op.create_index("ix_articles_published_at", "articles", ["published_at"])
    op.create_index("ix_articles_content_hash", "articles", ["content_hash"])
    op.create_table(
        "passages",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "article_id",
            sa.Integer,
            sa.ForeignKey("articles.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("ordinal", sa.Integer, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("embedding", sa.LargeBinary),
        # Never reuse the id of a deleted passage: a stale FAISS vector would cite the wrong text.
        sqlite_autoincrement=True,
    )
    op.create_index("ix_passages_article_id", "passages", ["article_id"])
    op.create_index("ix_passages_content_hash", "passages", ["content_hash"])
    op.create_table(
        "meta",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
    )
    if op.get_bind().dialect.name == "sqlite":
        _sqlite_fts()
    else:
        _postgres_fts()


def _sqlite_fts() -> None:
    # The FTS table keeps its own copy of each passage with its article's title, kept in step by
    # triggers, so every writer (ours or a manual fix in SQL) leaves keyword search correct.
    op.execute(
        "CREATE VIRTUAL TABLE passages_fts USING fts5("
        "title, body, tokenize='porter unicode61 remove_diacritics 2')"
    )
    op.execute(
        """CREATE TRIGGER passages_fts_insert AFTER INSERT ON passages BEGIN
             INSERT INTO passages_fts(rowid, title, body) VALUES
               (new.id, (SELECT title FROM articles WHERE id = new.article_id), new.text);
           END"""
    )
    op.execute(
        """CREATE TRIGGER passages_fts_delete AFTER DELETE ON passages BEGIN
             DELETE FROM passages_fts WHERE rowid = old.id;
           END"""
    )
    op.execute(
        """CREATE TRIGGER passages_fts_update AFTER UPDATE OF text ON passages BEGIN
             UPDATE passages_fts SET body = new.text WHERE rowid = new.id;
           END"""
    )
    op.execute(
        """CREATE TRIGGER articles_fts_title AFTER UPDATE OF title ON articles BEGIN
             UPDATE passages_fts SET title = new.title
               WHERE rowid IN (SELECT id FROM passages WHERE article_id = new.id);
           END"""
    )


def _postgres_fts() -> None:
    op.execute(
        "ALTER TABLE passages ADD COLUMN tsv tsvector "
        "GENERATED ALWAYS AS (to_tsvector('english', text)) STORED"
    )
    op.execute("CREATE INDEX ix_passages_tsv ON passages USING gin (tsv)")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE passages_fts")
    op.drop_table("meta")
    op.drop_table("passages")
    op.drop_table("articles")
    op.drop_table("sources")
