"""What the answer engine counts for Prometheus (served with /metrics by index.monitoring)."""

from __future__ import annotations

from prometheus_client import Counter, Histogram

ANSWERS = Counter("lede_answers_total", "Questions answered, by whether the sources held an answer", ["found"])
ANSWER_SECONDS = Histogram(
    "lede_answer_seconds",
    "Time to compose an answer (without a language model)",
    buckets=(0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0),
)
