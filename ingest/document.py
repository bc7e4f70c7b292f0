"""The article as ingest hands it to storage: plain data, no I/O."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from index.text import content_hash, printable


@dataclass
class Document:
    """One article; `text` is plain text with paragraphs separated by blank lines."""

    url: str
    title: str
    text: str
    outlet: str | None = None
    author: str | None = None
    published_at: datetime | None = None
    language: str | None = None
    guid: str | None = None

    def __post_init__(self) -> None:
        # What a column holds, and no control characters (PostgreSQL refuses NUL, a terminal
        # obeys escapes) or lone surrogates (nothing can encode them): a hostile or broken feed's
        # values are cleaned here, once, instead of failing the whole store.
        if len(self.url) > MAX_URL:
            raise ValueError(f"URL longer than {MAX_URL} characters")
        self.title = _clean(" ".join(self.title.split()), MAX_TITLE) or self.url[:MAX_TITLE]
        self.text = printable(self.text[:MAX_TEXT])
        self.outlet = _clean(self.outlet, 256)
        self.author = _clean(self.author, 512)
        self.language = _clean(self.language, 16)
        self.guid = _clean(self.guid, MAX_URL)

    @property
    def digest(self) -> str:
        """The hash that tells an article's content changed (its title and text)."""
        return content_hash(self.title + "\n" + self.text)


MAX_URL = 2048
MAX_TITLE = 300  # a title is a line, not a page: longer ones broke every answer citing them
# An article's text is cut here (about 15,000 words; the eval corpus's longest are cut here too): a
# 14 MB feed item took 700 s to store while every other source waited on the store.
MAX_TEXT = 100_000


def _clean(value: str | None, limit: int) -> str | None:
    """Return `value` printable, cut to `limit` characters (None stays None)."""
    if value is None:
        return None
    value = printable(value)
    return value if len(value) <= limit else value[: limit - 1] + "…"
