"""Copies and boilerplate. The same text at another URL (a wire story carried by several outlets,
a page republished under a new headline) is one article: it is stored once and the other URL kept
as its copy, which citations show ("also carried by") and which never counts as a second outlet.
A text published under more than MAX_TITLES headlines is no article at all: a registration wall,
an advert form. It is dropped, and remembered so that it is never stored again.

Texts are compared as words (case, punctuation and markup aside), and only from MIN_WORDS words
on: two short notices may say the same thing by chance ("The meeting is cancelled.").
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import func, select, update
from tqdm import tqdm

from index.models import Article, Boilerplate, Copy, Passage
from index.text import content_hash, words

if TYPE_CHECKING:
    from index.knowledge import KnowledgeBase

MIN_WORDS = 100
MAX_TITLES = 3
CHUNK = 256  # articles hashed per transaction


def body_hash(passages: list[str]) -> str | None:
    """Return the hash of an article's text read as words; None when it is too short to tell a
    copy from a coincidence."""
    said = words(" ".join(passages))
    return content_hash(" ".join(said)) if len(said) >= MIN_WORDS else None


def copies_of(kb: KnowledgeBase, article_ids: Iterable[int]) -> dict[int, list[Copy]]:
    """Return the copies kept of each of `article_ids` that has any."""
    ids = sorted(set(article_ids))
    found: dict[int, list[Copy]] = {}
    if not ids:
        return found
    with kb.sessions() as session:
        for copy in session.scalars(select(Copy).where(Copy.article_id.in_(ids)).order_by(Copy.url)):
            found.setdefault(copy.article_id, []).append(copy)
    return found


@dataclass(frozen=True)
class Merged:
    hashed: int  # articles whose text hash was computed
    copies: int  # articles found to copy another, kept as its copies
    boilerplate: int  # articles dropped as boilerplate


def merge_copies(kb: KnowledgeBase, *, progress: bool = True) -> Merged:
    """Hash the text of articles stored before ingest did, then keep each text once: the oldest
    article holding it stays, the others become its copies; a text under more than MAX_TITLES
    headlines is dropped as boilerplate. Each step commits: safe to stop and run again."""
    with kb.sessions() as session:
        todo = list(session.scalars(select(Article.id).where(Article.body_hash.is_(None)).order_by(Article.id)))
    # disable=None: a bar on a terminal, silence in logs and pipes.
    with tqdm(total=len(todo), unit="article", desc="copies", disable=None if progress else True) as bar:
        for start in range(0, len(todo), CHUNK):
            part = todo[start : start + CHUNK]
            texts: dict[int, list[str]] = {article_id: [] for article_id in part}
            with kb.sessions() as session:
                for article_id, text in session.execute(select(Passage.article_id, Passage.text)
                                                        .where(Passage.article_id.in_(part)).order_by(Passage.ordinal)):
                    texts[article_id].append(text)
            with kb.sessions.begin() as session:
                # An article too short to hash is marked hashed all the same: "" is never a hash.
                session.execute(update(Article), [{"id": i, "body_hash": body_hash(t) or ""} for i, t in texts.items()])
            bar.update(len(part))
    copies = dropped = 0
    with kb.sessions() as session:
        shared = list(session.scalars(select(Article.body_hash).where(Article.body_hash != "")
                                      .group_by(Article.body_hash).having(func.count(Article.id) > 1)))
    for body in shared:
        removed: list[int] = []
        with kb.sessions.begin() as session:
            same = list(session.scalars(select(Article).where(Article.body_hash == body).order_by(Article.id)))
            kept, *others = same
            titles = {a.title for a in same} | {c.title for a in same for c in a.copies}
            for article in others if len(titles) <= MAX_TITLES else same:
                removed += [p.id for p in article.passages]
                if len(titles) <= MAX_TITLES:
                    session.execute(update(Copy).where(Copy.article_id == article.id).values(article_id=kept.id))
                    session.expire(article, ["copies"])
                    session.add(Copy(url=article.url, article_id=kept.id, title=article.title,
                                     outlet=article.outlet, published_at=article.published_at))
                    copies += 1
                else:
                    dropped += 1
                session.delete(article)
            if len(titles) > MAX_TITLES:
                session.add(Boilerplate(body_hash=body))
        kb.remove_vectors(removed)  # after the commit: FAISS never lacks a vector the database has
    if copies or dropped:
        kb.save_vectors()
    return Merged(hashed=len(todo), copies=copies, boilerplate=dropped)
