"""One local story told by three outlets over two days, and a background article nine months
older, served as real feeds on loopback and read through the real bot and the Bot API fake: what
a reader clicks and reads must hold (tests/fixtures/bridge/articles.json; all of it fictional)."""

from __future__ import annotations

import json
import re
from html import escape, unescape

import pytest
from sqlalchemy import func, select

from index.models import Article
from ingest.fetch import Fetcher, FetchPolicy
from ingest.runner import Runner
from ingest.sources import add_source
from tests.bot.chat.conftest import ADMIN
from tests.conftest import FIXTURES

pytestmark = pytest.mark.slow
STORY = json.loads((FIXTURES / "bridge" / "articles.json").read_text())
for _article in STORY:
    if _article.get("copy_of") is not None:
        _article["text"] = STORY[_article["copy_of"]]["text"]


def _page(article: dict) -> bytes:
    paragraphs = "".join(f"<p>{escape(p)}</p>" for p in article["text"].split("\n\n"))
    return (f"<html><head><title>{escape(article['title'])}</title></head><body><article>"
            f"<h1>{escape(article['title'])}</h1>{paragraphs}</article></body></html>").encode()


def _feed(outlet: str, items: list[tuple[str, dict]]) -> bytes:
    entries = "".join(
        f"<item><title>{escape(a['title'])}</title><link>{escape(url)}</link><guid>{escape(url)}</guid>"
        f"<pubDate>{a['date']}</pubDate><description>{escape(a['text'])}</description></item>"
        for url, a in items)
    return (f'<?xml version="1.0"?><rss version="2.0"><channel><title>{escape(outlet)}</title>'
            f"<link>http://example.invalid/</link>{entries}</channel></rss>").encode()


def serve_story(web) -> dict[str, dict]:
    """Serve each outlet's pages and feed; return the articles by URL."""
    by_url: dict[str, dict] = {}
    for article in STORY:
        by_url[web.route(f"/{article['host']}{article['path']}", _page(article))] = article
    for host in dict.fromkeys(a["host"] for a in STORY):
        items = [(url, a) for url, a in by_url.items() if a["host"] == host]
        web.route(f"/{host}/feed.xml", _feed(items[0][1]["outlet"], items), content_type="application/rss+xml")
    return by_url


async def ingest_story(kb, web) -> dict[str, dict]:
    by_url = serve_story(web)
    async with Fetcher(FetchPolicy(allow_private=True)) as fetcher:
        runner = Runner(kb, fetcher)
        for host in dict.fromkeys(a["host"] for a in STORY):
            added = await add_source(kb, runner, web.url(f"/{host}/feed.xml"))
            assert added.result.error is None
    return by_url


@pytest.fixture
async def bridge(telegram, web):
    by_url = await ingest_story(telegram.kb, web)
    return telegram, by_url


def _visible(html: bytes | str) -> str:
    text = html.decode() if isinstance(html, bytes) else html
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", text)).split())


async def _reply(telegram, chat, text) -> dict:
    before = len(telegram.api.sent(chat_id=chat["id"]))
    telegram.api.send(chat, ADMIN, text)
    calls = await telegram.wait_for(chat_id=chat["id"], count=before + 1)
    return calls[before].result


def _quotes_and_links(message: dict) -> list[tuple[str, str]]:
    """Return each quoted sentence of an answer with the URL its [n] links to."""
    text, links = message["text"], {}
    for entity in message.get("entities", []):
        if entity["type"] == "text_link":
            links[entity["offset"]] = entity["url"]
    found = []
    for match in re.finditer(r"“([^”]+)” \[(\d+)\]", text):
        offset = len(text[: match.start(2) - 1].encode("utf-16-le")) // 2
        found.append((match.group(1).rstrip("…"), links[offset]))
    return found


QUESTIONS = [
    "Who declared a state of emergency after the bridge collapse?",
    "What did councillor Marek Sowa warn about the Kessling Bridge?",
    "How many people died when the Kessling Bridge collapsed?",
    "What did engineers propose instead of a new Kessling Bridge?",
    "When will the ferry across the Alder start?",
]


async def test_every_quote_links_to_a_page_that_holds_it(bridge) -> None:
    telegram, by_url = bridge
    chat = telegram.api.private_chat(ADMIN)
    checked = 0
    for question in QUESTIONS:
        message = await _reply(telegram, chat, question)
        for quote, url in _quotes_and_links(message):
            assert url in by_url, (question, url)
            assert quote in _visible(_page(by_url[url])), (question, quote, url)
            checked += 1
    assert checked >= len(QUESTIONS)


async def test_the_older_background_article_is_not_in_the_story(bridge) -> None:
    telegram, by_url = bridge
    march = next(url for url, a in by_url.items() if " Mar " in a["date"])
    chat = telegram.api.private_chat(ADMIN)
    message = await _reply(telegram, chat, "How many people died when the Kessling Bridge collapsed?")
    assert march not in {e.get("url") for e in message.get("entities", [])}
    timeline = await _reply(telegram, chat, "/timeline Kessling Bridge collapse")
    assert march not in {e.get("url") for e in timeline.get("entities", [])}
    days = [line for line in timeline["text"].splitlines() if line.startswith("2026-")]
    assert days == ["2026-12-01", "2026-12-02"]


async def test_the_differing_tolls_are_both_shown_attributed(bridge) -> None:
    telegram, _ = bridge
    chat = telegram.api.private_chat(ADMIN)
    message = await _reply(telegram, chat, "How many people died when the Kessling Bridge collapsed?")
    first = message["text"].split("\n")[0]
    assert "four" in first and "six" in first, message["text"]
    assert "Riverton Courier" in first and "Valley Post" in first
    compared = await _reply(telegram, chat, "/compare Kessling Bridge collapse")
    assert "Where their figures differ:" in compared["text"]
    differ = compared["text"].split("Where their figures differ:")[1]
    assert "four" in differ and "six" in differ


async def test_a_link_finds_the_other_outlets_of_its_story(bridge) -> None:
    telegram, by_url = bridge
    corrosion = next(url for url, a in by_url.items() if "corrosion" in a["path"])
    chat = telegram.api.private_chat(ADMIN)
    message = await _reply(telegram, chat, corrosion)
    assert "No other outlet" not in message["text"]
    assert "Riverton Courier" in message["text"]


async def test_a_copy_under_another_title_is_stored_once(bridge) -> None:
    telegram, _ = bridge
    with telegram.kb.sessions() as session:
        assert session.scalar(select(func.count(Article.id))) == len(STORY) - 1 + _samples(telegram)
    chat = telegram.api.private_chat(ADMIN)
    compared = await _reply(telegram, chat, "/compare Kessling Bridge collapse")
    assert "Also carried, word for word, by: Alder Gazette (Valley Post)" in compared["text"]
    assert compared["text"].split("\n")[1] == "Riverton Courier, Valley Post"  # the outlets compared


def _samples(telegram) -> int:
    with telegram.kb.sessions() as session:
        return session.scalar(select(func.count(Article.id)).where(~Article.url.like("http://127.0.0.1%")))

