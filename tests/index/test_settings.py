import logging

import pytest

from index.db import create_database
from index.errors import ConfigError
from index.settings import Settings

TOKEN = "123456:SECRET-TOKEN"
PASSWORD = "hunter2-secret"


def test_no_secret_appears_in_the_settings_repr_or_dump(tmp_path) -> None:
    settings = Settings(data_dir=tmp_path, telegram_token=TOKEN, llm_api_key="sk-secret-key",
                        webhook_secret="hook-secret", database_url=f"postgresql://lede:{PASSWORD}@db/lede")
    shown = repr(settings) + str(settings) + settings.model_dump_json()
    for secret in (TOKEN, "sk-secret-key", "hook-secret", PASSWORD):
        assert secret not in shown
    assert settings.resolved_database_url == f"postgresql://lede:{PASSWORD}@db/lede"


def test_a_bad_database_url_is_reported_without_its_password() -> None:
    with pytest.raises(ConfigError) as error:
        create_database(url=f"postgresql+nosuchdriver://lede:{PASSWORD}@db.example/lede")
    assert PASSWORD not in str(error.value)
    assert "lede:***@db.example" in str(error.value)


def test_the_bot_token_is_kept_out_of_log_lines(tmp_path, caplog) -> None:
    from bot.chat.app import redact_logs

    root = logging.getLogger()
    root.addHandler(caplog.handler)  # caplog's handler, now a root handler like a console's
    try:
        redact_logs(Settings(data_dir=tmp_path, telegram_token=TOKEN))
        with caplog.at_level(logging.INFO):
            logging.getLogger("httpx").info("HTTP Request: POST %s", f"https://api.telegram.org/bot{TOKEN}/getMe")
    finally:
        root.removeHandler(caplog.handler)
    assert "getMe" in caplog.text and TOKEN not in caplog.text
