"""What ingest counts for Prometheus (served with /metrics by index.monitoring)."""

from __future__ import annotations

from prometheus_client import Counter

INGESTED_ARTICLES = Counter("lede_ingest_articles_total", "Articles stored, new or changed")
INGESTED_PASSAGES = Counter("lede_ingest_passages_total", "Passages stored")
SOURCE_FAILURES = Counter("lede_source_failures_total", "Source fetches that failed")
