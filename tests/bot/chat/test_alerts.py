"""Who may change a chat's alerts, through the real bot and the Bot API fake."""

import pytest
from sqlalchemy import select

from bot.state.tables import Follow
from tests.bot.chat.conftest import READER
from tests.fakes.botapi import User

pytestmark = pytest.mark.slow


async def test_in_a_group_only_its_admins_change_its_alerts(telegram) -> None:
    api = telegram.api
    owner = User(4004, "Olga", "olga", "en")
    group = api.group(-100777, "Harbour news", admins=[owner])
    api.send(group, READER, "/follow ferry")
    [refused] = await telegram.wait_for(chat_id=group["id"])
    assert refused.result["text"] == "Вибачте, сповіщення цього чату змінюють лише його адміністратори."
    api.send(group, owner, "/follow ferry")
    api.send(group, READER, "/unfollow")  # a member cannot delete the group's follows either
    calls = await telegram.wait_for(chat_id=group["id"], count=3)
    texts = sorted(call.result["text"] for call in calls)  # replies to separate updates, any order
    assert texts[0].startswith("Following “ferry”") and texts[1:] == [refused.result["text"]] * 2
    with telegram.kb.sessions() as session:
        assert len(session.scalars(select(Follow).where(Follow.chat_id == group["id"])).all()) == 1


@pytest.mark.parametrize("telegram", [{"ingest_every": 1}], indirect=True)
async def test_alerts_come_from_a_bot_that_does_not_ingest_when_a_worker_stores_the_article(telegram) -> None:
    """The Procfile's topology: `lede bot --no-ingest` beside `lede ingest --watch`."""
    import asyncio

    from index.knowledge import KnowledgeBase
    from ingest.document import Document
    from ingest.store import store_documents

    assert not telegram.app.lede.run_ingest
    api = telegram.api
    chat = api.group(-100778, "Forum", admins=[READER], forum=True)
    api.send(chat, READER, "/follow ferry", thread_id=12)  # set in a forum topic: alerts go there
    await telegram.wait_for(chat_id=chat["id"])
    worker = KnowledgeBase.connect(telegram.kb.settings, embedder=telegram.kb.embedder)  # another process's
    document = Document(url="https://harbour.example/ferry", title="Night ferry to Keld returns",
                        text="The night ferry between Harbourton and Keld runs again from Monday.", outlet="Harbour Post")
    await asyncio.to_thread(store_documents, worker, [document], progress=False)
    [_, alert] = await telegram.wait_for(chat_id=chat["id"], count=2, timeout=30)
    assert "Night ferry to Keld returns" in alert.result["text"] and alert.params["message_thread_id"] == 12
