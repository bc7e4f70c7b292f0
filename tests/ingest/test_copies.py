"""One text at several URLs is one article: a copy under another headline is kept as its other
URL and never counts as a second outlet; a text under too many headlines is boilerplate; `lede
backfill` does the same for articles stored before ingest did."""

from datetime import UTC, datetime

from sqlalchemy import func, select, update

from index.backfill import backfill
from index.copies import MAX_TITLES, copies_of
from index.models import Article, Boilerplate, Copy, Passage, Word
from ingest.document import Document
from ingest.store import store_documents

BODY = ("At least six people died when the Kessling Bridge collapsed into the Alder River on Tuesday, "
        "according to the hospital, which said it was treating eleven injured people. ") * 5
DAY = datetime(2026, 12, 1, tzinfo=UTC)


def _document(url: str, title: str, text: str = BODY, outlet: str = "Valley Post") -> Document:
    return Document(url=url, title=title, text=text, outlet=outlet, published_at=DAY)


def _count(kb, model) -> int:
    with kb.sessions() as session:
        return session.scalar(select(func.count()).select_from(model))


def test_a_copy_under_another_headline_is_kept_as_the_articles_other_url(kb) -> None:
    store_documents(kb, [_document("https://post.example/a", "At least six dead")], progress=False)
    report = store_documents(kb, [_document("https://gazette.example/b", "Bridge disaster: six killed",
                                            text=BODY.upper(), outlet="Alder Gazette")], progress=False)
    assert (report.added, report.copies) == (0, 1) and "1 copies of stored articles" in report.summary()
    with kb.sessions() as session:
        [article] = session.scalars(select(Article))
    [copy] = copies_of(kb, [article.id])[article.id]
    assert (copy.url, copy.outlet, copy.title) == ("https://gazette.example/b", "Alder Gazette", "Bridge disaster: six killed")
    again = store_documents(kb, [_document("https://gazette.example/b", "Bridge disaster: six killed")], progress=False)
    assert (again.unchanged, again.copies, _count(kb, Copy)) == (1, 0, 1)
    assert kb.stats().in_sync


def test_copies_within_one_feed_are_one_article_and_a_short_notice_is_never_a_copy(kb) -> None:
    notice = "The meeting is cancelled."
    report = store_documents(kb, [
        _document("https://a.example/1", "Six dead"), _document("https://b.example/2", "Six killed"),
        _document("https://b.example/2", "Six killed"),  # a feed listing an item twice
        _document("https://a.example/n1", "Council", text=notice), _document("https://b.example/n2", "Library", text=notice),
    ], progress=False)
    assert (report.added, report.copies) == (3, 1)


def test_a_text_under_more_headlines_than_an_article_has_is_boilerplate_and_never_stored(kb) -> None:
    wall = "Register for free to keep reading this story and get our newsletter every morning. " * 10
    titles = [f"Story number {i}" for i in range(MAX_TITLES + 2)]
    for i, title in enumerate(titles[:MAX_TITLES]):
        store_documents(kb, [_document(f"https://n.example/{i}", title, text=wall)], progress=False)
    assert (_count(kb, Article), _count(kb, Copy)) == (1, MAX_TITLES - 1)
    report = store_documents(kb, [_document(f"https://n.example/{i}", title, text=wall)
                                  for i, title in enumerate(titles) if i >= MAX_TITLES], progress=False)
    assert report.boilerplate == 2 and (_count(kb, Article), _count(kb, Copy), _count(kb, Boilerplate)) == (0, 0, 1)
    assert _count(kb, Passage) == 0 and kb.stats().in_sync


def test_backfill_merges_the_copies_an_older_store_kept_as_articles(kb) -> None:
    store_documents(kb, [_document("https://post.example/a", "At least six dead")], progress=False)
    store_documents(kb, [_document("https://gazette.example/b", "Six killed", outlet="Alder Gazette")], progress=False)
    with kb.sessions.begin() as session:  # as an older Lede stored them: two articles, unhashed
        [article] = session.scalars(select(Article))
        copy = session.get_one(Copy, "https://gazette.example/b")
        session.delete(copy)
        session.add(Article(url="https://gazette.example/b", title="Six killed", outlet="Alder Gazette",
                            fetched_at=DAY, content_hash="old", passages=[
                                Passage(ordinal=p.ordinal, text=p.text, content_hash=p.content_hash, embedding=p.embedding)
                                for p in article.passages]))
        session.execute(update(Article).values(body_hash=None))
        session.execute(update(Word).values(articles=0))
    kb.refresh_vectors()
    done = backfill(kb, progress=False)
    assert (done.merged.hashed, done.merged.copies) == (2, 1)
    assert (_count(kb, Article), _count(kb, Copy)) == (1, 1) and kb.stats().in_sync
    with kb.sessions() as session:
        assert session.scalar(select(Word.articles).where(Word.text == "kessling")) == 1  # recounted
