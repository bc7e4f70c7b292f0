"""The table of time phrases: each question with the publication dates it must search."""

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from dateparser.search import search_dates

from bot.answer.timeframe import timeframe

THURSDAY = datetime(2022, 6, 16, 15, 30, tzinfo=UTC)
AFTER_PELOSI = datetime(2022, 10, 29, 9, 0, tzinfo=UTC)  # a Saturday, the day after the attack
TODAY_2026 = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)  # a Sunday
MONDAY = datetime(2022, 10, 31, 8, 0, tzinfo=UTC)


def d(year: int, month: int, day: int) -> date:
    return date(year, month, day)


# (question, asked at, first day searched, day after the last), in the asker's days (UTC here).
TABLE = [
    # Explicit dates, with and without a year: a day is searched with the two days after it.
    ("What happened to Paul Pelosi on October 28, 2022?", TODAY_2026, d(2022, 10, 28), d(2022, 10, 31)),
    ("What was the average gas price on June 6, 2022?", TODAY_2026, d(2022, 6, 6), d(2022, 6, 9)),
    ("What happened on 28 October 2022?", TODAY_2026, d(2022, 10, 28), d(2022, 10, 31)),
    ("Who was born on the 4th of July, 2022?", TODAY_2026, d(2022, 7, 4), d(2022, 7, 7)),
    ("What did the mayor say on October 28?", AFTER_PELOSI, d(2022, 10, 28), d(2022, 10, 30)),
    ("What did the mayor say on June 20?", THURSDAY, d(2021, 6, 20), d(2021, 6, 23)),
    ("What did the senator announce on June 14?", THURSDAY, d(2022, 6, 14), d(2022, 6, 17)),
    ("What happened on Oct. 28?", AFTER_PELOSI, d(2022, 10, 28), d(2022, 10, 30)),
    # Months and years.
    ("What caused the Yellowstone flooding in June 2022?", TODAY_2026, d(2022, 6, 1), d(2022, 7, 1)),
    ("How much did the Fed raise rates in September 2022?", TODAY_2026, d(2022, 9, 1), d(2022, 10, 1)),
    ("Who won the election in May?", THURSDAY, d(2022, 5, 1), d(2022, 6, 1)),
    ("Who won in December?", THURSDAY, d(2021, 12, 1), d(2022, 1, 1)),
    ("What happened in June?", THURSDAY, d(2022, 6, 1), d(2022, 6, 17)),
    ("What did the court rule in March, 2022?", TODAY_2026, d(2022, 3, 1), d(2022, 4, 1)),
    ("Who won the vote in 2022?", TODAY_2026, d(2022, 1, 1), d(2023, 1, 1)),
    ("What happened during 2021?", THURSDAY, d(2021, 1, 1), d(2022, 1, 1)),
    # Relative days: yesterday's and last night's events are reported yesterday and today.
    ("What happened to Paul Pelosi yesterday?", AFTER_PELOSI, d(2022, 10, 28), d(2022, 10, 30)),
    ("Who threw a no-hitter last night?", MONDAY, d(2022, 10, 30), d(2022, 11, 1)),
    ("Who resigned yesterday?", THURSDAY, d(2022, 6, 15), d(2022, 6, 17)),
    ("What happened overnight in Kyiv?", THURSDAY, d(2022, 6, 15), d(2022, 6, 17)),
    ("What happened today?", THURSDAY, d(2022, 6, 16), d(2022, 6, 17)),
    ("What did Biden say this morning?", THURSDAY, d(2022, 6, 16), d(2022, 6, 17)),
    ("Who plays tonight?", THURSDAY, d(2022, 6, 16), d(2022, 6, 17)),
    # Weekdays: the latest such day before today, with the days after it.
    ("Who spoke on Tuesday?", THURSDAY, d(2022, 6, 14), d(2022, 6, 17)),
    ("Who spoke on Thursday?", THURSDAY, d(2022, 6, 9), d(2022, 6, 12)),
    ("What has happened since Monday?", THURSDAY, d(2022, 6, 13), d(2022, 6, 17)),
    ("What has changed since June 1?", THURSDAY, d(2022, 6, 1), d(2022, 6, 17)),
    ("What happened two days ago?", THURSDAY, d(2022, 6, 14), d(2022, 6, 17)),
    # Weekends, weeks, months and spans.
    ("What happened over the weekend?", MONDAY, d(2022, 10, 29), d(2022, 11, 1)),
    ("Who won at the weekend?", THURSDAY, d(2022, 6, 11), d(2022, 6, 14)),
    ("Which show was renewed this week?", THURSDAY, d(2022, 6, 9), d(2022, 6, 17)),
    ("Who resigned last week?", THURSDAY, d(2022, 6, 2), d(2022, 6, 17)),
    ("What did the Fed decide last month?", THURSDAY, d(2022, 5, 1), d(2022, 6, 1)),
    ("What happened this month?", THURSDAY, d(2022, 6, 1), d(2022, 6, 17)),
    ("How many people died in the past 3 days?", THURSDAY, d(2022, 6, 13), d(2022, 6, 17)),
    ("What happened over the last two weeks?", THURSDAY, d(2022, 6, 2), d(2022, 6, 17)),
    # Russian.
    ("Что произошло вчера?", THURSDAY, d(2022, 6, 15), d(2022, 6, 17)),
    ("Что случилось 28 октября 2022 года?", TODAY_2026, d(2022, 10, 28), d(2022, 10, 31)),
    ("Что было в июне 2022 года?", TODAY_2026, d(2022, 6, 1), d(2022, 7, 1)),
    ("Кто победил в прошлом месяце?", THURSDAY, d(2022, 5, 1), d(2022, 6, 1)),
    ("Что было в понедельник?", THURSDAY, d(2022, 6, 13), d(2022, 6, 16)),
    ("Что произошло на выходных?", MONDAY, d(2022, 10, 29), d(2022, 11, 1)),
    ("Что случилось сегодня?", THURSDAY, d(2022, 6, 16), d(2022, 6, 17)),
    ("Что было на этой неделе?", THURSDAY, d(2022, 6, 9), d(2022, 6, 17)),
    ("Сколько людей погибло за последние 3 дня?", THURSDAY, d(2022, 6, 13), d(2022, 6, 17)),
    ("Что произошло в 2021 году?", THURSDAY, d(2021, 1, 1), d(2022, 1, 1)),
    ("Что случилось прошлой ночью?", THURSDAY, d(2022, 6, 15), d(2022, 6, 17)),
    # Ukrainian.
    ("Що сталося в червні 2022 року?", TODAY_2026, d(2022, 6, 1), d(2022, 7, 1)),
    ("Що сталося у червні?", THURSDAY, d(2022, 6, 1), d(2022, 6, 17)),
    ("Що сталося вчора ввечері?", THURSDAY, d(2022, 6, 15), d(2022, 6, 17)),
    ("Хто переміг минулого тижня?", THURSDAY, d(2022, 6, 2), d(2022, 6, 17)),
    ("Що сталося на вихідних?", MONDAY, d(2022, 10, 29), d(2022, 11, 1)),
    ("Що сталося сьогодні?", THURSDAY, d(2022, 6, 16), d(2022, 6, 17)),
    ("Що сталося 28 жовтня 2022 року?", TODAY_2026, d(2022, 10, 28), d(2022, 10, 31)),
    ("Що було в листопаді 2022 року?", TODAY_2026, d(2022, 11, 1), d(2022, 12, 1)),
    ("Що змінилося минулого місяця?", THURSDAY, d(2022, 5, 1), d(2022, 6, 1)),
    ("Хто виграв у 2022 році?", TODAY_2026, d(2022, 1, 1), d(2023, 1, 1)),
]

