"""What readers may ask of the bot about itself, and what only admins see, through the real bot
and the Bot API fake."""

import asyncio
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from bot.state.tables import AnswerRecord, Chat, Follow
from index.models import Source
from tests.bot.chat.conftest import ADMIN, READER
from tests.fakes.botapi import User

pytestmark = pytest.mark.slow
STRANGER = User(3003, "Sam", "sam", "en")


async def _reply(telegram, chat, user, text) -> dict:
    before = len(telegram.api.sent(chat_id=chat["id"]))
    telegram.api.send(chat, user, text)
    return (await telegram.wait_for(chat_id=chat["id"], count=before + 1))[before].result


async def test_help_shows_admin_commands_to_admins_only(telegram) -> None:
    assert "/addsource" in (await _reply(telegram, telegram.api.private_chat(ADMIN), ADMIN, "/help"))["text"]
    stranger_help = (await _reply(telegram, telegram.api.private_chat(STRANGER), STRANGER, "/help"))["text"]
    assert "/addsource" not in stranger_help and "/privacy" in stranger_help


async def test_forget_deletes_the_readers_questions_votes_and_follows(telegram) -> None:
    chat = telegram.api.private_chat(STRANGER)
    await _reply(telegram, chat, STRANGER, "Who leads the coalition?")
    await _reply(telegram, chat, STRANGER, "/follow ferry")
    privacy = (await _reply(telegram, chat, STRANGER, "/privacy"))["text"]
    assert privacy.startswith("What I keep: your questions")
    forgotten = (await _reply(telegram, chat, STRANGER, "/forget"))["text"]
    assert forgotten == "Deleted: 1 question(s) with their answers and votes, 1 followed topic(s)."
    with telegram.kb.sessions() as session:
        assert session.scalar(select(func.count()).select_from(AnswerRecord).where(AnswerRecord.user_id == STRANGER.id)) == 0
        assert session.scalar(select(func.count()).select_from(Follow).where(Follow.chat_id == chat["id"])) == 0


async def test_outlets_lists_the_web_sources_anyone_may_see(telegram) -> None:
    now = datetime.now(UTC)
    with telegram.kb.sessions.begin() as session:
        session.add_all([Source(kind="feed", url="https://harbour.example/feed.xml", title="Harbour Post", created_at=now),
                         Source(kind="page", url="https://reader.example/sent", enabled=False, created_at=now),
                         Source(kind="file", url="/srv/private/notes", created_at=now)])
    text = (await _reply(telegram, telegram.api.private_chat(STRANGER), STRANGER, "/outlets"))["text"]
    assert text.splitlines() == ["Where my news comes from:", "• Harbour Post — 0"]


async def test_an_inline_asker_over_the_quota_is_told_so(telegram) -> None:
    telegram.app.lede.settings.questions_per_hour = 0
    telegram.api.inline_query(STRANGER, "Who leads the coalition?")
    [call] = await telegram.wait_for("answerInlineQuery")
    assert call.params["results"] == []
    assert call.params["button"]["text"].startswith("Too many questions this hour")


async def test_a_groups_language_is_its_digest_setters_not_the_last_speakers(telegram) -> None:
    group = telegram.api.group(-100444, "Readers", admins=[READER])
    await _reply(telegram, group, READER, "/digest 09:30 Europe/Kyiv")  # a Ukrainian admin sets it
    telegram.api.send(group, STRANGER, "hello everyone")  # an English speaker chats on
    await asyncio.sleep(1)
    with telegram.kb.sessions() as session:
        assert session.get(Chat, group["id"]).language == "uk"
