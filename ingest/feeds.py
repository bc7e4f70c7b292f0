"""Read RSS 0.9x/1.0/2.0, Atom and JSON Feed with feedparser; find a site's feeds in its HTML."""

from __future__ import annotations

import html
import io
import json
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin

import feedparser
import lxml.html

from index.errors import InputError
from index.text import printable
from ingest.dates import parse_date
from ingest.document import MAX_URL
from ingest.urls import canonical_url

log = logging.getLogger(__name__)

FEED_TYPES = (
    "application/rss+xml",
    "application/atom+xml",
    "application/feed+json",
    "application/json",
    "application/rdf+xml",
    "application/xml",
    "text/xml",
)


@dataclass(frozen=True)
class Entry:
    """One item of a feed: the link to its article and what the feed says of it."""

    url: str
    guid: str | None
    title: str
    html: str  # the fullest content the feed carries (content, else summary)
    author: str | None
    published_at: datetime | None


@dataclass(frozen=True)
class Feed:
    title: str | None
    entries: list[Entry]


def parse_feed(content: bytes, *, url: str) -> Feed:
    """Return the feed in `content`; raise InputError when it is not a feed at all.

    A feed with a syntax error still yields the entries read before the error (feedparser's
    bozo feeds); only a document with no feed in it is refused.
    """
    if content.lstrip()[:1] == b"{":
        return _parse_json_feed(content, url=url)
    # A stream, never bytes or a string: feedparser opens a string or bytes that names a file
    # ("/etc/passwd", "/dev/zero") before parsing it as a document.
    parsed = feedparser.parse(io.BytesIO(content), response_headers={"content-location": url})
    if not parsed.get("version") and not parsed.entries:
        reason = parsed.get("bozo_exception")
        detail = f" ({reason})" if reason else ""
        raise InputError(f"{url}: not an RSS, Atom or JSON feed{detail}.")
    return Feed(title=_text(parsed.feed.get("title")), entries=_each(parsed.entries, _entry, url))


def _each(items: list[Any], read: Callable[[Any, str], Entry | None], url: str) -> list[Entry]:
    """Return the entries `read` makes of `items`: a malformed item ("0000-00-00" for a date, a
    list where text belongs) is skipped with a warning, and an item whose canonical URL came
    earlier in the same feed is kept once."""
    entries: dict[str, Entry] = {}
    for number, item in enumerate(items, 1):
        try:
            entry = read(item, url)
        except (ValueError, TypeError, AttributeError, KeyError, OverflowError, RecursionError) as exc:
            log.warning("%s: item %d skipped, it is malformed (%s: %s)", url, number, type(exc).__name__, exc)
            continue
        if entry is not None:
            entries.setdefault(entry.url, entry)
    return list(entries.values())


def _parse_json_feed(content: bytes, *, url: str) -> Feed:
    """Read a JSON Feed (jsonfeed.org, versions 1 and 1.1), which feedparser 6 does not."""
    try:
        data = json.loads(content)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InputError(f"{url}: not valid JSON ({exc}).") from exc
    if not isinstance(data, dict) or "jsonfeed.org" not in str(data.get("version", "")):
        raise InputError(f"{url}: JSON, but not a JSON Feed (no jsonfeed.org version).")
    items = data.get("items")
    return Feed(title=_text(str(data.get("title") or "")), entries=_each(items if isinstance(items, list) else [],
                                                                         _json_entry, url))


def _json_entry(item: Any, feed_url: str) -> Entry | None:
    if not isinstance(item, dict):
        return None
    link = item.get("url") or item.get("external_url")
    if not isinstance(link, str) or not (url := _article_url(feed_url, link)):
        return None
    authors = item.get("authors") or ([item["author"]] if item.get("author") else [])
    body = item.get("content_html") or html.escape(item.get("content_text") or "") or item.get("summary") or ""
    return Entry(
        url=url,
        guid=str(item["id"]) if item.get("id") is not None else None,
        title=_text(item.get("title")) or _text(item.get("summary")) or link,
        html=str(body),
        author=", ".join(a.get("name", "") for a in authors if isinstance(a, dict)) or None,
        published_at=parse_date(item.get("date_published") or item.get("date_modified")),
    )


def _entry(item: Any, feed_url: str) -> Entry | None:
    link = item.get("link") or (item.get("id") if str(item.get("id", "")).startswith("http") else None)
    if not link or not (url := _article_url(feed_url, link)):
        return None
    contents = [c.get("value", "") for c in item.get("content", [])]
    body = max([*contents, item.get("summary", "")], key=len)
    published = item.get("published_parsed") or item.get("updated_parsed")
    return Entry(
        url=url,
        guid=item.get("id") or None,
        title=_text(item.get("title")) or link,
        html=body,
        author=_text(item.get("author")),
        published_at=datetime(*published[:6]).replace(tzinfo=UTC) if published else None,
    )


def _article_url(feed_url: str, link: str) -> str | None:
    """Return the canonical URL of an item's link, or None for one no reader could open
    ("javascript:", "mailto:", a local file) or no column could hold."""
    url = canonical_url(urljoin(feed_url, link))
    return url if url.startswith(("http://", "https://")) and len(url) <= MAX_URL else None


def _text(value: str | None) -> str | None:
    if not value:
        return None
    return printable(" ".join(html.unescape(re.sub(r"<[^>]+>", " ", value)).split())) or None


def html_to_text(fragment: str) -> str:
    """Return the plain text of an HTML fragment, one paragraph per block element."""
    if not fragment.strip():
        return ""
    if "<" not in fragment:
        return fragment.strip()
    try:
        root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    except (lxml.etree.ParserError, ValueError):
        return _text(fragment) or ""
    for tag in root.iter("script", "style"):
        tag.drop_tree()
    for block in root.iter("p", "div", "li", "br", "h1", "h2", "h3", "h4", "blockquote", "tr"):
        block.tail = "\n\n" + (block.tail or "")
    text = root.text_content()
    paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s*\n", text)]
    return "\n\n".join(p for p in paragraphs if p)


def discover_feeds(page: bytes, *, url: str) -> list[str]:
    """Return the feed URLs a page announces with <link rel="alternate">, best first."""
    try:
        root = lxml.html.fromstring(page)
    except (lxml.etree.ParserError, ValueError):
        return []
    found: list[str] = []
    for link in root.iter("link"):
        rel = (link.get("rel") or "").lower().split()
        kind = (link.get("type") or "").lower().split(";")[0].strip()
        if "alternate" in rel and kind in FEED_TYPES and link.get("href"):
            found.append(urljoin(url, link.get("href")))
    return list(dict.fromkeys(found))


def looks_like_feed(content: bytes, content_type: str) -> bool:
    """Return True when a response is probably a feed rather than a web page."""
    kind = content_type.lower().split(";")[0].strip()
    if kind in FEED_TYPES and kind != "application/json":
        return True
    head = content[:2048].lstrip().lower()
    if head.startswith(b"{"):
        return b"jsonfeed.org" in content[:4096]
    return (head.startswith(b"<?xml") and b"<html" not in head) or head.startswith((b"<rss", b"<feed", b"<rdf"))
