import numpy as np
from sqlalchemy import func, select

from bot.evaluation.replicate import SHIFT, replicate
from index.knowledge import KnowledgeBase
from index.models import Article, Passage
from ingest.local import ingest_paths
from tests.conftest import SAMPLES
from tests.fakes.embedder import HashingEmbedder


def test_copies_are_real_text_under_new_ids_older_dates_and_nearby_vectors(settings, kb) -> None:
    ingest_paths(kb, [SAMPLES], progress=False)
    original = kb.stats().passages
    # A fresh SQLite database, as the benchmark makes (the source may be PostgreSQL).
    target = KnowledgeBase.connect(settings.in_folder(settings.data_dir.parent / "copy"),
                           embedder=HashingEmbedder())
    wanted = 2 * original + 5
    assert replicate(kb, target, wanted) == wanted
    with target.sessions() as session:
        assert session.scalar(select(func.count(Passage.id))) == wanted
        rows = session.execute(select(Passage.text, Passage.embedding, Article.url, Article.published_at)
                               .join(Article).order_by(Passage.id)).all()
    first, copy = rows[0], rows[original]
    assert first.text == copy.text and copy.url == first.url + "#copy1"
    if first.published_at:
        assert copy.published_at == first.published_at - SHIFT
    a, b = (np.frombuffer(r.embedding, dtype=np.float32) for r in (first, copy))
    assert 0.5 < float(a @ b) < 0.9999  # near its original, never the same vector
    assert target.open().stats().in_sync
