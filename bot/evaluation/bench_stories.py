"""`lede bench stories`: how well articles are grouped into stories (bot/answer/story/grouping.py), on
multi-outlet stories of the eval corpus labelled by hand (bot/evaluation/data/stories.json: doc
ids only, never text).

Every dated article of the knowledge base is grouped, as a digest or a story view groups them;
then each pair of labelled articles, and each pair of a labelled article and an "other" (an
article of those weeks near a story in meaning that tells none of them), is scored: same-story
pair precision (pairs grouped together that are one story) and recall (pairs of one story grouped
together). Pairs of two "others" are not scored: which story they tell was not labelled. The
stories are split in two halves by date, as the dev questions are, and each half is printed.
"""

from __future__ import annotations

import json
import time
from datetime import datetime
from itertools import combinations
from pathlib import Path

from sqlalchemy import select

from bot.answer import Item, chain, with_words
from index.knowledge import KnowledgeBase
from index.models import Article
from index.search import article_centroids

LABELS = Path(__file__).parent / "data" / "stories.json"


def bench_stories(kb: KnowledgeBase, labels: Path = LABELS) -> dict:
    """Group the knowledge base's articles into stories and score the labelled pairs."""
    labelled = json.loads(labels.read_text())
    with kb.sessions() as session:
        rows = session.execute(select(Article.id, Article.guid, Article.title, Article.url, Article.outlet,
                                      Article.published_at).where(Article.published_at.is_not(None))).all()
    id_of = {row.guid: row.id for row in rows if row.guid}
    story_of: dict[int, int] = {}
    for number, story in enumerate(labelled["stories"]):
        story_of.update((id_of[d], number) for d in story["doc_ids"] if d in id_of)
    others = {id_of[d] for d in labelled["others"] if d in id_of}
    missing = sum(len(s["doc_ids"]) for s in labelled["stories"]) + len(labelled["others"]) - len(story_of) - len(others)
    began = time.perf_counter()
    centroids = article_centroids(kb, {row.id for row in rows})
    items = with_words(kb, [Item(row.id, row.title, row.url, row.outlet, row.published_at, centroids[row.id][0],
                                 focus=centroids[row.id][1])
                            for row in rows if row.id in centroids])
    group = {item.article_id: number for number, story in enumerate(chain(items)) for item in story}
    seconds = time.perf_counter() - began
    first_day: dict[int, datetime] = {}
    for article_id, number in story_of.items():
        when = next(row.published_at for row in rows if row.id == article_id)
        first_day[number] = min(first_day.get(number, when), when)
    by_day = sorted(first_day, key=first_day.__getitem__)
    halves = {"A": set(by_day[: len(by_day) // 2]), "B": set(by_day[len(by_day) // 2 :])}
    result: dict = {"stories": len(first_day), "articles": len(story_of), "others": len(others),
                    "labelled_not_stored": missing, "articles_grouped": len(items),
                    "grouping_seconds": round(seconds, 1)}
    for half, numbers in halves.items():
        members = [a for a, n in story_of.items() if n in numbers]
        result[half] = _pairs(members, others, story_of, group)
    result["all"] = _pairs(list(story_of), others, story_of, group)
    return result


def _pairs(members: list[int], others: set[int], story_of: dict[int, int], group: dict[int, int]) -> dict:
    """Return same-story pair precision and recall over `members` and their pairs with `others`."""
    together = right = same = 0
    for a, b in combinations(members + sorted(others), 2):
        if a in others and b in others:
            continue
        gold = a in story_of and b in story_of and story_of[a] == story_of[b]
        grouped = group.get(a, -1) == group.get(b, -2)
        together += grouped
        right += grouped and gold
        same += gold
    return {"pair_precision": round(right / together, 3) if together else 0.0,
            "pair_recall": round(right / same, 3) if same else 0.0, "pairs_same_story": same}
