"""What every embedder is: texts in, L2-normalised float32 rows out. A model loads on first use,
never at import."""

from __future__ import annotations

import threading
from abc import ABC, abstractmethod
from collections.abc import Sequence
from functools import cached_property
from typing import Any

import numpy as np

WORDS_REMEMBERED = 20_000  # word vectors kept by embed_words: 40 MB at 512 dimensions


class Embedder(ABC):
    """Embeds passages and queries; subclasses implement `embed_batch` only."""

    @property
    def loaded(self) -> bool:
        """Whether the model is in memory (one that loads nothing is always)."""
        return True

    name: str
    dim: int
    batch_size: int = 32  # measured here: 32 beat 64 on 2 cores
    # Below this evidence (a sentence's cosine to the question plus shared words, see
    # bot/answer.py) the sources do not hold the answer. Each model has its own scale of
    # similarity, so each has its threshold, calibrated on the news eval (docs/quality.md).
    evidence_threshold: float = 0.45
    # A question in another script than its sources' (Russian over English) shares no words with
    # them and scores lower: its own threshold, None where the model is not multilingual.
    cross_lingual_threshold: float | None = None
    # An article whose passages stand this far from their own centroid (mean cosine, see
    # index/search.py) covers many stories, a roundup; None where not measured for the model.
    roundup_focus: float | None = None

    @abstractmethod
    def embed_batch(self, texts: Sequence[str]) -> np.ndarray:
        """Return one L2-normalised float32 row per text."""

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        """Return vectors for passages, embedded in batches."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        parts = [
            self.embed_batch(texts[start : start + self.batch_size])
            for start in range(0, len(texts), self.batch_size)
        ]
        return np.vstack(parts)

    def embed_query(self, text: str) -> np.ndarray:
        """Return the vector of one query, shape (dim,). An answer embeds its question once and
        hands the vector to search and to the sentences' scoring."""
        return self.embed_batch([text])[0]

    def embed_words(self, words: Sequence[str]) -> np.ndarray:
        """Return the vectors of single words, remembered: the words of the news repeat, and
        embedding one costs about a millisecond."""
        if not words:
            return np.zeros((0, self.dim), dtype=np.float32)
        known = {w: v for w in words if (v := self._word_vectors.get(w)) is not None}
        missing = [w for w in dict.fromkeys(words) if w not in known]
        if missing:
            if len(self._word_vectors) + len(missing) > WORDS_REMEMBERED:
                self._word_vectors.clear()  # simpler than least-recently-used, and rare
            embedded = dict(zip(missing, self.embed_passages(missing), strict=False))
            self._word_vectors.update(embedded)
            known.update(embedded)
        return np.stack([known[w] for w in words])

    @cached_property
    def _word_vectors(self) -> dict[str, np.ndarray]:
        return {}


def normalise(vectors: np.ndarray) -> np.ndarray:
    """Return `vectors` as float32 rows of unit length (zero rows stay zero)."""
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.maximum(norms, 1e-12)


class LoadedOnFirstUse(Embedder):
    """An embedder whose model loads on first use (seconds), once, even from several threads."""

    def __init__(self) -> None:
        self._model = None
        self._lock = threading.Lock()

    @property
    def loaded(self) -> bool:
        return self._model is not None

    def load(self) -> Any:
        """Return the model, loading it the first time (seconds): a call that may take that long
        says so, where a property would hide it."""
        with self._lock:
            if self._model is None:
                self._model = self._load()
        return self._model

    @abstractmethod
    def _load(self) -> Any:
        """Return the loaded model."""


