"""End to end: people use the real bot through the Bot API fake and see what Telegram would show."""

import asyncio

import pytest
from sqlalchemy import select

from bot.chat.digests import post_digest
from bot.state.tables import AnswerRecord, Chat, Digest, Vote
from index.models import Source
from ingest.document import Document
from ingest.store import store_documents
from tests.bot.chat.conftest import ADMIN, READER
from tests.conftest import FIXTURES
from tests.fakes.botapi import User

pytestmark = pytest.mark.slow
STRANGER = User(3003, "Sam", "sam", "en")


def _replies(api, chat_id):
    return [c for c in api.sent("sendMessage", chat_id=chat_id)]


async def test_private_question_gets_a_cited_answer_with_buttons(telegram) -> None:
    api = telegram.api
    chat = api.private_chat(READER)
    api.send(chat, READER, "Who leads the coalition?")
    [call] = await telegram.wait_for(chat_id=chat["id"])
    message = call.result
    assert message["text"].startswith("“Britain and France are expected to lead the coalition.”")
    assert "[1]" in message["text"] and "Moscow Warns Against a 'Coalition of the Willing'" in message["text"]
    assert not [e for e in message.get("entities", []) if e["type"] == "bold"]  # the reader is not sure enough
    buttons = [b["text"] for row in message["reply_markup"]["inline_keyboard"] for b in row]
    assert buttons == ["Джерела", "Хронологія", "Як пишуть ЗМІ", "👍", "👎"]  # the reader's language is Ukrainian
    assert api.sent("sendChatAction", chat_id=chat["id"])


async def test_citations_link_to_the_articles(telegram) -> None:
    api = telegram.api
    chat = api.private_chat(ADMIN)
    api.send(chat, ADMIN, "Who won the national chess championship?")
    [call] = await telegram.wait_for(chat_id=chat["id"])
    links = [e["url"] for e in call.result["entities"] if e["type"] == "text_link"]
    assert "https://example.org/briefs/marlow-chess" in links
    assert call.result["text"].startswith("Ada Marlow")
    assert {"type": "bold", "offset": 0, "length": len("Ada Marlow")} in call.result["entities"]


async def test_unanswerable_question_is_declined(telegram) -> None:
    api = telegram.api
    chat = api.private_chat(ADMIN)
    api.send(chat, ADMIN, "What is the price of bitcoin?")
    [call] = await telegram.wait_for(chat_id=chat["id"])
    assert call.result["text"].startswith("I did not find an answer to that in my sources.")
    api.send(chat, ADMIN, "What is the price of bitcoin today?")  # told which day was searched
    [_, call] = await telegram.wait_for(chat_id=chat["id"], count=2)
    first_line = call.result["text"].splitlines()[0]
    assert first_line.startswith("I have no articles from ") and first_line.endswith(" on that.")


async def test_group_answers_mentions_replies_and_ask_but_not_chatter(telegram) -> None:
    api = telegram.api
    group = api.group(-100500, "Newsroom")
    api.send(group, READER, "good morning everyone")
    api.send(group, READER, "@lede_test_bot who leads the coalition?")
    [first] = await telegram.wait_for(chat_id=group["id"])
    assert first.result["text"].startswith("“Britain and France are expected to lead the coalition.”")
    bot_message = api.messages[(group["id"], first.result["message_id"])]
    api.send(group, STRANGER, "How many people visited the river festival?", reply_to=bot_message)
    api.send(group, STRANGER, "/ask Who won the dragon boat race?")
    calls = await telegram.wait_for(chat_id=group["id"], count=3)
    texts = [c.result["text"] for c in calls]
    assert any("85,000" in text for text in texts)
    assert any("fire brigade" in text for text in texts)
    await asyncio.sleep(0.5)
    assert len(_replies(api, group["id"])) == 3  # "good morning" got no answer


async def test_forum_topic_answer_stays_in_the_topic(telegram) -> None:
    api = telegram.api
    forum = api.group(-100600, "Forum", forum=True)
    api.send(forum, READER, "/ask Who leads the coalition?", thread_id=42)
    [call] = await telegram.wait_for(chat_id=forum["id"])
    assert call.params["message_thread_id"] == 42


async def test_inline_query_returns_the_answer(telegram) -> None:
    api = telegram.api
    api.inline_query(READER, "Who leads the coalition?")
    [call] = await telegram.wait_for("answerInlineQuery")
    [result] = call.params["results"]
    assert result["title"] == "Britain and France are expected to lead the coalition."
    assert "[1]" in result["input_message_content"]["message_text"]


