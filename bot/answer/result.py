"""What an answer is: a short direct answer, sentences quoted verbatim, each citing a numbered
source (one story, with the other articles telling it), and how sure Lede is of the short answer."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta

from bot.answer.figures import Figure
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
    carried_by: tuple[Link, ...] = ()  # copies of those articles at other URLs (index/copies.py)

    @property
    def urls(self) -> list[str]:
        """The lead article's URL, then the others', then their copies'."""
        return [self.url, *(link.url for link in self.also), *(link.url for link in self.carried_by)]

    @property
    def details(self) -> str:
        """Return "Outlet, 2026-02-04" (either part may be missing)."""
        return _details(self.outlet, self.date)

    def article(self, url: str) -> Source:
        """Return the citation of the story's article at `url` alone: what a quote taken from it
        links to."""
        if url == self.url:
            return replace(self, also=(), article_ids=self.article_ids[:1], carried_by=())
        index, link = next((i, link) for i, link in enumerate(self.also) if link.url == url)
        return Source(self.number, link.title, link.outlet, link.date, link.url, (), self.article_ids[index + 1 : index + 2])



def _details(outlet: str | None, day: datetime | None) -> str:
    parts = [outlet, day.date().isoformat() if day else None]
    return ", ".join(p for p in parts if p)


@dataclass(frozen=True)
class Quote:
    text: str  # verbatim from the passage it cites
    source: int  # the [n] of its story
    passage_id: int
    url: str  # the article it was read from: its [n] links there, whichever article leads the story


@dataclass
class Answer:
    question: str
    found: bool
    direct: str | None = None  # the bold answer: shown only when the reader is sure enough
    candidate: str | None = None  # the short answer found, shown or not
    reading: Reading | None = None  # the span reader's answer and margin (English questions)
    # The different figures the sources of one story give for what was asked (no figure is then
    # bold): the reader's best first, or the latest first when they are of different days.
    figures: list[Figure] = field(default_factory=list)
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
        """Return the date of the newest article of the cited stories when it is more than `days`
        before `now`: a reader should know the answer may be out of date."""
        dates = [d for s in self.sources for d in (s.date, *(link.date for link in s.also)) if d is not None]
        if not self.found or not dates or now - max(dates) <= timedelta(days=days):
            return None
        return max(dates)

    @property
    def ranked_urls(self) -> list[str]:
        """The articles behind the answer, best first: the cited ones, then the related ones."""
        return [url for s in self.sources + self.related for url in s.urls]
