"""Store documents in the knowledge base: dedupe, split, embed what is new, keep FAISS in step."""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from itertools import islice

import numpy as np
from sqlalchemy.exc import IntegrityError

from index.keyword import refresh_term_counts
from index.knowledge import KnowledgeBase
from index.models import Article, Boilerplate, Copy, Passage
from index.precomputed import answerable_sentences, article_summary, packed_groups
from index.terms import count_articles, packed_words, word_counts
from index.text import content_hash
from index.vectors import stored_vector
from index.words import add_words, embed_shared_words
from ingest.document import Document
from ingest.metrics import INGESTED_ARTICLES, INGESTED_PASSAGES
from ingest.plan import plan_chunk
from ingest.progress import Meter
from ingest.report import IngestReport

log = logging.getLogger(__name__)
# Documents per transaction and per model call: the progress bar moves this often (every ~4 s
# here). Measured on 96 eval articles, two quiet cores: 64 took 40-44 s of CPU, 16 took 42-45 s,
# 1 took 43-53 s (the model sorts fewer texts by length).
CHUNK = 16
ATTEMPTS = 3
# A publication date later than this after the fetch is wrong (time zones put honest ones within a day).
FUTURE_SLACK = timedelta(days=1)


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
        refresh_term_counts(kb.engine)
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
    chunk = plan_chunk(kb, documents, report, source_id)
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
            words = word_counts(doc.title, plan.passages)
            article.words = packed_words(words)
            dropped.extend(plan.drop)
            if plan.existing_id is None:
                counted.update(words.keys())
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
