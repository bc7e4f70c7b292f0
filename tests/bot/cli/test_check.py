"""`lede check` before going live: each part ok, or what would not work and its fix."""

import pytest

from bot.cli import main
from tests.conftest import SAMPLES
from tests.fakes.botapi import TOKEN, BotAPI

pytestmark = pytest.mark.slow  # it loads the real model, as a deployment's check does


def test_check_names_what_would_not_work_then_passes_once_fixed(tmp_path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("LEDE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("TELEGRAM_TOKEN", TOKEN)
    monkeypatch.setenv("LEDE_TELEGRAM_API_URL", "http://127.0.0.1:9/bot")  # nothing listens there
    assert main(["check"]) == 1
    lines = dict(line.split(None, 2)[1::-1] for line in capsys.readouterr().out.splitlines()[:-1])
    assert lines["database"] == "FAIL" and lines["telegram"] == "FAIL" and lines["reader"] == "ok"

    assert main(["ingest", "-q", str(SAMPLES)]) == 0
    api = BotAPI()
    try:
        monkeypatch.setenv("LEDE_TELEGRAM_API_URL", api.base_url)
        monkeypatch.setenv("LEDE_ADMIN_IDS", "1")
        capsys.readouterr()
        assert main(["check"]) == 0
    finally:
        api.close()
    out = capsys.readouterr().out
    assert out.rstrip().endswith("Ready to go live.") and "FAIL" not in out
    assert "ok    telegram  Telegram answers; 1 admin(s)." in out
