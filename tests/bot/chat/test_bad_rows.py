"""A digest that is no time or zone never stops the bot: refused when set, skipped when found at
start. Real PTB against the Bot API fake, real SQLite."""

import asyncio

from bot.chat.app import build_application
from bot.state import subscriptions
from index.knowledge import KnowledgeBase
from tests.bot.chat.conftest import ADMIN, READER, running
from tests.fakes.botapi import BotAPI


async def test_a_digest_in_a_zone_that_is_no_zone_gets_the_usage_not_an_error(telegram) -> None:
    api = telegram.api
    group = api.group(-100801, "Readers", admins=[ADMIN])
    api.send(group, ADMIN, "/digest 08:00 Europe")  # a folder of the zone database, not a zone
    [reply] = await telegram.wait_for(chat_id=group["id"])
    assert reply.result["text"].startswith("Use: /digest 08:00 Europe/Kyiv")
    assert not [c for c in api.calls if c.method == "sendMessage" and c.params.get("chat_id") == ADMIN.id]


async def test_a_bad_digest_row_found_at_start_is_skipped_and_the_bot_answers(bot_settings, model) -> None:
    api = BotAPI()
    try:
        settings = bot_settings(api)
        kb = KnowledgeBase.connect(settings, embedder=model)
        # Rows an older Lede or a hand edit left: neither is a time in a zone.
        subscriptions.set_digest(kb, chat_id=-1001, time_of_day="08:00", timezone="Europe", topic=None, created_by=1)
        subscriptions.set_digest(kb, chat_id=-1002, time_of_day="abc", timezone="UTC", topic=None, created_by=1)
        subscriptions.set_digest(kb, chat_id=-1003, time_of_day="07:30", timezone="Europe/Kyiv", topic=None, created_by=1)
        app = build_application(settings, kb, run_ingest=False)
        async with running(app, app.updater.start_polling(poll_interval=0, timeout=1)):
            assert [job.name for job in app.jobs.jobs() if job.name.startswith("digest:")] == ["digest:-1003"]
            chat = api.private_chat(READER)
            api.send(chat, READER, "/help")
            [reply] = await asyncio.to_thread(api.wait_for, "sendMessage", chat_id=chat["id"])
            assert reply.error is None
    finally:
        api.close()
