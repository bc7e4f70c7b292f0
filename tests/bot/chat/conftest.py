"""A running bot: the real python-telegram-bot Application, polling the Bot API fake on 127.0.0.1,
with the sample articles in a knowledge base that uses the real packaged model."""

from __future__ import annotations

import asyncio
from contextlib import asynccontextmanager
from dataclasses import dataclass

import pytest

from bot.chat.app import build_application
from bot.settings import Settings
from index.knowledge import KnowledgeBase
from ingest.local import ingest_paths
from tests.conftest import SAMPLES
from tests.fakes.botapi import TOKEN, BotAPI, User

ADMIN = User(1001, "Ada", "ada", "en")
READER = User(2002, "Olena", "olena", "uk")


@dataclass
class Harness:
    api: BotAPI
    app: object
    kb: KnowledgeBase

    async def wait_for(self, method: str = "sendMessage", **kwargs):
        return await asyncio.to_thread(self.api.wait_for, method, **kwargs)


@pytest.fixture
def bot_settings(tmp_path):
    def make(api: BotAPI, **overrides) -> Settings:
        values = dict(data_dir=tmp_path / "data", telegram_token=TOKEN, telegram_api_url=api.base_url,
                      admin_ids=[ADMIN.id], allow_private_networks=True)
        values.update(overrides)
        return Settings(**values)

    return make


@pytest.fixture
async def telegram(bot_settings, model, request):
    api = BotAPI()
    overrides = getattr(request, "param", {})
    settings = bot_settings(api, **overrides)
    kb = KnowledgeBase.connect(settings, embedder=model)
    await asyncio.to_thread(ingest_paths, kb, [SAMPLES], progress=False)
    app = build_application(settings, kb, run_ingest=False)
    try:
        async with running(app, app.updater.start_polling(poll_interval=0, timeout=1)):
            yield Harness(api, app, kb)
    finally:
        api.close()


@asynccontextmanager
async def running(app, start_updates):
    """Run `app` as run_polling/run_webhook would, with `start_updates` receiving updates."""
    await app.initialize()
    await app.post_init(app)
    await app.start()
    await start_updates
    try:
        yield app
    finally:
        await app.updater.stop()
        await app.stop()
        await app.shutdown()
        await app.post_shutdown(app)
