"""The operations on sources that both the `lede sources` CLI and the bot's admin commands use."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import delete, func, select

from index.errors import InputError, LedeError
from index.knowledge import KnowledgeBase
from index.models import Article, Copy, Passage, Source
from index.precomputed import answerable_sentences
from ingest.document import Document
from ingest.extract import extract_article
from ingest.feeds import discover_feeds, looks_like_feed, parse_feed
from ingest.fetch import Fetched, Fetcher, check_url
from ingest.opml import Outline, read_opml, write_opml
from ingest.runner import Runner, SourceResult
from ingest.urls import canonical_url

log = logging.getLogger(__name__)
FEEDS_TRIED = 5  # of those a page announces, best first: one page announced 300, each a request


@dataclass(frozen=True)
class SourceInfo:
    id: int
    kind: str
    url: str
    title: str | None
    enabled: bool
    interval_seconds: int
    articles: int
    last_success_at: datetime | None
    last_error: str | None
    failures: int
    next_due_at: datetime | None

    @property
    def status(self) -> str:
        if not self.enabled:
            return "disabled"
        if self.failures:
            return f"failing ×{self.failures}"
        return "ok" if self.last_success_at else "new"


@dataclass(frozen=True)
class Added:
    source: SourceInfo
    result: SourceResult
    existed: bool


async def _identify(fetcher: Fetcher, url: str) -> tuple[str, str, Fetched]:
    """Return (kind, url to follow, first response): a feed, a site's discovered feed, or a page."""
    fetched = await fetcher.get(url)
    if looks_like_feed(fetched.content, fetched.content_type):
        return "feed", fetched.url, fetched
    for feed_url in discover_feeds(fetched.content, url=fetched.url)[:FEEDS_TRIED]:
        try:
            feed = await fetcher.get(feed_url)
            parse_feed(feed.content, url=feed.url)
        except LedeError as exc:
            log.info("announced feed %s is unusable: %s", feed_url, exc)
            continue
        return "feed", feed.url, feed
    return "page", fetched.url, fetched


def _article_page(fetched: Fetched) -> Document:
    """Return the article a fetched page holds; raise InputError saying what it holds instead: a
    text file, JSON, random bytes, a page of links. (Added as a source anyway, such a page failed,
    or stored nothing, every hour; sent as a link, it was stored as an "article".)"""
    kind = fetched.content_type.split(";")[0].strip().lower() or "no content type"
    if kind not in ("text/html", "application/xhtml+xml"):
        raise InputError(f"found a {kind} file")
    try:
        page = extract_article(fetched.content, url=canonical_url(fetched.url))
    except InputError:
        page = None
    # Article text is prose: a menu's links or a page's headings alone are not.
    if page is None or not answerable_sentences(page.text):
        raise InputError("found a web page with no article text")
    return page


async def add_source(
    kb: KnowledgeBase, runner: Runner, url: str, *, interval_seconds: int | None = None
) -> Added:
    """Add a feed, a site (its feed is discovered) or an article page, and fetch it once."""
    url = canonical_url(check_url(url))
    kind, follow_url, fetched = await _identify(runner.fetcher, url)
    if kind == "page":
        try:
            await asyncio.to_thread(_article_page, fetched)
        except InputError as exc:
            raise InputError(f"{fetched.url}: {exc}, and no feed (none announced either); nothing added. "
                             "Give a feed's URL, a site that announces one, or an article's page.") from None
    source_id, existed = await asyncio.to_thread(
        _upsert_source, kb, kind, canonical_url(follow_url), interval_seconds
    )
    result = await runner.run_source(source_id, prefetched=fetched)
    if kind == "feed" and not result.error:
        title = parse_feed(fetched.content, url=fetched.url).title
        await asyncio.to_thread(_set_title, kb, source_id, title)
    info = await asyncio.to_thread(get_source, kb, source_id)
    return Added(source=info, result=result, existed=existed)


async def read_link(kb: KnowledgeBase, runner: Runner, url: str) -> int:
    """Fetch an article page a reader sent (the safe-fetch rules apply), store it, and return its
    article id. It is kept under a disabled source of its own: read once, never on a schedule,
    and listed with the sources so an admin sees what readers brought in and can remove it."""
    url = canonical_url(check_url(url))
    fetched = await runner.fetcher.get(url)
    if looks_like_feed(fetched.content, fetched.content_type):
        raise InputError(f"{url} is a feed, not an article: an admin can add it with /addsource.")
    page_url = canonical_url(fetched.url)
    try:
        page = await asyncio.to_thread(_article_page, fetched)
    except InputError as exc:
        raise InputError(f"{url}: {exc}.") from None
    stored = await asyncio.to_thread(_stored_as, kb, page_url, page.digest)
    if stored is not None:
        return stored  # read before: at this address, or the same text at another
    source_id, existed = await asyncio.to_thread(_upsert_source, kb, "page", page_url, None, enabled=False)
    result = await runner.run_source(source_id, prefetched=fetched)
    article_id = await asyncio.to_thread(_stored_as, kb, page_url, page.digest)
    if result.error or article_id is None:
        if not existed:  # a link that gave nothing leaves nothing behind in /sources
            await asyncio.to_thread(_remove_if_empty, kb, source_id)
        raise InputError(result.error or f"{url}: no article text was found on that page.")
    return article_id


