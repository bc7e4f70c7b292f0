"""What an article is about in words: its content words, each weighted by how often the article
uses it and how few stored articles hold it (tf-idf). Two reports of one event share their rare
words ("Kessling", "Alder", "corrosion") where their meaning, averaged over whole articles, may
differ; two storms a week apart share "hurricane" but not "Ian" or "Fiona".

How many articles hold each word is kept in `words.articles`, counted at ingest (ingest/store.py)
and recounted by `lede backfill`; each article's own words, with how often it uses them, in
`articles.words` (read from its passages for an article stored before they were). Counts only
grow as articles come and go: a pruned article's words stay counted until the next backfill,
which weighs them a little less. That drift is slow.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from index.counts import ArticleCounts
from index.models import Article, Passage, Word
from index.precomputed import translatable_words

if TYPE_CHECKING:
    from index.knowledge import KnowledgeBase

CHUNK = 500  # words per query: within every database's parameter limit
# A word held by a single article (a typo, a name never reported again) links it to none. Common
# words weigh little by themselves: leaving out those of more than 30% of the articles changed
# no grouping figure, and in a small store one story's own words are that common.
MIN_ARTICLES = 2
# The words an article is counted under (and, once shared, stored with a vector), its most frequent
# first: a page of 50,000 made-up words cost minutes of the model's time and 70 MB. Of the eval
# corpus's articles half hold more than 320 distinct words, 8% more than 1,000. Same-story pair
# precision/recall (lede bench stories, on the 36 stories labelled first), first and second half:
# unbounded 0.954/0.935 and 0.892/0.894; 1,000 0.954/0.935 and 0.891/0.885; 300 0.954/0.935 and
# 0.826/0.885; 100 0.925/0.949 and 0.892/0.894.
MAX_WORDS = 1000

Terms = Mapping[str, float]  # a unit-length sparse vector: word -> weight


def word_counts(title: str, texts: Iterable[str]) -> dict[str, int]:
    """Return the words an article is counted under, each with how often its headline and text use it."""
    return dict(_bounded(Counter(w for text in (title, *texts) for w in translatable_words(text))))


def packed_words(counts: Mapping[str, int]) -> str:
    """Return `counts` as stored in `articles.words`."""
    return json.dumps(counts, ensure_ascii=False, separators=(",", ":"))


def unpacked_words(stored: str) -> dict[str, int]:
    """Return the word counts `packed_words` stored."""
    return dict(json.loads(stored))


def _bounded(words: Counter[str]) -> list[tuple[str, int]]:
    return words.most_common(MAX_WORDS)


def count_articles(session: Session, counts: Counter[str]) -> None:
    """Add `counts` (word -> new articles holding it) to the stored counts, in the caller's
    transaction: two workers adding at once both count (the database adds, not Python)."""
    by_step: dict[int, list[str]] = {}
    for word, count in counts.items():
        by_step.setdefault(count, []).append(word)
    for step, words in by_step.items():
        for start in range(0, len(words), CHUNK):
            session.execute(update(Word).where(Word.text.in_(words[start : start + CHUNK]))
                            .values(articles=Word.articles + step))


def term_vectors(kb: KnowledgeBase, article_ids: Iterable[int]) -> dict[int, Terms]:
    """Return each article's words as a unit-length tf-idf vector (sublinear term frequency,
    smoothed rarity), read from its headline and passages and the stored counts."""
    ids = sorted(set(article_ids))
    if not ids:
        return {}
    counts: dict[int, Mapping[str, int]] = {}
    with kb.sessions() as session:
        unread: dict[int, Counter[str]] = {}
        for start in range(0, len(ids), CHUNK):
            part = ids[start : start + CHUNK]
            for article_id, title, stored in session.execute(
                    select(Article.id, Article.title, Article.words).where(Article.id.in_(part))):
                if stored is not None:
                    counts[article_id] = unpacked_words(stored)
                else:  # stored before articles kept their words: read from its passages
                    unread[article_id] = Counter(translatable_words(title))
        missing = sorted(unread)
        for start in range(0, len(missing), CHUNK):
            part = missing[start : start + CHUNK]
            for article_id, text in session.execute(
                    select(Passage.article_id, Passage.text).where(Passage.article_id.in_(part))):
                unread[article_id].update(translatable_words(text))
        counts.update((article_id, dict(_bounded(words))) for article_id, words in unread.items())
        total, held = _held(session, {w for c in counts.values() for w in c}, kb.article_counts)
    vectors: dict[int, Terms] = {}
    for article_id, words in counts.items():
        # Smoothed: in a store of a few dozen articles one story's words are in most of them, and
        # must still count (the eval corpus grouped the same either way).
        weights = {w: (1 + math.log(n)) * (1 + math.log((1 + total) / (1 + held[w]))) for w, n in words.items()
                   if held.get(w, 0) >= MIN_ARTICLES}
        norm = math.sqrt(sum(x * x for x in weights.values())) or 1.0
        vectors[article_id] = {w: x / norm for w, x in weights.items()}
    return vectors


def _held(session: Session, words: set[str], counts: ArticleCounts) -> tuple[int, dict[str, int]]:
    """Return how many articles are stored and how many hold each of `words`, from `counts`
    while they are fresh."""
    if not counts.fresh():
        counts.start(session.scalar(select(func.count(Article.id))) or 0)
    missing = counts.missing(words)
    for start in range(0, len(missing), CHUNK):
        part = missing[start : start + CHUNK]
        found = dict.fromkeys(part, 0)
        found.update((text, count) for text, count in session.execute(select(Word.text, Word.articles).where(Word.text.in_(part))))
        counts.add(found)
    return counts.total, counts.held()


def overlap(a: Terms, b: Terms) -> float:
    """Return the cosine of two articles' word vectors."""
    if len(a) > len(b):
        a, b = b, a
    return sum(x * b.get(w, 0.0) for w, x in a.items())
