import numpy as np

from bot.answer.confidence import Signals
from bot.evaluation.calibrate import choose_threshold, fit


def _signals(evidence: float) -> Signals:
    return Signals(evidence=evidence, share=0.5, support=1, in_first_quote=True, overlap=0.5, nearness=0.5,
                   kind="name", words=2)


def test_a_fitted_confidence_rises_with_a_signal_that_tells_right_from_wrong() -> None:
    rng = np.random.default_rng(0)
    rows = []
    for _ in range(200):
        evidence = float(rng.uniform(0, 1))
        rows.append((_signals(evidence).features(), bool(rng.uniform() < evidence)))  # right more often when strong
    calibration = fit(rows)
    assert calibration.confidence(_signals(0.9)) > 0.7 > 0.3 > calibration.confidence(_signals(0.1))
    shown = [right for features, right in rows
             if calibration.confidence(_signals(features[0])) >= calibration.threshold]
    assert sum(shown) / len(shown) >= 0.75  # the threshold reaches the target precision where fitted


def test_the_threshold_is_the_lowest_score_reaching_the_target_precision() -> None:
    scores = np.array([0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2])
    right = np.array([True, True, True, False, True, False, False, False])
    assert choose_threshold(scores, right, target=0.75) == 0.5  # 4 of the 5 at or above it are right
