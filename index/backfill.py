"""`lede backfill`: compute what ingest now stores for answers (index/precomputed.py) for rows an
older Lede stored: passages' sentence vectors (again where the sentences read changed), articles'
centroids and words, the words' vectors and how many articles hold each (recounted whole: pruned
articles' words then count no more). Resumable (each chunk commits) and safe beside a running bot,
which answers from the model for rows not done yet."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from sqlalchemy import func, or_, select, update
from tqdm import tqdm

from index.copies import Merged, merge_copies
from index.keyword import refresh_term_counts
from index.models import Article, Passage, Word
from index.precomputed import answerable_sentences, article_summary, packed_groups
from index.terms import count_articles, packed_words, unpacked_words, word_counts
from index.words import add_words, embed_shared_words

if TYPE_CHECKING:
    from index.knowledge import KnowledgeBase

CHUNK = 256


def _sentences_to_embed(kb: KnowledgeBase) -> list[int]:
    """Return the passages whose answerable sentences have no stored vectors, or other vectors
    than they now have: an older Lede stored none, or read headings and captions as sentences
    (index/prose.py). Only each blob's row count is read (its first 4 bytes)."""
    todo: list[int] = []
    with kb.sessions() as session:
        rows = session.execute(select(Passage.id, Passage.text, func.substr(Passage.sentence_vectors, 1, 4))
                               .order_by(Passage.id))
        for passage_id, text, head in rows:
            if head is None or int(np.frombuffer(bytes(head), dtype=np.int32)[0]) != len(answerable_sentences(text)):
                todo.append(passage_id)
    return todo


@dataclass(frozen=True)
class Backfilled:
    passages: int
    articles: int
    words: int
    merged: Merged


def backfill(kb: KnowledgeBase, *, progress: bool = True) -> Backfilled:
    """Compute every missing precomputed value, and keep each article's text once (copies at
    other URLs merged, boilerplate dropped: index/copies.py); return how many rows of each kind
    were done."""
    merged = merge_copies(kb, progress=progress)
    todo = _sentences_to_embed(kb)
    # disable=None: a bar on a terminal, silence in logs and pipes.
    with tqdm(total=len(todo), unit="passage", desc="sentences", disable=None if progress else True) as bar:
        for start in range(0, len(todo), CHUNK):
            part = todo[start : start + CHUNK]
            with kb.sessions() as session:
                rows = session.execute(select(Passage.id, Passage.text).where(Passage.id.in_(part))).all()
            # Embed outside the transaction, as ingest does: the model is slow.
            groups = [answerable_sentences(text) for _, text in rows]
            vectors = kb.embedder.embed_passages([s for group in groups for s in group])
            with kb.sessions.begin() as session:
                session.execute(update(Passage), [
                    {"id": passage_id, "sentence_vectors": blob}
                    for (passage_id, _), blob in zip(rows, packed_groups(vectors, groups), strict=True)])
            bar.update(len(part))
    articles = 0
    with kb.sessions() as session:
        missing = list(session.scalars(select(Article.id).where(or_(Article.centroid.is_(None),
                                                                       Article.words.is_(None)))))
    with tqdm(total=len(missing), unit="article", desc="articles", disable=None if progress else True) as bar:
        for start in range(0, len(missing), CHUNK):
            with kb.sessions.begin() as session:
                for article in session.scalars(select(Article).where(Article.id.in_(missing[start : start + CHUNK]))):
                    article.centroid, article.focus = article_summary(article.passages)
                    article.words = packed_words(word_counts(article.title, (p.text for p in article.passages)))
                    articles += 1
                    bar.update()
    counts: Counter[str] = Counter()
    with kb.sessions() as session:  # every article's words are stored by now: as ingest counted them
        for words in session.scalars(select(Article.words)):
            if words:  # NULL only for an article a running older bot stored meanwhile
                counts.update(unpacked_words(words).keys())
    with kb.sessions.begin() as session:  # recounted: pruned articles' words counted no more
        add_words(session, counts)
        session.execute(update(Word).values(articles=0))
        count_articles(session, counts)
    stored = embed_shared_words(kb, counts)
    refresh_term_counts(kb.engine, share=0.0)  # PostgreSQL: how many passages hold each word, counted whole
    return Backfilled(passages=len(todo), articles=articles, words=stored, merged=merged)
