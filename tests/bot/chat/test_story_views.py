"""/timeline, /compare and the Timeline, Coverage and More buttons through the real bot and the
Bot API fake: in private chats, groups and forum topics, in the reader's language."""

import asyncio

import pytest

from bot.chat import render
from ingest.local import ingest_paths
from tests.bot.chat.conftest import ADMIN, READER
from tests.conftest import FIXTURES
from tests.fakes.botapi import User

pytestmark = pytest.mark.slow
RU_READER = User(4004, "Ivan", "ivan", "ru")


async def _with_storm(telegram):
    await asyncio.to_thread(ingest_paths, telegram.kb, [FIXTURES / "stories"], progress=False)


async def _reply(telegram, chat, user, text, **kwargs) -> dict:
    before = len(telegram.api.sent(chat_id=chat["id"]))
    telegram.api.send(chat, user, text, **kwargs)
    calls = await telegram.wait_for(chat_id=chat["id"], count=before + 1)
    return calls[before]


async def test_timeline_and_compare_in_a_private_chat(telegram) -> None:
    await _with_storm(telegram)
    chat = telegram.api.private_chat(ADMIN)
    timeline = (await _reply(telegram, chat, ADMIN, "/timeline storm Mara")).result
    assert timeline["text"].startswith("Timeline: ")
    days = [line for line in timeline["text"].splitlines() if line.startswith("2025-")]
    assert days == ["2025-03-10", "2025-03-11", "2025-03-13"]
    assert "https://times.example.com/news/keld-storm-cleanup" in [e.get("url") for e in timeline["entities"]]
    compared = (await _reply(telegram, chat, ADMIN, "/compare storm Mara")).result
    assert "Where their figures differ:" in compared["text"]
    assert "12,000 homes" in compared["text"] and "15,000 homes" in compared["text"]
    usage = (await _reply(telegram, chat, ADMIN, "/timeline")).result
    assert usage["text"].startswith("Use: /timeline words")


async def test_a_single_article_story_is_said_plainly_in_the_readers_language(telegram) -> None:
    await _with_storm(telegram)
    chat = telegram.api.private_chat(RU_READER)
    compared = (await _reply(telegram, chat, RU_READER, "/compare Ostvale footbridge")).result
    assert "освещает только Valley Times" in compared["text"]
    timeline = (await _reply(telegram, chat, READER, "/timeline Ostvale footbridge")).result
    assert "Поки що цю історію розповідає лише одна стаття" in timeline["text"]


async def test_story_views_stay_in_their_forum_topic(telegram) -> None:
    await _with_storm(telegram)
    forum = telegram.api.group(-100800, "Forum", forum=True)
    call = await _reply(telegram, forum, ADMIN, "/compare@lede_test_bot storm Mara", thread_id=9)
    assert call.params["message_thread_id"] == 9 and "Harbour Herald" in call.result["text"]


async def test_the_buttons_under_an_answer_show_its_storys_timeline_and_coverage(telegram) -> None:
    await _with_storm(telegram)
    api = telegram.api
    group = api.group(-100900, "Newsroom")
    answer = (await _reply(telegram, group, READER, "@lede_test_bot How many homes lost power in Keld?")).result
    buttons = {b["text"]: b["callback_data"] for row in answer["reply_markup"]["inline_keyboard"] for b in row}
    message = api.messages[(group["id"], answer["message_id"])]
    before = len(api.sent(chat_id=group["id"]))
    api.press(message, buttons["Хронологія"], READER)
    [*_, shown] = await telegram.wait_for(chat_id=group["id"], count=before + 1)
    assert shown.result["text"].startswith("Хронологія: ") and "2025-03-13" in shown.result["text"]
    api.press(message, buttons["Як пишуть ЗМІ"], READER)
    [*_, shown] = await telegram.wait_for(chat_id=group["id"], count=before + 2)
    assert "Де розходяться цифри:" in shown.result["text"]


