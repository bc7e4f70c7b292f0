"""Number the sources an answer cites: one number per story, led by its best-matching article,
with the other retrieved articles on that story (another outlet, a syndicated copy, another
day's report) listed under it, so a reader sees "[1] ... — CNN, USA Today"."""

from __future__ import annotations

from collections.abc import Sequence

from bot.answer.result import Link, Source
from bot.answer.stories import Item, same_story
from index.search import Hit


def articles(hits: list[Hit]) -> list[Source]:
    """Number distinct articles in order of first appearance."""
    return [_source(number, hit) for number, hit in enumerate(first_hits(hits), 1)]


def first_hits(hits: list[Hit]) -> list[Hit]:
    """Return each article's best hit, best first."""
    best: dict[int, Hit] = {}
    for hit in hits:
        best.setdefault(hit.article_id, hit)
    return list(best.values())


def stories(hits: list[Hit], cited: set[int]) -> list[Source]:
    """Number the stories of the `cited` articles by their best hit. Cited articles on one story
    share its number, and the other retrieved articles on a cited story are listed with it."""
    firsts = first_hits(hits)
    item = {hit.article_id: Item(hit.article_id, hit.title, hit.url, hit.outlet, hit.published_at,
                                 hit.article_vector) for hit in firsts}
    stories: list[list[Hit]] = []
    for hit in [h for h in firsts if h.article_id in cited] + [h for h in firsts if h.article_id not in cited]:
        story = next((s for s in stories if same_story(item[s[0].article_id], item[hit.article_id])), None)
        if story is not None:
            story.append(hit)
        elif hit.article_id in cited:
            stories.append([hit])
    return [_source(number, lead, rest) for number, (lead, *rest) in enumerate(stories, 1)]


def _source(number: int, lead: Hit, others: Sequence[Hit] = ()) -> Source:
    # An undated article shows no date: when Lede fetched it says nothing of the story's day.
    return Source(number=number, title=lead.title, outlet=lead.outlet, date=lead.published_at,
                  url=lead.url, also=tuple(Link(h.title, h.outlet, h.url, h.published_at) for h in others),
                  article_ids=(lead.article_id, *(h.article_id for h in others)))
