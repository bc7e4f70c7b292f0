import re
from datetime import UTC, datetime

from bot.answer.story.grouping import Item
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
    from bot.chat.render import LIMIT, shown_length

    sources = [SourceInfo(id=i, kind="feed", url=f"https://n.example/{i}", title="Q&A " * 20, enabled=True,
                          interval_seconds=3600, articles=1, last_success_at=None, last_error=None, failures=0,
                          next_due_at=None) for i in range(40)]
    html = source_list_html(sources)
    assert shown_length(html) <= LIMIT
    assert all(re.fullmatch(r"#\d+ <b>(Q&amp;A )+</b> — feed, new, 1 articles\nhttps://n\.example/\d+", block)
               for block in html.split("\n\n"))


def test_an_answer_counts_emoji_as_telegram_does_and_keeps_its_tags_whole() -> None:
    from bot.answer import Answer, Quote, Source
    from bot.chat.render import LIMIT, answer_html, shown_length

    sources = [Source(number=n, title="Storm 🌊🌊 " * 30, outlet="Wire", date=None, url=f"https://n.example/{n}")
               for n in range(1, 41)]
    answer = Answer("Where did the storm hit?", found=True, direct="Keld",
                    quotes=[Quote("The storm hit Keld on Monday. 🌊" * 5, 1, 1, "https://n.example/1")], sources=sources)
    html = answer_html(answer, "en")
    assert shown_length(html) <= LIMIT and html.startswith("<b>Keld</b>")  # the answer kept, sources cut
    assert html.count("<a ") == html.count("</a>") and html.endswith("</a> — Wire")


def test_a_storys_other_articles_from_one_outlet_are_told_apart_by_date() -> None:
    from bot.answer.result import Link, Source
    from bot.chat.render import source_line

    day = datetime(2025, 3, 10, tzinfo=UTC)
    source = Source(1, "Storm Mara nears", "Harbour Herald", day, "https://h.example/1", also=(
        Link("Keld braces", "Coast Courier", "https://c.example/1", day),
        Link("Storm floods Keld", "Coast Courier", "https://c.example/2", datetime(2025, 3, 11, tzinfo=UTC)),
        Link("Cleanup", "Valley Times", "https://v.example/1", None)))
    line = re.sub(r"<[^>]+>", "", source_line(source))
    assert line.endswith("also Coast Courier 2025-03-10, Coast Courier 2025-03-11, Valley Times")
