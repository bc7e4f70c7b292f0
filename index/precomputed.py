"""The sentences of a passage that may answer a question, and their vectors packed in float16.

Answers score a passage's sentences against the question. Their vectors are computed once, at
ingest, and stored beside the passage: at answer time the only model call is the question's.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from index.prose import is_filler
from index.text import keywords, split_sentences

MIN_WORDS = 4  # shorter "sentences" are datelines, bylines and captions
MAX_WORD = 64  # longer "words" are codes and URLs, never what a question's word translates to


def answerable_sentences(passage: str) -> list[str]:
    """Return the sentences of `passage`, in order, that may hold an answer: those of its prose
    lines (index/prose.py: no headings, captions, credits or promo lines), four words or more,
    and not a question ("What is the coalition?" is not evidence for an answer)."""
    return [
        sentence
        for line in passage.splitlines()
        if not is_filler(line)
        for sentence in split_sentences(line)
        if len(sentence.split()) >= MIN_WORDS and not sentence.rstrip("”\"' ").endswith("?")
    ]


def pack(vectors: np.ndarray) -> bytes:
    """Return unit-length rows as bytes: their count, then the rows in float16 (half of float32;
    cosines move by about 1e-4). 8 bits were tried: a quarter of float32, but cosines moved by
    0.002 and the bold answer's confidence by up to 0.03, which changed a dev answer."""
    vectors = np.asarray(vectors, dtype=np.float32)
    return np.int32(len(vectors)).tobytes() + vectors.astype(np.float16).tobytes()


def unpack(blob: bytes, dim: int) -> np.ndarray:
    """Return the unit-length float32 rows `pack` stored."""
    count = int(np.frombuffer(blob, dtype=np.int32, count=1)[0])
    rows = np.frombuffer(blob, dtype=np.float16, count=count * dim, offset=4).reshape(count, dim).astype(np.float32)
    return rows / np.maximum(np.linalg.norm(rows, axis=1, keepdims=True), 1e-12)


def centroid_and_focus(passage_vectors: np.ndarray) -> tuple[np.ndarray, float]:
    """Return an article's centroid (its passages' mean vector, normalised: which story it tells)
    and its focus: the mean cosine of its passages with the centroid (1 for one passage; low
    for a roundup whose passages tell different stories)."""
    centre = passage_vectors.mean(axis=0)
    unit = (centre / max(float(np.linalg.norm(centre)), 1e-9)).astype(np.float32)
    return unit, float((passage_vectors @ unit).mean())


def packed_groups(vectors: np.ndarray, groups: list[list[str]]) -> list[bytes]:
    """Split `vectors` (one row per sentence of every group, in order) into each group's packed
    bytes (no rows for a passage with no answerable sentence)."""
    packed: list[bytes] = []
    start = 0
    for group in groups:
        packed.append(pack(vectors[start : start + len(group)]))
        start += len(group)
    return packed


def article_summary(passages: Iterable[Any]) -> tuple[bytes | None, float | None]:
    """Return an article's packed centroid and focus from its passages' stored vectors (rows
    with an `embedding` of float32 bytes); (None, None) when none has one yet."""
    stored = [np.frombuffer(p.embedding, dtype=np.float32) for p in passages if p.embedding]
    if not stored:
        return None, None
    centroid, focus = centroid_and_focus(np.stack(stored))
    return pack(centroid[None, :]), focus


def translatable(word: str) -> bool:
    """Return True for a word a question in another language may translate to: Latin letters
    only, three or more of them (a lower-case word of index/text.keywords)."""
    return word.isascii() and word.isalpha() and 2 < len(word) <= MAX_WORD


def translatable_words(text: str) -> list[str]:
    """Return the content words of `text` that are `translatable`."""
    return [w for w in keywords(text) if translatable(w)]
