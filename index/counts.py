"""Counts read from the database and remembered, each owned by one KnowledgeBase (so by one
database and one process's lifetime): how many passages hold a word and how many passages and
words there are (which words a keyword search reads and how it weighs them, index/keyword.py),
and how many articles hold a word (what two articles share, index/terms.py)."""

from __future__ import annotations

import time

# Words whose passage counts are kept; they drift slowly with ingest.
PASSAGE_COUNTS_KEPT = 50_000
# PostgreSQL's BM25 reads how many passages and words are stored (index/keyword.py); within this
# many seconds they may lag behind what ingest added.
TOTALS_SECONDS = 60
# An answer reads the words of some twenty articles, and looking each up again took half of its
# time. Within this many seconds an article count may lag a few articles behind.
ARTICLE_COUNTS_SECONDS = 60


class PassageCounts:
    """How many passages hold each word, as last counted. A word no passage holds is not kept:
    the next article may hold it."""

    def __init__(self, kept: int = PASSAGE_COUNTS_KEPT, seconds: float = TOTALS_SECONDS) -> None:
        self.kept = kept
        self.seconds = seconds
        self._counts: dict[str, int] = {}
        self._totals: tuple[int, int] | None = None
        self._totals_read_at = -float("inf")

    def get(self, word: str) -> int | None:
        return self._counts.get(word)

    def remember(self, word: str, count: int) -> None:
        if count:
            if len(self._counts) >= self.kept:
                self._counts.clear()  # simpler than least-recently-used, and rare
            self._counts[word] = count

    def totals(self) -> tuple[int, int] | None:
        """How many passages are stored and how many words they hold, unless read too long ago."""
        return self._totals if time.monotonic() - self._totals_read_at <= self.seconds else None

    def remember_totals(self, passages: int, words: int) -> None:
        self._totals, self._totals_read_at = (passages, words), time.monotonic()


class ArticleCounts:
    """How many articles are stored and how many hold each word, forgotten after `seconds`."""

    def __init__(self, seconds: float = ARTICLE_COUNTS_SECONDS) -> None:
        self.seconds = seconds
        self._read_at = -float("inf")
        self.total = 0
        self._held: dict[str, int] = {}

    def fresh(self) -> bool:
        return time.monotonic() - self._read_at <= self.seconds

    def start(self, total: int) -> None:
        """Begin again from `total` articles, forgetting every word's count."""
        self._read_at, self.total, self._held = time.monotonic(), total, {}

    def missing(self, words: set[str]) -> list[str]:
        return sorted(words - self._held.keys())

    def add(self, counts: dict[str, int]) -> None:
        self._held.update(counts)

    def held(self) -> dict[str, int]:
        return self._held
