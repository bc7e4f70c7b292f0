"""Follow-up questions answered in the context of the previous answer."""

import pytest

from bot.answer import answer_question
from bot.answer.followup import Context, context_for, holds_its_words, leans_on_previous, refers_back
from ingest.local import ingest_paths
from tests.conftest import SAMPLES, SHARED

COALITION = "Moscow warns that troops of a coalition of the willing in Ukraine are targets; Britain and France lead it."


@pytest.mark.parametrize("question, refers", [
    ("What does Moscow say about it?", True),
    ("And when was the declaration signed?", True),
    ("Who signed it?", True),
    ("А что говорит Москва?", True),
    ("Коли його підписали?", True),
    ("Who leads the coalition?", False),
    ("Which airline is suspending service at New York's JFK Airport this week?", False),
])
def test_a_question_that_points_back_is_a_follow_up(question, refers) -> None:
    assert refers_back(question) is refers
    assert leans_on_previous(question) is (refers or question == "Who leads the coalition?")


def test_a_short_question_continues_the_story_only_when_the_story_holds_its_words() -> None:
    assert leans_on_previous("How much is the deal worth?")
    assert holds_its_words("Which countries lead the coalition?", COALITION)
    assert not holds_its_words("Who won the chess championship?", COALITION)


def test_a_new_subject_gets_no_context_and_a_reply_always_does() -> None:
    previous = Context(frozenset({1}))
    assert context_for("Which airline is suspending service at New York's JFK Airport?", previous) is None
    assert context_for("Which airline is suspending service at New York's JFK Airport?", previous,
                       replied=True) == previous
    assert context_for("Who signed it?", previous) == previous
    assert context_for("Who signed it?", None) is None


@pytest.fixture
def news_kb(real_kb):
    paths = [SAMPLES] + ([SHARED / "seeds"] if (SHARED / "seeds").is_dir() else [])
    ingest_paths(real_kb, paths, progress=False)
    return real_kb


def _ask_in_turn(kb, questions):
    answers, previous = [], None
    for question in questions:
        answer = answer_question(kb, question, context=context_for(question, previous))
        answers.append(answer)
        previous = answer.context
    return answers


def _coalition(source) -> bool:
    return "coalition" in source.title.lower()


@pytest.mark.slow
def test_a_conversation_stays_on_its_story_until_the_subject_changes(news_kb) -> None:
    first, moscow, signed, chess = _ask_in_turn(news_kb, [
        "Who leads the coalition?", "What does Moscow say about it?", "And when was the declaration signed?",
        "Who won the chess championship?"])
    assert first.candidate == "Britain and France" and first.direct in (None, "Britain and France")
    for answer in (moscow, signed):
        assert answer.found and _coalition(answer.sources[0]) and answer.quotes[0].source == 1
    assert "January" in " ".join(q.text for q in signed.quotes)
    assert any(name in moscow.quotes[0].text for name in ("Moscow", "Russia"))  # the seed, or the sample alone
    # A new subject is answered on its own: the chess brief is [1] and the coalition is not cited.
    assert chess.candidate == "Ada Marlow" and not any(_coalition(s) for s in chess.sources)


@pytest.mark.slow
def test_a_follow_up_is_answered_from_the_story_it_leans_on(news_kb) -> None:
    alone = answer_question(news_kb, "Who opposed it?")
    assert not alone.found  # "it" names nothing on its own
    tram, opposed = _ask_in_turn(news_kb, ["How long will the tram line be?", "Who opposed it?"])
    assert tram.sources[0].title.startswith("Harbourton Council")
    assert opposed.found and opposed.sources[0].title == tram.sources[0].title
    assert "Opponents on the council" in opposed.quotes[0].text


@pytest.mark.parametrize("question, subject", [
    ("How did Storm Mara unfold?", "Storm Mara"),
    ("And how did it unfold?", "it"),
    ("Timeline of Hurricane Ian", "Hurricane Ian"),
    ("Как развивалась забастовка?", "забастовка"),
    ("Як розвивалася історія зі штормом?", "історія зі штормом"),
    ("How did Russia respond?", None),
    ("Who leads the coalition?", None),
])
def test_a_question_asking_how_a_story_unfolded_names_the_story(question, subject) -> None:
    from bot.answer.followup import timeline_subject

    assert timeline_subject(question) == subject
