"""Group articles into stories. A story is one event as the outlets followed it: its articles are
chained in time, each within STORY_DAYS of another article of the story that is close to it in
meaning and words. An article further than that from all of them tells a related story, not this
one (the repairs postponed in March are not the collapse in December; Hurricane Fiona is not
Hurricane Ian, a week later, though both are "a hurricane").

How close two articles are is one score: the cosine of their centroids (the mean of their
passages' vectors) and of their words weighted by rarity (index/terms.py), WORDS_WEIGHT of it
the words'. STORY_DAYS and WORDS_WEIGHT were chosen on 36 hand-labelled multi-outlet stories of
the eval corpus (bot/evaluation/data/stories.json; `lede bench stories`), by F1 on the second half
of the stories by date (days 2-4, weights 0.3-0.4) and judged on the first; chosen again on the 57
stories labelled since (days 3-4, weights 0.2-0.4) on the second half, they stay. Meaning alone did
no better than 0.946/0.751 and 0.947/0.783 (same-story pair precision/recall, on the 36).

An article that no story claims then joins the story (of two articles or more) of its closest
article from JOIN_ALONE, when it tells one story (its focus at least FOCUSED: a daily briefing's
passages tell several, and would join whichever big story it opens with). It never merges two
stories, so Hurricane Fiona and Hurricane Ian stay apart. Opinion, reaction and background pieces
were what the 21 newer stories missed (48 of their 53 missed pairs, their closest member at
0.58-0.62).

SAME_STORY, JOIN_ALONE and FOCUSED were chosen together (links 0.60-0.66, joining alone 0.50-0.56,
focus 0.66-0.76) by F1 over all 57 stories: first half 0.927/0.977, second 0.903/0.986. The
choice is flat (F1 0.943-0.946 over its best dozen), and each half chosen on the other holds: on
the first (0.64, 0.54, 0.70) the second gets 0.902/0.963; on the second (0.62, 0.52, 0.72) the
first gets 0.917/0.977. Without joining alone: 0.938/0.901 and 0.920/0.871; without the focus
floor, 0.52 chosen on the second gave 0.857/0.977 on the first. Lower links merge the hurricanes
(from 0.61) and the daily briefings into the big stories. Discounting closeness by the days
between two articles (0.01-0.04 a day) did no better (F1 0.944 at best).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import numpy as np

from index.knowledge import KnowledgeBase
from index.terms import Terms, overlap, term_vectors

SAME_STORY = 0.64
WORDS_WEIGHT = 0.3
STORY_DAYS = 4
JOIN_ALONE = 0.52
FOCUSED = 0.72  # daily briefings' focus is 0.57-0.72, that of the labelled stories' articles 0.75 or more


@dataclass(frozen=True)
class Item:
    article_id: int
    title: str
    url: str
    outlet: str | None
    published_at: datetime | None
    vector: np.ndarray | None = None
    terms: Terms = field(default_factory=dict, compare=False)
    focus: float | None = None  # index/precomputed.py: how much the article tells one story


@dataclass
class Story:
    items: list[Item] = field(default_factory=list)

    @property
    def outlets(self) -> int:
        return len({item.outlet or item.url for item in self.items})

    @property
    def newest(self) -> datetime | None:
        dates = [i.published_at for i in self.items if i.published_at]
        return max(dates) if dates else None


def closeness(a: Item, b: Item) -> float:
    """Return how close two articles are in meaning and words (0 when either has no vector)."""
    meaning = float(a.vector @ b.vector) if a.vector is not None and b.vector is not None else 0.0
    return (1 - WORDS_WEIGHT) * meaning + WORDS_WEIGHT * overlap(a.terms, b.terms)


def near_in_time(a: Item, b: Item) -> bool:
    """Return True when the two were published within STORY_DAYS (an undated one may be)."""
    if a.published_at is None or b.published_at is None:
        return True
    return abs(a.published_at - b.published_at) <= timedelta(days=STORY_DAYS)


def linked(a: Item, b: Item) -> bool:
    """Return True when `b` continues `a`'s story: near in time, and in meaning and words."""
    return near_in_time(a, b) and closeness(a, b) >= SAME_STORY


