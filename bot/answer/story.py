"""A story as a reader follows it: every stored article telling it, whatever the outlet or the
day, with their sentences and vectors. Found from words ("the tram line") or from the articles an
answer cited; the timeline and the outlet comparison read it.

An article tells the story when it is near the story's lead article in meaning (their centroids,
the mean of their passages' vectors stored at ingest) or titled alike: the test that groups an
answer's citations (bot/answer/stories.py). Candidates are the articles whose passages lie
nearest the lead's centroid.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import PurePosixPath
from urllib.parse import urlsplit

import numpy as np
from sqlalchemy import select

from bot.answer.stories import Item, same_story
from index.knowledge import KnowledgeBase
from index.models import Article, Passage
from index.precomputed import answerable_sentences
from index.search import article_centroids, search

NEIGHBOUR_PASSAGES = 400  # passages nearest the lead's centroid whose articles are candidates
MAX_ARTICLES = 60  # a story's articles read, nearest the lead first
# A story is continuous coverage: an article more than this many days from the rest of the
# story's articles tells another one on the same subject (Hurricane Nicole in November is not
# Hurricane Ian in September; the Queen's jubilee in February is not her funeral).
STORY_GAP_DAYS = 14


@dataclass(frozen=True)
class Sentence:
    text: str
    passage_id: int
    vector: np.ndarray


@dataclass(frozen=True)
class StoryArticle:
    article_id: int
    title: str
    url: str
    outlet: str | None
    published_at: datetime | None
    fetched_at: datetime
    nearness: float  # cosine between its centroid and the lead article's
    centroid: np.ndarray
    sentences: tuple[Sentence, ...]

    @property
    def when(self) -> datetime:
        """When it appeared: its date, or when Lede first saw it when it has none."""
        return self.published_at or self.fetched_at

    @property
    def dated(self) -> bool:
        return self.published_at is not None

    @property
    def label(self) -> str:
        """The outlet, or the article's host when no outlet is known, or a local file's name."""
        parts = urlsplit(self.url)
        return self.outlet or parts.hostname or PurePosixPath(parts.path).name or self.url


def lead_of(articles: list[StoryArticle]) -> StoryArticle:
    """Return the article the story was found from (the one nearest its own centroid: itself)."""
    return max(articles, key=lambda a: a.nearness)


def find_story(kb: KnowledgeBase, words: str, *, as_of: datetime | None = None) -> list[StoryArticle]:
    """Return the articles of the story best matching `words`, oldest first ([] when nothing
    matches)."""
    hits = search(kb, words, k=5, as_of=as_of)
    return story_of(kb, hits[0].article_id, as_of=as_of) if hits else []


def story_of(kb: KnowledgeBase, lead_id: int, *, as_of: datetime | None = None) -> list[StoryArticle]:
    """Return the articles telling the story of article `lead_id`, oldest first."""
    lead = article_centroids(kb, {lead_id}).get(lead_id)
    if lead is None:
        return []
    centroid = lead[0]
    nearest = kb.open().vectors.search(centroid, NEIGHBOUR_PASSAGES)
    with kb.sessions() as session:
        candidates = set(session.scalars(select(Passage.article_id).where(Passage.id.in_([p for p, _ in nearest]))))
        candidates.add(lead_id)
        titles = dict(session.execute(select(Article.id, Article.title).where(Article.id.in_(candidates))).all())
    centroids = {article_id: vector for article_id, (vector, _) in article_centroids(kb, candidates).items()}
    nearness = {article_id: float(vector @ centroid) for article_id, vector in centroids.items()}
    lead_item = _item(lead_id, titles, centroids)
    members = sorted((a for a in centroids if a == lead_id or same_story(lead_item, _item(a, titles, centroids))),
                     key=lambda a: -nearness[a])[:MAX_ARTICLES]
    articles = _load(kb, members, nearness, centroids)
    if as_of is not None:
        articles = [a for a in articles if a.when <= as_of or a.article_id == lead_id]
    return _continuous(sorted(articles, key=lambda a: a.when), lead_id)


def _item(article_id: int, titles: dict[int, str], centroids: dict[int, np.ndarray]) -> Item:
    return Item(article_id, titles.get(article_id, ""), "", None, None, centroids.get(article_id))


def _continuous(articles: list[StoryArticle], lead_id: int) -> list[StoryArticle]:
    """Return the run of dated `articles` (oldest first) around the lead with no gap of more than
    STORY_GAP_DAYS between one and the next, and the undated ones (when Lede first saw them says
    nothing of when the story happened). An undated lead's run is that of its nearest dated one."""
    dated = [a for a in articles if a.dated]
    undated = [a for a in articles if not a.dated]
    if not dated:
        return articles
    lead = next((a for a in dated if a.article_id == lead_id), None) or max(dated, key=lambda a: a.nearness)
    at = dated.index(lead)
    start, end = at, at + 1
    while start > 0 and (dated[start].when - dated[start - 1].when).days <= STORY_GAP_DAYS:
        start -= 1
    while end < len(dated) and (dated[end].when - dated[end - 1].when).days <= STORY_GAP_DAYS:
        end += 1
    return sorted(dated[start:end] + undated, key=lambda a: a.when)


def _load(kb: KnowledgeBase, article_ids: list[int], nearness: dict[int, float],
          centroids: dict[int, np.ndarray]) -> list[StoryArticle]:
    with kb.sessions() as session:
        rows = session.execute(select(Article.id, Article.title, Article.url, Article.outlet, Article.published_at,
                                      Article.fetched_at).where(Article.id.in_(article_ids))).all()
        passages = session.execute(select(Passage.id, Passage.article_id, Passage.text)
                                   .where(Passage.article_id.in_(article_ids))
                                   .order_by(Passage.article_id, Passage.ordinal)).all()
    vectors = kb.sentence_vectors([p.id for p in passages])
    sentences: dict[int, list[Sentence]] = {}
    for passage in passages:
        texts = answerable_sentences(passage.text)
        stored = vectors.get(passage.id)
        if stored is None or len(stored) != len(texts):
            stored = kb.embedder.embed_passages(texts) if texts else np.zeros((0, kb.embedder.dim), np.float32)
        sentences.setdefault(passage.article_id, []).extend(
            Sentence(text, passage.id, vector) for text, vector in zip(texts, stored, strict=True))
    return [StoryArticle(row.id, row.title, row.url, row.outlet, row.published_at, row.fetched_at,
                         nearness[row.id], centroids[row.id], tuple(sentences.get(row.id, ()))) for row in rows]
