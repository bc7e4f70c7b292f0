"""A story's timeline: its developments day by day, oldest first, one line each, quoted verbatim
from the article that reported it and cited to it.

An article's development is the sentence of its opening (the first LEAD_SENTENCES) nearest the
article's own centroid: the lead a reporter writes, not the boilerplate that opens some pages
("Use CNN's lite site for low bandwidth"). A development another article already reported
(its sentence within REPEAT_COSINE of a listed one) is left out. An undated article takes its
place by when Lede first saw it, and says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import numpy as np

from bot.answer.story.articles import Sentence, StoryArticle

LEAD_SENTENCES = 5
REPEAT_COSINE = 0.85


@dataclass(frozen=True)
class Development:
    number: int  # the [n] citing its article
    sentence: str
    article: StoryArticle

    @property
    def when(self) -> datetime:
        return self.article.when

    @property
    def dated(self) -> bool:
        return self.article.dated


@dataclass(frozen=True)
class Timeline:
    title: str  # the lead article's
    developments: list[Development]


def lead_sentence(article: StoryArticle) -> Sentence | None:
    """Return the sentence of the article's opening that is nearest its centroid."""
    lead = lead_sentences(article, 1)
    return lead[0] if lead else None


def lead_sentences(article: StoryArticle, count: int, *, opening: int = LEAD_SENTENCES) -> list[Sentence]:
    """Return the `count` sentences of the article's first `opening` nearest its centroid, in the
    article's order: its lead facts."""
    first = article.sentences[:opening]
    nearest = sorted(range(len(first)), key=lambda i: -float(first[i].vector @ article.centroid))[:count]
    return [first[i] for i in sorted(nearest)]


def timeline_of(articles: list[StoryArticle], title: str) -> Timeline:
    """Return the developments of a story's `articles` (oldest first), each reported once, and
    every day of the story with at least one: a day whose articles only repeat earlier news
    keeps its first article's lead, so the reader sees the story was still reported then."""
    developments: list[Development] = []
    listed: list[np.ndarray] = []
    days = {article.when.date() for article in articles}
    for article in sorted(articles, key=lambda a: a.when):
        lead = lead_sentence(article)
        if lead is None:
            continue
        day = article.when.date()
        if any(float(lead.vector @ v) >= REPEAT_COSINE for v in listed) and day not in days:
            continue
        days.discard(day)
        listed.append(lead.vector)
        developments.append(Development(len(developments) + 1, lead.text, article))
    return Timeline(title, developments)
