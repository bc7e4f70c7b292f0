"""Admin commands in the admin's language, and the chat commands around follows and votes,
through the real bot and the Bot API fake."""

import pytest

from index.models import Source
from tests.bot.chat.conftest import ADMIN, READER

pytestmark = pytest.mark.slow
PAGE = ("<html><head><title>Keld ferry returns</title></head><body><article><h1>Keld ferry returns</h1>"
        "<p>The night ferry between Harbourton and Keld runs again from Monday, the harbour office said on "
        "Friday; both towns are fictional samples written for Lede's tests.</p></article></body></html>")


async def _reply(telegram, chat, user, text) -> str:
    before = len(telegram.api.sent(chat_id=chat["id"]))
    telegram.api.send(chat, user, text)
    return (await telegram.wait_for(chat_id=chat["id"], count=before + 1))[before].result["text"]


@pytest.mark.parametrize("telegram", [{"admin_ids": [ADMIN.id, READER.id]}], indirect=True)
async def test_an_admin_adds_disables_and_enables_a_source_in_their_language(telegram, web) -> None:
    url = web.route("/ferry", PAGE)
    chat = telegram.api.private_chat(READER)  # a Ukrainian-speaking admin
    added = await _reply(telegram, chat, READER, f"/addsource {url} 2h")
    assert added.startswith("Джерело #") and " додано (page)" in added
    source_id = int(added.split("#")[1].split()[0])
    assert (await _reply(telegram, chat, READER, f"/disable {source_id}")).startswith(f"Джерело #{source_id} вимкнено")
    with telegram.kb.sessions() as session:
        source = session.get(Source, source_id)
        assert source.interval_seconds == 7200 and source.enabled is False
    assert (await _reply(telegram, chat, READER, f"/enable #{source_id}")).startswith(f"Джерело #{source_id} увімкнено")
    assert (await _reply(telegram, chat, READER, "/disable")).startswith("Формат: /disable ID")
    stats = await _reply(telegram, chat, READER, "/stats")
    assert stats.startswith("Джерела: 2\nСтатті: ") and stats.endswith("Індекс збігається з базою: так")
    assert (await _reply(telegram, chat, READER, "/addsource 10.0.0.1/x nonsense")).startswith("⚠️ ")


async def test_following_lists_the_chats_topics_and_one_can_be_dropped(telegram) -> None:
    chat = telegram.api.private_chat(ADMIN)
    assert (await _reply(telegram, chat, ADMIN, "/following")).startswith("This chat follows nothing.")
    await _reply(telegram, chat, ADMIN, "/follow ferry")
    await _reply(telegram, chat, ADMIN, "/follow tram line")
    assert await _reply(telegram, chat, ADMIN, "/following") == "This chat follows:\n• ferry\n• tram line"
    assert await _reply(telegram, chat, ADMIN, "/unfollow ferry") == "Stopped following “ferry”."
    assert await _reply(telegram, chat, ADMIN, "/following") == "This chat follows:\n• tram line"


async def test_votes_shows_admins_the_answers_readers_found_wrong(telegram) -> None:
    api = telegram.api
    reader_chat = api.private_chat(READER)
    api.send(reader_chat, READER, "Who won the dragon boat race?")
    [answer] = await telegram.wait_for(chat_id=reader_chat["id"])
    message = api.messages[(reader_chat["id"], answer.result["message_id"])]
    thumbs_down = next(b["callback_data"] for row in message["reply_markup"]["inline_keyboard"] for b in row
                       if b["text"] == "👎")
    api.press(message, thumbs_down, READER)
    await telegram.wait_for("answerCallbackQuery")
    votes = await _reply(telegram, api.private_chat(ADMIN), ADMIN, "/votes")
    assert votes.splitlines()[0] == "Recent 👎 and their questions:" and "Who won the dragon boat race?" in votes
    refused = await _reply(telegram, reader_chat, READER, "/votes")
    assert refused.startswith("Вибачте")  # readers do not see others' questions
