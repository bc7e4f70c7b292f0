"""Reading a span out of the reader's logits: pure numpy, shared by training and answering."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# The longest answer read, in tokens: SQuAD's answers are short phrases (99% within 30 tokens).
MAX_ANSWER_TOKENS = 30


@dataclass(frozen=True)
class Span:
    """The best answer span of one window: character offsets into the window's text and scores.

    `score` is the span's start and end logits summed; `null` is the same sum at the [CLS] token,
    the model's "this window holds no answer". Their difference is comparable across windows.
    """

    start: int
    end: int
    score: float
    null: float

    @property
    def margin(self) -> float:
        """How much more the model believes this span than "no answer here"."""
        return self.score - self.null


def best_span(start_logits: np.ndarray, end_logits: np.ndarray, offsets: list[tuple[int, int]],
              in_context: list[bool]) -> Span | None:
    """Return the highest-scoring span whose tokens all lie in the window's text, or None."""
    context = np.array(in_context[: len(start_logits)], dtype=bool)
    if not context.any():
        return None
    starts = np.where(context, start_logits[: len(context)], -np.inf)
    ends = np.where(context, end_logits[: len(context)], -np.inf)
    size = len(context)
    # scores[i, j] = start i + end j, kept where i <= j < i + MAX_ANSWER_TOKENS.
    scores = starts[:, None] + ends[None, :]
    band = np.triu(np.ones((size, size), dtype=bool)) & ~np.triu(np.ones((size, size), dtype=bool), MAX_ANSWER_TOKENS)
    scores = np.where(band, scores, -np.inf)
    flat = int(np.argmax(scores))
    i, j = divmod(flat, size)
    if not np.isfinite(scores[i, j]):
        return None
    return Span(offsets[i][0], offsets[j][1], float(scores[i, j]), float(start_logits[0] + end_logits[0]))
