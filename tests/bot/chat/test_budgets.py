"""No reader can starve the others or reset what they may ask: one answer at a time per reader,
only the last of a run of inline keystrokes answered, the hour's questions counted as asked (and
not reset by /forget), and buttons on inline answers that cannot be forged. Real PTB against the
Bot API fake, real SQLite (or PostgreSQL)."""

import asyncio

import pytest
from sqlalchemy import func, select

from bot.state.tables import AnswerRecord, QuestionCount, Vote
from tests.bot.chat.conftest import ADMIN, READER
from tests.fakes.botapi import User

STRANGER = User(3003, "Sam", "sam", "en")


def _answers(kb, user_id: int) -> int:
    with kb.sessions() as session:
        return session.scalar(select(func.count()).select_from(AnswerRecord).where(AnswerRecord.user_id == user_id))


async def test_a_run_of_inline_keystrokes_is_answered_once_for_the_last(telegram) -> None:
    api = telegram.api
    for typed in ("Who le", "Who lead", "Who leads the", "Who leads the coalition?"):
        api.inline_query(STRANGER, typed)
        await asyncio.sleep(0.05)  # faster than anyone types: each is a keystroke
    [answered] = await telegram.wait_for("answerInlineQuery", timeout=30)
    await asyncio.sleep(1.5)  # what a late answer to an earlier keystroke would need
    assert len(api.sent("answerInlineQuery")) == 1 and answered.params["results"]
    with telegram.kb.sessions() as session:
        assert session.scalars(select(AnswerRecord.question).where(AnswerRecord.user_id == STRANGER.id)).all() == [
            "Who leads the coalition?"]


@pytest.mark.parametrize("telegram", [{"questions_per_hour": 2}], indirect=True)
async def test_the_hours_count_is_not_reset_by_forget_and_the_reader_is_told_once(telegram) -> None:
    api = telegram.api
    chat = api.private_chat(STRANGER)
    for question in ("Who leads the coalition?", "Who won the dragon boat race?"):
        api.send(chat, STRANGER, question)
        await telegram.wait_for(chat_id=chat["id"], count=len(api.sent(chat_id=chat["id"])) + 1)
    api.send(chat, STRANGER, "/forget")  # deletes the questions, not what the hour counted
    await telegram.wait_for(chat_id=chat["id"], count=3)
    api.send(chat, STRANGER, "How long is the new tram route?")
    calls = await telegram.wait_for(chat_id=chat["id"], count=4)
    assert calls[3].result["text"].startswith("You have asked a lot of questions this hour.")
    api.send(chat, STRANGER, "And who is the mayor?")  # over budget again: not told twice
    api.send(chat, STRANGER, "/help")
    calls = await telegram.wait_for(chat_id=chat["id"], count=5)
    assert calls[4].result["text"].startswith("Ask")  # /help's answer came; no second notice before it
    with telegram.kb.sessions() as session:
        counts = session.scalars(select(QuestionCount)).all()
    assert [(c.asked, c.told) for c in counts] == [(2, True)]
    assert str(STRANGER.id) not in counts[0].asker  # a keyed hash, not the id


@pytest.mark.parametrize("telegram", [{"questions_per_hour": 50, "group_questions_per_hour": 2}], indirect=True)
async def test_a_group_has_a_budget_of_its_own_and_admins_are_not_counted(telegram) -> None:
    api = telegram.api
    group = api.group(-100777, "Readers", admins=[ADMIN])
    for n, user in enumerate((READER, STRANGER, ADMIN, STRANGER)):
        api.send(group, user, "/ask Who leads the coalition?")
        await telegram.wait_for(chat_id=group["id"], count=n + 1)
    texts = [c.result["text"] for c in api.sent("sendMessage", chat_id=group["id"])]
    assert [t.startswith("You have asked a lot of questions") for t in texts] == [False, False, False, True]