def chain(items: list[Item]) -> list[list[Item]]:
    """Return the stories of `items`: each the articles linked to one another, directly or
    through others of the story, with each article left alone that joins its closest story
    (see the module docstring); in the order of their first item, items in their given order."""
    root = list(range(len(items)))

    def find(i: int) -> int:
        while root[i] != i:
            root[i] = root[root[i]]
            i = root[i]
        return i

    pairs = _near_pairs(items)
    for i, j in pairs:
        if find(i) != find(j) and linked(items[i], items[j]):
            a, b = find(i), find(j)
            root[max(a, b)] = min(a, b)
    linked_to = [find(i) for i in range(len(items))]
    story = _alone_joined(items, pairs, linked_to)
    stories: dict[int, list[Item]] = {}
    for i, item in enumerate(items):
        stories.setdefault(story[i], []).append(item)
    return list(stories.values())


def _alone_joined(items: list[Item], pairs: list[tuple[int, int]], story: list[int]) -> list[int]:
    """Return each item's story after every focused item alone in its own joins the story (of two
    items or more) of its closest item near in time, when that is JOIN_ALONE close or more."""
    sizes = Counter(story)
    best: dict[int, tuple[float, int]] = {}  # an item alone -> (closeness, the story it joins)
    for i, j in pairs:
        for alone, other in ((i, j), (j, i)):
            focus = items[alone].focus
            if sizes[story[alone]] > 1 or sizes[story[other]] == 1 or focus is None or focus < FOCUSED:
                continue
            score = closeness(items[alone], items[other])
            if score >= JOIN_ALONE and score > best.get(alone, (-1.0, 0))[0]:
                best[alone] = (score, story[other])
    return [best[i][1] if i in best else s for i, s in enumerate(story)]


def _near_pairs(items: list[Item]) -> list[tuple[int, int]]:
    """Return the pairs of `items` (indices) published within STORY_DAYS, an undated one with
    every other: compared in date order, a whole corpus is grouped in seconds."""
    dated = sorted((i for i, item in enumerate(items) if item.published_at is not None),
                   key=lambda i: items[i].published_at or datetime.min)
    undated = [i for i, item in enumerate(items) if item.published_at is None]
    window = timedelta(days=STORY_DAYS)
    pairs = [(i, j) for at, i in enumerate(undated) for j in undated[at + 1 :] + dated]
    for at, i in enumerate(dated):
        for j in dated[at + 1 :]:
            if (items[j].published_at or datetime.min) - (items[i].published_at or datetime.min) > window:
                break
            pairs.append((i, j))
    return pairs


def undecided(items: list[Item]) -> set[int]:
    """Return the articles of the pairs near in time whose meaning alone does not decide whether
    they are one story (words weigh WORDS_WEIGHT at most): only their words need reading."""
    low = (min(SAME_STORY, JOIN_ALONE) - WORDS_WEIGHT) / (1 - WORDS_WEIGHT)
    high = SAME_STORY / (1 - WORDS_WEIGHT)
    found: set[int] = set()
    for i, j in _near_pairs(items):
        a, b = items[i].vector, items[j].vector
        if a is not None and b is not None and low <= float(a @ b) < high:
            found |= {items[i].article_id, items[j].article_id}
    return found


def with_words(kb: KnowledgeBase, items: list[Item]) -> list[Item]:
    """Return `items` with the word vectors (index/terms.py) of those whose pairs need them."""
    return with_terms(items, term_vectors(kb, undecided(items)))


def with_terms(items: list[Item], terms: Mapping[int, Terms]) -> list[Item]:
    """Return `items` with their articles' word vectors."""
    return [Item(i.article_id, i.title, i.url, i.outlet, i.published_at, i.vector, terms.get(i.article_id, {}),
                 i.focus) for i in items]


def group_stories(items: list[Item]) -> list[Story]:
    """Return stories, most widely reported first, then newest; each lists its articles."""
    epoch = datetime.min.replace(tzinfo=None)
    return sorted(
        (Story(story) for story in chain(items)),
        key=lambda s: (s.outlets, (s.newest.replace(tzinfo=None) if s.newest else epoch)),
        reverse=True,
    )
