"""Webhook mode: Telegram posts updates to the bot; only requests with the secret are taken."""

import asyncio
import socket

import pytest

from bot.chat.app import build_application
from bot.chat.webhook import serving_webhook
from index.knowledge import KnowledgeBase
from ingest.local import ingest_paths
from tests.bot.chat.conftest import READER
from tests.conftest import SAMPLES
from tests.fakes.botapi import BotAPI

pytestmark = pytest.mark.slow
SECRET = "s3cret-token"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def test_webhook_takes_updates_with_the_secret_and_answers_a_repeat_once(bot_settings, model) -> None:
    api = BotAPI()
    settings = bot_settings(api)
    kb = KnowledgeBase.connect(settings, embedder=model)
    await asyncio.to_thread(ingest_paths, kb, [SAMPLES], progress=False)
    port = _free_port()
    settings = bot_settings(api, webhook_url=f"http://127.0.0.1:{port}/hook", webhook_secret=SECRET,
                            webhook_listen="127.0.0.1", webhook_port=port)
    app = build_application(settings, kb, run_ingest=False)
    try:
        async with serving_webhook(app, settings):
            assert api.webhook == {"url": f"http://127.0.0.1:{port}/hook", "secret": SECRET}
            chat = api.private_chat(READER)
            update = {"message": api.message(chat, READER, "Who leads the coalition?")}
            assert await asyncio.to_thread(api.push_webhook, update, secret=None) == 403
            assert await asyncio.to_thread(api.push_webhook, update, secret="wrong") == 403
            repeated = {**update, "update_id": 99}
            for _ in range(2):  # Telegram retries a webhook it thinks failed: the same update again
                status = await asyncio.to_thread(api.post_update, api.webhook["url"], repeated, SECRET)
                assert status == 200
            [call] = await asyncio.to_thread(api.wait_for, "sendMessage", chat_id=chat["id"])
            assert call.result["text"].startswith("“Britain and France are expected to lead the coalition.”")
            await asyncio.sleep(0.5)
            assert len(api.sent("sendMessage", chat_id=chat["id"])) == 1
            # While the webhook is set, long polling is refused, as Telegram does.
            assert api.call("getUpdates", {})[0] == 409
    finally:
        api.close()


def _rss_mb() -> float:
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmRSS")) / 1024


def _post_huge(port: int, *, secret: str | None, chunked: bool, megabytes: int = 90) -> str:
    """POST `megabytes` of zeros a megabyte at a time, as a client that never stops would; return
    the status line the server answered with (it may close the connection without reading on)."""
    head = ["POST /hook HTTP/1.1", f"Host: 127.0.0.1:{port}", "Content-Type: application/json"]
    head += [f"X-Telegram-Bot-Api-Secret-Token: {secret}"] if secret else []
    head += ["Transfer-Encoding: chunked"] if chunked else [f"Content-Length: {megabytes * 2**20}"]
    block = b"0" * 2**20
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(("\r\n".join(head) + "\r\n\r\n").encode())
        try:
            for _ in range(megabytes):
                sock.sendall(b"100000\r\n" + block + b"\r\n" if chunked else block)
        except OSError:
            pass  # the server stopped reading and closed: what it should do
        try:
            return sock.recv(200).decode(errors="replace").split("\r\n")[0]
        except OSError:
            return "closed"


async def test_huge_posts_are_refused_before_their_body_is_read(bot_settings, model) -> None:
    api = BotAPI()
    port = _free_port()
    settings = bot_settings(api, webhook_url=f"http://127.0.0.1:{port}/hook", webhook_secret=SECRET,
                            webhook_listen="127.0.0.1", webhook_port=port)
    app = build_application(settings, KnowledgeBase.connect(settings, embedder=model), run_ingest=False)
    try:
        async with serving_webhook(app, settings):
            idle = _rss_mb()
            answers = []
            for secret, chunked in [(None, False), (None, True), ("wrong", False), (SECRET, False), (SECRET, True),
                                    (None, False)]:
                answers.append(await asyncio.to_thread(_post_huge, port, secret=secret, chunked=chunked))
            grown = _rss_mb() - idle
            print(f"RSS idle {idle:.0f} MB, after six 90 MB posts {idle + grown:.0f} MB; answers {answers}")
            assert grown < 50
            assert all(a.split()[1:2] in (["403"], ["413"], ["400"]) or a == "closed" for a in answers), answers
            assert answers[0].split()[1] == "403" and answers[3].split()[1] in ("413", "400")
    finally:
        api.close()
