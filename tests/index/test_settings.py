import pytest

from bot.settings import Settings
from index.db import create_database
from index.errors import ConfigError

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
