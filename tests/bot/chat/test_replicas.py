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


async def test_a_quota_spent_before_a_restart_is_still_spent_after_it(bot_settings, model) -> None:
    from ingest.local import ingest_paths
    from tests.bot.chat.conftest import running
    from tests.conftest import SAMPLES
    from tests.fakes.botapi import User

    api = BotAPI()
    settings = bot_settings(api, questions_per_hour=2)
    asker = User(5005, "Nadia", "nadia", "en")
    chat = api.private_chat(asker)
    try:
        await asyncio.to_thread(ingest_paths, KnowledgeBase(settings, embedder=model), [SAMPLES], progress=False)
        for run, question in enumerate(["Who leads the coalition?", "Who won the chess championship?"]):
            app = build_application(settings, KnowledgeBase(settings, embedder=model), run_ingest=False)
            async with running(app, app.updater.start_polling(poll_interval=0, timeout=1)):
                api.send(chat, asker, question)
                await asyncio.to_thread(api.wait_for, chat_id=chat["id"], count=run + 1)
        # A third process: the two questions asked of the first two count against the hour.
        app = build_application(settings, KnowledgeBase(settings, embedder=model), run_ingest=False)
        async with running(app, app.updater.start_polling(poll_interval=0, timeout=1)):
            api.send(chat, asker, "How long will the tram line be?")
            calls = await asyncio.to_thread(api.wait_for, chat_id=chat["id"], count=3)
        assert calls[2].result["text"].startswith("You have asked a lot of questions this hour.")
    finally:
        api.close()


async def test_an_update_delivered_to_two_replicas_is_handled_once(bot_settings, model) -> None:
    api = BotAPI()
    settings = bot_settings(api)
    apps = [build_application(settings, KnowledgeBase(settings, embedder=model), run_ingest=False) for _ in range(2)]
    try:
        outcomes = [await asyncio.to_thread(app.lede.first_time, 4711) for app in apps]
        assert outcomes == [True, False]
        assert await asyncio.to_thread(apps[0].lede.first_time, 4712)
    finally:
        api.close()


def test_inline_keystrokes_count_once_per_settled_query(kb) -> None:
    from datetime import UTC, datetime, timedelta

    from index.models import AnswerRecord

    start = datetime.now(UTC) - timedelta(minutes=5)
    typed = ["who", "who le", "who leads", "who leads the coalition"]  # one second apart
    with kb.sessions.begin() as session:
        for i, text in enumerate(typed):
            session.add(AnswerRecord(chat_id=None, user_id=9, question=text, answer_html="", sources_html="",
                                     found=True, created_at=start + timedelta(seconds=i)))
        session.add(AnswerRecord(chat_id=None, user_id=9, question="who won", answer_html="", sources_html="",
                                 found=True, created_at=start + timedelta(minutes=2)))
        session.add(AnswerRecord(chat_id=77, user_id=9, question="asked in a chat", answer_html="", sources_html="",
                                 found=True, created_at=start + timedelta(minutes=3)))
    assert len(state.questions_asked(kb, 9, start - timedelta(minutes=1))) == 3
