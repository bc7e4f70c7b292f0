"""An OpenAI-compatible server on loopback, standing in for a language model."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from bot.answer.generate import READER_PROMPT


class FakeLLM:
    """Answers /chat/completions with `reply` (asked to write sentences) or `short_reply` (asked
    for the short answer alone), or with `status`; records the prompts."""

    def __init__(self) -> None:
        self.reply = ""
        self.short_reply = "NOT FOUND"
        self.status = 200
        self.prompts: list[dict] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                fake.prompts.append(body)
                reader = body["messages"][0]["content"] == READER_PROMPT
                content = fake.short_reply if reader else fake.reply
                payload = json.dumps({"id": "x", "object": "chat.completion", "model": body["model"],
                                      "choices": [{"index": 0, "finish_reason": "stop",
                                                   "message": {"role": "assistant", "content": content}}]})
                self.send_response(fake.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload.encode())

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/v1"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
