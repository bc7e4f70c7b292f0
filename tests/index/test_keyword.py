"""Keyword ranking is BM25 on both databases: SQLite's FTS5, and on PostgreSQL the same formula
over the postings its triggers keep (index/keyword.py, migration 0015)."""

from datetime import UTC, datetime

from sqlalchemy import text, update
from sqlalchemy.orm import Session

from index.counts import PassageCounts
from index.keyword import keyword_search
from index.models import Article, Passage
from ingest.document import Document
from ingest.store import store_documents


def _texts(kb, question: str, k: int = 3) -> list[str]:
    # A fresh count cache each time, as a new process would read the store.
    with Session(kb.engine) as session:
        return [session.get_one(Passage, pid).text for pid in keyword_search(session, question, k=k, counts=PassageCounts())]


def test_a_rare_word_outweighs_a_common_word_said_again_and_again(kb) -> None:
    """BM25 weighs a word by how few passages hold it. PostgreSQL's ts_rank_cd did not: a passage
    saying "bridge" three times ranked above the only one naming Kessling."""
    store_documents(kb, [Document(url=f"https://n.example/{i}", title=f"Traffic {i}",
                                  text=f"The bridge closed at {i}. The bridge reopened later. The bridge is old.")
                         for i in range(12)], progress=False)
    store_documents(kb, [Document(url="https://n.example/k", title="Council",
                                  text="Kessling spoke to the council on Monday.")], progress=False)
    assert _texts(kb, "What did Kessling say about the bridge?")[0].startswith("Kessling")


def test_a_headline_word_finds_the_articles_passages_and_follows_a_new_headline(kb) -> None:
    """As on SQLite, an article's headline counts for each of its passages (twice a word of its
    text): PostgreSQL searched the text alone."""
    store_documents(kb, [Document(url="https://n.example/a", title="Alder bridge collapses",
                                  text="Divers searched the river on Tuesday. Four people died.")], progress=False)
    store_documents(kb, [Document(url="https://n.example/b", title="Weather",
                                  text="Rain is expected on Tuesday across the river valley.")], progress=False)
    assert _texts(kb, "Alder collapse")[0].startswith("Divers")
    with kb.sessions.begin() as session:
        session.execute(update(Article).where(Article.url == "https://n.example/a").values(title="Kessling bridge falls"))
    assert _texts(kb, "Alder") == []
    assert _texts(kb, "Kessling")[0].startswith("Divers")


def test_keyword_search_counts_the_passages_stored_as_they_come_and_go(kb) -> None:
    """What BM25 reads (how many passages there are, which hold a word) follows deletions: a
    pruned article's words no longer count, and `lede stats` shows the same number twice."""
    store_documents(kb, [Document(url=f"https://n.example/{i}", title=f"Item {i}",
                                  text=f"The quokka {i} was seen near the harbour wall on Monday.")
                         for i in range(3)], progress=False)
    stats = kb.stats()
    assert stats.keyword_passages == stats.passages == 3 and stats.keyword_ranking.startswith("BM25")
    with kb.sessions.begin() as session:
        session.execute(text("DELETE FROM articles WHERE url <> 'https://n.example/0'"))
    stats = kb.stats()
    assert stats.keyword_passages == stats.passages == 1
    assert len(_texts(kb, "quokka")) == 1
    with kb.sessions.begin() as session:  # a passage alone, as ingest replaces an updated article's
        session.execute(text("DELETE FROM passages"))
    assert (kb.stats().keyword_passages, _texts(kb, "quokka")) == (0, [])
    if kb.engine.dialect.name == "postgresql":
        with kb.engine.connect() as connection:
            assert connection.execute(text("SELECT count(*) FROM passage_terms")).scalar_one() == 0


def test_an_upgraded_postgresql_database_ranks_its_stored_passages_with_their_headlines(database_url) -> None:
    """Migration 0015 rewrites the passages an older Lede stored (headline into tsv, postings,
    totals); a downgrade brings back the older search's column and index."""
    import pytest
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import create_engine, insert

    from index import db

    if database_url is None:
        pytest.skip("PostgreSQL's upgrade: SQLite's keyword index is unchanged")
    config = Config()
    config.set_main_option("script_location", str(db.MIGRATIONS))
    engine = create_engine(db.driver_url(database_url))

    def migrate(to: str, step=command.upgrade) -> None:
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            step(config, to)

    migrate("0014")
    with engine.begin() as connection:
        connection.execute(insert(Article.__table__).values(id=1, url="https://n.example/a", title="Alder bridge collapses",
                                                            language="en", content_hash="h", fetched_at=datetime.now(UTC)))
        connection.execute(insert(Passage.__table__), [
            {"id": i, "article_id": 1, "ordinal": i, "text": f"Divers searched the river, part {i}.", "content_hash": f"p{i}"}
            for i in (1, 2)])
    migrate("head")
    with Session(engine) as session:
        assert sorted(keyword_search(session, "Alder", k=5, counts=PassageCounts())) == [1, 2]
        assert session.execute(text("SELECT sum(passages) FROM keyword_totals")).scalar_one() == 2
    migrate("0014", command.downgrade)
    with Session(engine) as session:
        assert session.execute(text("SELECT count(*) FROM passages WHERE tsv @@ to_tsquery('english', 'diver')")).scalar_one() == 2
    engine.dispose()


