"""SQuAD v1.1's official answer scores: exact match and token F1 after its normalisation."""

from __future__ import annotations

import re
import string
from collections import Counter

_ARTICLES = re.compile(r"\b(a|an|the)\b")
_PUNCTUATION = frozenset(string.punctuation)


def normalise(text: str) -> str:
    """Lower-case, drop punctuation and the articles a/an/the, collapse spaces (as SQuAD's script)."""
    text = "".join(c for c in text.lower() if c not in _PUNCTUATION)
    return " ".join(_ARTICLES.sub(" ", text).split())


def exact_match(predicted: str, gold: str) -> float:
    """Return 1.0 when the normalised answers are equal."""
    return float(normalise(predicted) == normalise(gold))


def f1_score(predicted: str, gold: str) -> float:
    """Return the F1 of the normalised answers' tokens."""
    ours, theirs = normalise(predicted).split(), normalise(gold).split()
    common = sum((Counter(ours) & Counter(theirs)).values())
    if common == 0:
        return 0.0
    precision, recall = common / len(ours), common / len(theirs)
    return 2 * precision * recall / (precision + recall)
