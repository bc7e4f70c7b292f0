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
        assert call.result["text"].startswith("Britain and France")
        print(f"lede bot polled {polled:.1f} s after start and answered {answered:.1f} s after start")
    finally:
        process.send_signal(signal.SIGINT)
        output, _ = process.communicate(timeout=60)
        api.close()
    assert process.returncode == 0, output
    assert TOKEN not in output  # the token never reaches the log


def test_lede_bot_without_a_token_says_what_to_set(tmp_path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("LEDE_DATA_DIR", str(tmp_path / "data"))
    assert main(["bot"]) == 2
    assert "TELEGRAM_TOKEN" in capsys.readouterr().err