def test_the_totals_each_writer_adds_are_folded_into_one_row_keeping_their_sums(kb, monkeypatch) -> None:
    """Every writing statement adds a row to keyword_totals (no two writers wait on one row); a
    reader folds them once there are many, and BM25 reads the same sums."""
    import pytest

    from index import keyword

    if kb.engine.dialect.name == "sqlite":
        pytest.skip("FTS5 keeps its own totals")
    for i in range(5):
        store_documents(kb, [Document(url=f"https://n.example/{i}", title=f"Item {i}",
                                      text=f"The quokka {i} was seen near the harbour wall.")], progress=False)
    monkeypatch.setattr(keyword, "TOTALS_ROWS", 2)
    assert len(_texts(kb, "quokka", k=10)) == 5
    with kb.engine.connect() as connection:
        assert connection.execute(text("SELECT count(*), sum(passages) FROM keyword_totals")).one() == (1, 5)


def test_a_question_of_common_words_only_is_searched_by_the_rarest_of_them(kb, monkeypatch) -> None:
    """Words held by more passages than the budget are counted only as "more" (cheap), until
    every word of a question is one: then which is rarest is counted."""
    from index import keyword

    monkeypatch.setattr(keyword, "POSTINGS", 2)
    store_documents(kb, [Document(url=f"https://n.example/{i}", title=f"Item {i}", text=text) for i, text in enumerate(
        [f"The harbour wall {i} was repaired." for i in range(5)] + [f"The ferry {i} left late." for i in range(3)])],
        progress=False)
    assert all("ferry" in found for found in _texts(kb, "harbour ferry", k=10))


def test_a_date_bounded_keyword_search_follows_an_articles_new_date(kb) -> None:
    """On PostgreSQL a passage's postings carry its article's date (a date range is filtered in
    the same index scan): when ingest corrects the date, they follow."""
    june, july = datetime(2022, 6, 1, 12, tzinfo=UTC), datetime(2022, 7, 1, 12, tzinfo=UTC)
    store_documents(kb, [Document(url="https://n.example/d", title="Quokka census", published_at=june,
                                  text="The quokka census counted more animals than last year.")], progress=False)

    def found(since: datetime) -> int:
        with Session(kb.engine) as session:
            return len(keyword_search(session, "quokka census", k=5, counts=PassageCounts(),
                                      since=since, until=since.replace(day=28)))

    assert (found(june.replace(day=1)), found(july.replace(day=1))) == (1, 0)
    with kb.sessions.begin() as session:
        session.execute(update(Article).where(Article.url == "https://n.example/d").values(published_at=july))
    assert (found(june.replace(day=1)), found(july.replace(day=1))) == (0, 1)


def test_postgresql_reads_how_many_passages_hold_a_word_as_counted_after_ingest(kb, monkeypatch) -> None:
    """Counting each asked word's postings again for every question took 45-93 ms p50 at a million
    passages: ingest counts them all once the passages stored change by a hundredth, and a search
    reads those counts, counting only a word stored since (the same passages found either way)."""
    import pytest
    from sqlalchemy import event

    from index import keyword

    if kb.engine.dialect.name == "sqlite":
        pytest.skip("FTS5 keeps its own counts")
    store_documents(kb, [Document(url=f"https://n.example/{i}", title=f"Item {i}",
                                  text=f"The quokka {i} was seen near the harbour wall. Rangers counted it.")
                         for i in range(6)], progress=False)
    with kb.engine.connect() as connection:
        assert connection.execute(text("SELECT passages FROM passage_term_counts WHERE term = 'quokka'")).scalar() == 6
    monkeypatch.setattr(keyword, "RECOUNT_SHARE", 10.0)  # what ingest stores next is not counted yet
    store_documents(kb, [Document(url="https://n.example/w", title="Wombat",
                                  text="A wombat was seen near the harbour wall.")], progress=False)
    counted: list[str] = []

    def seen(_connection, _cursor, statement, parameters, *_args) -> None:
        if "count(*)" in statement and "passage_terms" in statement:
            counted.append(parameters["term"])

    event.listen(kb.engine, "before_cursor_execute", seen)
    found = _texts(kb, "quokka wombat harbour", k=10)
    assert counted == ["wombat"]
    assert found[0].startswith("A wombat") and len(found) == 7
    with kb.engine.begin() as connection:
        connection.execute(text("DELETE FROM passage_term_counts"))
    assert _texts(kb, "quokka wombat harbour", k=10) == found
    assert len(counted) == 4  # with no counts stored, each word counted as before


def test_one_worker_at_a_time_counts_the_words_and_only_once_enough_has_changed(kb) -> None:
    """Recounting reads every posting (11 s at a million passages): not while another worker
    does, and not until the passages stored have changed by RECOUNT_SHARE."""
    import pytest

    from index.keyword import RECOUNT_LOCK, refresh_term_counts

    if kb.engine.dialect.name == "sqlite":
        pytest.skip("FTS5 keeps its own counts")
    assert not refresh_term_counts(kb.engine)  # nothing stored, nothing to count
    store_documents(kb, [Document(url=f"https://n.example/{i}", title=f"Item {i}", text=f"The quokka {i} slept.")
                         for i in range(3)], progress=False)
    assert not refresh_term_counts(kb.engine)  # ingest has just counted them
    assert not refresh_term_counts(kb.engine, share=0.3)
    with kb.engine.begin() as connection:
        connection.execute(text("DELETE FROM articles WHERE url = 'https://n.example/0'"))
    with kb.engine.connect() as other:
        other.execute(text("SELECT pg_advisory_lock(:key)"), {"key": RECOUNT_LOCK})
        assert not refresh_term_counts(kb.engine, share=0.3)  # another worker is counting
        other.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": RECOUNT_LOCK})
    assert refresh_term_counts(kb.engine, share=0.3)  # 2 passages where 3 were counted
    with kb.engine.connect() as connection:
        assert connection.execute(text("SELECT passages FROM passage_term_counts WHERE term = 'quokka'")).scalar() == 2
