"""The bot waits for Telegram at start: one line per try, never a traceback, and a token Telegram
refuses is a configuration error at once. Real HTTP on loopback."""

import logging

import pytest

from bot.chat.app import RETRY_MAX_SECONDS, wait_for_telegram
from bot.settings import Settings
from index.errors import ConfigError
from tests.fakes.webserver import WebServer

TOKEN = "123456:TEST"


def _settings(web: WebServer, tmp_path) -> Settings:
    return Settings(data_dir=tmp_path, telegram_token=TOKEN, telegram_api_url=web.url("/bot"))


def test_the_bot_tries_again_until_telegram_answers(web, tmp_path, caplog) -> None:
    web.route(f"/bot{TOKEN}/getMe", "bad gateway", status=502)
    waited: list[float] = []

    def sleep(seconds: float) -> None:
        waited.append(seconds)
        if len(waited) == 4:  # the network comes up
            web.route(f"/bot{TOKEN}/getMe", '{"ok": true, "result": {"id": 1, "is_bot": true, "first_name": "Lede"}}',
                      content_type="application/json")

    with caplog.at_level(logging.WARNING):
        wait_for_telegram(_settings(web, tmp_path), sleep=sleep)
    assert waited == [1.0, 2.0, 4.0, RETRY_MAX_SECONDS]
    lines = [r.getMessage() for r in caplog.records if "Bot API" in r.getMessage()]
    assert len(lines) == 4 and all("HTTP 502" in line and "\n" not in line for line in lines)
    assert not any(r.exc_info for r in caplog.records)


def test_a_refused_token_is_a_configuration_error_at_once(web, tmp_path) -> None:
    web.route(f"/bot{TOKEN}/getMe", '{"ok": false, "error_code": 401, "description": "Unauthorized"}', status=401)
    with pytest.raises(ConfigError, match="Telegram refuses TELEGRAM_TOKEN"):
        wait_for_telegram(_settings(web, tmp_path), sleep=lambda seconds: pytest.fail("retried a refused token"))


def test_an_unreachable_server_is_tried_again_too(tmp_path) -> None:
    settings = Settings(data_dir=tmp_path, telegram_token=TOKEN, telegram_api_url="http://127.0.0.1:9/bot")
    tries: list[float] = []

    def sleep(seconds: float) -> None:
        tries.append(seconds)
        if len(tries) == 2:
            raise KeyboardInterrupt  # the operator stops it
    with pytest.raises(KeyboardInterrupt):
        wait_for_telegram(settings, sleep=sleep)
    assert tries == [1.0, 2.0]