async def test_questions_in_a_row_are_answered_one_at_a_time_and_a_flood_gets_one_notice(telegram) -> None:
    api = telegram.api
    chat = api.private_chat(STRANGER)
    turns = telegram.app.lede.turns
    async with turns.turn(STRANGER.id):  # an answer of theirs is under way
        for _ in range(4):  # one waits for it (whichever the bot reads first); the others are refused
            api.send(chat, STRANGER, "Who leads the coalition?")
        [notice] = await telegram.wait_for(chat_id=chat["id"])  # told once, not three times
        await asyncio.sleep(0.5)
        assert len(api.sent(chat_id=chat["id"])) == 1 and _answers(telegram.kb, STRANGER.id) == 0
    [_, answer] = await telegram.wait_for(chat_id=chat["id"], count=2)  # the waiting one, answered
    await asyncio.sleep(0.5)
    assert notice.result["text"].startswith("I am still answering your previous question")
    assert answer.result["text"].startswith("“Britain and France are expected to lead the coalition.”")
    assert len(api.sent(chat_id=chat["id"])) == 2 and _answers(telegram.kb, STRANGER.id) == 1


async def test_buttons_on_an_inline_answer_cannot_be_forged_and_votes_are_one_per_reader(telegram) -> None:
    api = telegram.api
    api.inline_query(READER, "Who leads the coalition?")
    [answered] = await telegram.wait_for("answerInlineQuery", timeout=30)
    [result] = answered.params["results"]
    inline_id = api.choose_inline(result)  # the reader sends it into a group
    answer_id = int(result["id"])
    keyboard = result["reply_markup"]["inline_keyboard"]
    buttons = {b["text"]: b["callback_data"] for row in keyboard for b in row}
    sources = keyboard[0][0]["callback_data"]  # "Sources", in the reader's language
    # Forged: the same answer without the bot's signature, and another reader's answer by its id.
    for forged in (f"src:{answer_id}", f"fb:{answer_id}:-1", f"fb:{answer_id}:1~AAAAAAAAAAA"):
        api.press_inline(inline_id, forged, STRANGER)
    await telegram.wait_for("answerCallbackQuery", count=3)
    assert not api.sent("editMessageText")
    with telegram.kb.sessions() as session:
        assert session.scalar(select(Vote)) is None
    # Genuine: the group's members press the buttons the bot made.
    for n, (data, user) in enumerate([(buttons["👎"], STRANGER), (buttons["👍"], READER),
                                      (buttons["👍"], STRANGER),  # changes their mind: one vote each
                                      (sources, STRANGER)]):
        api.press_inline(inline_id, data, user)
        await telegram.wait_for("answerCallbackQuery", count=4 + n)
    [edit] = await telegram.wait_for("editMessageText")
    assert edit.params["inline_message_id"] == inline_id and "Zakharova" in api.inline_messages[inline_id]["text"]
    with telegram.kb.sessions() as session:
        votes = sorted((v.user_id, v.value) for v in session.scalars(select(Vote).where(Vote.answer_id == answer_id)))
    assert votes == sorted([(READER.id, 1), (STRANGER.id, 1)])


@pytest.mark.parametrize("telegram", [{"questions_per_hour": 2}], indirect=True)
async def test_each_edit_of_a_question_is_a_question_asked(telegram) -> None:
    api = telegram.api
    chat = api.private_chat(STRANGER)
    api.send(chat, STRANGER, "Who won the chess championship?")
    await telegram.wait_for(chat_id=chat["id"])
    question = next(m for (chat_id, _), m in api.messages.items()
                    if chat_id == chat["id"] and m.get("text") == "Who won the chess championship?")
    for n, text in enumerate(["How much will the tram line cost?", "Who leads the coalition?"], 1):
        api.push({"edited_message": dict(question, text=text, edit_date=question["date"] + n)})
        await asyncio.sleep(1)
    [edit] = await telegram.wait_for("editMessageText", chat_id=chat["id"])  # the first edit, answered
    [_, notice] = await telegram.wait_for(chat_id=chat["id"], count=2)  # the second: over the hour's two
    assert "620 million euros" in edit.result["text"]
    assert notice.result["text"].startswith("You have asked a lot of questions this hour.")
    assert len(api.sent("editMessageText", chat_id=chat["id"])) == 1
