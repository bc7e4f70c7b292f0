"""Read a question once: its content words, their stems, its script and its words outside the
Latin script. `read_question` returns all of it as one `Question`, passed down. What kind of answer
the question wants is the span reader's to read (bot/reader), not a rule's."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from index.text import keywords, latin_share, stem


@dataclass(frozen=True)
class Question:
    """A question as the answer engine reads it."""

    text: str
    words: tuple[str, ...]  # its content words
    stems: frozenset[str]  # ... as stems ("leads", "leading" -> "lead")
    latin: float  # the share of its letters in the Latin script
    foreign: tuple[str, ...]  # its content words outside the Latin script
    vector: np.ndarray = field(compare=False, repr=False)  # its meaning, as the embedder reads a query


def read_question(text: str, vector: np.ndarray) -> Question:
    """Return everything the answer engine reads from the question `text`, embedded as `vector`
    (once: search read it too)."""
    words = tuple(keywords(text))
    return Question(
        text=text,
        words=words,
        stems=frozenset(stem(w) for w in words),
        latin=latin_share(text),
        foreign=tuple(w for w in words if latin_share(w) < 0.5 and not w.isdigit()),
        vector=vector,
    )
