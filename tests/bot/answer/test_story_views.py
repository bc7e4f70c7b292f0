"""A story's timeline and where its outlets agree and differ: the logic on hand-made articles,
then the real model over a small corpus of one story told by three outlets over four days."""

from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from bot.answer.coverage import compare, counts
from bot.answer.story.articles import Sentence, StoryArticle, find_story, lead_of
from bot.answer.timeline import timeline_of
from bot.chat.render import LIMIT, coverage_html, shown_length, timeline_pages
from bot.cli.terminal import render_timeline
from index.text import stem
from ingest.local import ingest_paths
from tests.conftest import FIXTURES

DAY = datetime(2025, 3, 10, tzinfo=UTC)


def _unit(seed: int) -> np.ndarray:
    vector = np.random.default_rng(seed).normal(size=64).astype(np.float32)
    return vector / np.linalg.norm(vector)


def _article(article_id: int, days: int, texts: list[str], *, outlet: str = "Herald", dated: bool = True,
             vectors: list[np.ndarray] | None = None) -> StoryArticle:
    vectors = vectors or [_unit(article_id * 100 + i) for i in range(len(texts))]
    when = DAY + timedelta(days=days)
    return StoryArticle(article_id, f"Article {article_id}", f"https://example.org/{article_id}", outlet,
                        when if dated else None, when, 1.0, np.mean(vectors, axis=0),
                        tuple(Sentence(t, article_id, v) for t, v in zip(texts, vectors, strict=True)))


def test_counts_read_what_each_number_counts() -> None:
    # Keyed by what they count, as a stem: "homes" and "home" count one thing.
    assert counts("At least 1,500 people died and 12,000 homes lost power.") == {stem("people"): {"1500"},
                                                                                 stem("home"): {"12000"}}
    assert counts("The $25 billion deal") == {"deal": {"$25 billion"}}
    assert counts("It happened in 2022.") == {}
    # Numbers that date or rank count nothing: a year, a day of a month, a rank.
    assert counts("the 1978 movie, the #1 movie, the January 6 attack, the 6 January 2021 attack") == {}


def test_outlets_differing_on_a_hyphenated_figure_are_compared() -> None:
    """"the 96-year-old monarch" counts years as "96 years" does: /compare failed with an
    exception on such stories (the word was looked up among whole words, where "96-year-old" is one)."""
    same = _unit(5)
    coverage = compare([_article(1, 0, ["Crowds cheered the 96-year-old monarch."], vectors=[same]),
                        _article(2, 0, ["Crowds cheered the 95-year-old monarch."], outlet="Courier", vectors=[same])],
                       "Story")
    assert [(d.counted, d.one.sentence.text[:23], d.other.sentence.text[:23]) for d in coverage.differences] == [
        ("year", "Crowds cheered the 96-y", "Crowds cheered the 95-y")]


def test_sentences_sharing_only_what_they_count_are_not_a_difference() -> None:
    """Two ages of one person at different moments are not outlets disagreeing (a story of the
    eval corpus listed these as a difference); "3 people died" and "5 people died" still are."""
    coverage = compare([_article(1, 0, ["The former Princess Elizabeth was 25 years old when she became queen.",
                                        "At least 3 people died in the storm, the police said."]),
                        _article(2, 0, ["She was 36 years old.",
                                        "At least 5 people died in the storm, according to the hospital."],
                                 outlet="Courier")], "Story")
    assert [d.counted for d in coverage.differences] == ["people"]


def test_a_timeline_lists_each_development_once_oldest_first_and_marks_undated_articles() -> None:
    same = _unit(7)
    articles = [
        _article(3, 2, ["The harbour reopened on Thursday."]),
        _article(1, 0, ["The storm reached the coast on Monday."], vectors=[same]),
        _article(2, 0, ["The storm hit the coast on Monday."], outlet="Courier", vectors=[same]),  # a repeat
        _article(4, 3, ["Repairs began."], dated=False),
    ]
    developments = timeline_of(articles, "Storm").developments
    assert [d.sentence for d in developments] == [
        "The storm reached the coast on Monday.", "The harbour reopened on Thursday.", "Repairs began."]
    assert [d.number for d in developments] == [1, 2, 3]
    assert "2025-03-13 (first seen)\n  • Repairs began. [3] Herald" in render_timeline(timeline_of(articles, "Storm"))


