"""Benchmark: one reader floods the bot (inline keystrokes 0.05 s apart, and long Cyrillic
questions in a row) while another asks plain questions; prints the other reader's answer times,
quiet and under the flood, their ratio, and the process's peak RSS. The real bot (PTB polling the
Bot API fake on loopback), the real model, the sample articles.

    python -m tests.benchmarks.flood [--questions 6]
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import statistics
import tempfile
import time
from pathlib import Path

from bot.chat.app import build_application
from bot.settings import Settings
from index.embedders import configured_embedder
from index.knowledge import KnowledgeBase
from ingest.local import ingest_paths
from tests.bot.chat.conftest import running
from tests.conftest import SAMPLES
from tests.fakes.botapi import TOKEN, BotAPI, User

FLOODER = User(6006, "Flood", "flood", "ru")
READER = User(7007, "Quiet", "quiet", "en")
QUESTIONS = ["Who leads the coalition?", "Who won the dragon boat race?", "How long will the tram line be?",
             "Who won the chess championship?", "When does the night ferry run?", "Who opposed the tram?"]


async def _ask_all(api: BotAPI, chat: dict, count: int) -> list[float]:
    times = []
    for n in range(count):
        before = len(api.sent("sendMessage", chat_id=chat["id"]))
        started = time.perf_counter()
        api.send(chat, READER, QUESTIONS[n % len(QUESTIONS)])
        await asyncio.to_thread(api.wait_for, "sendMessage", chat_id=chat["id"], count=before + 1, timeout=300)
        times.append(time.perf_counter() - started)
    return times


async def _flood(api: BotAPI, stop: asyncio.Event) -> int:
    chat = api.private_chat(FLOODER)
    long_question = ("Кто возглавляет коалицию и что об этом говорит Москва? " * 80)[:4096]
    sent = 0
    while not stop.is_set():
        for n in range(20):  # keystrokes, faster than anyone types
            api.inline_query(FLOODER, f"Кто возглавляет коалицию {sent} {n}")
            await asyncio.sleep(0.05)
        api.send(chat, FLOODER, long_question)
        sent += 1
    return sent


async def main(questions: int) -> None:
    with tempfile.TemporaryDirectory() as data:
        api = BotAPI()
        settings = Settings(data_dir=Path(data), telegram_token=TOKEN, telegram_api_url=api.base_url,
                            questions_per_hour=10_000)  # the budget is not what is measured here
        kb = KnowledgeBase.connect(settings, embedder=configured_embedder(settings))
        ingest_paths(kb, [SAMPLES], progress=False)
        app = build_application(settings, kb, run_ingest=False)
        try:
            async with running(app, app.updater.start_polling(poll_interval=0, timeout=1)):
                chat = api.private_chat(READER)
                await _ask_all(api, chat, 1)  # warm: the model and the index loaded
                quiet = await _ask_all(api, chat, questions)
                stop = asyncio.Event()
                flooding = asyncio.create_task(_flood(api, stop))
                await asyncio.sleep(2)
                flooded = await _ask_all(api, chat, questions)
                stop.set()
                rounds = await flooding
        finally:
            api.close()
    inline = len(api.sent("answerInlineQuery"))
    print(f"quiet answer time: median {statistics.median(quiet):.2f} s, max {max(quiet):.2f} s")
    print(f"under the flood:   median {statistics.median(flooded):.2f} s, max {max(flooded):.2f} s "
          f"({rounds * 20} inline queries, {rounds} long questions; {inline} inline answers sent)")
    print(f"ratio (median): {statistics.median(flooded) / statistics.median(quiet):.2f}")
    print(f"peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=6)
    asyncio.run(main(parser.parse_args().questions))
