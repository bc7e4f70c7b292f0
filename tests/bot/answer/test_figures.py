"""Sources that disagree on a figure are shown disagreeing: each figure with who gave it and when,
alternatives on one day, the latest first across days."""

from datetime import UTC, datetime, timedelta

from bot.answer import Answer, Quote, Source
from bot.answer.figures import Figure, differing, of_one_story, said_by, wording
from bot.answer.reading import Reading
from bot.chat.render import answer_html
from index.search import Hit

DAY = datetime(2026, 12, 1, 9, tzinfo=UTC)
FOUR = "The bridge collapsed on Tuesday, killing four people, the fire department said."
SIX = "At least six people died when the bridge collapsed, according to the hospital."


def _hit(article_id: int, sentence: str, outlet: str, day: datetime) -> tuple[Hit, str]:
    hit = Hit(passage_id=article_id, article_id=article_id, text=sentence, content_hash="", title="Bridge",
              url=f"https://{outlet.lower().replace(' ', '')}.example/{article_id}", outlet=outlet,
              published_at=day, fetched_at=day, score=1.0, similarity=0.9)
    return hit, sentence


def test_who_gave_a_figure_is_read_from_the_sentence() -> None:
    assert said_by(FOUR) == "fire department" and said_by(SIX) == "hospital"
    assert said_by("Six people died on Tuesday.") is None


def test_figures_of_one_day_are_alternatives_and_a_later_one_is_the_latest() -> None:
    candidates = [_hit(1, FOUR, "Riverton Courier", DAY), _hit(2, SIX, "Valley Post", DAY + timedelta(hours=3))]
    readings = [Reading("six people", 1, 9.0), Reading("four people", 0, 4.0)]
    figures = differing(readings, candidates, answer_margin=1.0)
    assert [f.text for f in figures] == ["six people", "four people"] and wording(figures) == "figures_or"
    assert differing(readings, candidates, answer_margin=5.0) == []  # the reader doubts "four": no dispute
    assert differing([Reading("six people", 1, 9.0), Reading("6", 0, 4.0)], candidates, 1.0) == []  # one figure
    later = [_hit(1, FOUR, "Riverton Courier", DAY), _hit(2, SIX, "Valley Post", DAY + timedelta(days=2))]
    figures = differing([Reading("four people", 0, 9.0), Reading("six people", 1, 4.0)], later, 1.0)
    assert [f.text for f in figures] == ["six people", "four people"] and wording(figures) == "figures_up"
    assert of_one_story(figures, [{1}, {2}]) == []  # outlets telling other stories do not disagree


def test_the_answer_shows_each_figure_with_its_source_and_no_bold_figure_alone() -> None:
    four = Figure("four people", 0, 1, "https://courier.example/1", "Riverton Courier", DAY, "the fire department")
    six = Figure("six people", 1, 2, "https://post.example/2", "Valley Post", DAY, "the hospital")
    source = Source(1, "Bridge", "Riverton Courier", DAY, four.url, also=())
    answer = Answer("How many died?", found=True, figures=[four, six], sources=[
        source, Source(2, "Bridge", "Valley Post", DAY, six.url)],
        quotes=[Quote(FOUR, 1, 1, four.url), Quote(SIX, 2, 2, six.url)])
    first = answer_html(answer, "en").split("\n")[0]
    assert first.startswith("Sources differ: <b>four people</b> (Riverton Courier, the fire department, 2026-12-01)")
    assert " or <b>six people</b> (Valley Post, the hospital, 2026-12-01)" in first
    assert "Джерела розходяться" in answer_html(answer, "uk")
