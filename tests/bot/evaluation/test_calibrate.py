import numpy as np

from bot.answer import Answer
from bot.answer.reading import Reading
from bot.evaluation.calibrate import DECLINE_SHARE, choose_threshold, fit, judge
from bot.evaluation.dataset import Question


def _asked(margin: float, right: bool, number: int) -> tuple[Question, Answer]:
    question = Question(qid=str(number), question="Who won?", date="2022/06/17", answers=["Ada"], gold_urls=[],
                        week="20220617")
    reading = Reading("Ada" if right else "Bea", 0, margin)
    return question, Answer("Who won?", found=True, reading=reading, candidate=reading.text)


def test_the_fitted_thresholds_show_sure_spans_and_decline_only_the_least_sure() -> None:
    rng = np.random.default_rng(0)
    asked = []
    for number in range(400):
        margin = float(rng.uniform(-4, 8))
        asked.append(_asked(margin, bool(rng.uniform() < (margin + 4) / 12), number))  # surer, righter
    thresholds = fit(asked, fitted_on="test")
    figures = judge(thresholds, asked)
    assert figures["direct_precision"] >= 0.85 > judge(thresholds.__class__(-10, -10), asked)["direct_precision"]
    assert figures["abstained"] <= DECLINE_SHARE + 0.01
    assert thresholds.answer < thresholds.bold


def test_the_threshold_is_the_lowest_score_reaching_the_target_precision() -> None:
    scores = np.array([0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2])
    right = np.array([True, True, True, False, True, False, False, False])
    assert choose_threshold(scores, right, target=0.75) == 0.5  # 4 of the 5 at or above it are right
