"""Feeds: the real-world fixtures in ../shared parse; sites announce feeds; OPML round-trips."""

import html
import json
import re
from pathlib import Path
from urllib.parse import urljoin

import pytest

from index.errors import InputError
from ingest.feeds import discover_feeds, html_to_text, looks_like_feed, parse_feed
from ingest.opml import Outline, read_opml, write_opml
from ingest.urls import canonical_url
from tests.conftest import FIXTURES, SHARED

FEEDS = SHARED / "fixtures" / "feeds"
needs_shared = pytest.mark.skipif(not FEEDS.is_dir(), reason="../shared/fixtures is not here")


def _load_json(path: Path):
    raw = path.read_bytes()
    try:
        return json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        return json.loads(raw.decode("latin-1"))


def _plain(title: str | None) -> str:
    """Title text without markup or any spacing (markup may or may not leave a space)."""
    return "".join(html.unescape(re.sub(r"<[^>]+>", "", title or "")).split())


def _rss_parser_cases():
    if not FEEDS.is_dir():
        return []
    return sorted((FEEDS / "rss-parser" / "input").iterdir())


def _feed_rs_cases():
    if not FEEDS.is_dir():
        return []
    cases = []
    for path in sorted((FEEDS / "feed-rs" / "fixture").glob("*/*")):
        expected = path.with_name(re.sub(r"\.(xml|json)$", ".serde.json", path.name))
        if not path.name.endswith(".serde.json") and expected.exists():
            cases.append((path, expected))
    return cases


@needs_shared
@pytest.mark.parametrize("path", _rss_parser_cases(), ids=lambda p: p.name)
def test_rss_parser_fixtures_give_every_linked_item(path) -> None:
    expected = _load_json(FEEDS / "rss-parser" / "output" / f"{path.stem}.json")["feed"]["items"]
    feed = parse_feed(path.read_bytes(), url="http://feeds.test/feed")
    titles = {_plain(e.title) for e in feed.entries}
    linked = [i for i in expected if i.get("link")]
    assert len(feed.entries) >= len(linked)
    for item in linked:
        if "\ufffd" not in (item.get("title") or ""):  # the expected file's own mojibake
            assert _plain(item.get("title")) in titles
        assert canonical_url(urljoin("http://feeds.test/feed", item["link"])) in {e.url for e in feed.entries}


@needs_shared
@pytest.mark.parametrize("path, expected_path", _feed_rs_cases(), ids=lambda p: getattr(p, "name", ""))
def test_feed_rs_fixtures_parse_rss_atom_and_json_feed(path, expected_path) -> None:
    expected = _load_json(expected_path)
    feed = parse_feed(path.read_bytes(), url="http://feeds.test/feed")
    linked = [e for e in expected.get("entries", []) if e.get("links")]
    assert len(feed.entries) >= len(linked)
    titles = {_plain(e.title) for e in feed.entries}
    for entry in linked:
        title = (entry.get("title") or {}).get("content")
        if title:
            assert _plain(title) in titles


def test_json_feed_items_keep_their_content() -> None:
    content = json.dumps({
        "version": "https://jsonfeed.org/version/1.1",
        "title": "Sample",
        "items": [{"id": "1", "url": "https://s.test/a?utm_source=x", "title": "A",
                   "content_html": "<p>One.</p><p>Two.</p>", "date_published": "2025-01-02T03:04:05Z",
                   "authors": [{"name": "Kim"}]}],
    }).encode()
    feed = parse_feed(content, url="https://s.test/feed.json")
    [entry] = feed.entries
    assert (feed.title, entry.url, entry.author) == ("Sample", "https://s.test/a", "Kim")
    assert html_to_text(entry.html) == "One.\n\nTwo."
    assert entry.published_at.isoformat() == "2025-01-02T03:04:05+00:00"


