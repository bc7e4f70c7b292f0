"""Score answers: each question's outcome, then the figures over a set of outcomes, with a
bootstrap interval (about 50 questions a half: a difference of 0.05 is within noise).

recall@k: a gold article is among the first k articles (the cited ones first, then the other
retrieved ones); story_recall@k: among them is a gold article or an article of the week before
the question holding a gold answer (MIN_ANSWER_CHARS or more, as whole words); mrr: 1 / rank of
the first gold article; answer_in_citations: a gold answer occurs in a passage the answer
quotes; answer_in_passages_read: in a passage whose sentences were weighed (its ceiling), and
answer_in_citations_when_read the share of those questions whose quotes hold it;
direct_answer_accuracy: it occurs in the bold direct answer (over all questions);
direct_precision: the same over the questions shown one; direct_coverage: the share shown one;
abstained: the share answered "not found"; filler_quoted: quotes taken from lines labelled
filler by hand (bot/evaluation/data/filler.json).

An answer whose sources of one story give different figures (bot/answer/figures.py) shows no
bold line: it counts as not shown one for the direct figures, neither right nor wrong, and its
quotes (each figure's sentence first) count for answer_in_citations like any other's.
"""

from __future__ import annotations

import random
import statistics
from collections.abc import Callable
from dataclasses import dataclass

STORY_DAYS = 7  # an article of the week before the question may tell the gold story
BOOTSTRAP_SAMPLES = 1000


@dataclass(frozen=True)
class Outcome:
    """What one answer got right."""

    gold_rank: int | None  # 1-based rank of the first gold article
    story_rank: int | None  # 1-based rank of the first article telling the gold story
    in_citations: bool
    in_passages_read: bool  # a gold answer is in a passage whose sentences were weighed
    shown: bool  # a bold direct answer was shown
    correct: bool  # ... and it holds a gold answer
    abstained: bool
    elapsed_ms: float


def _share(outcomes: list[Outcome], test: Callable[[Outcome], bool]) -> float:
    return sum(map(test, outcomes)) / len(outcomes) if outcomes else 0.0


def _within(ranks: list[int | None], k: int) -> float:
    """Return the share of `ranks` that are k or better."""
    return sum(1 for r in ranks if r is not None and r <= k) / len(ranks) if ranks else 0.0


def figures(outcomes: list[Outcome]) -> dict[str, float]:
    """Return every figure over `outcomes` (latency aside)."""
    gold = [o.gold_rank for o in outcomes]
    story = [o.story_rank for o in outcomes]
    shown = [o for o in outcomes if o.shown]
    result = {f"recall@{k}": _within(gold, k) for k in (1, 5, 10)}
    result["mrr"] = statistics.fmean(1 / r if r else 0.0 for r in gold) if gold else 0.0
    result |= {f"story_recall@{k}": _within(story, k) for k in (1, 5)}
    result["answer_in_citations"] = _share(outcomes, lambda o: o.in_citations)
    result["answer_in_passages_read"] = _share(outcomes, lambda o: o.in_passages_read)
    # The ceiling of answer_in_citations: of the questions whose passages read hold the answer,
    # the share whose quotes do.
    result["answer_in_citations_when_read"] = _share([o for o in outcomes if o.in_passages_read],
                                                     lambda o: o.in_citations)
    result["direct_answer_accuracy"] = _share(outcomes, lambda o: o.correct)
    result["direct_precision"] = _share(shown, lambda o: o.correct)
    result["direct_coverage"] = len(shown) / len(outcomes) if outcomes else 0.0
    result["abstained"] = _share(outcomes, lambda o: o.abstained)
    return result


def latency(outcomes: list[Outcome]) -> dict[str, float]:
    """Return the median and 95th percentile answer time."""
    times = sorted(o.elapsed_ms for o in outcomes)
    if not times:
        return {"p50_ms": 0.0, "p95_ms": 0.0}
    return {"p50_ms": statistics.median(times), "p95_ms": times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]}


def intervals(outcomes: list[Outcome], *, samples: int = BOOTSTRAP_SAMPLES, seed: int = 0) -> dict[str, list[float]]:
    """Return a bootstrap 90% interval [low, high] of every figure: the questions resampled with
    replacement `samples` times."""
    rng = random.Random(seed)
    drawn: dict[str, list[float]] = {}
    for _ in range(samples):
        resample = [rng.choice(outcomes) for _ in outcomes]
        for key, value in figures(resample).items():
            drawn.setdefault(key, []).append(value)
    result = {}
    for key, values in drawn.items():
        values.sort()
        result[key] = [round(values[int(0.05 * (samples - 1))], 3), round(values[int(0.95 * (samples - 1))], 3)]
    return result


def rounded(result: dict) -> dict:
    """Round the floats of a result for printing."""
    return {k: round(v, 4) if isinstance(v, float) else v for k, v in result.items()}