def test_a_day_that_only_repeats_earlier_news_still_has_its_line() -> None:
    same = _unit(7)
    articles = [_article(1, 0, ["The bridge collapsed on Tuesday."], vectors=[same]),
                _article(2, 1, ["The bridge collapsed on Tuesday, killing four."], outlet="Courier", vectors=[same])]
    days = [d.when.date().isoformat() for d in timeline_of(articles, "Bridge").developments]
    assert days == ["2025-03-10", "2025-03-11"]


def test_a_long_timeline_is_split_into_pages_within_telegrams_limit() -> None:
    articles = [_article(i, i, [f"Development number {i}: " + "the council met again and talked " * 12])
                for i in range(1, 41)]
    pages = timeline_pages(timeline_of(articles, "A long story"), "en")
    assert len(pages) > 1 and all(shown_length(page) <= LIMIT for page in pages)
    assert all(page.startswith("<b>Timeline: A long story</b>") for page in pages)
    assert sum(page.count("• ") for page in pages) == 40  # nothing lost between pages


def test_a_story_told_by_one_outlet_says_there_is_nothing_to_compare() -> None:
    coverage = compare([_article(1, 0, ["One fact."]), _article(2, 1, ["Another."])], "Story")
    assert coverage.outlets == ["Herald"] and not coverage.shared
    assert "Only Herald covers this story" in coverage_html(coverage, "en")


@pytest.fixture
def storm_kb(real_kb):
    ingest_paths(real_kb, [FIXTURES / "stories"], progress=False)
    return real_kb


@pytest.mark.slow
def test_the_timeline_of_a_story_follows_it_across_outlets_and_days(storm_kb) -> None:
    articles = find_story(storm_kb, "storm Mara")
    assert {a.label for a in articles} == {"Harbour Herald", "Coast Courier", "Valley Times"}
    assert "Ostvale" not in " ".join(a.title for a in articles)  # another story entirely
    developments = timeline_of(articles, lead_of(articles).title).developments
    days = [d.when.date().isoformat() for d in developments]
    assert days == sorted(days) and days[0] == "2025-03-10" and days[-1] == "2025-03-13"
    assert any("made landfall in Keld" in d.sentence for d in developments)
    # The Courier's landfall report repeats the Herald's development: listed once.
    assert sum("flood" in d.sentence and d.when.date().isoformat() == "2025-03-11" for d in developments) == 1


@pytest.mark.slow
def test_compare_shows_shared_facts_and_the_figures_outlets_differ_on(storm_kb) -> None:
    articles = find_story(storm_kb, "storm Mara")
    coverage = compare(articles, lead_of(articles).title)
    assert any({s.outlet for s in point} >= {"Harbour Herald", "Coast Courier"} for point in coverage.shared)
    differing = {d.counted: {d.one.sentence.text, d.other.sentence.text} for d in coverage.differences}
    assert set(differing) == {"homes", "people"}
    assert any("3 people" in text for text in differing["people"]) and any("5 people" in text for text in differing["people"])
    assert any(s.outlet == "Valley Times" and "8 million euros" in s.sentence.text for s in coverage.own)
    html = coverage_html(coverage, "uk")
    assert html.startswith("<b>Як про це пишуть ЗМІ:") and shown_length(html) <= LIMIT


@pytest.mark.slow
def test_a_single_article_story_is_said_plainly(storm_kb) -> None:
    articles = find_story(storm_kb, "Ostvale footbridge")
    assert [a.title for a in articles] == ["Ostvale opens its new footbridge"]
    assert "Only one article tells this story" in timeline_pages(timeline_of(articles, articles[0].title), "en")[0]
    assert "Эту историю в моих источниках освещает только Valley Times" in coverage_html(compare(articles, "x"), "ru")


def test_an_article_without_an_outlet_is_named_by_its_host_or_file() -> None:
    web = _article(1, 0, ["x"], outlet=None)
    assert web.label == "example.org"
    local = StoryArticle(2, "Tram", "file:///srv/news/harbourton-tram.md", None, None, DAY, 1.0,
                         np.zeros(64, np.float32), ())
    assert local.label == "harbourton-tram.md"
