"""The span reader's part of an answer (bot/reader): it reads the question with windows around the
sentences that best match it and gives the answer span, the sentence holding it, and how much more
it believes an answer is there than not. Its two thresholds, fitted on the dev questions by
`lede eval --fit-confidence` (bot/evaluation/calibrate.py), say when the span is shown in bold and
when no window holds an answer at all.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from functools import cache
from pathlib import Path

from bot.reader.model import MAX_TOKENS, SpanReader
from bot.reader.windows import NEIGHBOURS

THRESHOLDS_FILE = Path(__file__).with_name("thresholds.json")
# Windows read per question, around the best-matching sentences. Chosen on the dev questions'
# half A (the reader at step 1,000 of training): 3, 4, 6 and 8 windows gave right spans for 0.561,
# 0.509, 0.544, 0.509 of its questions, so the cheapest (half B: 0.378, 0.400, 0.378, 0.378).
WINDOWS_READ = 3


@dataclass(frozen=True)
class Reading:
    """The reader's answer: the span, the candidate sentence it lies in, and its margin (the span's
    score over the window's "no answer" score, in logits: above 0, the model prefers the span)."""

    text: str
    sentence: int  # index into the candidate sentences
    margin: float


@dataclass(frozen=True)
class Thresholds:
    """Margins fitted on dev questions: a span is shown in bold from `bold`; below `answer`, the
    reader finds no answer in the windows and Lede says it did not find one."""

    bold: float
    answer: float
    fitted_on: str = ""

    def save(self, path: Path = THRESHOLDS_FILE) -> None:
        path.write_text(json.dumps(asdict(self), indent=1) + "\n")


# Unfitted: a span is shown when the model prefers it to "no answer"; nothing is declined by it.
UNFITTED = Thresholds(bold=0.0, answer=float("-inf"), fitted_on="not fitted")


@cache
def thresholds(path: Path = THRESHOLDS_FILE) -> Thresholds:
    """Return the shipped thresholds (UNFITTED when there are none)."""
    if not path.exists():
        return UNFITTED
    return Thresholds(**json.loads(path.read_text()))


def read_windows(reader: SpanReader, question: str, sentences: Sequence[tuple[int, str]], order: Sequence[int],
                 *, windows: int = WINDOWS_READ) -> list[Reading]:
    """Return each window's span, the one the reader is surest of first (its margin over "no
    answer": ranked by the span's raw score, a window whose "no answer" scored higher still came
    first, and a question whose answer another window held was declined), reading windows
    around the first `windows` sentences of `order`. `sentences` are (passage, text) in passage order, so a
    sentence's neighbours are those of its passage beside it; `order` ranks their indices."""
    texts: list[str] = []
    starts: list[list[tuple[int, int]]] = []  # each window's sentences: (candidate index, offset)
    # A neighbour joins its sentence only when the window still fits the model beside the question:
    # cut off, the sentence read for its own sake would lose its end.
    room = MAX_TOKENS - reader.tokens(question) - 3  # [CLS] question [SEP] window [SEP]
    length: dict[int, int] = {}
    for centre in list(order)[:windows]:
        passage = sentences[centre][0]
        members, used = [centre], length.setdefault(centre, reader.tokens(sentences[centre][1]))
        for i in range(centre - NEIGHBOURS, centre + NEIGHBOURS + 1):
            if i == centre or not (0 <= i < len(sentences)) or sentences[i][0] != passage:
                continue
            size = length.setdefault(i, reader.tokens(sentences[i][1]))
            if used + size <= room:
                members.append(i)
                used += size
        members.sort()
        offsets, parts, at = [], [], 0
        for i in members:
            offsets.append((i, at))
            parts.append(sentences[i][1])
            at += len(sentences[i][1]) + 1
        texts.append(" ".join(parts))
        starts.append(offsets)
    readings: list[Reading] = []
    for text, offsets, span in zip(texts, starts, reader.read(question, texts), strict=True):
        answer = text[span.start:span.end].strip(" ,;:.\"'“”‘’()") if span is not None else ""
        if span is None or not answer:
            continue
        holding = next(i for i, offset in reversed(offsets) if offset <= span.start)
        readings.append(Reading(answer, holding, span.margin))
    return sorted(readings, key=lambda reading: -reading.margin)
