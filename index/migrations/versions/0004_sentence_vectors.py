"""What answers read of a passage and an article, computed at ingest: the passage's sentence
vectors (float16), the article's centroid and focus, the vectors of the articles' words.
Nullable: old rows are backfilled by `lede backfill` while the process answers from the model
meanwhile.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("passages") as batch:
        batch.add_column(sa.Column("sentence_vectors", sa.LargeBinary()))
    with op.batch_alter_table("articles") as batch:
        batch.add_column(sa.Column("centroid", sa.LargeBinary()))
        batch.add_column(sa.Column("focus", sa.Float()))
    op.create_table(
        "words",
        sa.Column("text", sa.String(64), primary_key=True),
        sa.Column("vector", sa.LargeBinary(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("words")
    with op.batch_alter_table("articles") as batch:
        batch.drop_column("focus")
        batch.drop_column("centroid")
    with op.batch_alter_table("passages") as batch:
        batch.drop_column("sentence_vectors")
