"""Several bot processes on one database: a scheduled digest is posted once, not once each, and
with pgvector every replica finds what any process stored."""

import asyncio

import pytest
from sqlalchemy import select

from bot.chat.app import build_application
from bot.chat.digests import post_digest
from bot.state import subscriptions
from index.knowledge import KnowledgeBase
from ingest.document import Document
from ingest.store import store_documents
from tests.conftest import POSTGRES
from tests.fakes.botapi import BotAPI

pytestmark = pytest.mark.slow


async def test_three_bots_post_a_digest_exactly_once(bot_settings, model) -> None:
    api = BotAPI()
    channel = api.channel(-100123, "replica_news")
    settings = bot_settings(api)
    apps = []
    try:
        for _ in range(3):  # three replicas, each with its own knowledge base object
            app = build_application(settings, KnowledgeBase.connect(settings, embedder=model), run_ingest=False)
            await app.initialize()
            apps.append(app)
        kb = apps[0].lede.kb
        digest = await asyncio.to_thread(subscriptions.set_digest, kb, chat_id=channel["id"], time_of_day="08:00",
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
        await asyncio.to_thread(ingest_paths, KnowledgeBase.connect(settings, embedder=model), [SAMPLES], progress=False)
        for run, question in enumerate(["Who leads the coalition?", "Who won the chess championship?"]):
            app = build_application(settings, KnowledgeBase.connect(settings, embedder=model), run_ingest=False)
            async with running(app, app.updater.start_polling(poll_interval=0, timeout=1)):
                api.send(chat, asker, question)
                await asyncio.to_thread(api.wait_for, chat_id=chat["id"], count=run + 1)
        # A third process: the two questions asked of the first two count against the hour.
        app = build_application(settings, KnowledgeBase.connect(settings, embedder=model), run_ingest=False)
        async with running(app, app.updater.start_polling(poll_interval=0, timeout=1)):
            api.send(chat, asker, "How long will the tram line be?")
            calls = await asyncio.to_thread(api.wait_for, chat_id=chat["id"], count=3)
        assert calls[2].result["text"].startswith("You have asked a lot of questions this hour.")
    finally:
        api.close()


async def test_an_update_delivered_to_two_replicas_is_handled_once(bot_settings, model) -> None:
    api = BotAPI()
    settings = bot_settings(api)
    apps = [build_application(settings, KnowledgeBase.connect(settings, embedder=model), run_ingest=False) for _ in range(2)]
    try:
        outcomes = [await asyncio.to_thread(app.lede.first_time, 4711) for app in apps]
        assert outcomes == [True, False]
        assert await asyncio.to_thread(apps[0].lede.first_time, 4712)
    finally:
        api.close()


@pytest.mark.skipif(not POSTGRES, reason="set LEDE_TEST_DATABASE_URL to a PostgreSQL server")
def test_two_replicas_on_pgvector_answer_alike_and_find_what_a_worker_process_stored(settings, model, tmp_path) -> None:
    """Past one machine: no replica holds vectors, so none needs a restart or a refresh to find by
    meaning what another process stored (full-text search finds it in any case)."""
    import os
    import subprocess

    from bot.answer import answer_question
    from index.models import Article, Passage
    from ingest.local import ingest_paths
    from tests.bot.cli.test_cli import LEDE
    from tests.conftest import SAMPLES

    settings = settings.model_copy(update={"vector_store": "pgvector"})
    ingest_paths(KnowledgeBase.connect(settings, embedder=model), [SAMPLES], progress=False)
    replicas = [KnowledgeBase.connect(settings, embedder=model).open() for _ in range(2)]
    first = [answer_question(kb, "Who leads the coalition?") for kb in replicas]
    assert first[0].candidate == first[1].candidate == "Britain and France" and first[0].direct == first[1].direct
    assert [s.urls for s in first[0].sources] == [s.urls for s in first[1].sources]

    article = tmp_path / "lighthouse.txt"
    article.write_text("Keld lighthouse keeper retires\n\nThe Keld lighthouse keeper, Arne Holm, retires "
                       "on Friday after forty-one years of tending the lamp.\n")
    worker = subprocess.run([str(LEDE), "ingest", str(article)], capture_output=True, text=True, timeout=300,
                            env={**os.environ, "LEDE_DATA_DIR": str(settings.data_dir),
                                 "LEDE_DATABASE_URL": settings.resolved_database_url,
                                 "LEDE_VECTOR_STORE": "pgvector"})
    assert worker.returncode == 0, worker.stderr
    with replicas[0].sessions() as session:
        stored = session.scalars(select(Passage.id).join(Article).where(Article.title.like("Keld lighthouse%"))).all()
    question = "Who tends the lamp on the coast?"  # no word of it in the article: found by meaning only
    for kb in replicas:  # opened before the worker stored it; nothing reloaded since
        nearest = [i for i, _ in kb.vectors.search(model.embed_query(question), 3)]
        assert set(stored) & set(nearest)
        answer = answer_question(kb, "Who is the Keld lighthouse keeper?")
        assert answer.sources[0].title == "Keld lighthouse keeper retires"
