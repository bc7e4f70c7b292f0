"""Sources that disagree on a figure. When the span reader finds an answer in the articles of one
story and they give different figures for it ("killing four people, the fire department said";
"at least six people died, according to the hospital"), no figure is bold: each is shown with
who gave it and when. Figures of the same day (within SAME_DAY) are alternatives ("four ... or
six ..."); a later day's figure is the latest ("six, up from four on 1 Dec").

A reading counts when the reader believes its window holds an answer (its margin reaches the
fitted `answer` threshold: bot/answer/reading.py); figures are compared as numbers ("6" is
"six"), their scale words apart ("30 million" is not "30 billion").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.answer.reading import Reading
from index.search import Hit
from index.text import SCALE_WORDS, numbers

SAME_DAY = timedelta(hours=24)
MAX_FIGURES = 3
# Who gave a figure, as reporters write it: "..., according to the hospital." "..., the fire
# department said."
_ACCORDING_TO = re.compile(r"\baccording to (?:the )?([^,.;]{2,40})", re.IGNORECASE)
_SAID = re.compile(r",\s+(?:the )?([^,.;]{2,40}?)\s+(?:said|says|reported)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Figure:
    """One source's figure for what was asked."""

    text: str  # the reader's span: "four people"
    sentence: int  # the candidate sentence holding it
    article_id: int
    url: str
    outlet: str | None
    date: datetime | None
    said_by: str | None  # "the hospital": who the article says gave it


def figure(reading: Reading) -> frozenset[str]:
    """Return the figure a reading gives, as digits with its scale words: {"6"} for "six people"."""
    return frozenset(numbers(reading.text))


def differing(readings: list[Reading], candidates: list[tuple[Hit, str]], answer_margin: float) -> list[Figure]:
    """Return the different figures the articles give for what was asked, the reader's best first
    (the latest first when they are of different days); [] when the best reading gives no figure
    or the articles agree. `candidates` are the (hit, sentence) pairs the readings index."""
    if not readings or not (figure(readings[0]) - SCALE_WORDS):
        return []
    found: list[Figure] = []
    given: set[frozenset[str]] = set()
    articles: set[int] = set()
    for reading in readings:
        hit, sentence = candidates[reading.sentence]
        value = figure(reading)
        if reading.margin < answer_margin or not (value - SCALE_WORDS) or value in given or hit.article_id in articles:
            continue
        given.add(value)
        articles.add(hit.article_id)
        found.append(Figure(reading.text, reading.sentence, hit.article_id, hit.url, hit.outlet, hit.published_at,
                            said_by(sentence)))
    if len(found) < 2:
        return []
    dated = [f.date for f in found if f.date is not None]
    if dated and max(dated) - min(dated) > SAME_DAY:
        found.sort(key=lambda f: f.date or datetime.min.replace(tzinfo=max(dated).tzinfo), reverse=True)
    return found[:MAX_FIGURES]


def said_by(sentence: str) -> str | None:
    """Return who a sentence says gave its figure ("the hospital"), when it says so."""
    match = _ACCORDING_TO.search(sentence) or _SAID.search(sentence)
    return match.group(1).strip() if match else None


def of_one_story(figures: list[Figure], stories: list[set[int]]) -> list[Figure]:
    """Return the figures from articles of the first figure's story (`stories`: each story's
    article ids); [] when fewer than two remain: outlets telling other stories do not disagree."""
    if not figures:
        return []
    story = next((s for s in stories if figures[0].article_id in s), {figures[0].article_id})
    kept = [f for f in figures if f.article_id in story]
    return kept if len(kept) >= 2 else []


def change(latest: Figure, earlier: Figure) -> str:
    """Return "up", "down" or "after": how the latest figure compares with an earlier one."""
    values = [_value(f) for f in (latest, earlier)]
    if None in values or values[0] == values[1]:
        return "after"
    return "up" if values[0] > values[1] else "down"  # type: ignore[operator]


def _value(figure_: Figure) -> float | None:
    digits = [d for d in numbers(figure_.text) if d not in SCALE_WORDS]
    try:
        return float(digits[0].replace(",", "")) if len(digits) == 1 else None
    except ValueError:
        return None


def wording(figures: list[Figure]) -> str:
    """Return the message (bot/i18n.py) that joins the figures: alternatives of one day, or the
    latest figure up or down from the earlier ones."""
    dated = [f.date for f in figures if f.date is not None]
    if not dated or max(dated) - min(dated) <= SAME_DAY:
        return "figures_or"
    return f"figures_{change(figures[0], figures[-1])}"


def details(figure_: Figure) -> str:
    """Return "Valley Post, the hospital, 2026-12-01" (any part may be missing)."""
    parts = [figure_.outlet, figure_.said_by, figure_.date.date().isoformat() if figure_.date else None]
    return ", ".join(p for p in parts if p)
