"""Turn the time words of a question ("yesterday", "on October 28, 2022", "in June", "over the
weekend", "в червні 2022 року") into the [since, until) range of publication dates to search.

The phrases are found by the rules below and a day phrase is read by `dateparser` (English, Russian,
Ukrainian month names and their forms). The library's own search is not used to find them: in a
question it reads the verb "may", "the March for Our Lives", clock times and "the 2022 World Cup" as
dates, and misses "Oct. 28" and a Ukrainian date inside a sentence (tests/bot/answer/test_timeframe.py
keeps those rows). The range comes from what was named (a day, a month, a year) and from how news is
reported: a night's events are written up the next morning, so a day is searched with the days after
it. Days are the asker's days: a question is read in its time zone, the range returned in UTC.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from functools import lru_cache
from types import MappingProxyType
from typing import Any

from index.text import MONTHS

# A day's events are reported that day and the next two: "on October 28" searches the 28th-30th.
DAYS_REPORTED = 3

_MONTH_NUMBER = MappingProxyType({stem: number for number, stems in enumerate(MONTHS, start=1) for stem in stems})
_MONTH_WORD = (r"(?:(?:" + "|".join(stem for stem in _MONTH_NUMBER if stem.isascii()) + r")\b\.?|(?:"
               + "|".join(stem for stem in _MONTH_NUMBER if not stem.isascii()) + r")[а-яіїє]*)")
_YEAR = r"(?:19|20)\d\d"
_NUMBERS = MappingProxyType({"few": 3, "several": 5, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "ten": 10,
            "a": 1, "два": 2, "две": 2, "три": 3, "дві": 2})
# Weekdays, Monday first, with their Russian and Ukrainian case forms ("в четвертом" is "in the
# fourth", "в среднем" "on average": a stem alone would read them as days).
_WEEKDAY_FORMS = (
    r"mondays?|понедельник[ау]?|понеділ(?:ок|ка|ку)", r"tuesdays?|вторник[ау]?|вівтор(?:ок|ка|ку)",
    r"wednesdays?|сред[ауы]|серед[аиу]", r"thursdays?|четверг[ау]?|четвер(?:га|гу)?",
    r"fridays?|пятниц[аыу]|п['’]ятниц[яіюи]", r"saturdays?|суббот[аыу]|субот[аиу]",
    r"sundays?|воскресень[еяю]|неділ[яію]",
)
_WEEKDAY_WORD = r"(?:" + "|".join(_WEEKDAY_FORMS) + r")\b"
# Words that make a following month or year a time, not part of a name: "in June", not "the June".
_INTRODUCED = r"(?:in|during|of|throughout|by|в|во|у)"
# "the 4th of July" is a day, not the month: the library reads it.
_NOT_AFTER_A_DAY = r"(?<!\d )(?<!\dst )(?<!\dnd )(?<!\drd )(?<!\dth )"


@dataclass(frozen=True)
class TimeFrame:
    """The publication dates a question asks about, and the words that asked."""

    since: datetime
    until: datetime
    phrase: str  # as written in the question: removed from the words searched
    days: tuple[date, date]  # the first and last day searched, in the asker's calendar
    # The phrase names a date ("in 2015", "on October 28") rather than a time relative to now
    # ("yesterday", "this week"): when nothing was published then, later articles may tell of it.
    dated: bool = False

    def without_phrase(self, question: str) -> str:
        """Return `question` without its time words, so they do not pull the search."""
        return " ".join(question.replace(self.phrase, " ").split())


Days = tuple[date, date]  # [first day, day after the last), in the asker's calendar
_Rule = Callable[[re.Match[str], date], Days]


def _this_week(_: re.Match[str], today: date) -> Days:
    # Weeks are read generously: "this week's news" often began last Sunday, and a window that
    # is too narrow loses the answer while one a little wide only adds candidates.
    return today - timedelta(days=7), today + timedelta(days=1)


def _last_week(_: re.Match[str], today: date) -> Days:
    return today - timedelta(days=14), today + timedelta(days=1)


def _this_month(_: re.Match[str], today: date) -> Days:
    return today.replace(day=1), today + timedelta(days=1)


def _last_month(_: re.Match[str], today: date) -> Days:
    end = today.replace(day=1)
    return (end - timedelta(days=1)).replace(day=1), end


def _weekend(_: re.Match[str], today: date) -> Days:
    # The latest Saturday (today included), and the Monday after: weekend news is written up then.
    saturday = today - timedelta(days=(today.weekday() - 5) % 7)
    return saturday, saturday + timedelta(days=DAYS_REPORTED)


def _past(match: re.Match[str], today: date) -> Days:
    count = match.group("count").lower()
    number = int(count) if count.isdigit() else _NUMBERS.get(count, 1)
    unit = match.group("unit").lower()
    days = number * (7 if unit.startswith(("week", "недел", "тиж")) else 30 if unit.startswith(("month", "месяц", "місяц")) else 1)
    return today - timedelta(days=days), today + timedelta(days=1)


def _month(match: re.Match[str], today: date) -> Days:
    word = match.group("month").lower().rstrip(".")
    month = next(number for stem, number in _MONTH_NUMBER.items() if re.match(stem, word))
    year = int(match.group("year")) if match.group("year") else (today.year if month <= today.month else today.year - 1)
    first = date(year, month, 1)
    return first, date(year + month // 12, month % 12 + 1, 1)


def _day(match: re.Match[str], today: date) -> Days:
    # A date without a year is the latest such date not after today.
    phrase = re.sub(r"^(?:on|в|во|у)\s+", "", match.group(0), flags=re.IGNORECASE)
    named = _parse(phrase, today)
    if named is None:
        raise _NotADate
    return named, named + timedelta(days=DAYS_REPORTED)


def _weekday(match: re.Match[str], today: date) -> Days:
    # A weekday is the latest such day before today.
    word = re.search(_WEEKDAY_WORD, match.group(0), re.IGNORECASE)
    assert word is not None
    number = next(n for n, forms in enumerate(_WEEKDAY_FORMS) if re.fullmatch(forms, word.group(0).lower()))
    day = today - timedelta(days=(today.weekday() - number - 1) % 7 + 1)
    return day, day + timedelta(days=DAYS_REPORTED)


def _ago(match: re.Match[str], today: date) -> Days:
    count = match.group("count").lower()
    if not count.isdigit() and count not in _NUMBERS:
        raise _NotADate
    number = int(count) if count.isdigit() else _NUMBERS[count]
    day = today - timedelta(days=number * (7 if match.group("unit").lower().startswith(("week", "недел", "тиж")) else 1))
    return day, day + timedelta(days=DAYS_REPORTED)


class _NotADate(Exception):
    """A rule's pattern matched words that name no date after all."""