# Questions that name no time, though the library reads a date in each: its misreadings.
MISREADINGS = [
    "Who may lead the coalition?",
    "Who organised the March for Our Lives?",
    "What happened at 7:15 p.m.?",
    "Who won the 2022 World Cup?",
    "Who sang at the 2022 Grammys?",
    "What is the price of a Big Mac now?",
    "Who plays Sunday night football?",
    "Who won the May Day race?",
    "What is a 10-year note?",
    "What happened during the 1970s?",
    "Who is the 46th president?",
    "Who leads in the polls a week before the vote?",
    "Who said it at 10 am?",
    "How many people died within 3 days of the storm?",
    "What did the March jobs report show?",
    "Who will speak at 9 a.m. on the steps?",
    "Why is the 2024 race close?",
]

NO_TIME = [
    "Which two major supermarkets plan to merge in 2024?",  # asked in 2022: reported before it happens
    "Who leads the coalition?",
    "What may happen to prices?",
    "Кто возглавляет коалицию?",
    "Хто очолює коаліцію?",
    "Who is the CEO of Northwind?",
    "At the time of Martin Luther what was in demand?",  # "Mar" is March; "Martin" is not
    "Сколько очков они набрали в четвертом периоде?",  # "четвертом" (fourth) is not "четверг"
    "Сколько людей в среднем смотрят матч?",  # "в среднем" (on average) is not "в среду"
]


@pytest.mark.parametrize(("question", "asked", "first", "after"), TABLE)
def test_a_time_phrase_searches_the_days_it_names(question: str, asked: datetime, first: date, after: date) -> None:
    frame = timeframe(question, asked)
    assert frame is not None, question
    assert (frame.since.date(), frame.until.date()) == (first, after)
    assert frame.phrase in question and frame.phrase.strip()


def test_the_table_is_the_size_the_issue_asks_for() -> None:
    assert len(TABLE) + len(MISREADINGS) + len(NO_TIME) >= 60
    assert len(MISREADINGS) >= 15


@pytest.mark.parametrize("question", MISREADINGS)
def test_a_date_the_library_misreads_is_not_searched(question: str) -> None:
    base = {"RELATIVE_BASE": THURSDAY.replace(tzinfo=None), "PREFER_DATES_FROM": "past"}
    assert search_dates(question, languages=["en", "ru", "uk"], settings=base), "the library no longer reads a date here"
    assert timeframe(question, THURSDAY) is None


@pytest.mark.parametrize("question", NO_TIME)
def test_a_question_without_time_words_searches_every_date(question: str) -> None:
    assert timeframe(question, THURSDAY) is None


def test_the_time_words_are_not_searched() -> None:
    question = "What happened to Paul Pelosi on October 28, 2022?"
    frame = timeframe(question, TODAY_2026)
    assert frame is not None
    assert frame.without_phrase(question) == "What happened to Paul Pelosi ?"


def test_days_are_the_askers_days() -> None:
    # 23:30 UTC on the 15th is already the 16th in Kyiv: "yesterday" there is the 15th.
    kyiv = timezone(timedelta(hours=3))
    frame = timeframe("What happened yesterday?", datetime(2022, 6, 15, 23, 30, tzinfo=UTC), kyiv)
    assert frame is not None
    assert frame.since == datetime(2022, 6, 15, tzinfo=kyiv)
    assert frame.until == datetime(2022, 6, 17, tzinfo=kyiv)