def _stored_as(kb: KnowledgeBase, url: str, digest: str) -> int | None:
    """Return the article stored at `url`, or holding the text at `url` (a copy kept under
    another address, or a short text stored once)."""
    with kb.sessions() as session:
        found = session.scalar(select(Article.id).where(Article.url == url))
        if found is None and (copy := session.get(Copy, url)) is not None:
            found = copy.article_id
        if found is None:
            found = session.scalar(select(Article.id).where(Article.content_hash == digest).limit(1))
        return found


def _remove_if_empty(kb: KnowledgeBase, source_id: int) -> None:
    with kb.sessions.begin() as session:
        source = session.get(Source, source_id)
        held = session.scalar(select(Article.id).where(Article.source_id == source_id).limit(1))
        if source is not None and held is None:
            session.delete(source)


def _set_title(kb: KnowledgeBase, source_id: int, title: str | None) -> None:
    with kb.sessions.begin() as session:
        session.get_one(Source, source_id).title = title


def _upsert_source(
    kb: KnowledgeBase, kind: str, follow_url: str, interval_seconds: int | None, *, enabled: bool = True
) -> tuple[int, bool]:
    """Return (id, existed) of the source at `follow_url`, creating it when new (`enabled`: fetched
    on its schedule)."""
    with kb.sessions.begin() as session:
        source = session.scalar(select(Source).where(Source.url == follow_url))
        existed = source is not None
        if source is None:
            source = Source(
                kind=kind,
                url=follow_url,
                interval_seconds=interval_seconds or kb.settings.source_interval,
                created_at=datetime.now(UTC),
                enabled=enabled,
            )
            session.add(source)
        elif interval_seconds:
            source.interval_seconds = interval_seconds
        session.flush()
        return source.id, existed


def _info(source: Source, articles: int) -> SourceInfo:
    return SourceInfo(
        id=source.id,
        kind=source.kind,
        url=source.url,
        title=source.title,
        enabled=source.enabled,
        interval_seconds=source.interval_seconds,
        articles=articles,
        last_success_at=source.last_success_at,
        last_error=source.last_error,
        failures=source.failures,
        next_due_at=source.next_due_at,
    )


def list_sources(kb: KnowledgeBase) -> list[SourceInfo]:
    """Return every source with its article count and state."""
    counts = (
        select(Article.source_id, func.count(Article.id).label("n")).group_by(Article.source_id).subquery()
    )
    with kb.sessions() as session:
        rows = session.execute(
            select(Source, func.coalesce(counts.c.n, 0))
            .outerjoin(counts, counts.c.source_id == Source.id)
            .order_by(Source.id)
        ).all()
    return [_info(source, n) for source, n in rows]


def get_source(kb: KnowledgeBase, source_id: int) -> SourceInfo:
    """Return one source; raise InputError naming the id when there is none."""
    for info in list_sources(kb):
        if info.id == source_id:
            return info
    raise InputError(f"there is no source #{source_id}; `lede sources list` shows them.")


def set_enabled(kb: KnowledgeBase, source_id: int, enabled: bool) -> SourceInfo:
    """Disable a source (kept with its articles, never fetched) or enable it again (fetched on
    the next run); return it."""
    get_source(kb, source_id)
    with kb.sessions.begin() as session:
        source = session.get_one(Source, source_id)
        source.enabled = enabled
        if enabled:
            source.next_due_at, source.failures = datetime.now(UTC), 0
    return get_source(kb, source_id)


def parse_interval(text: str) -> int:
    """Return seconds for "90", "30m", "2h" or "1d" (at least a minute)."""
    units = {"s": 1, "m": 60, "h": 3600, "d": 86400}
    text = text.strip().lower()
    try:
        seconds = int(float(text[:-1]) * units[text[-1]]) if text[-1:] in units else int(text)
    except (ValueError, IndexError):
        raise InputError(f"{text!r} is not an interval; use e.g. 90, 30m, 2h, 1d") from None
    if seconds < 60:
        raise InputError("the interval must be at least one minute")
    return seconds


def remove_source(kb: KnowledgeBase, source_id: int) -> tuple[SourceInfo, int]:
    """Delete a source with its articles and their passages; return it and the article count."""
    info = get_source(kb, source_id)
    with kb.sessions.begin() as session:
        passage_ids = list(
            session.scalars(select(Passage.id).join(Article).where(Article.source_id == source_id))
        )
        session.execute(delete(Article).where(Article.source_id == source_id))
        session.execute(delete(Source).where(Source.id == source_id))
    kb.remove_vectors(passage_ids)
    kb.save_vectors()
    return info, info.articles


def import_opml(kb: KnowledgeBase, content: bytes, *, name: str = "OPML file") -> tuple[int, int]:
    """Add the feeds of an OPML file (fetched on the next run); return (added, already there)."""
    added = existing = 0
    with kb.sessions.begin() as session:
        for outline in read_opml(content, name=name):
            try:
                url = canonical_url(check_url(outline.url))
            except LedeError as exc:
                log.warning("%s: skipped: %s", name, exc)
                continue
            if session.scalar(select(Source.id).where(Source.url == url)):
                existing += 1
                continue
            session.add(
                Source(
                    kind="feed",
                    url=url,
                    title=outline.title,
                    interval_seconds=kb.settings.source_interval,
                    created_at=datetime.now(UTC),
                    enabled=True,
                )
            )
            session.flush()
            added += 1
    return added, existing


def export_opml(kb: KnowledgeBase) -> str:
    """Return the feed sources as an OPML document."""
    return write_opml([Outline(s.url, s.title) for s in list_sources(kb) if s.kind == "feed"])
