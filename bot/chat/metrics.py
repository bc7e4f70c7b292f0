"""What the Telegram side counts for Prometheus (served with /metrics by index.monitoring)."""

from __future__ import annotations

from prometheus_client import Counter

TELEGRAM_ERRORS = Counter("lede_telegram_errors_total", "Errors while handling a Telegram update or sending")
TELEGRAM_RATE_LIMITED = Counter("lede_telegram_rate_limited_total", "Telegram answers of 429 (too many requests)")
