"""Split an article into passages of a few sentences: the unit we embed, search and cite."""

from __future__ import annotations

import re

from index.text import split_sentences

TARGET_WORDS = 90  # ~100-word passages retrieved best on the news eval (docs/quality.md)
MAX_WORDS = 150
# A hard cap in characters too: text with no sentence ends, or one endless "word", is cut into
# passages of this size rather than embedded whole (a 1-MB line took 4.8 GB to embed).
MAX_CHARS = 2000

_BULLET = re.compile(r"^\s*(?:[-*•·▪‣–]|\d{1,2}[.)])\s+")


def paragraphs_of(text: str) -> list[str]:
    """Return the paragraphs of plain text: blank lines separate them, list items stand alone,
    and hard-wrapped lines inside a paragraph are joined."""
    paragraphs: list[str] = []
    for block in re.split(r"\n\s*\n", text):
        lines = [line.strip() for line in block.splitlines() if line.strip()]
        if not lines:
            continue
        if any(_BULLET.match(line) for line in lines):
            paragraphs.extend(_BULLET.sub("", line) for line in lines)
        else:
            paragraphs.append(" ".join(lines))
    return paragraphs


def _word_count(text: str) -> int:
    return len(text.split())


def _bounded(sentence: str) -> list[str]:
    """Return `sentence` whole, or cut between words (inside a word only when one word is longer
    than MAX_CHARS) into parts of at most MAX_WORDS words and MAX_CHARS characters."""
    if _word_count(sentence) <= MAX_WORDS and len(sentence) <= MAX_CHARS:
        return [sentence]
    parts: list[str] = []
    current: list[str] = []
    size = 0
    for word in sentence.split():
        chunks = [word[i : i + MAX_CHARS] for i in range(0, len(word), MAX_CHARS)]
        for chunk in chunks:
            if current and (len(current) >= MAX_WORDS or size + 1 + len(chunk) > MAX_CHARS):
                parts.append(" ".join(current))
                current, size = [], 0
            current.append(chunk)
            size += len(chunk) + 1
    if current:
        parts.append(" ".join(current))
    return parts


def _pieces(paragraph: str) -> list[str]:
    """Return a paragraph whole, or cut at sentence ends when it is too long for one passage."""
    if _word_count(paragraph) <= MAX_WORDS and len(paragraph) <= MAX_CHARS:
        return [paragraph]
    pieces: list[str] = []
    current: list[str] = []
    for sentence in (part for whole in split_sentences(paragraph) for part in _bounded(whole)):
        if current and (_word_count(" ".join([*current, sentence])) > TARGET_WORDS
                        or len(" ".join([*current, sentence])) > MAX_CHARS):
            pieces.append(" ".join(current))
            current = []
        current.append(sentence)
    if current:
        pieces.append(" ".join(current))
    return pieces


def split_passages(paragraphs: list[str]) -> list[str]:
    """Pack paragraphs into passages of about TARGET_WORDS words, keeping paragraphs whole where
    they fit."""
    passages: list[str] = []
    current: list[str] = []
    for paragraph in paragraphs:
        for piece in _pieces(paragraph):
            words = _word_count(" ".join(current))
            # A heading stays with the text after it, up to the hard limit.
            ends_with_heading = bool(current) and not re.search(r"[.!?:;\"”’)]$", current[-1])
            too_long = (words + _word_count(piece) > (MAX_WORDS if ends_with_heading else TARGET_WORDS)
                        or len("\n".join([*current, piece])) > MAX_CHARS)
            if current and too_long:
                passages.append("\n".join(current))
                current = []
            current.append(piece)
    if current:
        passages.append("\n".join(current))
    return passages
