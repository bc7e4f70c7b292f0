"""What a number in a sentence measures (money, a length, a duration, a percentage), told by its
sign or the word after it: "how long is the route" wants "14 kilometres", not "9 to 4"."""

from __future__ import annotations

import re

from bot.answer.question import shares_stem

NUMBER = re.compile(
    r"(?:[$€£¥]\s?)?\b\d[\d,]*(?:\.\d+)?(?:\s?(?:%|percent|per cent))?"
    r"(?:\s(?:million|billion|trillion|thousand|hundred))?"
    r"|\b(?i:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|dozens?|hundreds?"
    r"|thousands?|millions?)\b"
)

# What a number measures, told by its sign ("$22", "13%") or the word after it ("14 kilometres").
_UNITS = {
    "money": set("dollars dollar euros euro pounds pound yen yuan rubles roubles rupees francs cents".split()),
    "length": set("""km kilometres kilometers kilometre kilometer miles mile metres meters metre meter feet
        foot yards""".split()),
    "duration": set("years year months month weeks week days day hours hour minutes minute decades".split()),
}
# A number of the measure asked for counts twice; one of another measure ("14 kilometres" for
# "how much will it cost") counts a third; a bare number counts once.
MEASURE_FIT, MEASURE_MISFIT = 2.0, 0.3


def measure_of(sentence: str, span: str, start: int) -> tuple[str | None, str]:
    """Return what the number `span` at `start` measures (None when not told) and its unit word."""
    unit = re.match(r"\s+([a-z]+)", sentence[start + len(span) :])
    unit_word = unit.group(1) if unit else ""
    if span[:1] in "$€£¥":
        return "money", unit_word
    if "%" in span or "percent" in span or "per cent" in span:
        return "percent", unit_word
    return next((m for m, units in _UNITS.items() if unit_word in units), None), unit_word


def measured(sentence: str, span: str, start: int, measure: str | None, counted: set[str]) -> tuple[str, float]:
    """Return the number `span` with the unit it is given in when that is the measure asked for
    ("620 million euros"), and how well it fits the question."""
    own, unit_word = measure_of(sentence, span, start)
    if measure is not None and own == measure:
        return (f"{span} {unit_word}" if unit_word in _UNITS.get(own, ()) else span), MEASURE_FIT
    if measure is not None and own is not None:
        return span, MEASURE_MISFIT
    following = re.findall(r"[\w'’-]+", sentence[start + len(span) :])[:3]
    if counted and any(shares_stem(w.lower(), counted) for w in following):
        return span, MEASURE_FIT
    return span, 1.0


def gives_measure(sentence: str, measure: str | None) -> bool:
    """Return True when `sentence` gives a number in `measure`, the one a question asks for
    (asked_measure): "14 kilometres" for "how long is the route"."""
    return measure is not None and any(
        measure_of(sentence, m.group(0).strip(), m.start())[0] == measure for m in NUMBER.finditer(sentence)
    )
