"""Sources end to end: a real loopback server, real feeds and pages, the real database and FAISS."""

import asyncio
from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from index.models import Article, Source
from ingest.fetch import Fetcher, FetchPolicy
from ingest.runner import Runner
from ingest.sources import add_source, export_opml, import_opml, list_sources, remove_source
from tests.conftest import FIXTURES, SHARED

OPEN = FetchPolicy(allow_private=True)


def _serve_wire(web, *, etag=None) -> str:
    for name in ("night-market", "ferry"):
        web.route(f"/articles/{name}", (FIXTURES / "articles" / f"{name}.html").read_bytes())
    return web.route(
        "/feed.xml", (FIXTURES / "feed.xml").read_bytes(), content_type="application/rss+xml", etag=etag
    )


async def _add(kb, url, **kwargs):
    async with Fetcher(OPEN) as fetcher:
        return await add_source(kb, Runner(kb, fetcher), url, **kwargs)


async def _run(kb, *, due_only=False, policy=OPEN):
    async with Fetcher(policy) as fetcher:
        return await Runner(kb, fetcher).run(due_only=due_only)


def _articles(kb) -> dict[str, Article]:
    with kb.sessions() as session:
        return {a.url: a for a in session.scalars(select(Article).options(selectinload(Article.passages)))}


async def test_summary_only_feed_gets_full_article_text(kb, web) -> None:
    feed_url = _serve_wire(web)
    added = await _add(kb, feed_url)
    assert added.result.error is None and added.result.report.added == 2
    assert added.source.kind == "feed" and added.source.title == "Lede Test Wire"
    articles = _articles(kb)
    market = articles[web.url("/articles/night-market")]  # tracking parameter dropped
    assert market.title == "Harbourton opens its first night market"
    assert market.outlet == "Lede Test Wire"
    assert market.published_at == datetime(2025, 6, 2, 8, tzinfo=UTC)
    assert "4,000 visitors" in " ".join(p.text for p in market.passages)
    assert kb.stats().in_sync


async def test_running_again_adds_nothing_and_a_304_is_not_parsed(kb, web) -> None:
    feed_url = _serve_wire(web, etag='"v1"')
    await _add(kb, feed_url)
    before = kb.stats()
    [result] = await _run(kb)
    assert result.not_modified and result.report is None
    assert web.hits("/articles/ferry") == 1  # stored articles are not fetched again
    web.routes["/feed.xml"].etag = '"v2"'  # same content, new validator: parsed, nothing new
    [result] = await _run(kb)
    assert result.report.added == 0 and result.report.unchanged == 0
    assert kb.stats() == before


async def test_changed_article_is_updated_in_place(kb, web) -> None:
    page_url = web.route("/articles/ferry", (FIXTURES / "articles" / "ferry.html").read_bytes())
    added = await _add(kb, page_url)
    assert added.source.kind == "page" and added.result.report.added == 1
    changed = (FIXTURES / "articles" / "ferry.html").read_text().replace("300 passengers", "350 passengers")
    web.route("/articles/ferry", changed)
    [result] = await _run(kb)
    assert (result.report.added, result.report.updated) == (0, 1)
    [article] = _articles(kb).values()
    assert "350 passengers" in " ".join(p.text for p in article.passages)
    assert kb.stats().articles == 1 and kb.stats().in_sync


async def test_site_url_finds_its_feed(kb, web) -> None:
    feed_url = _serve_wire(web)
    site = web.route("/", '<html><head><link rel="alternate" type="application/rss+xml" '
                          'href="/feed.xml"></head><body>Home</body></html>')
    added = await _add(kb, site)
    assert added.source.kind == "feed" and added.source.url == feed_url
    assert added.result.report.added == 2


