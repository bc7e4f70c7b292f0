"""Webhook mode: Telegram posts updates to the bot; only requests with the secret are taken."""

import asyncio
import socket

import pytest

from bot.chat.app import build_application
from index.knowledge import KnowledgeBase
from ingest.local import ingest_paths
from tests.bot.chat.conftest import READER, running
from tests.conftest import SAMPLES
from tests.fakes.botapi import BotAPI

pytestmark = pytest.mark.slow
SECRET = "s3cret-token"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def test_webhook_takes_updates_with_the_secret_and_answers_a_repeat_once(bot_settings, model) -> None:
    api = BotAPI()
    settings = bot_settings(api)
    kb = KnowledgeBase(settings, embedder=model)
    await asyncio.to_thread(ingest_paths, kb, [SAMPLES], progress=False)
    app = build_application(settings, kb, run_ingest=False)
    port = _free_port()
    webhook = app.updater.start_webhook(listen="127.0.0.1", port=port, url_path="hook", secret_token=SECRET,
                                        webhook_url=f"http://127.0.0.1:{port}/hook")
    try:
        async with running(app, webhook):
            assert api.webhook == {"url": f"http://127.0.0.1:{port}/hook", "secret": SECRET}
            chat = api.private_chat(READER)
            update = {"message": api.message(chat, READER, "Who leads the coalition?")}
            assert await asyncio.to_thread(api.push_webhook, update, secret=None) == 403
            assert await asyncio.to_thread(api.push_webhook, update, secret="wrong") == 403
            repeated = {**update, "update_id": 99}
            for _ in range(2):  # Telegram retries a webhook it thinks failed: the same update again
                status = await asyncio.to_thread(api.post_update, api.webhook["url"], repeated, SECRET)
                assert status == 200
            [call] = await asyncio.to_thread(api.wait_for, "sendMessage", chat_id=chat["id"])
            assert call.result["text"].startswith("“Britain and France are expected to lead the coalition.”")
            await asyncio.sleep(0.5)
            assert len(api.sent("sendMessage", chat_id=chat["id"])) == 1
            # While the webhook is set, long polling is refused, as Telegram does.
            assert api.call("getUpdates", {})[0] == 409
    finally:
        api.close()
