"""How long an answer spends in keyword search: the statements that read its index (SQLite's
passages_fts, PostgreSQL's passage_terms), timed as the database driver runs them."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from datetime import datetime

from sqlalchemy import Engine, event

KEYWORD_TABLES = ("passages_fts", "passage_terms")


class KeywordClock:
    """Seconds spent in keyword search's statements on `engine`, summed since it was made."""

    def __init__(self, engine: Engine) -> None:
        self.seconds = 0.0
        event.listen(engine, "before_cursor_execute", self._before)
        event.listen(engine, "after_cursor_execute", self._after)

    def _before(self, _connection, _cursor, statement: str, _parameters, context, _many) -> None:
        keyword = any(table in statement for table in KEYWORD_TABLES)
        context.lede_keyword_started = time.perf_counter() if keyword else None

    def _after(self, _connection, _cursor, _statement, _parameters, context, _many) -> None:
        if (started := getattr(context, "lede_keyword_started", None)) is not None:
            self.seconds += time.perf_counter() - started


Asked = list[tuple[str, datetime | None]]


def timed_answers(engine: Engine, answer: Callable[[str, datetime | None], float], questions: Asked) -> tuple[dict, float]:
    """Answer each (question, moment) with `answer` (returning its milliseconds); return the
    answers' p50/p95 and the keyword queries' p50/p95 and share of all answer time, and the
    milliseconds of all answers."""
    clock = KeywordClock(engine)
    total: list[float] = []
    keyword: list[float] = []
    for question, moment in questions:
        before = clock.seconds
        total.append(answer(question, moment))
        keyword.append((clock.seconds - before) * 1000)
    return {"p50_ms": round(statistics.median(total), 1), "p95_ms": round(_p95(total), 1),
            "keyword_p50_ms": round(statistics.median(keyword), 1), "keyword_p95_ms": round(_p95(keyword), 1),
            "keyword_share": round(sum(keyword) / sum(total), 3)}, sum(total)


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[int(0.95 * (len(ordered) - 1))]
