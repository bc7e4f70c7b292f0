"""Several bot processes on one database: a scheduled digest is posted once, not once each."""

import asyncio

import pytest

from bot.chat import state
from bot.chat.app import build_application
from bot.chat.digests import post_digest
from index.knowledge import KnowledgeBase
from ingest.document import Document
from ingest.store import store_documents
from tests.fakes.botapi import BotAPI

pytestmark = pytest.mark.slow


async def test_three_bots_post_a_digest_exactly_once(bot_settings, model) -> None:
    api = BotAPI()
    channel = api.channel(-100123, "replica_news")
    settings = bot_settings(api)
    apps = []
    try:
        for _ in range(3):  # three replicas, each with its own knowledge base object
            app = build_application(settings, KnowledgeBase(settings, embedder=model), run_ingest=False)
            await app.initialize()
            apps.append(app)
        kb = apps[0].lede.kb
        digest = await asyncio.to_thread(state.set_digest, kb, chat_id=channel["id"], time_of_day="08:00",
                                         timezone="UTC", topic=None, created_by=1)
        await asyncio.to_thread(store_documents, kb, [Document(
            url="https://replica.example/1", title="Ferry strike ends",
            text="The ferry strike in Keld ended on Monday after the union accepted a new offer.")],
            progress=False)
        sent = await asyncio.gather(*(post_digest(app, digest.id) for app in apps))
        assert sorted(sent) == [False, False, True]
        assert len(api.sent("sendMessage", chat_id=channel["id"])) == 1
    finally:
        for app in apps:
            await app.shutdown()
        api.close()
