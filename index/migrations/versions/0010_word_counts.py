"""How many articles hold each word (`words.articles`): the rarity that tells one story from
another (index/terms.py). Counted here once for the articles already stored, from their headline
and passages, as ingest counts new ones; `lede backfill` recounts.

Revision ID: 0010
Revises: 0009
"""

from collections import Counter

import sqlalchemy as sa
from alembic import op

from index.precomputed import translatable_words

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("words") as batch:
        batch.add_column(sa.Column("articles", sa.Integer(), nullable=False, server_default="0"))
    bind = op.get_bind()
    counts: Counter[str] = Counter()
    article: int | None = None
    words: set[str] = set()
    rows = bind.execute(sa.text(
        "SELECT a.id, a.title, p.text FROM articles a JOIN passages p ON p.article_id = a.id ORDER BY a.id"))
    for article_id, title, text in rows:
        if article_id != article:
            counts.update(words)
            article, words = article_id, set(translatable_words(title))
        words.update(translatable_words(text))
    counts.update(words)
    by_count: dict[int, list[str]] = {}
    for word, count in counts.items():
        by_count.setdefault(count, []).append(word)
    statement = sa.text("UPDATE words SET articles = :count WHERE text IN :words").bindparams(
        sa.bindparam("words", expanding=True))
    for count, held in by_count.items():
        for start in range(0, len(held), 500):
            bind.execute(statement, {"count": count, "words": held[start : start + 500]})


def downgrade() -> None:
    with op.batch_alter_table("words") as batch:
        batch.drop_column("articles")