async def test_failing_source_backs_off_and_the_others_still_run(kb, web) -> None:
    _serve_wire(web)
    await _add(kb, web.url("/feed.xml"))
    web.route("/broken.xml", b"", status=500)
    with kb.sessions.begin() as session:
        session.add(Source(kind="feed", url=web.url("/broken.xml"), created_at=datetime.now(UTC),
                           interval_seconds=600))
    web.routes["/feed.xml"].body = web.routes["/feed.xml"].body.replace(b"wire-2", b"wire-2b")
    results = await _run(kb)
    assert [bool(r.error) for r in results] == [False, True]
    failing = next(s for s in list_sources(kb) if s.url.endswith("/broken.xml"))
    assert failing.failures == 1 and "HTTP 500" in failing.last_error
    assert failing.status == "failing ×1"
    assert (failing.next_due_at - datetime.now(UTC)).total_seconds() > 600  # backed off
    await _run(kb)
    second = next(s for s in list_sources(kb) if s.url.endswith("/broken.xml"))
    assert second.failures == 2 and second.next_due_at > failing.next_due_at
    # Only the due sources run in --watch: neither is due now.
    assert await _run(kb, due_only=True) == []


ILLFORMED = SHARED / "fixtures" / "feeds" / "feedparser" / "tests" / "illformed"


@pytest.mark.skipif(not ILLFORMED.is_dir(), reason="../shared/fixtures is not here")
async def test_malformed_feeds_give_per_source_errors_not_crashes(kb, web) -> None:
    files = sorted(p for p in ILLFORMED.rglob("*.xml"))
    good = _serve_wire(web)
    for i, path in enumerate(files):
        web.route(f"/bad/{i}.xml", path.read_bytes(), content_type="application/xml")
    with kb.sessions.begin() as session:
        for url in [good] + [web.url(f"/bad/{i}.xml") for i in range(len(files))]:
            session.add(Source(kind="feed", url=url, created_at=datetime.now(UTC)))
    results = await _run(kb)
    assert len(results) == len(files) + 1
    assert results[0].error is None and results[0].report.added == 2
    for result in results[1:]:
        assert result.error or result.report is not None  # each ends in a result of its own


async def test_sources_never_fetch_one_host_twice_at_once(kb, web) -> None:
    _serve_wire(web)
    with kb.sessions.begin() as session:
        for i in range(4):
            web.route(f"/f{i}.xml", (FIXTURES / "feed.xml").read_bytes(), content_type="application/rss+xml")
            session.add(Source(kind="feed", url=web.url(f"/f{i}.xml"), created_at=datetime.now(UTC)))
    active = 0
    peak = 0
    original = Fetcher._get

    async def counting(self, *args):
        nonlocal active, peak
        active += 1
        peak = max(peak, active)
        try:
            await asyncio.sleep(0.05)
            return await original(self, *args)
        finally:
            active -= 1

    Fetcher._get = counting
    try:
        results = await _run(kb)
    finally:
        Fetcher._get = original
    assert all(r.error is None for r in results)
    assert peak == 1


def test_opml_import_then_export(kb) -> None:
    opml = b"""<opml version="2.0"><body>
      <outline text="Wire" title="Wire" xmlUrl="https://wire.example/feed.xml"/>
      <outline text="Local" xmlUrl="file:///etc/passwd"/>
    </body></opml>"""
    assert import_opml(kb, opml) == (1, 0)
    assert import_opml(kb, opml) == (0, 1)
    exported = export_opml(kb)
    assert 'xmlUrl="https://wire.example/feed.xml"' in exported and "passwd" not in exported


async def test_removing_a_source_removes_its_articles_and_vectors(kb, web) -> None:
    added = await _add(kb, _serve_wire(web))
    _info, count = remove_source(kb, added.source.id)
    assert count == 2
    stats = kb.stats()
    assert (stats.sources, stats.articles, stats.passages, stats.vectors) == (0, 0, 0, 0)


