from bot.state import subscriptions
from ingest.document import Document
from ingest.store import store_documents


def _story(url: str, title: str, text: str) -> Document:
    return Document(url=url, title=title, text=text + " More details followed later in the day, officials said.")


def test_followed_words_match_whole_words_not_parts_of_others(kb) -> None:
    store_documents(kb, [
        _story("https://n.example/said", "Ukraine talks resume", "The minister said talks with Ukraine resume."),
        _story("https://n.example/ai", "New AI rules", "Parliament passed rules for AI systems on Monday."),
    ], progress=False)
    assert [i.url for i in subscriptions.articles_after(kb, 0, "ai")] == ["https://n.example/ai"]
    assert [i.url for i in subscriptions.articles_after(kb, 0, "rule")] == ["https://n.example/ai"]  # plural -s aside


def test_an_answer_kept_before_contexts_were_json_still_leads_its_follow_ups(tmp_path, monkeypatch) -> None:
    """Migration 0014: the story an older Lede kept as "12,5,7" is still the story, 12 its lead."""
    import shutil

    from sqlalchemy import text

    from bot.state.answers import context_of
    from bot.state.tables import AnswerRecord
    from index import db
    from index.db import session_factory

    scripts = tmp_path / "migrations"
    shutil.copytree(db.MIGRATIONS, scripts, ignore=shutil.ignore_patterns("__pycache__"))
    for later in scripts.glob("versions/*.py"):
        if later.name >= "0014":  # 0014 and every migration after it
            later.unlink()
    monkeypatch.setattr(db, "MIGRATIONS", scripts)
    url = f"sqlite:///{tmp_path / 'lede.sqlite3'}"
    engine = db.create_database(url=url)
    with engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO answers (question, answer_html, sources_html, found, created_at, story, asked_in) "
            "VALUES ('q', '', '', 1, '2026-12-01 00:00:00', '12,5,7', '')"))
    engine.dispose()
    monkeypatch.undo()
    engine = db.create_database(url=url)
    with session_factory(engine)() as session:
        record = session.query(AnswerRecord).one()
    engine.dispose()
    story = context_of(record.story)
    assert story is not None and story.lead == 12 and story.article_ids == {5, 7, 12}
    assert context_of(record.asked_in) is None
