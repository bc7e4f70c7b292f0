"""Hypothesis writes answers, digests, alerts and source lists out of hostile titles, quotes and
URLs: every message Lede would send parses as Telegram's HTML, fits in 4,096 UTF-16 units, and is
never empty."""

from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from bot.answer import Answer, Quote, Source
from bot.answer.result import Link
from bot.answer.story.grouping import Item, Story
from bot.chat.render import LIMIT, alert_html, answer_html, digest_html, source_list_html
from ingest.document import MAX_TITLE
from ingest.sources import SourceInfo
from tests.fakes.telegram_html import parse_html, utf16_len

# Titles are capped at ingest; the rest is whatever a feed or a model wrote, emoji and entities too.
hostile = st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=700) | st.sampled_from(
    ["<b>", "</a>", "&amp;", "&", "a < b > c", '"quoted"', "😀" * 300, "Q&A " * 200])
title = hostile.map(lambda text: text[:MAX_TITLE] or "untitled")
url = st.sampled_from(["https://n.example/a", "https://n.example/a?x=1&y=<2>", 'https://n.example/"q"'])
date = st.none() | st.datetimes(timezones=st.just(UTC))


def _sent(html: str) -> None:
    """What the Bot API fake checks of a message, as Telegram does."""
    text, _entities = parse_html(html)
    assert text.strip() and utf16_len(text) <= LIMIT


@st.composite
def answers(draw) -> Answer:
    count = draw(st.integers(1, 8))
    sources = [Source(number=n, title=draw(title), outlet=draw(st.none() | hostile.map(lambda t: t[:256])),
                      date=draw(date), url=draw(url),
                      also=tuple(Link(draw(title), draw(st.none() | title), draw(url))
                                 for _ in range(draw(st.integers(0, 3)))),
                      carried_by=tuple(Link(draw(title), draw(st.none() | title), draw(url))
                                       for _ in range(draw(st.integers(0, 2)))))
               for n in range(1, count + 1)]
    quotes = []
    for i in range(draw(st.integers(0, 4))):
        source = sources[draw(st.integers(0, count - 1))]
        quotes.append(Quote(text=draw(hostile) or "x", source=source.number, passage_id=i,
                            url=draw(st.sampled_from([source.url, *(link.url for link in source.also)]))))
    return Answer(question="q", found=draw(st.booleans()), direct=draw(st.none() | hostile.map(lambda t: t[:200])),
                  quotes=quotes, sources=sources)


@given(answers(), st.sampled_from([None, "en", "ru", "uk"]))
def test_every_answer_is_a_valid_message_within_the_limit(answer, language) -> None:
    _sent(answer_html(answer, language))


@given(st.lists(st.lists(st.tuples(title, url, st.none() | title), min_size=1, max_size=4), max_size=40), hostile)
def test_every_digest_and_alert_is_a_valid_message_within_the_limit(stories, heading) -> None:
    made = [Story([Item(i, t, u, o, datetime(2026, 2, 4, tzinfo=UTC)) for i, (t, u, o) in enumerate(s)])
            for s in stories]
    _sent(digest_html(made, heading.strip() or "Digest"))  # headings are Lede's own
    _sent(alert_html(heading.strip() or "New", [item for story in made for item in story.items][:60] or
                     [Item(0, "x", "https://n.example/x", None, None)]))


@given(st.lists(st.tuples(st.none() | title, hostile), min_size=1, max_size=60))
def test_every_source_list_is_a_valid_message_within_the_limit(rows) -> None:
    sources = [SourceInfo(id=i, kind="feed", url=f"https://n.example/{i}", title=t, enabled=True,
                          interval_seconds=3600, articles=i, last_success_at=None, last_error=e or None,
                          failures=1 if e else 0, next_due_at=None) for i, (t, e) in enumerate(rows)]
    _sent(source_list_html(sources))
