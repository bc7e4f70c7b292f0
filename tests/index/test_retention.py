"""lede prune: old articles go with their passages and vectors, old answers go, the rest stays."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from bot.state.answers import prune_answers
from bot.state.tables import AnswerRecord
from index.models import Article
from index.retention import prune
from index.search import search
from ingest.document import Document
from ingest.store import store_documents

NOW = datetime(2026, 11, 30, tzinfo=UTC)


def _story(day: datetime, slug: str, text: str) -> Document:
    return Document(url=f"https://n.example/{slug}", title=slug.replace("-", " ").title(), text=text,
                    published_at=day)


def test_prune_deletes_old_articles_their_vectors_and_old_answers(kb) -> None:
    store_documents(kb, [
        _story(NOW - timedelta(days=200), "old-ferry", "The old ferry to Keld stopped running in May."),
        _story(NOW - timedelta(days=5), "new-tram", "The council approved the tram line to the airport."),
    ], progress=False)
    with kb.sessions.begin() as session:
        for age in (100, 1):
            session.add(AnswerRecord(chat_id=1, user_id=2, question="q", answer_html="", sources_html="", found=True,
                                     created_at=NOW - timedelta(days=age)))
    pruned = prune(kb, timedelta(days=90), now=NOW)
    assert (pruned.articles, pruned.passages) == (1, 1)
    assert prune_answers(kb, NOW - timedelta(days=90), dry_run=True) == 1
    assert prune_answers(kb, NOW - timedelta(days=90)) == 1
    with kb.sessions() as session:
        assert list(session.scalars(select(Article.url))) == ["https://n.example/new-tram"]
        assert session.scalar(select(func.count()).select_from(AnswerRecord)) == 1
    stats = kb.stats()
    assert stats.passages == stats.vectors == 1 and stats.in_sync
    assert all(hit.url != "https://n.example/old-ferry" for hit in search(kb, "old ferry to Keld"))