async def test_watch_fetches_due_sources_until_stopped(kb, web, caplog) -> None:
    caplog.set_level("INFO", logger="ingest.runner")
    feed_url = _serve_wire(web)
    with kb.sessions.begin() as session:
        session.add(Source(kind="feed", url=feed_url, created_at=datetime.now(UTC)))
    stop = asyncio.Event()
    async with Fetcher(OPEN) as fetcher:
        watching = asyncio.create_task(Runner(kb, fetcher).watch(poll_seconds=0.05, stop=stop))
        for _ in range(200):
            if kb.stats().articles == 2:
                break
            await asyncio.sleep(0.05)
        stop.set()
        await asyncio.wait_for(watching, timeout=10)
    assert kb.stats().articles == 2
    assert web.hits("/feed.xml") == 1  # fetched once: not due again for an hour
    # Each run that fetched something says so in the log, once: idle rounds are silent.
    assert [r.getMessage() for r in caplog.records if r.getMessage().startswith("watch:")] == [
        "watch: 1 sources fetched, 2 articles stored, 0 failed"]


async def test_two_workers_never_fetch_the_same_source_at_once(kb, web) -> None:
    feeds = []
    with kb.sessions.begin() as session:
        for i in range(6):
            feeds.append(web.route(f"/w{i}.xml", (FIXTURES / "feed.xml").read_bytes(),
                                   content_type="application/rss+xml", delay=0.3))
            session.add(Source(kind="feed", url=feeds[-1], created_at=datetime.now(UTC)))
    for name in ("night-market", "ferry"):
        web.route(f"/articles/{name}", (FIXTURES / "articles" / f"{name}.html").read_bytes())
    async with Fetcher(OPEN) as first, Fetcher(OPEN) as second:
        # Two workers (each with its own HTTP client) on one database, as two processes would be.
        a, b = await asyncio.gather(Runner(kb, first).run(due_only=False), Runner(kb, second).run(due_only=False))
    assert sorted(r.source_id for r in a + b) == list(range(1, 7))  # each source run once
    assert a and b  # and the work was shared
    for i in range(6):
        assert web.hits(f"/w{i}.xml") == 1
    with kb.sessions() as session:
        assert all(s.lease_until is None for s in session.scalars(select(Source)))  # leases released


async def test_a_feed_whose_body_names_a_local_file_never_reads_it(kb, web, tmp_path) -> None:
    secret = tmp_path / "private-feed.xml"
    secret.write_text("<rss version='2.0'><channel><title>Private</title><item><title>Secret memo</title>"
                      "<link>https://private.example/memo</link><description>Payroll of every employee, "
                      "names and salaries, for internal use only.</description></item></channel></rss>")
    with kb.sessions.begin() as session:
        for path, body in (("/path.xml", str(secret)), ("/zero.xml", "/dev/zero")):
            session.add(Source(kind="feed", url=web.route(path, body, content_type="application/rss+xml"),
                               created_at=datetime.now(UTC)))
    results = await _run(kb)
    assert all(r.error and "not an RSS, Atom or JSON feed" in r.error for r in results)
    assert "https://private.example/memo" not in _articles(kb)


def _rss(*items: str) -> str:
    return "<rss version='2.0'><channel><title>Wire</title>" + "".join(items) + "</channel></rss>"


def _item(link: str, title: str, date: str = "Mon, 02 Mar 2026 10:00:00 GMT") -> str:
    body = f"{title} happened today, and the people of the town talked of nothing else all day long." * 3
    return f"<item><title>{title}</title><link>{link}</link><pubDate>{date}</pubDate><description>{body}</description></item>"


async def test_one_malformed_item_or_feed_fails_alone_and_the_failure_is_recorded(kb, web) -> None:
    mixed = web.route("/mixed.xml", _rss(
        _item("https://n.example/a?utm_source=x", "Ferry strike ends"),
        _item("https://n.example/a?utm_source=y", "Ferry strike ends (copy)"),  # the same canonical URL
        _item("https://n.example/b", "Market reopens", date="0000-00-00"),  # a real feeds' date
        _item("https://n.example/c", "Library reopens"),
    ), content_type="application/rss+xml")
    broken = web.route("/broken.json", '{"version": "https://jsonfeed.org/version/1.1", "items": '
                       + "[" * 5000 + "]" * 5000 + "}", content_type="application/feed+json")
    with kb.sessions.begin() as session:
        for url in (mixed, broken):
            session.add(Source(kind="feed", url=url, created_at=datetime.now(UTC)))
    results = {r.url: r for r in await _run(kb)}
    assert results[mixed].error is None
    assert {"https://n.example/a", "https://n.example/c"} <= set(_articles(kb))
    assert results[broken].error  # recorded, and it backs off like any failing source
    with kb.sessions() as session:
        source = session.scalars(select(Source).where(Source.url == broken)).one()
        assert source.failures == 1 and source.last_error and source.lease_until is None