async def test_more_shows_the_next_page_of_a_long_timeline(telegram, monkeypatch) -> None:
    await _with_storm(telegram)
    monkeypatch.setattr(render, "LIMIT", 600)  # the storm's timeline then takes several pages
    api = telegram.api
    chat = api.private_chat(ADMIN)
    first = (await _reply(telegram, chat, ADMIN, "/timeline storm Mara")).result
    [[more]] = first["reply_markup"]["inline_keyboard"]
    assert more["text"] == "More" and "2025-03-13" not in first["text"]
    pages, page = [first], first
    while page.get("reply_markup"):
        before = len(api.sent(chat_id=chat["id"]))
        api.press(api.messages[(chat["id"], page["message_id"])], page["reply_markup"]["inline_keyboard"][0][0]["callback_data"], ADMIN)
        page = (await telegram.wait_for(chat_id=chat["id"], count=before + 1))[before].result
        pages.append(page)
    developments = [line for p in pages for line in p["text"].splitlines() if line.startswith("• ")]
    assert len(developments) == len(set(developments)) == 4  # every development once, across pages
    assert "2025-03-13" in pages[-1]["text"]


async def test_forged_story_buttons_change_nothing(telegram) -> None:
    api = telegram.api
    chat = api.private_chat(ADMIN)
    answer = (await _reply(telegram, chat, ADMIN, "Who leads the coalition?")).result
    message = api.messages[(chat["id"], answer["message_id"])]
    before = len(api.sent(chat_id=chat["id"]))
    for data in (f"tl:{answer['message_id']}:0", "tl:1:999", "cv:1:2", "tl:99999:1"):
        api.press(message, data, ADMIN)
    await telegram.wait_for("answerCallbackQuery", count=4)
    assert len(api.sent(chat_id=chat["id"])) == before


async def test_a_digest_links_a_story_of_several_days_to_its_timeline(telegram) -> None:
    from sqlalchemy import select

    from bot.chat.digests import post_digest
    from bot.state.tables import Digest

    api = telegram.api
    channel = api.channel(-100950, "storm_news")
    admin_chat = api.private_chat(ADMIN)
    await _reply(telegram, admin_chat, ADMIN, "/digest @storm_news 08:00 Europe/Kyiv")
    with telegram.kb.sessions() as session:
        digest = session.scalar(select(Digest))
    await _with_storm(telegram)
    assert await post_digest(telegram.app, digest.id)
    [post] = api.sent(chat_id=channel["id"])
    lines = post.result["text"].splitlines()
    storm = [line for line in lines if "Mara" in line]
    assert len(storm) == 1 and storm[0].endswith("· Timeline")  # one story, several days
    assert not any(line.endswith("Timeline") for line in lines if "Ostvale" in line)  # one day only
    link = next(e["url"] for e in post.result["entities"] if e.get("url", "").startswith("https://t.me/"))
    start = link.split("?start=")[1]
    reader = api.private_chat(READER)
    timeline = (await _reply(telegram, reader, READER, f"/start {start}")).result
    assert timeline["text"].startswith("Хронологія: ") and "2025-03-13" in timeline["text"]
    asked = (await _reply(telegram, reader, READER, "Who leads the coalition?")).result
    answer_id = next(b["callback_data"] for row in asked["reply_markup"]["inline_keyboard"] for b in row).split(":")[1]
    for forged in (f"tl_{answer_id}", "tl_999999"):  # an answer's id is not a digest's link
        refused = (await _reply(telegram, reader, READER, f"/start {forged}")).result
        assert refused["text"] == "У моїх джерелах немає історії про це."


STORM_PAGE = """<html><head><title>Keld counts the cost of Storm Mara</title>
<meta property="og:site_name" content="Keld Gazette"></head><body><article>
<h1>Keld counts the cost of Storm Mara</h1>
<p>Storm Mara left damage worth 20 million euros in Keld, the town council said on Wednesday; the
storm, the town and this page are fictional samples written for Lede's tests.</p>
<p>The storm flooded the harbour on Tuesday and cut power to thousands of homes across the coast.</p>
<p>Mayor Ines Dahl asked the regional government for help to rebuild the sea wall before the
autumn storms arrive.</p>
<p>Fishermen said they would not be able to go out to sea for at least two weeks.</p>
</article></body></html>"""


