import re
from datetime import UTC, datetime

from bot.answer.stories import Item
from bot.chat.render import alert_html, source_list_html
from ingest.sources import SourceInfo


def test_the_source_list_escapes_titles_and_shows_the_last_error() -> None:
    source = SourceInfo(id=3, kind="feed", url="https://n.example/feed", title="Q&A <daily>", enabled=True,
                        interval_seconds=3600, articles=12, last_success_at=None, last_error="HTTP 500",
                        failures=2, next_due_at=None)
    html = source_list_html([source])
    assert "#3 <b>Q&amp;A &lt;daily&gt;</b> — feed, failing ×2, 12 articles" in html
    assert "https://n.example/feed" in html and "⚠️ HTTP 500" in html


def test_an_alert_links_each_article_with_its_outlet() -> None:
    item = Item(article_id=1, title="Tram <approved>", url="https://n.example/tram", outlet="Harbour Post",
                published_at=datetime(2026, 2, 4, tzinfo=UTC))
    html = alert_html("New on “tram”:", [item])
    assert html.splitlines() == ["New on “tram”:",
                                 '• <a href="https://n.example/tram">Tram &lt;approved&gt;</a> — Harbour Post']


def test_a_long_source_list_is_cut_between_sources_never_inside_an_entity() -> None:
    from bot.chat.render import LIMIT

    sources = [SourceInfo(id=i, kind="feed", url=f"https://n.example/{i}", title="Q&A " * 20, enabled=True,
                          interval_seconds=3600, articles=1, last_success_at=None, last_error=None, failures=0,
                          next_due_at=None) for i in range(40)]
    html = source_list_html(sources)
    assert len(html) <= LIMIT
    assert all(re.fullmatch(r"#\d+ <b>(Q&amp;A )+</b> — feed, new, 1 articles\nhttps://n\.example/\d+", block)
               for block in html.split("\n\n"))
