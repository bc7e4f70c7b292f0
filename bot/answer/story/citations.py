"""Number the sources an answer cites: one number per story (bot/answer/story/grouping.py), led by its
best-matching article, with the other retrieved articles on that story (another outlet, another
day's report) listed under it, so a reader sees "[1] ... — CNN · also USA Today"."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from bot.answer.result import Link, Source
from bot.answer.story.grouping import Item, chain, with_words
from index.knowledge import KnowledgeBase
from index.models import Copy
from index.search import Hit

Copies = Mapping[int, Sequence[Copy]]


def articles(hits: list[Hit], copies: Copies | None = None) -> list[Source]:
    """Number distinct articles in order of first appearance, each with its `copies`."""
    return [_source(number, hit, (), copies or {}) for number, hit in enumerate(first_hits(hits), 1)]


def first_hits(hits: list[Hit]) -> list[Hit]:
    """Return each article's best hit, best first."""
    best: dict[int, Hit] = {}
    for hit in hits:
        best.setdefault(hit.article_id, hit)
    return list(best.values())


def stories(kb: KnowledgeBase, hits: list[Hit], cited: set[int], copies: Copies | None = None) -> list[Source]:
    """Number the stories of the `cited` articles by their best hit. Cited articles on one story
    share its number, and the other retrieved articles on a cited story are listed with it;
    `copies`: their copies at other URLs."""
    firsts = first_hits(hits)
    ordered = [h for h in firsts if h.article_id in cited] + [h for h in firsts if h.article_id not in cited]
    hit_of = {hit.article_id: hit for hit in firsts}
    items = with_words(kb, [Item(h.article_id, h.title, h.url, h.outlet, h.published_at, h.article_vector,
                                 focus=h.article_focus) for h in ordered])
    told = [[hit_of[item.article_id] for item in story] for story in chain(items)
            if story[0].article_id in cited]  # cited ones come first: a cited story leads with one
    return [_source(number, lead, rest, copies or {}) for number, (lead, *rest) in enumerate(told, 1)]


def _source(number: int, lead: Hit, others: Sequence[Hit], copies: Copies) -> Source:
    # An undated article shows no date: when Lede fetched it says nothing of the story's day.
    ids = (lead.article_id, *(h.article_id for h in others))
    return Source(number=number, title=lead.title, outlet=lead.outlet, date=lead.published_at,
                  url=lead.url, also=tuple(Link(h.title, h.outlet, h.url, h.published_at) for h in others),
                  article_ids=ids,
                  carried_by=tuple(Link(c.title, c.outlet, c.url, c.published_at)
                                   for article_id in ids for c in copies.get(article_id, ())))
