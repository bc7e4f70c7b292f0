"""Fit the span reader's two thresholds (`bot.answer.reading.Thresholds`) on answered dev questions.

Both are margins of the reader (its span's score over "no answer", in logits): `bold` is the least
margin at which the bold answers reach TARGET_PRECISION; `answer` the margin below which no more
than DECLINE_SHARE of the questions the evidence found are declined. Each half of the weeks is
scored with thresholds fitted on the other half only, so the figures printed are for questions
they were not fitted on; the other half's precision-coverage curve is printed with them.
"""

from __future__ import annotations

import numpy as np

from bot.answer import Answer, Thresholds
from bot.evaluation.dataset import Question, halves
from bot.evaluation.quality import is_right

# The share of bold answers that must be right where fitted (the goal held out is 0.8).
TARGET_PRECISION = 0.85
# The share of answerable questions, found by their evidence, that the reader may decline: the
# evidence declines about 0.02 more, and abstention on answerable questions must stay under 0.1.
DECLINE_SHARE = 0.05
MIN_SHOWN = 5  # a threshold is judged on at least this many answers shown
CURVE = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)  # coverages at which the curve is printed


def choose_threshold(scores: np.ndarray, right: np.ndarray, *, target: float = TARGET_PRECISION) -> float:
    """Return the lowest score whose answers at or above it reach `target` precision (at least
    MIN_SHOWN of them), or the score of best precision when none does."""
    best, best_precision = float(scores.max(initial=0.0)), -1.0
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


def _rows(asked: list[tuple[Question, Answer]]) -> tuple[np.ndarray, np.ndarray]:
    """Return the reader's margin and whether its span is right, for each question it read."""
    read = [(a.reading.margin, is_right(q, a.reading.text)) for q, a in asked if a.reading is not None]
    return np.array([m for m, _ in read], dtype=np.float64), np.array([r for _, r in read], dtype=bool)


def fit(asked: list[tuple[Question, Answer]], *, fitted_on: str) -> Thresholds:
    """Return the thresholds fitted on `asked` (see the module docstring)."""
    margins, right = _rows(asked)
    if not len(margins):
        raise ValueError("no question was read by the span reader: is it installed?")
    return Thresholds(bold=round(choose_threshold(margins, right), 3),
                      answer=round(float(np.quantile(margins, DECLINE_SHARE)), 3), fitted_on=fitted_on)


def judge(thresholds: Thresholds, asked: list[tuple[Question, Answer]]) -> dict[str, float]:
    """Return what `thresholds` give on `asked`: bold answers' precision, coverage and accuracy,
    and the share of questions declined (by their evidence or by the reader)."""
    shown = right = declined = 0
    for q, a in asked:
        if a.reading is None:
            declined += not a.found
            continue
        if a.reading.margin < thresholds.answer:
            declined += 1
        elif a.reading.margin >= thresholds.bold:
            shown += 1
            right += is_right(q, a.reading.text)
    return {"questions": len(asked), "direct_precision": round(right / shown, 4) if shown else 0.0,
            "direct_coverage": round(shown / len(asked), 4), "direct_answer_accuracy": round(right / len(asked), 4),
            "abstained": round(declined / len(asked), 4)}


def curve(asked: list[tuple[Question, Answer]]) -> dict[str, float]:
    """Return the bold answers' precision at each coverage of CURVE, the surest shown first."""
    margins, right = _rows(asked)
    ranked = right[np.argsort(-margins)]
    points = {}
    for coverage in CURVE:
        count = round(coverage * len(asked))
        if 0 < count <= len(ranked):
            points[f"precision at coverage {coverage}"] = round(float(ranked[:count].mean()), 4)
    return points


def cross_fit(asked: list[tuple[Question, Answer]]) -> tuple[Thresholds, dict[str, dict]]:
    """Return thresholds fitted on all `asked`, and each half's figures under thresholds fitted
    on the other half only, with that half's precision-coverage curve."""
    split = halves([q for q, _ in asked])
    half_of = {q.qid: name for name, part in split.items() for q in part}
    report: dict[str, dict] = {}
    for name, other in (("A", "B"), ("B", "A")):
        training = [(q, a) for q, a in asked if half_of[q.qid] == other]
        held_out = [(q, a) for q, a in asked if half_of[q.qid] == name]
        fitted = fit(training, fitted_on=f"half {other}")
        report[name] = {"fitted_on": other, "bold": fitted.bold, "answer": fitted.answer,
                        **judge(fitted, held_out), **curve(held_out)}
    everything = fit(asked, fitted_on=f"all {len(asked)} dev questions")
    report["all (fitted on all)"] = {"bold": everything.bold, "answer": everything.answer, **judge(everything, asked)}
    return everything, report