async def test_an_item_moved_to_a_new_url_updates_its_article(kb, web) -> None:
    def feed(link: str) -> str:
        return _rss(_item(link, "Ferry strike ends").replace("<item>", "<item><guid isPermaLink='false'>wire-42</guid>"))

    url = web.route("/moving.xml", feed("https://n.example/ferry-strike"), content_type="application/rss+xml")
    with kb.sessions.begin() as session:
        session.add(Source(kind="feed", url=url, created_at=datetime.now(UTC)))
    await _run(kb)
    web.route("/moving.xml", feed("https://n.example/ferry-strike-ends"), content_type="application/rss+xml")
    [result] = await _run(kb)
    assert result.error is None
    assert list(_articles(kb)) == ["https://n.example/ferry-strike-ends"]  # one article, at its new URL


def _big_feed(web, items: int, *, words: int, etag: str | None = '"v1"') -> str:
    """A feed of `items` items, each carrying `words` words of text (fewer than 150: a summary,
    so its article page is fetched; each page is served)."""
    entries = []
    for i in range(items):
        body = " ".join(f"Harbourton item {i} report word{j}." for j in range(words // 4))
        web.route(f"/a/{i}", f"<html><head><title>Page {i}</title></head><body><article><p>{body} "
                             f"The full page {i} says more about the Harbourton harbour.</p></article></body></html>")
        entries.append(f"<item><title>Item {i}</title><link>{web.url(f'/a/{i}')}</link>"
                       f"<description>{body}</description></item>")
    feed = f"<rss version='2.0'><channel><title>Big</title>{''.join(entries)}</channel></rss>"
    return web.route("/big.xml", feed, content_type="application/rss+xml", etag=etag)


async def _run_with(kb, budget):
    from ingest.runner import Budget

    async with Fetcher(OPEN) as fetcher:
        return await Runner(kb, fetcher, budget=Budget(**budget)).run(due_only=True)


async def test_a_huge_feed_is_taken_a_budget_at_a_time_and_nothing_is_dropped(kb, web) -> None:
    _big_feed(web, 25, words=200)  # full text in the feed: no page fetches
    with kb.sessions.begin() as session:
        session.add(Source(kind="feed", url=web.url("/big.xml"), created_at=datetime.now(UTC)))
    stored = []
    while results := await _run_with(kb, {"items": 10}):  # due again at once while items are left
        [result] = results
        stored.append(result.report.added)
        assert ("more items next run" in result.summary()) == bool(result.left)
    assert stored == [10, 10, 5]
    assert kb.stats().articles == 25
    assert web.hits("/big.xml") == 3  # no 304 while items were left; then nothing is due
    assert web.hits("/a/3") == 0


async def test_summaries_fetch_at_most_the_budgeted_pages_per_run(kb, web) -> None:
    _big_feed(web, 12, words=20)
    with kb.sessions.begin() as session:
        session.add(Source(kind="feed", url=web.url("/big.xml"), created_at=datetime.now(UTC)))
    [first] = await _run_with(kb, {"page_fetches": 5})
    assert first.report.added == 5 and first.left == 7
    assert sum(web.hits(f"/a/{i}") for i in range(12)) == 5
    [second] = await _run_with(kb, {"page_fetches": 5})
    assert second.report.added == 5 and second.left == 2
    assert sum(web.hits(f"/a/{i}") for i in range(12)) == 10  # stored pages are not fetched again
    source = list_sources(kb)[0]
    assert source.failures == 0 and source.last_error is None


async def test_slow_pages_stop_at_the_time_budget_and_wait_for_the_next_run(kb, web) -> None:
    _big_feed(web, 6, words=20)
    for i in range(6):
        web.routes[f"/a/{i}"].delay = 0.4
    with kb.sessions.begin() as session:
        session.add(Source(kind="feed", url=web.url("/big.xml"), created_at=datetime.now(UTC)))
    [result] = await _run_with(kb, {"seconds": 1.0})
    assert 1 <= result.report.added < 6 and result.report.added + result.left == 6


async def test_a_page_announcing_hundreds_of_feeds_costs_a_few_requests(kb, web) -> None:
    links = "".join(f'<link rel="alternate" type="application/rss+xml" href="/none/{i}.xml">' for i in range(300))
    page = (FIXTURES / "articles" / "ferry.html").read_text().replace("<head>", f"<head>{links}", 1)
    added = await _add(kb, web.route("/articles/ferry", page))
    assert added.source.kind == "page" and added.result.report.added == 1
    assert sum(1 for path, _ in web.requests if path.startswith("/none/")) <= 5


async def test_a_future_dated_item_is_stored_with_its_fetch_time(kb, web, caplog) -> None:
    url = web.route("/future.xml", _rss(
        _item("https://n.example/far", "Dam opens", date="Fri, 31 Dec 9999 23:59:59 GMT"),
        _item("https://n.example/next", "Bridge opens", date="Mon, 01 Jan 2100 10:00:00 GMT"),
        _item("https://n.example/now", "Library reopens"),
    ), content_type="application/rss+xml")
    with kb.sessions.begin() as session:
        session.add(Source(kind="feed", url=url, created_at=datetime.now(UTC)))
    before = datetime.now(UTC)
    [result] = await _run(kb)
    assert result.error is None
    articles = _articles(kb)
    for far in ("https://n.example/far", "https://n.example/next"):
        assert before <= articles[far].published_at <= datetime.now(UTC)
    assert articles["https://n.example/now"].published_at == datetime(2026, 3, 2, 10, tzinfo=UTC)
    assert [r for r in caplog.records if "dated in the future" in r.getMessage()]  # said once, for the run


async def test_a_feed_being_stored_says_how_far_it_is_in_the_log(kb, web, monkeypatch, caplog) -> None:
    from ingest import progress, store

    monkeypatch.setattr(progress, "EVERY", 0.0)  # a line at every step, not every half minute
    monkeypatch.setattr(store, "CHUNK", 1)
    feed_url = _serve_wire(web)
    with caplog.at_level("INFO", logger="ingest.progress"):
        added = await _add(kb, feed_url)
    assert added.result.report.added == 2
    lines = [r.getMessage() for r in caplog.records if r.name == "ingest.progress"]
    assert lines[0].startswith(f"ingest of {feed_url}: handled 1 of 2 articles (50%), about ")
    assert lines[-1] == f"ingest of {feed_url}: handled 2 of 2 articles (100%)"


async def test_items_sharing_one_guid_are_all_stored(kb, web) -> None:
    def guid(item: str) -> str:  # one feed gives every item the same GUID (a broken CMS)
        return item.replace("<item>", "<item><guid isPermaLink='false'>same</guid>")

    ferry = guid(_item("https://n.example/ferry", "Ferry strike ends"))
    url = web.route("/same-guid.xml", _rss(ferry), content_type="application/rss+xml")
    with kb.sessions.begin() as session:
        session.add(Source(kind="feed", url=url, created_at=datetime.now(UTC)))
    await _run(kb)
    web.route("/same-guid.xml", _rss(
        ferry, guid(_item("https://n.example/market", "Market reopens")),
        guid(_item("https://n.example/park", "Park reopens")), _item("https://n.example/library", "Library reopens"),
    ), content_type="application/rss+xml")
    [result] = await _run(kb)
    assert result.error is None, result.error
    everything = {f"https://n.example/{name}" for name in ("ferry", "market", "park", "library")}
    assert set(_articles(kb)) == everything
    [again] = await _run(kb)  # and the next run changes nothing
    assert again.error is None and set(_articles(kb)) == everything
