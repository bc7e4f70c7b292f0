"""The article as ingest hands it to storage: plain data, no I/O."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


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
        self.title = " ".join(self.title.split())
