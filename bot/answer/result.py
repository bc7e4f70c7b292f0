"""What an answer is: a short direct answer, sentences quoted verbatim, each citing a numbered
source (one story, with the other articles telling it), and how sure Lede is of the short answer."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from bot.answer.followup import Context
from bot.answer.reading import Reading


@dataclass(frozen=True)
class Link:
    """Another article on a cited story: another outlet's, a syndicated copy, another day's."""

    title: str
    outlet: str | None
    url: str
    date: datetime | None = None


@dataclass(frozen=True)
class Source:
    """A numbered citation: one story, led by its best-matching article."""

    number: int
    title: str
    outlet: str | None
    date: datetime | None
    url: str
    also: tuple[Link, ...] = ()  # the story's other articles among those retrieved
    article_ids: tuple[int, ...] = ()  # the lead article's id, then the others'

    @property
    def urls(self) -> list[str]:
        """The lead article's URL, then the others'."""
        return [self.url, *(link.url for link in self.also)]

    @property
    def details(self) -> str:
        """Return "Outlet, 2026-02-04" (either part may be missing)."""
        parts = [self.outlet, self.date.date().isoformat() if self.date else None]
        return ", ".join(p for p in parts if p)


@dataclass(frozen=True)
class Quote:
    text: str  # verbatim from the passage it cites
    source: int  # the [n] it cites
    passage_id: int


@dataclass
class Answer:
    question: str
    found: bool
    direct: str | None = None  # the bold answer: shown only when the reader is sure enough
    candidate: str | None = None  # the short answer found, shown or not
    reading: Reading | None = None  # the span reader's answer and margin (English questions)
    read_by_model: bool = False  # the bold answer is a language model's, checked against the passages
    written: list[str] = field(default_factory=list)  # an LLM's checked sentences, citing [n]
    quotes: list[Quote] = field(default_factory=list)
    sources: list[Source] = field(default_factory=list)
    # The other articles retrieved, best first: "closest articles" and evaluation use them.
    related: list[Source] = field(default_factory=list)
    elapsed_ms: float = 0.0
    # The passages read, by the [n] of their source: what a language model may be shown.
    passages: dict[int, list[str]] = field(default_factory=dict, repr=False)
    passages_read: tuple[int, ...] = ()  # the ids of every passage whose sentences were weighed
    # What a follow-up to this answer leans on: the conversation's subject and the cited stories.
    context: Context | None = None
    # The first and last day a question's time words asked for ("yesterday"), when nothing was found.
    searched_days: tuple[date, date] | None = None

    def latest_if_old(self, now: datetime, *, days: int = 30) -> datetime | None:
        """Return the date of the newest cited article when it is more than `days` before `now`:
        a reader should know the answer may be out of date."""
        dates = [s.date for s in self.sources if s.date is not None]
        if not self.found or not dates or now - max(dates) <= timedelta(days=days):
            return None
        return max(dates)

    @property
    def ranked_urls(self) -> list[str]:
        """The articles behind the answer, best first: the cited ones, then the related ones."""
        return [url for s in self.sources for url in s.urls] + [s.url for s in self.related]