def _year(match: re.Match[str], _: date) -> Days:
    year = int(match.group("year"))
    return date(year, 1, 1), date(year + 1, 1, 1)


# Read before the library, in order; each pattern is matched case-insensitively.
_RULES: tuple[tuple[str, _Rule], ...] = (
    (r"\b(?:today|tonight|this (?:morning|afternoon|evening)|сегодня(?: утром| вечером)?|сьогодні(?: вранці| ввечері)?|"
     r"этим утром|цього ранку)\b", lambda _, today: (today, today + timedelta(days=1))),
    # Yesterday's and last night's events are reported yesterday and today.
    (r"\b(?:yesterday|last night|overnight|вчера(?: вечером)?|вчора(?: ввечері)?|прошлой ночью|этой ночью|"
     r"минулої ночі|цієї ночі)\b", lambda _, today: (today - timedelta(days=1), today + timedelta(days=1))),
    (r"\b(?:(?:over|during|at|on) )?(?:the |this |last )?weekend\b|\bна (?:этих |прошлых )?выходных\b|"
     r"\bна (?:цих |минулих )?вихідних\b", _weekend),
    (r"\b(?:(?:in|over|during|for) )?the (?:past|last) (?P<count>\d+|\w+) (?P<unit>days?|weeks?|months?)\b", _past),
    (r"\bза (?:последние|прошедшие|останні|минулі) (?P<count>\d+|\w+) (?P<unit>дн\w*|день|недел\w*|тиж\w*|месяц\w*|місяц\w*)", _past),
    (r"\b(?:this week|на этой неделе|цього тижня|на цьому тижні)\b", _this_week),
    (r"\b(?:last week|на прошлой неделе|минулого тижня|на минулому тижні)\b", _last_week),
    (r"\b(?:this month|в этом месяце|цього місяця|в цьому місяці)\b", _this_month),
    (r"\b(?:last month|в прошлом месяце|минулого місяця|в минулому місяці)\b", _last_month),
    # "on October 28, 2022", "Oct. 28", "28 октября 2022 года", "the 4th of July": read by the library.
    (r"(?:\b(?:on|в|во|у)\s+)?(?:(?:the\s+)?\b\d{1,2}(?:st|nd|rd|th)?\s+(?:of\s+)?" + _MONTH_WORD + r"|\b" + _MONTH_WORD
     + r"\s+\d{1,2}(?:st|nd|rd|th)?\b)(?:\s*,?\s*" + _YEAR + r"(?:\s*(?:года|року|р\.|г\.))?)?(?![\w:])", _day),
    (r"\b(?:on|в|во|у|last|this past|в прошлый|в прошлую|минулого|минулої|у минулий|у минулу)\s+" + _WEEKDAY_WORD, _weekday),
    (r"\b(?P<count>\d+|\w+) (?P<unit>days?|weeks?|дн\w*|день|недел\w*|тиж\w*) (?:ago|назад|тому)\b", _ago),
    # "in June", "in June 2022", "в июне 2022 года", "в червні 2022 року" (a month the library
    # misses in Ukrainian's locative); never "may" written in lower case: that is the verb.
    (_NOT_AFTER_A_DAY + r"\b" + _INTRODUCED + r"\s+(?P<month>" + _MONTH_WORD + r")(?:\s*,?\s*(?P<year>" + _YEAR + r")(?:\s*(?:года|году|року|р\.|г\.))?)?"
     r"(?![\w-])(?!\s+\d{1,2}(?:st|nd|rd|th)?\b)", _month),
    # "in 2022", "в 2022 году": a year introduced as a time; "the 2022 World Cup" is a name.
    (r"\b" + _INTRODUCED + r"\s+(?P<year>" + _YEAR + r")(?:\s*(?:года|году|року|р\.|г\.))?(?![\w-])", _year),
)
_COMPILED = tuple((re.compile(pattern, re.IGNORECASE), rule) for pattern, rule in _RULES)
_DATED = (_day, _month, _year)


