"""A fake embedder for tests of logic: deterministic and instant."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np

from index.embedders import Embedder, normalise
from index.text import words


class HashingEmbedder(Embedder):
    """Bag of hashed words: texts sharing words are near; deterministic and instant."""

    name = "test-hashing"
    dim = 64

    def __init__(self) -> None:
        self.calls = 0
        self.texts_embedded = 0
        self.longest = 0  # characters of the longest text embedded

    def embed_batch(self, texts: Sequence[str]) -> np.ndarray:
        self.calls += 1
        self.texts_embedded += len(texts)
        self.longest = max([self.longest, *map(len, texts)])
        matrix = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in words(text):
                bucket = int.from_bytes(hashlib.blake2b(word.encode(), digest_size=4).digest(), "big")
                matrix[row, bucket % self.dim] += 1.0
        return normalise(matrix)
