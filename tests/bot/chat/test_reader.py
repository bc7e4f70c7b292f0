"""With a language model set, the answer goes out at once and is edited when the model's short
answer arrives (the Bot API fake and the OpenAI-compatible fake, both on loopback)."""

import pytest

from tests.bot.chat.conftest import READER

pytestmark = pytest.mark.slow


@pytest.fixture
async def telegram_with_llm(bot_settings, model):
    import asyncio as aio

    from bot.chat.app import build_application
    from index.knowledge import KnowledgeBase
    from ingest.local import ingest_paths
    from tests.bot.chat.conftest import Harness, running
    from tests.conftest import SAMPLES
    from tests.fakes.botapi import BotAPI
    from tests.fakes.llm import FakeLLM

    api, llm = BotAPI(), FakeLLM()
    settings = bot_settings(api, llm_base_url=llm.url, llm_model="tiny")
    kb = KnowledgeBase.connect(settings, embedder=model)
    await aio.to_thread(ingest_paths, kb, [SAMPLES], progress=False)
    app = build_application(settings, kb, run_ingest=False)
    try:
        async with running(app, app.updater.start_polling(poll_interval=0, timeout=1)):
            yield Harness(api, app, kb), llm
    finally:
        api.close()
        llm.close()


async def test_the_answer_is_sent_at_once_and_edited_when_the_language_model_answers(telegram_with_llm) -> None:
    telegram, llm = telegram_with_llm
    llm.short_reply = "Britain and France"
    api = telegram.api
    chat = api.private_chat(READER)
    api.send(chat, READER, "Who leads the coalition?")
    [sent] = await telegram.wait_for(chat_id=chat["id"])
    assert sent.result["text"].startswith("“Britain and France")  # the quotes at once, no bold line yet
    [edit] = await telegram.wait_for("editMessageText", chat_id=chat["id"])
    assert edit.params["message_id"] == sent.result["message_id"]
    assert edit.result["text"].startswith("Britain and France\n")
    assert {"type": "bold", "offset": 0, "length": len("Britain and France")} in edit.result["entities"]
