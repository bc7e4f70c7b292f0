"""`lede bot` as a deployment runs it: a separate process, configured by environment variables,
pointed at a Bot API server (here the fake) by LEDE_TELEGRAM_API_URL."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot.cli import main
from tests.bot.chat.conftest import READER
from tests.conftest import SAMPLES
from tests.fakes.botapi import TOKEN, BotAPI

pytestmark = pytest.mark.slow
LEDE = Path(sys.executable).parent / "lede"


def test_lede_bot_process_answers_a_question(tmp_path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("LEDE_DATA_DIR", str(tmp_path / "data"))
    assert main(["ingest", "-q", str(SAMPLES)]) == 0
    api = BotAPI()
    env = {**os.environ, "LEDE_DATA_DIR": str(tmp_path / "data"), "TELEGRAM_TOKEN": TOKEN,
           "LEDE_TELEGRAM_API_URL": api.base_url, "LEDE_ADMIN_IDS": "1"}
    # The question is waiting before the process starts: it arrives with the first poll, while
    # the index and the model are still loading, and waits for them instead of failing.
    chat = api.private_chat(READER)
    api.send(chat, READER, "Who leads the coalition?")
    started = time.monotonic()
    process = subprocess.Popen([str(LEDE), "bot", "--no-ingest"], env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
    try:
        api.wait_polling()
        polled = time.monotonic() - started
        [call] = api.wait_for("sendMessage", chat_id=chat["id"], timeout=60)
        answered = time.monotonic() - started
        assert call.result["text"].startswith("“Britain and France are expected to lead the coalition.”")
        print(f"lede bot polled {polled:.1f} s after start and answered {answered:.1f} s after start")
    finally:
        process.send_signal(signal.SIGTERM)  # how systemd, Docker and honcho stop it
        output, _ = process.communicate(timeout=60)
        api.close()
    assert process.returncode == 0, output
    assert TOKEN not in output  # the token never reaches the log
    assert "Traceback" not in output and "Application.stop() complete" in output


def test_lede_bot_started_before_telegram_is_reachable_answers_once_it_is(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("LEDE_DATA_DIR", str(tmp_path / "data"))
    assert main(["ingest", "-q", str(SAMPLES)]) == 0
    port = _free_port()  # nothing listens there yet: the network is still coming up
    env = {**os.environ, "LEDE_DATA_DIR": str(tmp_path / "data"), "TELEGRAM_TOKEN": TOKEN,
           "LEDE_TELEGRAM_API_URL": f"http://127.0.0.1:{port}/bot"}
    process = subprocess.Popen([str(LEDE), "bot", "--no-ingest"], env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
    api = None
    try:
        assert process.stdout is not None
        tries = (line for line in iter(process.stdout.readline, "") if "is not reachable" in line)
        assert "ConnectError, try 1" in next(tries) and "try 2" in next(tries)
        api = BotAPI(port=port)  # Telegram comes up
        chat = api.private_chat(READER)
        api.send(chat, READER, "Who leads the coalition?")
        [call] = api.wait_for("sendMessage", chat_id=chat["id"], timeout=60)
        assert call.result["text"].startswith("“Britain and France are expected to lead the coalition.”")
    finally:
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=60)
        if api is not None:
            api.close()
    assert process.returncode == 0 and "Traceback" not in output, output


def test_lede_bot_without_a_token_says_what_to_set(tmp_path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("LEDE_DATA_DIR", str(tmp_path / "data"))
    assert main(["bot"]) == 2
    assert "TELEGRAM_TOKEN" in capsys.readouterr().err


def _health(port: int, timeout: float = 60) -> dict:
    """Return the process's health report once it answers on `port`."""
    import json
    import urllib.request

    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as response:
                assert response.status == 200
                return json.loads(response.read())
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def _metrics(port: int) -> str:
    import urllib.request

    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as response:
        return response.read().decode()


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


_FEED = """<?xml version="1.0"?><rss version="2.0"><channel><title>Harbour Post</title><item>
<title>Night ferry to Keld returns</title><link>{link}</link><pubDate>Mon, 30 Nov 2026 08:00:00 GMT</pubDate>
<description>The night ferry between Harbourton and Keld runs again from Monday, the harbour office said on
Friday; both towns are fictional samples written for Lede's tests.</description></item></channel></rss>"""


