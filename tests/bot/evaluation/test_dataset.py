from datetime import UTC, datetime

from bot.evaluation.dataset import AnswerFinder, CorpusArticle, Question, halves, normalise
from bot.evaluation.scores import Outcome, figures


def _question(qid: str, week: str, date: str = "2022/06/16", answers: tuple[str, ...] = ("Squid Game",)) -> Question:
    return Question(qid=qid, question="Which show?", date=date, answers=list(answers), gold_urls=[], week=week)


def test_halves_put_the_earlier_weeks_first_and_split_about_evenly() -> None:
    questions = [_question(str(i), week) for i, week in enumerate(["w1"] * 3 + ["w2"] * 2 + ["w3"] * 3 + ["w4"] * 2)]
    split = halves(questions)
    assert {q.week for q in split["A"]} == {"w1", "w2"} and {q.week for q in split["B"]} == {"w3", "w4"}
    assert len(split["A"]) == len(split["B"]) == 5


def _article(url: str, day: int, text: str) -> CorpusArticle:
    return CorpusArticle(url, datetime(2022, 6, day, tzinfo=UTC), normalise(text))


def test_articles_holding_an_answer_are_found_as_whole_words_within_the_days_before() -> None:
    finder = AnswerFinder([
        _article("in-week", 12, "Netflix green lights a second season of Squid Game."),
        _article("too-old", 1, "Squid Game broke records."),
        _article("after", 20, "Squid Game season two starts filming."),
        _article("inside-a-word", 14, "The squid games festival opened."),
    ])
    assert finder.holding(_question("1", "w"), days=7) == {"in-week"}
    assert finder.holding(_question("1", "w"), days=30) == {"in-week", "too-old"}
    assert finder.holding(_question("2", "w", answers=("UK",)), days=30) == set()  # too short to tell


def test_precision_counts_only_the_answers_shown() -> None:
    def outcome(shown: bool, correct: bool) -> Outcome:
        return Outcome(gold_rank=1, story_rank=1, in_citations=True, in_passages_read=True, shown=shown, correct=correct,
                       abstained=False, elapsed_ms=1.0)

    result = figures([outcome(True, True), outcome(True, False), outcome(False, False), outcome(False, False)])
    assert result["direct_precision"] == 0.5
    assert result["direct_coverage"] == 0.5
    assert result["direct_answer_accuracy"] == 0.25
