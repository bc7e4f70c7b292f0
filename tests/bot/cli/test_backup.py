"""lede export and lede import: a deployment's settings move to a fresh database and back."""

import json
import os
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.cli import main
from bot.settings import Settings
from bot.state import chats, subscriptions
from bot.state.tables import Chat, Digest, Follow
from index.knowledge import KnowledgeBase
from index.models import Source
from tests.fakes.embedder import HashingEmbedder


def _kb(data: Path, database_url: str | None = None) -> KnowledgeBase:
    return KnowledgeBase.connect(Settings(data_dir=data, database_url=database_url), embedder=HashingEmbedder())


def test_export_then_import_moves_sources_follows_digests_and_chats(tmp_path, monkeypatch, capsys, database_url) -> None:
    first = tmp_path / "first"
    kb = _kb(first, database_url)  # on PostgreSQL, the test's own database
    with kb.sessions.begin() as session:
        session.add(Source(kind="feed", url="https://n.example/feed.xml", title="News", interval_seconds=1800,
                           created_at=datetime.now(UTC)))
    chats.touch_chat(kb, -100200, "supergroup", "Readers", "uk")
    subscriptions.set_digest(kb, chat_id=-100200, time_of_day="08:00", timezone="Europe/Kyiv", topic="ferry",
                     created_by=1, thread_id=7)
    subscriptions.follow(kb, -100200, "tram line", thread_id=7)
    monkeypatch.setenv("LEDE_DATA_DIR", str(first))
    assert main(["export"]) == 0
    exported = json.loads(capsys.readouterr().out)
    assert exported["format"] == "lede-export/1" and exported["sources"][0]["interval_seconds"] == 1800
    backup = tmp_path / "backup.json"
    backup.write_text(json.dumps(exported))
    if database_url:
        return  # one PostgreSQL database per test: the import into a second one is SQLite's to show
    monkeypatch.setenv("LEDE_DATA_DIR", str(tmp_path / "second"))
    assert main(["import", str(backup)]) == 0
    assert capsys.readouterr().out.startswith("Added 1 sources, 1 follows, 1 digests, 1 chats")
    second = _kb(tmp_path / "second")
    with second.sessions() as session:
        assert session.scalar(select(Source.interval_seconds)) == 1800
        assert session.scalar(select(Digest.topic)) == "ferry" and session.scalar(select(Digest.thread_id)) == 7
        assert session.scalar(select(Follow.words)) == "tram line"
        assert session.get(Chat, -100200).language == "uk"
    assert main(["import", str(backup)]) == 0  # again: nothing twice
    assert capsys.readouterr().out.startswith("Added 0 sources, 0 follows, 0 digests, 0 chats")


def test_import_of_something_else_is_one_line(tmp_path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("LEDE_DATA_DIR", str(tmp_path / "data"))
    bad = tmp_path / "bad.json"
    bad.write_text('{"sources": []}')
    assert main(["import", str(bad)]) == 2
    assert capsys.readouterr().err.strip() == 'lede: not a Lede export (expected "format": "lede-export/1").'
    assert main(["import", str(tmp_path / "missing.json")]) == 2


@pytest.mark.slow  # ingests with the real model
def test_a_backup_restored_into_a_fresh_data_dir_gives_the_same_stats(tmp_path, monkeypatch, capsys) -> None:
    from tests.conftest import SAMPLES, VECTOR_STORE

    if VECTOR_STORE != "faiss" or os.environ.get("LEDE_DATABASE_URL"):
        assert main(["backup", str(tmp_path / "copy.sqlite3")]) == 2  # PostgreSQL: pg_dump's job
        assert "pg_dump -Fc" in capsys.readouterr().err
        return
    monkeypatch.setenv("LEDE_DATA_DIR", str(tmp_path / "data"))
    assert main(["ingest", "-q", str(SAMPLES)]) == 0
    capsys.readouterr()
    assert main(["stats", "--json"]) == 0
    before = capsys.readouterr().out
    assert main(["backup", str(tmp_path / "copy.sqlite3")]) == 0
    assert main(["backup", str(tmp_path / "copy.sqlite3")]) == 2  # never overwrites
    restored = tmp_path / "restored"
    restored.mkdir()
    (tmp_path / "copy.sqlite3").rename(restored / "lede.sqlite3")
    monkeypatch.setenv("LEDE_DATA_DIR", str(restored))
    assert main(["reindex"]) == 0
    capsys.readouterr()
    assert main(["stats", "--json"]) == 0
    assert capsys.readouterr().out == before and json.loads(before)["articles"] == 6


def test_an_export_with_rows_that_would_break_the_bot_imports_nothing(tmp_path, monkeypatch, capsys,
                                                                     database_url) -> None:
    monkeypatch.setenv("LEDE_DATA_DIR", str(tmp_path / "data"))
    document = {
        "format": "lede-export/1",
        "sources": [{"kind": "feed", "url": "https://n.example/feed.xml"},
                    {"kind": "feed", "url": "javascript:alert(1)"}],
        "digests": [{"chat_id": -1001, "time_of_day": "08:00", "timezone": "Europe"},
                    {"chat_id": -1002, "time_of_day": "abc", "timezone": "UTC"}],
        "follows": [{"chat_id": "-1001", "words": "ferry"}],
    }
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(document))
    assert main(["import", str(bad)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and err.startswith("lede: nothing imported: sources[1].url: ")
    assert "digests[0].timezone: 'Europe' is not a time zone (such as Europe/Kyiv or UTC)" in err
    assert "digests[1].time_of_day: 'abc' is not a time of day (HH:MM)" in err and "follows[0].chat_id" in err
    kb = _kb(tmp_path / "data", database_url)  # on PostgreSQL, the test's own database
    with kb.sessions() as session:
        assert session.scalar(select(Source)) is None and session.scalar(select(Digest)) is None
