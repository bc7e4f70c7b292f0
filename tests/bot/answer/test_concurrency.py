"""Questions keep being answered while an ingest writes: no "database is locked", no error."""

import random
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from bot.answer import answer_question
from ingest.document import Document
from ingest.local import ingest_paths
from ingest.store import store_documents
from tests.conftest import SAMPLES

pytestmark = pytest.mark.slow


def test_fifty_concurrent_questions_during_an_ingest_are_all_answered(real_kb) -> None:
    ingest_paths(real_kb, [SAMPLES], progress=False)
    rng = random.Random(5)
    words = "council harbour ferry storm library market tram festival mayor budget river".split()
    documents = [
        Document(url=f"https://load.example/{n}", title=f"Load story {n}",
                 text="\n\n".join(" ".join(rng.choices(words, k=50)).capitalize() + "." for _ in range(4)))
        for n in range(300)
    ]
    ingest_done = threading.Event()

    def ingest() -> None:
        store_documents(real_kb, documents, progress=False)
        ingest_done.set()

    writer = threading.Thread(target=ingest)
    writer.start()
    questions = ["Who leads the coalition?", "Who won the dragon boat race?",
                 "How many people visited the river festival?", "What is the price of bitcoin?"] * 13
    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(lambda q: answer_question(real_kb, q), questions[:50]))
    answered_during_ingest = not ingest_done.is_set()
    writer.join()
    assert len(answers) == 50
    assert all(a.found for a in answers if a.question == "Who leads the coalition?")
    assert answered_during_ingest  # the questions really overlapped the writes
    assert real_kb.stats().articles == 306 and real_kb.stats().in_sync
