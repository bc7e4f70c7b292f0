"""Group near-duplicate articles from different outlets into stories."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import numpy as np

from index.text import keywords

SAME_STORY_COSINE = 0.80  # two articles' mean passage vectors above this tell the same story
SAME_STORY_TITLES = 0.5  # ... or their titles share this share of content words


@dataclass(frozen=True)
class Item:
    article_id: int
    title: str
    url: str
    outlet: str | None
    published_at: datetime | None
    vector: np.ndarray | None = None


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


def _title_overlap(a: str, b: str) -> float:
    x, y = set(keywords(a)), set(keywords(b))
    return len(x & y) / max(1, min(len(x), len(y)))


def same_story(a: Item, b: Item) -> bool:
    """Return True when two articles tell the same story (near in meaning, or titled alike)."""
    if a.vector is not None and b.vector is not None and float(a.vector @ b.vector) >= SAME_STORY_COSINE:
        return True
    return _title_overlap(a.title, b.title) >= SAME_STORY_TITLES


def group_stories(items: list[Item]) -> list[Story]:
    """Return stories, most widely reported first, then newest; each lists its articles."""
    stories: list[Story] = []
    for item in items:
        for story in stories:
            if same_story(story.items[0], item):
                story.items.append(item)
                break
        else:
            stories.append(Story([item]))
    epoch = datetime.min.replace(tzinfo=None)
    return sorted(
        stories,
        key=lambda s: (s.outlets, (s.newest.replace(tzinfo=None) if s.newest else epoch)),
        reverse=True,
    )