async def test_sources_button_shows_passages_and_thumbs_up_is_stored(telegram) -> None:
    api = telegram.api
    chat = api.private_chat(ADMIN)
    api.send(chat, ADMIN, "Who leads the coalition?")
    [call] = await telegram.wait_for(chat_id=chat["id"])
    message = api.messages[(chat["id"], call.result["message_id"])]
    sources_data = message["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    api.press(message, sources_data, ADMIN)
    [edit] = await telegram.wait_for("editMessageText", chat_id=chat["id"])
    assert "Zakharova named the two countries" in edit.result["text"]  # the whole passage
    assert any(e["type"] == "blockquote" for e in edit.result["entities"])
    assert edit.result["reply_markup"]["inline_keyboard"][0][0]["text"] == "Answer"
    thumbs_up = next(b["callback_data"] for row in message["reply_markup"]["inline_keyboard"] for b in row
                     if b["text"] == "👍")
    api.press(message, thumbs_up, ADMIN)
    await telegram.wait_for("answerCallbackQuery", count=2)
    with telegram.kb.sessions() as session:
        [record] = session.scalars(select(AnswerRecord)).all()
        assert [(v.user_id, v.value) for v in session.scalars(select(Vote))] == [(ADMIN.id, 1)]
    assert record.question == "Who leads the coalition?"


async def test_non_admin_cannot_add_a_source_and_admin_can(telegram, web) -> None:
    api = telegram.api
    for name in ("night-market", "ferry"):
        web.route(f"/articles/{name}", (FIXTURES / "articles" / f"{name}.html").read_bytes())
    feed = web.route("/feed.xml", (FIXTURES / "feed.xml").read_bytes(), content_type="application/rss+xml")
    stranger_chat = api.private_chat(STRANGER)
    api.send(stranger_chat, STRANGER, f"/addsource {feed}")
    [refusal] = await telegram.wait_for(chat_id=stranger_chat["id"])
    assert refusal.result["text"] == "Sorry, only Lede's admins can do that."
    assert web.requests == []
    admin_chat = api.private_chat(ADMIN)
    api.send(admin_chat, ADMIN, f"/addsource {feed}")
    [added] = await telegram.wait_for(chat_id=admin_chat["id"])
    assert "(feed): Lede Test Wire" in added.result["text"]
    assert "2 new" in added.result["text"]
    with telegram.kb.sessions() as session:
        assert list(session.scalars(select(Source.url).where(Source.kind == "feed"))) == [feed]
    api.send(admin_chat, ADMIN, "/ingest")
    await telegram.wait_for("editMessageText", chat_id=admin_chat["id"])
    [done] = api.sent("editMessageText", chat_id=admin_chat["id"])
    assert done.result["text"].startswith("Done: 1 sources, 0 failed.")  # the local files are not fetched
    api.send(admin_chat, ADMIN, "/stats")
    calls = await telegram.wait_for(chat_id=admin_chat["id"], count=3)
    assert "Index agrees with database: yes" in calls[-1].result["text"]


def _add_story(kb, n: int, outlet: str, title: str) -> None:
    text = (f"{title}. The story number {n} was reported by {outlet} with many details about "
            "what happened, who was involved and what comes next for the people affected.")
    store_documents(kb, [Document(url=f"https://{outlet}.example/{n}", title=title, text=text,
                                  outlet=outlet)], progress=False)


async def test_channel_digest_posts_grouped_stories_once(telegram) -> None:
    api = telegram.api
    channel = api.channel(-100700, "lede_news")
    admin_chat = api.private_chat(ADMIN)
    api.send(admin_chat, ADMIN, "/digest @lede_news 08:00 Europe/Kyiv")
    [reply] = await telegram.wait_for(chat_id=admin_chat["id"])
    assert reply.result["text"] == "Digest set: every day at 08:00 (Europe/Kyiv)."
    [_job] = telegram.app.job_queue.get_jobs_by_name(f"digest:{channel['id']}")
    with telegram.kb.sessions() as session:
        digest = session.scalar(select(Digest))
    assert digest.chat_id == channel["id"]
    assert not await post_digest(telegram.app, digest.id)  # nothing new yet: nothing sent
    await asyncio.to_thread(_add_story, telegram.kb, 1, "harbour", "Storm closes Harbourton port")
    await asyncio.to_thread(_add_story, telegram.kb, 2, "courier", "Storm closes Harbourton port for two days")
    await asyncio.to_thread(_add_story, telegram.kb, 3, "courier", "Keld library extends its hours")
    assert await post_digest(telegram.app, digest.id)
    [post] = _replies(api, channel["id"])
    lines = post.result["text"].splitlines()
    assert lines[0] == "News digest"
    storm = [line for line in lines if "Storm closes" in line]
    assert len(storm) == 1 and "harbour · courier" in storm[0]  # one story, two outlets
    assert any("Keld library" in line for line in lines)
    assert not await post_digest(telegram.app, digest.id)  # never a story twice
    assert len(_replies(api, channel["id"])) == 1


async def test_group_digest_is_for_chat_admins(telegram) -> None:
    api = telegram.api
    group = api.group(-100800, "Readers", admins=[READER])
    api.send(group, STRANGER, "/digest 09:30 Europe/Kyiv")
    [refused] = await telegram.wait_for(chat_id=group["id"])
    assert refused.result["text"] == "Sorry, only this chat's admins can set its digest."
    api.send(group, READER, "/digest 09:30 Europe/Kyiv storm")
    calls = await telegram.wait_for(chat_id=group["id"], count=2)
    assert calls[1].result["text"] == "Дайджест налаштовано: щодня о 09:30 (Europe/Kyiv) — storm."


async def test_rate_limited_send_is_retried_and_arrives(telegram) -> None:
    api = telegram.api
    chat = api.private_chat(ADMIN)
    api.fail("sendMessage", 429, "Too Many Requests: retry after 1", chat_id=chat["id"], retry_after=1)
    api.send(chat, ADMIN, "Who leads the coalition?")
    [call] = await telegram.wait_for(chat_id=chat["id"])
    assert call.result["text"].startswith("“Britain and France are expected to lead the coalition.”")
    failed = [c for c in api.calls if c.method == "sendMessage" and c.error is not None]
    assert len(failed) == 1 and failed[0].error.code == 429


async def test_blocked_chat_is_marked_inactive_and_skipped(telegram) -> None:
    api = telegram.api
    channel = api.channel(-100900, "gone_news")
    admin_chat = api.private_chat(ADMIN)
    api.send(admin_chat, ADMIN, "/digest @gone_news 07:00 UTC")
    await telegram.wait_for(chat_id=admin_chat["id"])
    with telegram.kb.sessions() as session:
        digest_id = session.scalar(select(Digest.id))
    api.fail("sendMessage", 403, "Forbidden: bot was kicked from the channel chat", chat_id=channel["id"])
    await asyncio.to_thread(_add_story, telegram.kb, 4, "wire", "Ferry strike ends in Keld")
    assert not await post_digest(telegram.app, digest_id)
    with telegram.kb.sessions() as session:
        assert session.get(Chat, channel["id"]).active is False
    await asyncio.to_thread(_add_story, telegram.kb, 5, "wire", "Keld ferry timetable returns")
    attempts = len([c for c in api.calls if c.method == "sendMessage" and str(c.params["chat_id"]) == str(channel["id"])])
    assert not await post_digest(telegram.app, digest_id)
    assert len([c for c in api.calls if c.method == "sendMessage"
                and str(c.params["chat_id"]) == str(channel["id"])]) == attempts  # not tried again


@pytest.mark.parametrize("telegram", [{"questions_per_hour": 1}], indirect=True)
async def test_question_quota_gives_a_friendly_message(telegram) -> None:
    api = telegram.api
    chat = api.private_chat(STRANGER)
    api.send(chat, STRANGER, "Who leads the coalition?")
    await telegram.wait_for(chat_id=chat["id"])
    api.send(chat, STRANGER, "Who won the dragon boat race?")
    calls = await telegram.wait_for(chat_id=chat["id"], count=2)
    assert calls[1].result["text"].startswith("You have asked a lot of questions this hour.")


async def test_commands_menu_and_help_follow_the_users_language(telegram) -> None:
    api = telegram.api
    assert {"en", "ru", "uk", ""} <= set(api.commands)
    assert api.commands["ru"][0] == {"command": "ask", "description": "Задать вопрос о новостях"}
    russian = User(4004, "Ivan", "ivan", "ru")
    chat = api.private_chat(russian)
    api.send(chat, russian, "/help")
    [call] = await telegram.wait_for(chat_id=chat["id"])
    assert call.result["text"].startswith("Задайте вопрос в этом чате.")


async def test_group_migration_keeps_the_digest(telegram) -> None:
    api = telegram.api
    group = api.group(-4242, "Small group", admins=[READER])
    api.send(group, READER, "/digest 10:00 Europe/Kyiv")
    await telegram.wait_for(chat_id=group["id"])
    api.group(-100424242, "Small group")
    api.push({"message": {**api.message(group, READER, ""), "migrate_to_chat_id": -100424242}})
    for _ in range(100):
        with telegram.kb.sessions() as session:
            if session.scalar(select(Digest.chat_id)) == -100424242:
                break
        await asyncio.sleep(0.05)
    with telegram.kb.sessions() as session:
        assert session.scalar(select(Digest.chat_id)) == -100424242


async def test_followed_topic_pushes_new_matching_articles_once(telegram) -> None:
    from bot.chat.digests import send_alerts

    api = telegram.api
    chat = api.private_chat(READER)
    api.send(chat, READER, "/follow ferry")
    [reply] = await telegram.wait_for(chat_id=chat["id"])
    assert reply.result["text"].startswith("Стежу за «ferry»")
    await asyncio.to_thread(_add_story, telegram.kb, 6, "wire", "Keld ferry fares fall")
    await asyncio.to_thread(_add_story, telegram.kb, 7, "wire", "Harbourton opens a skate park")
    assert await send_alerts(telegram.app) == 1
    alert = _replies(api, chat["id"])[-1].result["text"]
    assert "Keld ferry fares fall" in alert and "skate park" not in alert
    assert await send_alerts(telegram.app) == 0  # nothing new: nothing sent again
    api.send(chat, READER, "/unfollow")
    calls = await telegram.wait_for(chat_id=chat["id"], count=3)
    assert calls[-1].result["text"] == "Відписано від тем: 1."


async def test_forged_or_malformed_button_data_shows_and_changes_nothing(telegram) -> None:
    api = telegram.api
    admin_chat, reader_chat = api.private_chat(ADMIN), api.private_chat(READER)
    api.send(admin_chat, ADMIN, "Who won the national chess championship?")
    [admin_answer] = await telegram.wait_for(chat_id=admin_chat["id"])
    api.send(reader_chat, READER, "Who leads the coalition?")
    [reader_answer] = await telegram.wait_for(chat_id=reader_chat["id"])
    with telegram.kb.sessions() as session:
        admin_id = session.scalars(select(AnswerRecord.id).where(AnswerRecord.chat_id == admin_chat["id"])).one()
    under = api.messages[(reader_chat["id"], reader_answer.result["message_id"])]
    for data in (f"src:{admin_id}", f"fb:{admin_id}:1", "fb:x", "src:", "fb:1:7"):
        api.press(under, data, READER)
    await telegram.wait_for("answerCallbackQuery", count=5)
    assert not api.sent("editMessageText", chat_id=reader_chat["id"])  # the admin's answer stays private
    with telegram.kb.sessions() as session:
        assert session.scalar(select(Vote)) is None
    assert admin_answer.result["text"].split("\n")[0] not in under["text"]


async def test_a_digest_set_in_a_forum_topic_posts_there(telegram) -> None:
    api = telegram.api
    forum = api.group(-100990, "Forum", admins=[ADMIN], forum=True)
    api.send(forum, ADMIN, "/digest 08:00 UTC", thread_id=5)
    [reply] = await telegram.wait_for(chat_id=forum["id"])
    assert reply.params["message_thread_id"] == 5
    with telegram.kb.sessions() as session:
        digest = session.scalar(select(Digest))
    await asyncio.to_thread(_add_story, telegram.kb, 1, "harbour", "Storm closes Harbourton port")
    assert await post_digest(telegram.app, digest.id)
    [_, post] = await telegram.wait_for(chat_id=forum["id"], count=2)
    assert post.result["text"].startswith("News digest") and post.params["message_thread_id"] == 5


async def test_an_error_tells_the_user_and_the_admins_once_per_distinct_error(telegram) -> None:
    api = telegram.api
    admin_chat = api.private_chat(ADMIN)
    chat = api.private_chat(STRANGER)
    for count, question in enumerate(("Who leads the coalition?", "Who won the chess championship?"), 1):
        api.fail("sendMessage", 400, "Bad Request: can't parse entities", chat_id=chat["id"])  # the answer fails
        api.send(chat, STRANGER, question)
        told = await telegram.wait_for(chat_id=chat["id"], count=count)
    assert all(call.result["text"].startswith("Sorry, something went wrong.") for call in told)
    [notice] = await telegram.wait_for(chat_id=admin_chat["id"])
    assert notice.result["text"].startswith("⚠️ Lede failed on update ") and "parse entities" in notice.result["text"]
    await asyncio.sleep(0.5)
    assert len(api.sent(chat_id=admin_chat["id"])) == 1  # the same error again: the admins heard it once
