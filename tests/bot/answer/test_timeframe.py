from datetime import UTC, datetime

import pytest

from bot.answer.timeframe import timeframe

ASKED = datetime(2022, 6, 16, 15, 30, tzinfo=UTC)  # a Thursday


def day(month: int, d: int) -> datetime:
    return datetime(2022, month, d, tzinfo=UTC)


@pytest.mark.parametrize(
    "question, expected",
    [
        ("What happened today?", (day(6, 16), day(6, 17))),
        ("Who resigned yesterday?", (day(6, 15), day(6, 16))),
        ("Which show was renewed this week?", (day(6, 9), day(6, 17))),
        ("What did the Fed decide last month?", (day(5, 1), day(6, 1))),
        ("Who won the election in May?", (day(5, 1), day(6, 1))),
        ("Who won in December?", (datetime(2021, 12, 1, tzinfo=UTC), day(1, 1).replace(year=2022))),
        ("Что произошло вчера?", (day(6, 15), day(6, 16))),
        ("Що сталося в червні?", (day(6, 1), day(7, 1))),
        ("Who leads the coalition?", (None, None)),
        ("What may happen to prices?", (None, None)),
    ],
)
def test_time_words_become_a_date_range(question, expected) -> None:
    assert timeframe(question, ASKED) == expected
