"""A real HTTP server on loopback for ingest tests: routes tests register, plus the hostile cases
(slow trickle, huge body, gzip bomb, endless redirects). It records every request it receives."""

from __future__ import annotations

import contextlib
import gzip
import sys
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit


@dataclass
class Route:
    body: bytes
    content_type: str = "text/html; charset=utf-8"
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    etag: str | None = None
    delay: float = 0.0  # seconds to wait before answering


class _Server(ThreadingHTTPServer):
    def handle_error(self, request, client_address) -> None:
        if isinstance(sys.exc_info()[1], ConnectionError):
            return  # the client gave up on a slow or endless reply, as the hostile tests make it do
        super().handle_error(request, client_address)


class WebServer:
    """Serves on host:port in a thread; `url(path)` gives addresses, `requests` what came in."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args) -> None:  # keep test output clean
                pass

            def do_GET(self) -> None:
                server.requests.append((self.path, dict(self.headers)))
                path = urlsplit(self.path).path
                special = getattr(server, "_serve_" + path.strip("/").replace("-", "_"), None)
                if special:
                    return special(self)
                route = server.routes.get(path)
                if route is None:
                    return self._send(404, b"not found", "text/plain")
                if route.etag and self.headers.get("If-None-Match") == route.etag:
                    self.send_response(304)
                    self.send_header("ETag", route.etag)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                time.sleep(route.delay)
                headers = dict(route.headers)
                if route.etag:
                    headers["ETag"] = route.etag
                self._send(route.status, route.body, route.content_type, headers)

            do_POST = do_GET  # a Bot API call (getMe) is a POST; the routes answer it alike
            def _send(self, status, body, content_type, headers=None) -> None:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                for key, value in (headers or {}).items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(body)

        self.httpd = _Server((host, 0), Handler)
        self.httpd.daemon_threads = True
        self.host, self.port = host, self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
        self.thread.start()

    def url(self, path: str) -> str:
        return f"http://{self.host}:{self.port}{path}"

    def route(self, path: str, body: bytes | str, **kwargs) -> str:
        """Serve `body` at `path`; return its URL."""
        self.routes[path] = Route(body.encode() if isinstance(body, str) else body, **kwargs)
        return self.url(path)

    def hits(self, path: str) -> int:
        return sum(1 for p, _ in self.requests if urlsplit(p).path == path)

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    # The hostile cases.
    def _serve_slow(self, handler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "application/rss+xml")
        handler.send_header("Content-Length", "100000")
        handler.end_headers()
        try:
            for _ in range(600):  # one byte a second: each read succeeds, the whole never ends
                handler.wfile.write(b" ")
                handler.wfile.flush()
                time.sleep(1)
        except OSError:
            pass

    def _serve_huge(self, handler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html")
        handler.send_header("Transfer-Encoding", "chunked")  # no length to refuse up front
        handler.end_headers()
        chunk = b"x" * 65536
        try:
            for _ in range(50 * 16):  # 50 MB
                handler.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            handler.wfile.write(b"0\r\n\r\n")
        except OSError:
            pass

    def _serve_huge_declared(self, handler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html")
        handler.send_header("Content-Length", str(50 * 1024 * 1024))
        handler.end_headers()
        with contextlib.suppress(OSError):
            handler.wfile.write(b"x" * 65536)

    _bomb: bytes | None = None

    def _serve_gzip_bomb(self, handler) -> None:
        if WebServer._bomb is None:
            WebServer._bomb = gzip.compress(b"\0" * (200 * 1024 * 1024), compresslevel=9)
        handler.send_response(200)
        handler.send_header("Content-Type", "application/rss+xml")
        handler.send_header("Content-Encoding", "gzip")
        handler.send_header("Content-Length", str(len(WebServer._bomb)))
        handler.end_headers()
        with contextlib.suppress(OSError):
            handler.wfile.write(WebServer._bomb)

    def _serve_loop(self, handler) -> None:
        handler.send_response(302)
        handler.send_header("Location", "/loop?again")
        handler.send_header("Content-Length", "0")
        handler.end_headers()