def test_the_procfile_topology_serves_health_and_sends_alerts(tmp_path, monkeypatch, web) -> None:
    """`worker: lede ingest --watch` and `bot: lede bot --no-ingest`, each with its LEDE_HTTP_PORT."""
    data = tmp_path / "data"
    monkeypatch.setenv("LEDE_DATA_DIR", str(data))
    assert main(["ingest", "-q", str(SAMPLES)]) == 0
    api = BotAPI()
    base = {**os.environ, "LEDE_DATA_DIR": str(data)}
    worker_port, bot_port = _free_port(), _free_port()
    worker = subprocess.Popen([str(LEDE), "ingest", "--watch"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              text=True, env={**base, "LEDE_HTTP_PORT": str(worker_port), "LEDE_INGEST_EVERY": "1",
                                              "LEDE_ALLOW_PRIVATE_NETWORKS": "true"})  # its feed is on loopback
    bot = subprocess.Popen([str(LEDE), "bot", "--no-ingest"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           text=True, env={**base, "LEDE_HTTP_PORT": str(bot_port), "TELEGRAM_TOKEN": TOKEN,
                                           "LEDE_TELEGRAM_API_URL": api.base_url, "LEDE_INGEST_EVERY": "1"})
    try:
        for port in (worker_port, bot_port):
            report = _health(port)
            assert report["database"] is True and report["passages"] > 0
        api.wait_polling()
        chat = api.private_chat(READER)
        api.send(chat, READER, "/follow ferry")
        api.wait_for("sendMessage", chat_id=chat["id"], timeout=60)
        # A feed appears among the sources (as `lede sources import` adds them: fetched on the next
        # run); the worker fetches it and stores the article, and the bot sends the alert.
        feed = web.route("/feed.xml", _FEED.format(link=web.url("/ferry")), content_type="application/rss+xml")
        opml = tmp_path / "feeds.opml"
        opml.write_text(f'<opml version="2.0"><body><outline type="rss" text="Harbour" xmlUrl="{feed}"/></body></opml>')
        assert main(["sources", "import", str(opml)]) == 0
        [_, alert] = api.wait_for("sendMessage", chat_id=chat["id"], count=2, timeout=60)
        assert "Night ferry to Keld returns" in alert.result["text"]
        assert "lede_answers_total" in _metrics(bot_port) and "lede_ingest_articles_total" in _metrics(worker_port)
    finally:
        for process in (bot, worker):
            process.send_signal(signal.SIGINT)
            process.communicate(timeout=60)
        api.close()


def test_the_readmes_put_it_on_telegram_steps_reach_a_working_bot(tmp_path, web) -> None:
    """README, "Put it on Telegram": start `lede bot` with a token and an admin id, add a source
    from a private chat, ask, then set a digest in a group. (BotFather is the fake here.)"""
    from tests.fakes.botapi import User

    page = web.route("/keld-ferry", "<html><head><title>Keld ferry returns</title></head><body><article>"
                     "<h1>Keld ferry returns</h1><p>The night ferry between Harbourton and Keld runs again "
                     "from Monday, the harbour office said on Friday; both towns are fictional samples "
                     "written for Lede's tests.</p></article></body></html>")
    api = BotAPI()
    admin = User(11111111, "Admin", "admin", "en")
    env = {**os.environ, "LEDE_DATA_DIR": str(tmp_path / "data"), "TELEGRAM_TOKEN": TOKEN,
           "LEDE_ADMIN_IDS": str(admin.id), "LEDE_TELEGRAM_API_URL": api.base_url,
           "LEDE_ALLOW_PRIVATE_NETWORKS": "true"}  # the test's source is on loopback
    process = subprocess.Popen([str(LEDE), "bot"], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        api.wait_polling()
        chat = api.private_chat(admin)
        api.send(chat, admin, f"/addsource {page}")
        [added] = api.wait_for("sendMessage", chat_id=chat["id"], timeout=120)
        assert added.result["text"].startswith("Added source #1 (page)")
        api.send(chat, admin, "When does the night ferry to Keld run again?")
        [_, answer] = api.wait_for("sendMessage", chat_id=chat["id"], count=2, timeout=120)
        assert "from Monday" in answer.result["text"] and "Keld ferry returns" in answer.result["text"]
        group = api.group(-100555, "Readers", admins=[admin])
        api.send(group, admin, "/digest 08:00 Europe/Kyiv")
        [digest] = api.wait_for("sendMessage", chat_id=group["id"], timeout=60)
        assert digest.result["text"] == "Digest set: every day at 08:00 (Europe/Kyiv)."
    finally:
        process.send_signal(signal.SIGINT)
        output, _ = process.communicate(timeout=60)
        api.close()
    assert process.returncode == 0, output


def test_the_watch_worker_stops_cleanly_on_sigterm_even_with_sigint_ignored(tmp_path) -> None:
    """Platforms stop a Procfile process with SIGTERM; a process started in the background may
    have inherited SIGINT ignored. Either way the worker ends its round and exits 0."""
    environment = {**os.environ, "LEDE_DATA_DIR": str(tmp_path / "data"), "LEDE_INGEST_EVERY": "1"}
    worker = subprocess.Popen([str(LEDE), "ingest", "--watch"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True, env=environment,
                              preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN))
    try:
        assert worker.stderr is not None
        assert any("Watching sources" in line for line in iter(worker.stderr.readline, ""))
        worker.send_signal(signal.SIGINT)
        worker.send_signal(signal.SIGTERM)
        _, errors = worker.communicate(timeout=60)
    finally:
        worker.kill()
    assert worker.returncode == 0 and "Stopped watching." in errors
