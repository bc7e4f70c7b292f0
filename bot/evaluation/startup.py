"""`lede bench start`: how long `lede bot` takes from its start to its first poll for updates,
against a minimal Bot API on loopback that answers every method and records the first poll."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

BOT_USER = '{"id": 1, "is_bot": true, "first_name": "Lede", "username": "lede_bench_bot"}'


def bench_start(data_dir: Path, *, runs: int = 3) -> dict:
    """Start `lede bot --no-ingest` `runs` times; return the start-to-first-poll seconds."""
    polled = threading.Event()

    class BotAPI(BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            method = self.path.rsplit("/", 1)[-1]
            result: object = True
            if method == "getMe":
                result = json.loads(BOT_USER)
            elif method == "getUpdates":
                polled.set()
                time.sleep(0.2)  # a long poll with nothing new
                result = []
            body = json.dumps({"ok": True, "result": result}).encode()
            with contextlib.suppress(OSError):  # the bot stopped while this poll was open
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), BotAPI)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    env = {**os.environ, "LEDE_DATA_DIR": str(data_dir), "TELEGRAM_TOKEN": "1:bench",
           "LEDE_TELEGRAM_API_URL": f"http://127.0.0.1:{server.server_address[1]}/bot"}
    lede = Path(sys.executable).parent / "lede"
    timings = []
    try:
        for _ in range(runs):
            polled.clear()
            started = time.monotonic()
            process = subprocess.Popen([str(lede), "bot", "--no-ingest"], env=env,
                                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            try:
                if not polled.wait(60):
                    raise RuntimeError("lede bot did not poll within 60 s")
                timings.append(time.monotonic() - started)
            finally:
                process.send_signal(signal.SIGINT)
                process.wait(60)
    finally:
        server.shutdown()
    timings.sort()
    return {"runs": runs, "first_poll_s_median": round(timings[len(timings) // 2], 2),
            "first_poll_s_max": round(timings[-1], 2)}
