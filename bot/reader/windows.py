"""How the span reader sees a passage: windows of a sentence and its neighbours.

Training and answering both read text this way, so the model is trained on what it is shown.
"""

from __future__ import annotations

from dataclasses import dataclass

from index.text import split_sentences

# Sentences on each side of the one a window is about. Trained with 0 or 1 on each side, read with 1.
NEIGHBOURS = 1


@dataclass(frozen=True)
class Sentence:
    """A sentence of a paragraph and where it lies in it (character offsets)."""

    text: str
    start: int
    end: int


def sentences(paragraph: str) -> list[Sentence]:
    """Return the sentences of `paragraph` with their offsets (each a verbatim substring)."""
    found: list[Sentence] = []
    cursor = 0
    for text in split_sentences(paragraph):
        start = paragraph.find(text, cursor)
        if start < 0:  # split_sentences returns substrings; this guards against a future change
            continue
        found.append(Sentence(text, start, start + len(text)))
        cursor = start + len(text)
    return found


def window(sentences_: list[Sentence], first: int, last: int) -> tuple[int, int]:
    """Return the character range from sentence `first` to sentence `last` (inclusive, clamped)."""
    first = max(first, 0)
    last = min(last, len(sentences_) - 1)
    return sentences_[first].start, sentences_[last].end
