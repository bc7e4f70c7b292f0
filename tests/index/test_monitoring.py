"""/healthz and /metrics over real HTTP on loopback, on a real SQLite knowledge base."""

import json
import urllib.error
import urllib.request

import pytest

from index.monitoring import serve_monitoring
from ingest.document import Document
from ingest.store import store_documents


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


@pytest.fixture
def monitored(kb):
    server = serve_monitoring(kb, 0, host="127.0.0.1", fresh_seconds=0)
    yield kb, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_health_says_what_is_loaded_and_whether_the_index_is_in_step(monitored) -> None:
    kb, url = monitored
    status, body = _get(url + "/healthz")
    report = json.loads(body)
    assert status == 200 and report["database"] is True
    assert report["index_loaded"] is False and report["vectors_in_step"] is None  # answers before loading
    store_documents(kb, [Document(url="https://n.example/1", title="Ferry returns",
                                  text="The night ferry to Keld runs again from Monday, the harbour said.")],
                    progress=False)
    report = json.loads(_get(url + "/healthz")[1])
    assert report["index_loaded"] is True and report["passages"] == report["vectors"] == 1
    assert report["vectors_in_step"] is True and report["failing_sources"] == []
    assert _get(url + "/nothing")[0] == 404


def test_metrics_count_answers_and_ingest(monitored) -> None:
    from bot.answer import answer_question

    kb, url = monitored

    def value(name: str) -> float:
        lines = [line for line in _get(url + "/metrics")[1].splitlines() if line.startswith(name + " ")
                 or line.startswith(name + "{")]
        return sum(float(line.rsplit(" ", 1)[1]) for line in lines)

    articles, answers = value("lede_ingest_articles_total"), value("lede_answers_total")
    store_documents(kb, [Document(url="https://n.example/2", title="Tram approved",
                                  text="The council approved the tram line to the airport on Tuesday.")],
                    progress=False)
    answer_question(kb, "Who approved the tram line?")
    assert value("lede_ingest_articles_total") == articles + 1
    assert value("lede_answers_total") == answers + 1
    assert value("lede_answer_seconds_count") >= 1


def test_a_database_that_cannot_be_reached_makes_health_fail(monitored) -> None:
    from sqlalchemy import create_engine

    from index.db import session_factory

    kb, url = monitored
    # The database goes away under a running process: its sessions now reach a file that is gone
    # (SQLite: no PostgreSQL driver needed to run this).
    kb.sessions = session_factory(create_engine(f"sqlite:///{kb.settings.data_dir / 'gone' / 'lede.sqlite3'}"))
    status, body = _get(url + "/healthz")
    assert status == 503 and json.loads(body)["database"] is False


def test_failing_sources_are_named_by_id_never_by_url(monitored) -> None:
    from datetime import UTC, datetime

    from index.models import Source

    kb, url = monitored
    with kb.sessions.begin() as session:
        session.add(Source(kind="feed", url="https://n.example/feed?token=s3cr3t", failures=2, created_at=datetime.now(UTC)))
    status, body = _get(url + "/healthz")
    assert status == 200 and json.loads(body)["failing_sources"] == [1] and "s3cr3t" not in body


@pytest.mark.slow
def test_idle_connections_hold_no_thread_for_long_and_health_answers_after_them(kb, monkeypatch) -> None:
    import socket
    import threading
    import time

    from index import monitoring

    monkeypatch.setattr(monitoring, "READ_SECONDS", 0.5)
    server = serve_monitoring(kb, 0, host="127.0.0.1")
    port = server.server_address[1]
    idle = [socket.create_connection(("127.0.0.1", port)) for _ in range(300)]  # connect, send nothing
    try:
        time.sleep(0.2)
        assert threading.active_count() < 40  # at most MAX_CONNECTIONS of them are served at once
        time.sleep(1.0)  # the served ones time out; the rest were closed at once
        status, body = _get(f"http://127.0.0.1:{port}/healthz")
        assert status == 200 and json.loads(body)["database"] is True
    finally:
        for sock in idle:
            sock.close()
        server.shutdown()
        server.server_close()
