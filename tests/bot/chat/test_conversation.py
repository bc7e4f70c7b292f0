"""Conversations through the real bot and the Bot API fake: follow-ups, replies to older answers,
new subjects, edited questions."""

import asyncio

import pytest

from ingest.local import ingest_paths
from tests.bot.chat.conftest import ADMIN, READER
from tests.conftest import SHARED

pytestmark = pytest.mark.slow


async def _ask(telegram, chat, user, text, *, reply_to=None, thread_id=None) -> dict:
    """Send `text` and return the bot's answer message."""
    before = len(telegram.api.sent(chat_id=chat["id"]))
    telegram.api.send(chat, user, text, reply_to=reply_to, thread_id=thread_id)
    calls = await telegram.wait_for(chat_id=chat["id"], count=before + 1)
    return calls[before].result


def _cites_coalition(message: dict) -> bool:
    first_source = message["text"].split("[1]")[-1]
    return "Coalition of the Willing" in first_source.split("\n")[0] or "Coalition" in first_source[:200]


@pytest.mark.skipif(not (SHARED / "seeds").is_dir(), reason="../shared/seeds is not here")
async def test_follow_ups_stay_on_the_story_and_a_reply_uses_the_answer_it_replies_to(telegram) -> None:
    await asyncio.to_thread(ingest_paths, telegram.kb, [SHARED / "seeds"], progress=False)
    chat = telegram.api.private_chat(READER)
    leads = await _ask(telegram, chat, READER, "Who leads the coalition?")
    assert leads["text"].startswith("“Britain and France are expected to lead the coalition.”")
    moscow = await _ask(telegram, chat, READER, "What does Moscow say about it?")
    assert _cites_coalition(moscow) and "Moscow" in moscow["text"]
    signed = await _ask(telegram, chat, READER, "And when was the declaration signed?")
    assert _cites_coalition(signed) and "January" in signed["text"]
    # An unrelated question is answered on its own.
    tram = await _ask(telegram, chat, READER, "How long will the tram line be?")
    assert "14 kilometres" in tram["text"] and "Coalition" not in tram["text"]
    chess = await _ask(telegram, chat, READER, "Who won the chess championship?")
    assert "Ada Marlow" in chess["text"].splitlines()[0] and "Coalition" not in chess["text"]
    # Asked plainly now, "it" would be the chess championship (and "who opposed it?" finds
    # nothing on its own); replying to an older answer makes "it" that answer's story.
    opposed = await _ask(telegram, chat, READER, "Who opposed it?", reply_to=tram)
    assert "Opponents on the council" in opposed["text"]
    replied = await _ask(telegram, chat, READER, "Who signed it?", reply_to=signed)
    assert _cites_coalition(replied) and "Macron" in replied["text"]


async def test_follow_ups_are_kept_apart_per_forum_topic(telegram) -> None:
    forum = telegram.api.group(-100700, "Forum", forum=True)
    mention = "@lede_test_bot"
    tram = await _ask(telegram, forum, ADMIN, f"{mention} How long will the tram line be?", thread_id=7)
    assert "14 kilometres" in tram["text"]
    chess = await _ask(telegram, forum, ADMIN, f"{mention} Who won the chess championship?", thread_id=8)
    assert "Ada Marlow" in chess["text"]
    # In topic 7 the conversation is about the tram, whatever was asked in topic 8 since.
    opposed = await _ask(telegram, forum, ADMIN, f"{mention} Who opposed it?", thread_id=7)
    assert "Opponents on the council" in opposed["text"]


async def test_an_edited_question_is_answered_again_in_the_same_message(telegram) -> None:
    api = telegram.api
    chat = api.private_chat(ADMIN)
    api.send(chat, ADMIN, "Who won the chess championship?")
    [call] = await telegram.wait_for(chat_id=chat["id"])
    question = next(m for (chat_id, _), m in api.messages.items()
                    if chat_id == chat["id"] and m.get("text") == "Who won the chess championship?")
    edited = dict(question, text="How much will the tram line cost?", edit_date=question["date"] + 5)
    api.push({"edited_message": edited})
    [edit] = await telegram.wait_for("editMessageText", chat_id=chat["id"])
    assert edit.params["message_id"] == call.result["message_id"]
    assert "620 million euros" in edit.result["text"]
    assert len(api.sent(chat_id=chat["id"])) == 1  # no second answer message