async def test_a_link_sent_to_the_bot_is_read_stored_and_set_in_its_story(telegram, web) -> None:
    await _with_storm(telegram)
    url = web.route("/keld-cost", STORM_PAGE)
    chat = telegram.api.private_chat(ADMIN)
    call = await _reply(telegram, chat, ADMIN, f"What is this about? {url}")
    text = call.result["text"]
    assert text.startswith("Keld counts the cost of Storm Mara")
    assert "20 million euros" in text  # its lead facts, cited [1]
    assert "Other outlets on this story:" in text and "Harbour Herald" in text
    with telegram.kb.sessions() as session:
        from sqlalchemy import select

        from index.models import Article, Source

        article = session.scalar(select(Article).where(Article.url == url))
        source = session.get(Source, article.source_id)
    assert source.kind == "page" and not source.enabled  # read once, listed for the admins
    # The link's story is the conversation's: a follow-up is answered from it.
    follow_up = (await _reply(telegram, chat, ADMIN, "How much damage did it cause?")).result
    assert "20 million euros" in follow_up["text"]


@pytest.mark.parametrize("telegram", [{"allow_private_networks": False}], indirect=True)
async def test_a_link_to_a_private_address_is_refused_in_one_line(telegram, web) -> None:
    url = web.route("/inside", STORM_PAGE)
    chat = telegram.api.private_chat(READER)
    refused = (await _reply(telegram, chat, READER, url)).result["text"]
    assert refused.startswith("Не вдалося прочитати посилання: ") and "\n" not in refused
    assert web.hits("/inside") == 0


async def test_a_question_asking_how_a_story_unfolded_gets_its_timeline(telegram) -> None:
    await _with_storm(telegram)
    chat = telegram.api.private_chat(ADMIN)
    asked = (await _reply(telegram, chat, ADMIN, "How did Storm Mara unfold?")).result
    assert asked["text"].startswith("Timeline: ") and "2025-03-13" in asked["text"]
    answer = (await _reply(telegram, chat, ADMIN, "How many homes lost power in Keld?")).result
    assert "homes" in answer["text"]
    unfolded = (await _reply(telegram, chat, ADMIN, "And how did it unfold?")).result  # "it": the story asked about
    assert unfolded["text"].startswith("Timeline: ") and "Harbour Herald" in unfolded["text"]
    # A reply to a timeline follows up its story.
    died = (await _reply(telegram, chat, ADMIN, "How many people died?", reply_to=asked)).result
    assert "people died" in died["text"]


@pytest.mark.parametrize("telegram", [{"questions_per_hour": 2}], indirect=True)
async def test_a_link_with_no_article_costs_a_question_and_leaves_no_source(telegram, web) -> None:
    from sqlalchemy import func, select

    from index.models import Source

    empty = web.route("/links", "<html><body><a href='/a'>one</a> <a href='/b'>two</a></body></html>")
    chat = telegram.api.private_chat(READER)
    refused = (await _reply(telegram, chat, READER, empty)).result["text"]
    assert refused.startswith("Не вдалося прочитати посилання: ")
    with telegram.kb.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Source).where(Source.kind == "page")) == 0
    await _reply(telegram, chat, READER, "Who leads the coalition?")
    over = (await _reply(telegram, chat, READER, "Who won the dragon boat race?")).result["text"]
    assert over.startswith("Ви поставили багато питань")  # the link was a question asked


async def test_a_link_to_another_url_of_a_stored_text_is_answered_from_it(telegram, web) -> None:
    await _with_storm(telegram)
    first = web.route("/keld-cost", STORM_PAGE)
    variant = web.route("/amp/keld-cost", STORM_PAGE)  # the same article at another address
    chat = telegram.api.private_chat(ADMIN)
    await _reply(telegram, chat, ADMIN, first)
    again = (await _reply(telegram, chat, ADMIN, variant)).result["text"]
    assert again.startswith("Keld counts the cost of Storm Mara") and "20 million euros" in again
