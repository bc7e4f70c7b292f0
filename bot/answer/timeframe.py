"""Turn time words in a question ("yesterday", "this week", "last month", "in June") into a
[since, until) range of publication dates, relative to when the question is asked."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

_MONTHS = {name: number for number, names in enumerate([
    ("january", "jan", "январ", "січ"), ("february", "feb", "феврал", "лют"), ("march", "mar", "март", "берез"),
    ("april", "apr", "апрел", "квіт"), ("may", "ма[йя]", "трав"), ("june", "jun", "июн", "черв"),
    ("july", "jul", "июл", "лип"), ("august", "aug", "август", "серп"), ("september", "sept?", "сентябр", "верес"),
    ("october", "oct", "октябр", "жовт"), ("november", "nov", "ноябр", "листопад"),
    ("december", "dec", "декабр", "груд"),
], start=1) for name in names}
_MONTH = re.compile(r"\b(?:in|during|since|в|у)\s+((?i:" + "|".join(_MONTHS) + r"))[a-zа-яіїє]*\b", re.IGNORECASE)


def _day(moment: datetime) -> datetime:
    return moment.replace(hour=0, minute=0, second=0, microsecond=0)


def timeframe(question: str, as_of: datetime) -> tuple[datetime | None, datetime | None]:
    """Return (since, until) that the question's time words ask for; (None, None) if none."""
    q = question.lower()
    today = _day(as_of.astimezone(UTC))
    if re.search(r"\b(today|сегодня|сьогодні)\b", q):
        return today, today + timedelta(days=1)
    if re.search(r"\b(yesterday|вчера|вчора)\b", q):
        return today - timedelta(days=1), today
    # Weeks are read generously: "this week's news" often began last Sunday, and a window that
    # is too narrow loses the answer while one a little wide only adds candidates.
    if re.search(r"\b(this week|на этой неделе|цього тижня)\b", q):
        return today - timedelta(days=7), today + timedelta(days=1)
    if re.search(r"\b(last week|на прошлой неделе|минулого тижня)\b", q):
        return today - timedelta(days=14), today + timedelta(days=1)
    if re.search(r"\b(this month|в этом месяце|цього місяця)\b", q):
        return today.replace(day=1), today + timedelta(days=1)
    if re.search(r"\b(last month|в прошлом месяце|минулого місяця)\b", q):
        end = today.replace(day=1)
        return (end - timedelta(days=1)).replace(day=1), end
    match = _MONTH.search(question)
    # "in may" in lower case is more often the verb than the month.
    if match and not (match.group(1) == "may" and match.group(1) in question):
        month = next(number for name, number in _MONTHS.items() if re.fullmatch(name, match.group(1).lower()))
        year = today.year if month <= today.month else today.year - 1
        start = today.replace(year=year, month=month, day=1)
        end = start.replace(year=year + 1, month=1) if month == 12 else start.replace(month=month + 1)
        return start, end
    return None, None
