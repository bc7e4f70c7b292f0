import numpy as np

import index.embedders.base
from tests.fakes.embedder import HashingEmbedder


def test_word_vectors_are_the_words_embeddings_and_are_remembered() -> None:
    embedder = HashingEmbedder()
    vectors = embedder.embed_words(["coalition", "lead", "coalition"])
    assert np.allclose(vectors, embedder.embed_passages(["coalition", "lead", "coalition"]))
    embedded = embedder.texts_embedded
    assert np.allclose(embedder.embed_words(["lead", "coalition"]), vectors[[1, 0]])
    assert embedder.texts_embedded == embedded


def test_remembered_words_are_forgotten_past_the_limit(monkeypatch) -> None:
    monkeypatch.setattr(index.embedders.base, "WORDS_REMEMBERED", 2)
    embedder = HashingEmbedder()
    embedder.embed_words(["coalition", "lead"])
    vectors = embedder.embed_words(["britain", "france", "coalition"])
    assert np.allclose(vectors, embedder.embed_passages(["britain", "france", "coalition"]))
    assert len(embedder._word_vectors) <= 2
