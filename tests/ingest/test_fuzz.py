"""Hypothesis throws generated hostile input at the feed parser and the corpus reader: whatever a
feed or a file holds, the only exception is Lede's own one-line InputError, and what is read can
be stored."""

import json
import re
import tempfile
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from index.errors import InputError
from ingest.document import MAX_TITLE, Document
from ingest.feeds import html_to_text, parse_feed
from ingest.files import read_file
from ingest.store import store_documents

FEED_URL = "https://n.example/feed"
# What a hostile feed puts in a field: any text, markup, dates real feeds get wrong, huge numbers.
field = st.one_of(
    st.text(),
    st.sampled_from(["0000-00-00", "Tue, 31 Feb 2026 25:61:00 +9999", "9999-99-99T99:99:99Z",
                     "-1", "1e309", "<b>bold</b> &amp; &bogus; &#0; &#x110000;", "javascript:alert(1)",
                     "/etc/passwd", "file:///etc/passwd", "http://[::1", "\x00\x07\x1b[2J"]),
)
json_value = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | field,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.sampled_from(
        ["url", "id", "title", "content_html", "content_text", "summary", "date_published", "authors",
         "author", "external_url", "items", "version", "text", "publish_date", "source", "language"]),
        inner, max_size=6),
    max_leaves=20,
)


def _documents(feed_bytes: bytes) -> list[Document]:
    try:
        feed = parse_feed(feed_bytes, url=FEED_URL)
    except InputError as exc:
        assert "\n" not in str(exc)
        return []
    assert all(e.url.startswith(("http://", "https://")) for e in feed.entries)  # no javascript: links
    return [Document(url=e.url, title=e.title, text=html_to_text(e.html), guid=e.guid) for e in feed.entries]


def _is_storable(document: Document) -> None:
    assert len(document.title) <= MAX_TITLE
    assert not re.search(r"[\x00-\x20\x7f]", document.url)
    for value in (document.title, document.text, document.url, document.guid or ""):
        value.encode("utf-8")  # no lone surrogate
        assert "\x00" not in value


@given(st.binary(max_size=2000))
def test_any_bytes_are_a_feed_or_a_clear_error(content: bytes) -> None:
    for document in _documents(content):
        _is_storable(document)


# Stored for real: PostgreSQL (CI's second pass) refuses what SQLite lets through (NUL, length).
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(field, field, field, field, field), max_size=5), field)
def test_rss_with_hostile_fields_gives_storable_documents(kb, items, title) -> None:
    body = "".join(
        f"<item><title>{escape(t)}</title><link>{escape(link)}</link><guid>{escape(g)}</guid>"
        f"<pubDate>{escape(d)}</pubDate><description>{escape(text)}</description></item>"
        for t, link, g, d, text in items
    )
    feed = f"<?xml version='1.0'?><rss version='2.0'><channel><title>{escape(title)}</title>{body}</channel></rss>"
    documents = _documents(feed.encode("utf-8", "surrogatepass"))
    for document in documents:
        _is_storable(document)
    store_documents(kb, documents, progress=False)


@given(st.lists(st.tuples(field, field, field), max_size=5))
def test_atom_with_hostile_attributes_gives_storable_documents(entries) -> None:
    body = "".join(f"<entry><title>{escape(t)}</title><link href={quoteattr(link)}/><updated>{escape(d)}</updated>"
                   f"<content type='html'>{escape(t)}</content></entry>" for t, link, d in entries)
    feed = f"<feed xmlns='http://www.w3.org/2005/Atom'><title>T</title>{body}</feed>"
    for document in _documents(feed.encode("utf-8", "surrogatepass")):
        _is_storable(document)


@given(st.lists(json_value, max_size=5), json_value)
def test_json_feed_with_items_of_any_shape_gives_storable_documents(items, title) -> None:
    feed = {"version": "https://jsonfeed.org/version/1.1", "title": title, "items": items}
    for document in _documents(json.dumps(feed).encode()):
        _is_storable(document)


@given(st.lists(json_value, max_size=6))
def test_a_corpus_file_reports_bad_records_and_reads_the_rest(records) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "corpus.jsonl"
        path.write_text("\n".join(json.dumps(r) for r in records) + "\n{broken\n", encoding="utf-8")
        errors: list[str] = []
        documents = list(read_file(path, errors))
    assert any(":" in e and "not valid JSON" in e for e in errors)  # the broken last line
    assert len(documents) + len(errors) <= len(records) + 1
    for document in documents:
        _is_storable(document)
