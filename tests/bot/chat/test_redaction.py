import logging

from bot.settings import Settings

TOKEN = "123456:SECRET-TOKEN"


def test_the_bot_token_is_kept_out_of_log_lines(tmp_path, caplog) -> None:
    from bot.chat.app import redact_logs

    root = logging.getLogger()
    root.addHandler(caplog.handler)  # caplog's handler, now a root handler like a console's
    try:
        redact_logs(Settings(data_dir=tmp_path, telegram_token=TOKEN))
        with caplog.at_level(logging.INFO, logger="httpx"):  # the bot sets httpx to WARNING
            logging.getLogger("httpx").info("HTTP Request: POST %s", f"https://api.telegram.org/bot{TOKEN}/getMe")
    finally:
        root.removeHandler(caplog.handler)
    assert "getMe" in caplog.text and TOKEN not in caplog.text
