"""Store documents in the knowledge base: dedupe, split, embed what is new, keep FAISS in step."""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from itertools import islice

import numpy as np
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from index.copies import MAX_TITLES, body_hash
from index.knowledge import KnowledgeBase
from index.models import Article, Boilerplate, Copy, Passage
from index.precomputed import answerable_sentences, article_summary, packed_groups
from index.terms import article_words, count_articles
from index.text import content_hash
from index.vectors import stored_vector
from index.words import add_words, embed_shared_words
from ingest.document import Document
from ingest.metrics import INGESTED_ARTICLES, INGESTED_PASSAGES
from ingest.progress import Meter
from ingest.split import paragraphs_of, split_passages

log = logging.getLogger(__name__)
# Documents per transaction and per model call: the progress bar moves this often (every ~4 s
# here). Measured on 96 eval articles, two quiet cores: 64 took 40-44 s of CPU, 16 took 42-45 s,
# 1 took 43-53 s (the model sorts fewer texts by length).
CHUNK = 16
ATTEMPTS = 3
# A publication date later than this after the fetch is wrong (time zones put honest ones within a day).
FUTURE_SLACK = timedelta(days=1)


@dataclass
class IngestReport:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    passages_added: int = 0
    passages_removed: int = 0
    copies: int = 0  # kept as another URL of a stored article (index/copies.py)
    boilerplate: int = 0  # texts under too many headlines to be articles: not stored
    errors: list[str] = field(default_factory=list)

    def merge(self, other: IngestReport) -> None:
        """Add the counts and errors of `other` to this report."""
        self.added += other.added
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.passages_added += other.passages_added
        self.passages_removed += other.passages_removed
        self.copies += other.copies
        self.boilerplate += other.boilerplate
        self.errors += other.errors

    def summary(self) -> str:
        """Return the one-line summary printed at the end of a run."""
        line = (
            f"{self.added} new, {self.updated} updated, {self.unchanged} unchanged articles; "
            f"{self.passages_added} passages added, {self.passages_removed} removed"
        )
        if self.copies:
            line += f"; {self.copies} copies of stored articles kept as their other URLs"
        if self.boilerplate:
            line += f"; {self.boilerplate} boilerplate pages (one text under many headlines) skipped"
        if self.errors:
            line += f"; {len(self.errors)} errors"
        return line


@dataclass
class _Plan:
    """What to write for one document, decided before the model runs."""

    document: Document
    digest: str
    passages: list[str]
    existing_id: int | None
    keep: dict[int, int]  # ordinal in the new article -> id of an unchanged stored passage
    drop: list[int]  # ids of stored passages no longer in the article
    body: str | None  # its text's hash (index/copies.py)

    @property
    def new_ordinals(self) -> list[int]:
        return [i for i in range(len(self.passages)) if i not in self.keep]


@dataclass
class _Copy:
    """A document whose text a stored article, or one planned in this chunk, already has."""

    document: Document
    body: str
    article_id: int | None  # the stored article it copies, or None: the plan numbered `of`
    of: int | None = None


@dataclass
class _Chunk:
    plans: list[_Plan] = field(default_factory=list)
    copies: list[_Copy] = field(default_factory=list)
    # Texts found to be boilerplate, each with the stored article that held it (to drop) or None.
    boilerplate: dict[str, int | None] = field(default_factory=dict)


