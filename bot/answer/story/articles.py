"""A story as a reader follows it: every stored article telling it, whatever the outlet or the
day, with their sentences and vectors. Found from words ("the tram line") or from the articles an
answer cited; the timeline and the outlet comparison read it.

An article tells the story when it is chained to the lead article in time, meaning and words: the
test that groups an answer's citations and a digest's articles (bot/answer/story/grouping.py).
Candidates are the articles whose passages lie nearest the lead's centroid.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import PurePosixPath
from urllib.parse import urlsplit

import numpy as np
from sqlalchemy import select

from bot.answer.story.citations import first_hits
from bot.answer.story.grouping import Item, chain, closeness, near_in_time, with_words
from index.copies import copies_of
from index.knowledge import KnowledgeBase
from index.models import Article, Passage
from index.precomputed import answerable_sentences
from index.search import article_centroids, search
from index.text import keywords, stem

FOUND_FROM = 10  # passages matching a story's words whose articles say which story they name
NEIGHBOUR_PASSAGES = 400  # passages nearest the lead's centroid whose articles are candidates
MAX_ARTICLES = 60  # a story's articles read, nearest the lead first
# Near enough to a story to be worth showing beside it, not to be of it: grouped at this bar
# (3 days), the eval corpus's labelled stories were the same story for 0.67 (first half) and 0.41
# (second) of the pairs grouped; SAME_STORY (bot/answer/story/grouping.py) is the bar for "the same story".
RELATED = 0.5


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
    carried_by: tuple[str, ...] = ()  # the outlets (or hosts) of its copies at other URLs

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
    matches): the story that most of the best-matching articles holding all of `words` tell, from
    the best of them. "Kessling Bridge collapse" names the collapse three outlets reported, not
    the one article whose headline holds those words and tells of the inspection after it."""
    found = first_hits(search(kb, words, k=FOUND_FROM, as_of=as_of))
    wanted = {stem(w) for w in keywords(words)}
    hits = [h for h in found if wanted <= {stem(w) for w in keywords(f"{h.title} {h.text}")}] or found[:1]
    if not hits:
        return []
    items = with_words(kb, [Item(h.article_id, h.title, h.url, h.outlet, h.published_at, h.article_vector,
                                 focus=h.article_focus) for h in hits])
    told = max(chain(items), key=len)  # the first of the largest: max keeps the earliest of equals
    return story_of(kb, told[0].article_id, as_of=as_of)


def story_of(kb: KnowledgeBase, lead_id: int, *, as_of: datetime | None = None) -> list[StoryArticle]:
    """Return the articles telling the story of article `lead_id`, oldest first: those chained to
    it in time, meaning and words (bot/answer/story/grouping.py) among the articles nearest it."""
    around = _around(kb, lead_id, as_of)
    if around is None:
        return []
    items, nearness, centroids = around
    story = next(s for s in chain(items) if any(item.article_id == lead_id for item in s))
    members = [item.article_id for item in story][:MAX_ARTICLES]
    return sorted(_load(kb, members, nearness, centroids), key=lambda a: a.when)


def related_to(kb: KnowledgeBase, lead_id: int, *, count: int) -> list[StoryArticle]:
    """Return up to `count` articles of other outlets published within STORY_DAYS of article
    `lead_id` that are not of its story but near it (RELATED or closer), the closest first: what a
    reader who sent a link should see when no other outlet tells its story."""
    around = _around(kb, lead_id, None)
    if around is None:
        return []
    items, nearness, centroids = around
    lead = next(item for item in items if item.article_id == lead_id)
    story = {i.article_id for s in chain(items) if lead in s for i in s}
    near = sorted((closeness(lead, item), item.article_id) for item in items
                  if item.article_id not in story and item.outlet != lead.outlet and near_in_time(lead, item))
    chosen = [article_id for score, article_id in reversed(near) if score >= RELATED][:count]
    by_id = {a.article_id: a for a in _load(kb, chosen, nearness, centroids)}
    return [by_id[i] for i in chosen]


def _around(kb: KnowledgeBase, lead_id: int, as_of: datetime | None
            ) -> tuple[list[Item], dict[int, float], dict[int, np.ndarray]] | None:
    """Return the articles whose passages lie nearest article `lead_id` (itself included), the
    nearest first, with their nearness to it and their centroids; None when it has no centroid."""
    lead = article_centroids(kb, {lead_id}).get(lead_id)
    if lead is None:
        return None
    centroid = lead[0]
    nearest = kb.open().vectors.search(centroid, NEIGHBOUR_PASSAGES)
    with kb.sessions() as session:
        candidates = set(session.scalars(select(Passage.article_id).where(Passage.id.in_([p for p, _ in nearest]))))
        candidates.add(lead_id)
        rows = session.execute(select(Article.id, Article.title, Article.outlet, Article.published_at,
                                      Article.fetched_at).where(Article.id.in_(candidates))).all()
    if as_of is not None:
        rows = [r for r in rows if (r.published_at or r.fetched_at) <= as_of or r.id == lead_id]
    found = article_centroids(kb, {r.id for r in rows})
    centroids = {article_id: vector for article_id, (vector, _) in found.items()}
    nearness = {article_id: float(vector @ centroid) for article_id, vector in centroids.items()}
    # Nearest the lead first: the lead leads its story, and the story's closest articles are kept.
    rows = sorted((r for r in rows if r.id in centroids), key=lambda r: -nearness[r.id])
    items = with_words(kb, [Item(r.id, r.title, "", r.outlet, r.published_at, centroids[r.id], focus=found[r.id][1])
                            for r in rows])
    return items, nearness, centroids


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
    copies = copies_of(kb, article_ids)
    return [StoryArticle(row.id, row.title, row.url, row.outlet, row.published_at, row.fetched_at,
                         nearness[row.id], centroids[row.id], tuple(sentences.get(row.id, ())),
                         tuple(c.outlet or urlsplit(c.url).hostname or c.url for c in copies.get(row.id, ())))
            for row in rows]