@pytest.mark.parametrize(
    "content", [b"", b"<html><body><p>A web page</p></body></html>", b'{"not": "a feed"}', b"\x00\xff"]
)
def test_things_that_are_not_feeds_are_refused_clearly(content) -> None:
    with pytest.raises(InputError, match=r"http://x\.test/feed"):
        parse_feed(content, url="http://x.test/feed")


def test_truncated_feed_still_gives_the_items_before_the_break() -> None:
    whole = (FIXTURES / "feed.xml").read_bytes()
    truncated = whole[: whole.index(b"</item>") + len(b"</item>") + 20]
    assert len(parse_feed(truncated, url="http://x.test/feed").entries) == 1


def test_sites_announce_their_feeds() -> None:
    page = b"""<html><head>
      <link rel="stylesheet" href="/s.css">
      <link rel="alternate" type="application/rss+xml" href="/feed.xml">
      <link rel="alternate" type="application/atom+xml; charset=utf-8" href="https://cdn.test/atom">
    </head><body></body></html>"""
    assert discover_feeds(page, url="https://site.test/news/") == [
        "https://site.test/feed.xml",
        "https://cdn.test/atom",
    ]
    assert discover_feeds(b"<html></html>", url="https://site.test/") == []


def test_feed_or_page_is_told_apart() -> None:
    assert looks_like_feed(b"<?xml version='1.0'?><rss/>", "text/xml")
    assert looks_like_feed(b"<rss version='2.0'>", "text/plain")
    assert not looks_like_feed(b"<!doctype html><html>", "text/html")
    assert looks_like_feed(b'{"version": "https://jsonfeed.org/version/1"}', "application/json")


@pytest.mark.parametrize(
    "url, canonical",
    [
        ("HTTPS://Example.COM:443/a?utm_source=x&b=2&a=1#top", "https://example.com/a?a=1&b=2"),
        ("http://example.com", "http://example.com/"),
        ("https://example.com/a?fbclid=1&gclid=2", "https://example.com/a"),
        ("https://example.com:8443/a", "https://example.com:8443/a"),
        ("http://[::1]:8080/feed", "http://[::1]:8080/feed"),  # an IPv6 host keeps its brackets
        ("http://[2001:DB8::1]/a", "http://[2001:db8::1]/a"),
    ],
)
def test_canonical_url_drops_tracking_and_normalises(url, canonical) -> None:
    assert canonical_url(url) == canonical


def test_opml_round_trip_keeps_urls_and_titles_and_reads_folders() -> None:
    written = write_opml([Outline("https://a.test/feed", "A & B"), Outline("https://b.test/rss", None)])
    assert read_opml(written.encode()) == [
        Outline("https://a.test/feed", "A & B"),
        Outline("https://b.test/rss", "https://b.test/rss"),
    ]
    nested = b"""<opml version="1.0"><body><outline text="News">
        <outline text="C" xmlUrl="https://c.test/feed"/></outline></body></opml>"""
    assert read_opml(nested) == [Outline("https://c.test/feed", "C")]


@pytest.mark.parametrize(
    "content, words",
    [
        (b"<opml><body>", "not valid OPML"),
        (b"<rss/>", "not OPML"),
        (b'<!DOCTYPE x [<!ENTITY a "aaaa">]><opml/>', "entity"),
    ],
)
def test_bad_opml_is_refused_with_the_reason(content, words) -> None:
    with pytest.raises(InputError, match=words):
        read_opml(content, name="subs.opml")


def test_an_item_whose_link_no_column_holds_is_skipped_and_the_others_kept() -> None:
    long_link = "https://n.example/" + "a" * 3000
    feed = (f"<rss version='2.0'><channel><title>T</title><item><title>Long</title><link>{long_link}</link></item>"
            "<item><title>Fine</title><link>https://n.example/fine</link></item></channel></rss>").encode()
    assert [e.url for e in parse_feed(feed, url="https://n.example/feed").entries] == ["https://n.example/fine"]