def _chunks(items: Iterable[Document], size: int) -> Iterator[list[Document]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def store_documents(
    kb: KnowledgeBase,
    documents: Iterable[Document],
    *,
    source_id: int | None = None,
    total: int | None = None,
    progress: bool = True,
    report: IngestReport | None = None,
    meter: Meter | None = None,
) -> IngestReport:
    """Store `documents`; return what changed (added to `report` when one is given).
    Re-storing the same content changes nothing. Progress goes to `meter` when one is given (an
    ingest of several paths counts on one), else to one of its own unless `progress` is False."""
    report = report or IngestReport()
    kb.open()  # load and catch up the index first, so the new vectors are added only once
    changed_before = report.passages_added + report.passages_removed
    stored_before, passages_before = report.added + report.updated, report.passages_added
    future: list[str] = []
    own = meter is None
    meter = meter or Meter(total, show=progress)
    try:
        for chunk in _chunks(_dated_by_now(documents, future), CHUNK):
            _store_chunk(kb, chunk, source_id, report)
            meter.advance(len(chunk))
    finally:
        if own:
            meter.close()
    if future:
        log.warning("%d article(s) dated in the future, e.g. %s: stored as published when fetched "
                    "(the source's dates are wrong)", len(future), future[0])
    if report.passages_added + report.passages_removed > changed_before:
        kb.save_vectors()
    INGESTED_ARTICLES.inc(report.added + report.updated - stored_before)
    INGESTED_PASSAGES.inc(report.passages_added - passages_before)
    return report


def _dated_by_now(documents: Iterable[Document], future: list[str]) -> Iterator[Document]:
    """Yield `documents`, those dated more than FUTURE_SLACK after now dated now (their URLs
    added to `future`): a feed item dated 31 December 9999 would never age, fall inside "today"
    for ever and never be pruned."""
    latest = datetime.now(UTC) + FUTURE_SLACK
    for document in documents:
        if document.published_at is not None and document.published_at > latest:
            future.append(document.url)
            document = replace(document, published_at=datetime.now(UTC))
        yield document


def _plan(kb: KnowledgeBase, documents: list[Document], report: IngestReport, source_id: int | None) -> _Chunk:
    chunk = _Chunk()
    claimed: set[int] = set()  # stored articles a plan of this chunk updates
    seen: set[str] = set()
    planned: dict[str, int] = {}  # text hash -> the plan storing it
    titles: dict[str, set[str]] = {}  # text hash -> the headlines it was published under
    copied: set[str] = set()  # URLs planned as copies
    with kb.sessions() as session:
        for document in documents:
            digest = document.digest
            existing = session.scalar(select(Article).where(Article.url == document.url))
            if existing is None and document.guid and source_id is not None:
                # The same item of the same feed at a new URL (an edited slug): an update, not a
                # second article (the runner clears a GUID several items of a feed share).
                moved = session.scalar(select(Article).where(
                    Article.source_id == source_id, Article.guid == document.guid).limit(1))
                if moved is not None and moved.id not in claimed:
                    existing = moved
            if existing is not None:
                if existing.id in claimed:  # the same URL twice in one batch
                    report.unchanged += 1
                    continue
                claimed.add(existing.id)
            if existing is None and (document.url in copied or session.get(Copy, document.url) is not None):
                report.unchanged += 1  # a copy already kept (or listed twice)
                continue
            if existing is not None and existing.content_hash == digest and existing.url == document.url:
                report.unchanged += 1
                continue
            passages = split_passages(paragraphs_of(document.text))
            if not passages:
                report.errors.append(f"{document.url}: no text to index")
                continue
            body = body_hash(passages)
            if existing is None and body is not None:
                if body in chunk.boilerplate or session.get(Boilerplate, body) is not None:
                    report.boilerplate += 1
                    continue
                original = session.scalar(select(Article).where(Article.body_hash == body).limit(1))
                if original is not None or body in planned:
                    held = titles.setdefault(body, {original.title, *(c.title for c in original.copies)}
                                             if original is not None else set())
                    held.add(document.title)
                    if len(held) > MAX_TITLES:
                        chunk.boilerplate[body] = original.id if original is not None else None
                        report.boilerplate += 1
                        continue
                    chunk.copies.append(_Copy(document, body, original.id if original is not None else None,
                                              planned.get(body)))
                    copied.add(document.url)
                    continue
            duplicate = digest in seen or (
                existing is None
                and session.scalar(select(Article.id).where(Article.content_hash == digest).limit(1))
            )
            if duplicate:  # too short to be kept as a copy: the same notice again
                report.unchanged += 1
                continue
            seen.add(digest)
            keep: dict[int, int] = {}
            drop: list[int] = []
            if existing is not None:
                stored = {p.content_hash: p.id for p in existing.passages}
                for ordinal, text in enumerate(passages):
                    passage_id = stored.pop(content_hash(text), None)
                    if passage_id is not None:
                        keep[ordinal] = passage_id
                drop = list(stored.values())
            elif body is not None:
                planned[body] = len(chunk.plans)
                titles[body] = {document.title}
            chunk.plans.append(
                _Plan(document, digest, passages, existing.id if existing else None, keep, drop, body)
            )
    if chunk.boilerplate:  # a text found under too many headlines in this very chunk
        report.boilerplate += sum(p.body in chunk.boilerplate for p in chunk.plans)
        report.boilerplate += sum(c.body in chunk.boilerplate for c in chunk.copies)
        kept = [i for i, p in enumerate(chunk.plans) if p.body not in chunk.boilerplate]
        renumber = {old: new for new, old in enumerate(kept)}
        chunk.plans = [chunk.plans[i] for i in kept]
        chunk.copies = [replace(c, of=renumber.get(c.of) if c.of is not None else None)
                        for c in chunk.copies if c.body not in chunk.boilerplate]
    return chunk


def _store_chunk(
    kb: KnowledgeBase, documents: list[Document], source_id: int | None, report: IngestReport
) -> None:
    # Planning reads, then the model runs outside any transaction: meanwhile another worker may
    # store one of these URLs, and the database refuses the second insert. Plan again against
    # what is stored now (the article is then unchanged or an update); count only what commits.
    for attempt in range(1, ATTEMPTS + 1):
        attempt_report = IngestReport()
        try:
            _write_chunk(kb, documents, source_id, attempt_report)
        except IntegrityError:
            if attempt == ATTEMPTS:
                raise
            log.info("another worker stored some of these articles meanwhile; planning again")
            kb.refresh_vectors()  # take in that worker's passages too
            continue
        report.merge(attempt_report)
        return


def _write_chunk(
    kb: KnowledgeBase, documents: list[Document], source_id: int | None, report: IngestReport
) -> None:
    chunk = _plan(kb, documents, report, source_id)
    plans = chunk.plans
    if not plans and not chunk.copies and not chunk.boilerplate:
        return
    # Embed outside the transaction: the model is slow and a write lock would block readers.
    # One batch: the new passages (read with their headline), then their answerable sentences.
    new = [(plan.document.title, plan.passages[i]) for plan in plans for i in plan.new_ordinals]
    sentences = [answerable_sentences(text) for _, text in new]
    embedded = kb.embedder.embed_passages(
        [kb.passage_text_for_embedding(title, text) for title, text in new] + [s for group in sentences for s in group]
    )
    vectors = iter(embedded[: len(new)])
    sentence_blobs = iter(packed_groups(embedded[len(new) :], sentences))
    now = datetime.now(UTC)
    new_passages: list[Passage] = []
    dropped: list[int] = []
    counted: Counter[str] = Counter()  # the new articles holding each word (index/terms.py)
    with kb.sessions.begin() as session:
        for body, held_by in chunk.boilerplate.items():
            session.add(Boilerplate(body_hash=body))
            if held_by is not None:  # its first article: not an article after all
                gone = session.get_one(Article, held_by)
                dropped.extend(p.id for p in gone.passages)
                session.delete(gone)
        articles: list[Article] = []
        for plan in plans:
            doc = plan.document
            article = session.get_one(Article, plan.existing_id) if plan.existing_id else Article(url=doc.url)
            article.url = doc.url
            article.source_id = source_id if source_id is not None else article.source_id
            article.guid = doc.guid
            article.title = doc.title
            article.outlet = doc.outlet
            article.author = doc.author
            article.published_at = doc.published_at
            article.language = doc.language
            article.content_hash = plan.digest
            article.body_hash = plan.body or ""  # "": hashed, too short to tell a copy
            article.fetched_at = now
            if plan.existing_id is None:
                session.add(article)
            articles.append(article)
            by_id = {p.id: p for p in article.passages}
            for passage_id in plan.drop:
                article.passages.remove(by_id[passage_id])
            for ordinal, passage_id in plan.keep.items():
                by_id[passage_id].ordinal = ordinal
            for ordinal in plan.new_ordinals:
                text = plan.passages[ordinal]
                passage = Passage(
                    ordinal=ordinal,
                    text=text,
                    content_hash=content_hash(text),
                    embedding=next(vectors).tobytes(),
                    sentence_vectors=next(sentence_blobs),
                )
                article.passages.append(passage)
                new_passages.append(passage)
            article.centroid, article.focus = article_summary(article.passages)
            dropped.extend(plan.drop)
            if plan.existing_id is None:
                counted.update(article_words(doc.title, plan.passages))
                report.added += 1
            else:
                report.updated += 1
        add_words(session, counted)
        count_articles(session, counted)
        session.flush()
        for copy in chunk.copies:
            doc = copy.document
            original = copy.article_id if copy.article_id is not None else articles[copy.of or 0].id
            session.add(Copy(url=doc.url, article_id=original, title=doc.title, outlet=doc.outlet,
                             published_at=doc.published_at))
            report.copies += 1
        ids = [p.id for p in new_passages]
    embed_shared_words(kb, counted)  # the model outside any transaction, as for passages
    # Only after the commit: FAISS never holds a vector the database does not.
    kb.remove_vectors(dropped)
    if ids:
        matrix = np.vstack([stored_vector(p.embedding) for p in new_passages])
        kb.add_vectors(ids, matrix)
    report.passages_added += len(ids)
    report.passages_removed += len(dropped)
    log.debug("stored %d articles, %d copies, %d passages", len(plans), len(chunk.copies), len(ids))
