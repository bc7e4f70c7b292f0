"""SIGKILL an ingest at random moments, again and again: nothing stored twice, nothing lost,
and the FAISS index agrees with the database once it is loaded again."""

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import func, select

from index.knowledge import KnowledgeBase
from index.models import Article, Passage
from index.settings import Settings
from ingest.files import read_file
from ingest.split import paragraphs_of, split_passages

pytestmark = pytest.mark.slow
LEDE = Path(sys.executable).parent / "lede"
WORDS = """council harbour ferry storm library market tram festival mayor budget school river bridge
    museum train airport election vote strike museum""".split()


def _corpus(path: Path, articles: int) -> None:
    rng = random.Random(3)
    lines = []
    for n in range(articles):
        paragraphs = [" ".join(rng.choices(WORDS, k=60)).capitalize() + "." for _ in range(4)]
        lines.append(json.dumps({"doc_id": str(n), "url": f"https://crash.example/{n}",
                                 "title": f"Story {n}: {rng.choice(WORDS)}", "publish_date": "2025/06/01",
                                 "text": "\n\n".join(paragraphs)}))
    path.write_text("\n".join(lines))


def test_killed_ingests_lose_and_duplicate_nothing(tmp_path) -> None:
    corpus = tmp_path / "corpus.jsonl"
    _corpus(corpus, 400)
    env = {**os.environ, "LEDE_DATA_DIR": str(tmp_path / "data")}
    rng = random.Random(11)
    for _ in range(20):
        process = subprocess.Popen([str(LEDE), "ingest", "-q", str(corpus)], env=env,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.5, 4.0))
        process.send_signal(signal.SIGKILL)
        process.wait()
    finished = subprocess.run([str(LEDE), "ingest", "-q", str(corpus)], env=env, capture_output=True, text=True)
    assert finished.returncode == 0, finished.stderr

    expected = {d.url: len(split_passages(paragraphs_of(d.text))) for d in read_file(corpus)}
    kb = KnowledgeBase.connect(Settings(data_dir=tmp_path / "data"))
    with kb.sessions() as session:
        assert session.scalar(select(func.count(Article.id))) == 400
        stored = session.execute(
            select(Article.url, func.count(Passage.id), func.max(Passage.ordinal))
            .join(Passage).group_by(Article.url)
        ).all()
        # Every article whole, each passage once: n passages numbered 0..n-1.
        assert {url: (n, last + 1) for url, n, last in stored} == {u: (n, n) for u, n in expected.items()}
        db_ids = np.sort(np.fromiter(session.scalars(select(Passage.id)), dtype=np.int64))
    index_ids = np.sort(kb.open().vectors.ids())
    assert np.array_equal(index_ids, db_ids)
    assert kb.stats().in_sync