def timeframe(question: str, as_of: datetime, zone: tzinfo = UTC) -> TimeFrame | None:
    """Return the dates `question`'s time words ask for, as of `as_of` in the asker's `zone`;
    None when it names no time."""
    today = as_of.astimezone(zone).date()
    found = _read(question, today)
    if found is None:
        return None
    (first, after), phrase, dated = found
    if first > today:  # "plan to merge in 2024": a future event is reported before it happens
        return None
    after = min(after, today + timedelta(days=1))  # nothing is published after the question
    after = max(after, first + timedelta(days=1))
    since = datetime.combine(first, time(), zone).astimezone(UTC)
    until = datetime.combine(after, time(), zone).astimezone(UTC)
    return TimeFrame(since, until, phrase, (first, after - timedelta(days=1)), dated)


def _read(question: str, today: date) -> tuple[Days, str, bool] | None:
    """Return the days named, the phrase naming them and whether it names a date: "since DATE"
    runs to today."""
    since = re.search(r"\b(?:since|starting|с|со|з|із)\s+", question, re.IGNORECASE)
    if since is not None:
        rest = question[since.end():]
        weekday = re.match(_WEEKDAY_WORD, rest, re.IGNORECASE)
        named = (_weekday(weekday, today), weekday.group(0), False) if weekday else _named(rest, today)
        if named is not None and rest.startswith(named[1]):
            (first, _), phrase, _ = named
            return (first, today + timedelta(days=1)), question[since.start(): since.end()] + phrase, False
    return _named(question, today)


def _named(text: str, today: date) -> tuple[Days, str, bool] | None:
    for pattern, rule in _COMPILED:
        for match in pattern.finditer(text):
            if match.groupdict().get("month") == "may":
                continue  # "may" in lower case is the verb
            try:
                return rule(match, today), match.group(0).strip(), rule in _DATED
            except _NotADate:
                continue
    return None


def _parse(phrase: str, today: date) -> date | None:
    """Return the day `phrase` names, read by the library; without a year, the latest such day
    not after today."""
    from dateparser import parse

    settings: dict[str, Any] = {"RELATIVE_BASE": datetime.combine(today, time(12)), "PREFER_DATES_FROM": "past"}
    moment = parse(phrase.replace(".", " "), languages=list(_LANGUAGES), settings=settings)
    if moment is None:
        return None
    day = moment.date()
    return _year_before(day, today) if day > today else day


def _year_before(day: date, today: date) -> date:
    try:
        return day.replace(year=today.year if day.replace(year=today.year) <= today else today.year - 1)
    except ValueError:  # 29 February
        return day - timedelta(days=365)


_LANGUAGES = ("en", "ru", "uk")


@lru_cache(maxsize=1)
def warm_up() -> None:
    """Load the library's language data (about a second, once): the bot does it before its first reply."""
    _parse("October 28, 2022", date(2022, 10, 29))
