"""Fetch sources and store what they carry: one source, or all that are due, concurrently.

A failing source records why, backs off exponentially and never stops the others. Storage runs in
a worker thread (the model, FAISS and SQL block), one batch at a time per process.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any, cast
from urllib.parse import urlsplit

from sqlalchemy import CursorResult, Select, or_, select, update

from index.errors import FetchError, InputError, LedeError
from index.knowledge import KnowledgeBase
from index.models import Article, Source
from ingest.document import Document
from ingest.extract import extract_article
from ingest.feeds import Entry, html_to_text, parse_feed
from ingest.fetch import Fetched, Fetcher
from ingest.metrics import SOURCE_FAILURES
from ingest.progress import Meter
from ingest.report import IngestReport
from ingest.store import store_documents
from ingest.urls import canonical_url

log = logging.getLogger(__name__)
MAX_BACKOFF = timedelta(hours=24)
LEASE = timedelta(minutes=10)  # longer than any fetch and store of one source takes
FULL_TEXT_WORDS = 150  # a feed item shorter than this is a summary: fetch the article itself


@dataclass(frozen=True)
class Budget:
    """The most one source may cause in one run, well inside its lease: a 10,000-item feed of
    summaries made 10,000 page fetches in a row. The items past it are left for the next run,
    which comes at once (and without the feed's validators, so the feed is read again whole)."""

    items: int = 200  # new or changed articles stored
    page_fetches: int = 50  # articles fetched because the feed carries only a summary
    seconds: float = 120.0  # spent reading the feed's items and their pages


@dataclass
class SourceResult:
    source_id: int
    url: str
    report: IngestReport | None = None
    error: str | None = None
    not_modified: bool = False
    left: int = 0  # items past this run's budget, for the next run

    def summary(self) -> str:
        """Return one line saying what happened to this source."""
        if self.error:
            return f"#{self.source_id} {self.url}: FAILED: {self.error}"
        if self.not_modified:
            return f"#{self.source_id} {self.url}: not modified"
        line = f"#{self.source_id} {self.url}: {self.report.summary() if self.report else 'nothing new'}"
        return line + (f"; {self.left} more items next run" if self.left else "")


Progress = Callable[[int, int, SourceResult], Awaitable[None] | None]


class Runner:
    """Runs sources against one knowledge base with one HTTP client."""

    def __init__(
        self, kb: KnowledgeBase, fetcher: Fetcher, *, concurrency: int = 4, budget: Budget | None = None
    ) -> None:
        self.kb = kb
        self.fetcher = fetcher
        self.concurrency = concurrency
        self.budget = budget or Budget()
        self._store_lock = asyncio.Lock()

    async def run(self, *, due_only: bool, progress: Progress | None = None) -> list[SourceResult]:
        """Run every enabled source (or only those due now); return one result per source."""
        now = datetime.now(UTC)
        statement = select(Source.id).where(Source.enabled, Source.kind != "file").order_by(Source.id)
        if due_only:
            statement = statement.where(or_(Source.next_due_at.is_(None), Source.next_due_at <= now))
        ids = await asyncio.to_thread(self._scalars, statement)
        gate = asyncio.Semaphore(self.concurrency)
        results: list[SourceResult] = []

        async def one(source_id: int) -> None:
            async with gate:
                if not await asyncio.to_thread(self._claim, source_id, now, due_only):
                    return  # another worker is fetching it, or already did during this run
                result = await self.run_source(source_id)
            results.append(result)
            if progress is not None:
                outcome = progress(len(results), len(ids), result)
                if asyncio.iscoroutine(outcome):
                    await outcome

        await asyncio.gather(*(one(i) for i in ids))
        return sorted(results, key=lambda r: r.source_id)

    async def run_source(self, source_id: int, *, prefetched: Fetched | None = None) -> SourceResult:
        """Fetch one source and store its articles; record success or failure on the source."""
        source = await asyncio.to_thread(self._source, source_id)
        result = SourceResult(source_id, source.url)
        try:
            fetched = prefetched or await self.fetcher.get(
                source.url, etag=source.etag, last_modified=source.last_modified
            )
            if fetched.not_modified:
                result.not_modified = True
            else:
                documents, result.left = await self._documents(source, fetched)
                # A feed's items are counted in log lines (several sources store in turn: no bars).
                meter = Meter(len(documents), show=True, bar=False, label=source.url)
                async with self._store_lock:
                    result.report = await asyncio.to_thread(
                        store_documents, self.kb, documents, source_id=source.id, meter=meter
                    )
            await asyncio.to_thread(self._record_success, source_id, fetched, result.left > 0)
        except LedeError as exc:
            result.error = str(exc)
            await asyncio.to_thread(self._record_failure, source_id, str(exc))
        except Exception as exc:  # one source's surprise must not stop the others, nor keep its lease
            log.exception("source %s failed unexpectedly", source.url)
            result.error = f"{source.url}: unexpected {type(exc).__name__}: {str(exc)[:200]} (a bug in Lede: please report it)"
            await asyncio.to_thread(self._record_failure, source_id, result.error)
        log.info("%s", result.summary())
        return result

    async def _documents(self, source: Source, fetched: Fetched) -> tuple[list[Document], int]:
        """Return the documents in a fetched source, and how many items are left for the next run."""
        # Parsing and extraction are CPU work: off the event loop, like the storage.
        if source.kind == "page":
            page = await asyncio.to_thread(extract_article, fetched.content, url=canonical_url(fetched.url))
            page.outlet = page.outlet or _host(fetched.url)
            return [page], 0
        feed = await asyncio.to_thread(parse_feed, fetched.content, url=fetched.url)
        outlet = feed.title or _host(fetched.url)
        stored = await asyncio.to_thread(self._stored_hashes, [entry.url for entry in feed.entries])
        # A GUID several items share (a broken CMS gives every item one) identifies none of them:
        # each is stored by its URL, never taken for another item moved to a new URL.
        shared = {guid for guid, n in Counter(e.guid for e in feed.entries if e.guid).items() if n > 1}
        entries = [replace(e, guid=None) if e.guid in shared else e for e in feed.entries]
        documents: list[Document] = []
        fetches = 0
        deadline = time.monotonic() + self.budget.seconds
        for position, entry in enumerate(entries):
            document = _full_document(entry, outlet)
            if document is not None and stored.get(entry.url) == document.digest:
                continue  # stored as it is: costs nothing, counts against nothing
            if document is None and entry.url in stored:
                continue  # a summary of an article whose full text is stored already
            remaining = deadline - time.monotonic()
            over = len(documents) >= self.budget.items or remaining <= 0
            if document is None and not over:
                if fetches >= self.budget.page_fetches:
                    over = True
                else:
                    fetches += 1
                    try:
                        document = await asyncio.wait_for(self._fetch_article(entry, outlet), remaining)
                    except TimeoutError:
                        over = True
            if over:
                left = sum(1 for e in entries[position:] if e.url not in stored)
                log.info("%s: budget of this run spent; %d items left for the next run", source.url, left)
                return documents, left
            if document is not None:
                documents.append(document)
        return documents, 0

    async def _fetch_article(self, entry: Entry, outlet: str) -> Document | None:
        """Return the article a feed item only summarises, or the summary when the page fails."""
        text = html_to_text(entry.html)
        try:
            page = await self.fetcher.get(entry.url)
            text = (await asyncio.to_thread(extract_article, page.content, url=entry.url)).text
        except (FetchError, InputError) as exc:
            log.warning("%s: using the feed's summary, the article failed: %s", entry.url, exc)
        return _document(entry, outlet, text)

    # Blocking database work, run in a worker thread so the event loop stays free.
    def _scalars(self, statement: Select[Any]) -> list[Any]:
        with self.kb.sessions() as session:
            return list(session.scalars(statement))

    def _stored_hashes(self, urls: list[str]) -> dict[str, str]:
        """Return the content hash of each of `urls` that is stored."""
        found: dict[str, str] = {}
        with self.kb.sessions() as session:
            for start in range(0, len(urls), 500):  # within every database's parameter limit
                part = urls[start : start + 500]
                rows = session.execute(select(Article.url, Article.content_hash).where(Article.url.in_(part)))
                found.update((url, digest) for url, digest in rows)
        return found

    def _source(self, source_id: int) -> Source:
        with self.kb.sessions() as session:
            source = session.get_one(Source, source_id)
        if source is None:
            raise InputError(f"there is no source #{source_id}.")
        return source

    def _claim(self, source_id: int, run_started: datetime, due_only: bool) -> bool:
        """Take the source's lease; False when another worker holds it or fetched it since this
        run began (or, for due sources, it is no longer due). A compare-and-set in SQL, so it
        works the same on SQLite and PostgreSQL, across processes and machines."""
        now = datetime.now(UTC)
        conditions = [
            Source.id == source_id,
            or_(Source.lease_until.is_(None), Source.lease_until < now),
            or_(Source.last_fetch_at.is_(None), Source.last_fetch_at < run_started),
        ]
        if due_only:
            conditions.append(or_(Source.next_due_at.is_(None), Source.next_due_at <= now))
        with self.kb.sessions.begin() as session:
            claimed = cast(CursorResult[Any], session.execute(
                update(Source).where(*conditions).values(lease_until=now + LEASE)))
            return claimed.rowcount == 1

    def _record_success(self, source_id: int, fetched: Fetched, unfinished: bool = False) -> None:
        """Record a fetch that worked; an `unfinished` one (items left past the budget) is due
        again at once and keeps no validators, so the next run reads the whole feed again."""
        now = datetime.now(UTC)
        with self.kb.sessions.begin() as session:
            source = session.get_one(Source, source_id)
            source.lease_until = None
            source.last_fetch_at = source.last_success_at = now
            source.last_error = None
            source.failures = 0
            if unfinished:
                source.etag = source.last_modified = None
                source.next_due_at = now
            else:
                if not fetched.not_modified:
                    source.etag, source.last_modified = fetched.etag, fetched.last_modified
                source.next_due_at = now + timedelta(seconds=source.interval_seconds)

    def _record_failure(self, source_id: int, error: str) -> None:
        SOURCE_FAILURES.inc()
        now = datetime.now(UTC)
        with self.kb.sessions.begin() as session:
            source = session.get_one(Source, source_id)
            source.lease_until = None
            source.last_fetch_at = now
            source.last_error = error
            source.failures += 1
            delay = timedelta(seconds=source.interval_seconds) * 2 ** min(source.failures, 10)
            source.next_due_at = now + min(delay, MAX_BACKOFF)

    async def watch(self, *, poll_seconds: float = 60.0, stop: asyncio.Event | None = None) -> None:
        """Run due sources until `stop` is set, checking every `poll_seconds`."""
        stop = stop or asyncio.Event()
        while not stop.is_set():
            results = await self.run(due_only=True)
            if results:
                stored = sum(r.report.added + r.report.updated for r in results if r.report is not None)
                failed = [r.url for r in results if r.error]
                log.info("watch: %d sources fetched, %d articles stored, %d failed%s", len(results), stored,
                         len(failed), f" ({', '.join(failed[:5])})" if failed else "")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=poll_seconds)


def _full_document(entry: Entry, outlet: str) -> Document | None:
    """Return the article a feed item carries in full, or None when it carries only a summary."""
    text = html_to_text(entry.html)
    return _document(entry, outlet, text) if len(text.split()) >= FULL_TEXT_WORDS else None


def _document(entry: Entry, outlet: str, text: str) -> Document | None:
    if not text.strip():
        return None
    return Document(url=entry.url, title=entry.title, text=text, outlet=outlet, author=entry.author,
                    published_at=entry.published_at, guid=entry.guid)


def _host(url: str) -> str:
    return (urlsplit(url).hostname or url).removeprefix("www.")
