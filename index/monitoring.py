"""What an operator watches: Prometheus metrics (every one named `lede_*`) and a health check,
served on LEDE_HTTP_PORT by `lede bot` and `lede ingest --watch` (each process its own port).

GET /healthz answers from the moment the process runs: 200 with a JSON body (database
reachable, whether the index and the model are loaded yet, vectors held against passages
stored, the last successful fetch, the sources failing), or 503 when the database cannot be
reached. GET /metrics is Prometheus's text format."""

from __future__ import annotations

import json
import logging
import threading
import time
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError

from index.knowledge import KnowledgeBase
from index.models import Passage, Source

log = logging.getLogger(__name__)


def health(kb: KnowledgeBase) -> tuple[bool, dict]:
    """Return whether the process is healthy and what the health check reports. Failing sources
    are named by id: a URL may carry a token in its query string, and this is unauthenticated."""
    report: dict = {"index_loaded": kb.index_loaded, "model_loaded": kb.embedder.loaded}
    try:
        with kb.sessions() as session:
            passages = session.scalar(select(func.count(Passage.id))) or 0
            last_success = session.scalar(select(func.max(Source.last_success_at)))
            failing = session.scalars(select(Source.id).where(Source.enabled, Source.failures > 0).order_by(Source.id)).all()
    except SQLAlchemyError as exc:
        report |= {"database": False, "error": str(exc).splitlines()[0][:200]}
        return False, report
    held = kb.vectors_held()
    report |= {
        "database": True,
        "passages": passages,
        "vectors": held,
        # In step once loaded: another process's new passages are taken in within LEDE_INGEST_EVERY.
        "vectors_in_step": None if held is None else held == passages,
        "last_successful_fetch": last_success.isoformat() if last_success else None,
        "failing_sources": list(failing),
    }
    return True, report


# Connections served at once, and seconds a client may take to send its request: 1,500 idle
# connections once held as many threads and made /healthz fail, and orchestrators restarted Lede.
MAX_CONNECTIONS = 16
READ_SECONDS = 5.0
FRESH_SECONDS = 2.0  # a health report is reused this long: a probe storm counts the passages once


class _CappedServer(ThreadingHTTPServer):
    """A threading HTTP server that closes connections beyond MAX_CONNECTIONS at once."""

    daemon_threads = True
    request_queue_size = 128  # accepted at once, then served or closed: not left waiting to connect

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.slots = threading.BoundedSemaphore(MAX_CONNECTIONS)

    def process_request(self, request: Any, client_address: Any) -> None:
        if not self.slots.acquire(blocking=False):
            self.shutdown_request(request)  # busy: the client sees the connection closed
            return
        super().process_request(request, client_address)

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self.slots.release()


def serve_monitoring(kb: KnowledgeBase, port: int, host: str = "127.0.0.1", *,
                     fresh_seconds: float = FRESH_SECONDS) -> ThreadingHTTPServer:
    """Serve /healthz and /metrics on `host`:`port` from a daemon thread; return the server."""
    last: list = [0.0, None]  # when the report was made, and the (healthy, report) it was

    class Handler(BaseHTTPRequestHandler):
        timeout = READ_SECONDS  # a client that sends nothing is dropped

        def log_message(self, *args: Any) -> None:  # a probe every few seconds is not news
            pass

        def do_GET(self) -> None:
            if self.path == "/healthz":
                if last[1] is None or time.monotonic() - last[0] >= fresh_seconds:
                    last[:] = [time.monotonic(), health(kb)]
                healthy, report = last[1]
                report = {**report, "checked_at": datetime.now(UTC).isoformat()}
                self._send(200 if healthy else 503, json.dumps(report).encode(), "application/json")
            elif self.path == "/metrics":
                self._send(200, generate_latest(), CONTENT_TYPE_LATEST)
            else:
                self._send(404, b"not found: try /healthz or /metrics\n", "text/plain")

        def _send(self, status: int, body: bytes, content_type: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = _CappedServer((host, port), Handler)
    threading.Thread(target=server.serve_forever, name="monitoring", daemon=True).start()
    log.info("health and metrics on http://%s:%d/healthz and /metrics", host, server.server_address[1])
    return server
