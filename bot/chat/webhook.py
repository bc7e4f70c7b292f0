"""The webhook: Telegram posts each update to LEDE_WEBHOOK_URL. Served here, not by
python-telegram-bot's run_webhook, which reads a whole body before it checks the secret (six
90 MB posts without it once took the bot from 256 to 797 MB): the secret header and the declared
size are checked before a byte of the body is read, a chunked body is counted as it arrives, and
an update goes on the Application's queue as PTB's own server would put it."""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import signal
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from http import HTTPStatus
from typing import Any
from urllib.parse import urlsplit

import tornado.web
from telegram import Update
from tornado.httpserver import HTTPServer

from bot.chat.context import LedeApplication
from bot.settings import Settings

log = logging.getLogger(__name__)

MAX_BODY = 2**20  # an update is a few kilobytes; Telegram's largest are far below this
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
BODY_SECONDS = 10.0  # a body trickled in slower than this is dropped


@tornado.web.stream_request_body
class _Updates(tornado.web.RequestHandler):
    """POSTed updates: refused before their body is read unless they carry the secret and a size
    within MAX_BODY."""

    def initialize(self, app: LedeApplication, secret: str) -> None:
        self.app, self.secret, self.received = app, secret, bytearray()

    def prepare(self) -> None:
        if self.request.method != "POST":
            raise tornado.web.HTTPError(HTTPStatus.METHOD_NOT_ALLOWED)
        given = self.request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), self.secret.encode()):
            raise tornado.web.HTTPError(HTTPStatus.FORBIDDEN)
        declared = self.request.headers.get("Content-Length")
        if declared is not None and (not declared.isdigit() or int(declared) > MAX_BODY):
            raise tornado.web.HTTPError(HTTPStatus.REQUEST_ENTITY_TOO_LARGE)

    def data_received(self, chunk: bytes) -> None:
        self.received += chunk
        if len(self.received) > MAX_BODY:  # a chunked body, counted as it arrives
            raise tornado.web.HTTPError(HTTPStatus.REQUEST_ENTITY_TOO_LARGE)

    async def post(self) -> None:
        try:
            update = Update.de_json(json.loads(self.received), self.app.bot)
        except (ValueError, TypeError, KeyError) as exc:
            log.warning("the webhook got a body that is no update: %s", exc)
            raise tornado.web.HTTPError(HTTPStatus.BAD_REQUEST) from exc
        await self.app.update_queue.put(update)

    def log_exception(self, *args: Any) -> None:  # a refusal is not an error of Lede's
        pass


def updates_server(app: LedeApplication, *, secret: str, path: str, listen: str, port: int) -> HTTPServer:
    """Start serving POSTed updates at `path` on `listen`:`port`; return the server."""
    web = tornado.web.Application([(path, _Updates, {"app": app, "secret": secret})], log_function=lambda _: None)
    server = HTTPServer(web, max_body_size=MAX_BODY, body_timeout=BODY_SECONDS, idle_connection_timeout=60)
    server.listen(port, address=listen)
    return server


@asynccontextmanager
async def serving_webhook(app: LedeApplication, settings: Settings) -> AsyncIterator[HTTPServer]:
    """Run `app` on a webhook: set it at Telegram, serve it, and take it down on leaving."""
    url, secret = settings.webhook()
    path = "/" + urlsplit(url).path.strip("/")  # where Telegram posts, on our server
    await app.initialize()
    try:
        if app.post_init is not None:
            await app.post_init(app)
        await app.bot.set_webhook(url, secret_token=secret, allowed_updates=Update.ALL_TYPES)
        server = updates_server(app, secret=secret, path=path, listen=settings.webhook_listen,
                                port=settings.webhook_port)
        await app.start()
        try:
            yield server
        finally:
            server.stop()
            await app.stop()
    finally:
        await app.shutdown()
        if app.post_shutdown is not None:
            await app.post_shutdown(app)


def run_webhook(app: LedeApplication, settings: Settings) -> None:
    """Serve the webhook until SIGINT or SIGTERM."""

    async def serve() -> None:
        stop = asyncio.Event()
        for signum in (signal.SIGINT, signal.SIGTERM):
            asyncio.get_running_loop().add_signal_handler(signum, stop.set)
        async with serving_webhook(app, settings):
            log.info("webhook at %s", settings.webhook_url)
            await stop.wait()

    asyncio.run(serve())
