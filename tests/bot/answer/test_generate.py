"""Generative answers against a small OpenAI-compatible server on loopback."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from bot.answer import answer_question
from bot.answer.generate import LLMConfig, check_sentences, generate
from ingest.local import ingest_paths
from tests.conftest import SAMPLES

PASSAGES = {1: ["Britain and France are expected to lead the coalition of the willing."],
            2: ["Zakharova named the two countries as its likely leaders."]}


class FakeLLM:
    """Answers /chat/completions with `reply`, or with `status`; records the prompts."""

    def __init__(self) -> None:
        self.reply = ""
        self.status = 200
        self.prompts: list[dict] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                fake.prompts.append(body)
                payload = json.dumps({"id": "x", "object": "chat.completion", "model": body["model"],
                                      "choices": [{"index": 0, "finish_reason": "stop",
                                                   "message": {"role": "assistant", "content": fake.reply}}]})
                self.send_response(fake.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload.encode())

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/v1"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def llm():
    server = FakeLLM()
    yield server
    server.close()


def test_unsupported_and_uncited_sentences_are_dropped() -> None:
    text = ("Britain and France are expected to lead the coalition [1]. "
            "Germany will send ten thousand soldiers next week [1]. "
            "The coalition is popular. Zakharova named the two countries as leaders [2].")
    assert check_sentences(text, PASSAGES) == [
        "Britain and France are expected to lead the coalition [1].",
        "Zakharova named the two countries as leaders [2].",
    ]


def test_generate_sends_only_the_sources_and_keeps_checked_sentences(llm) -> None:
    llm.reply = "Britain and France lead the coalition [1]. Spain leads it [3]."
    sentences = generate(LLMConfig(llm.url, "tiny"), "Who leads the coalition?", PASSAGES)
    assert sentences == ["Britain and France lead the coalition [1]."]
    prompt = llm.prompts[0]["messages"][1]["content"]
    assert "[1] Britain and France" in prompt and "Question: Who leads the coalition?" in prompt


@pytest.mark.parametrize("status, reply", [(500, "oops"), (200, "NOT FOUND")])
def test_failure_or_refusal_gives_nothing(llm, status, reply) -> None:
    llm.status, llm.reply = status, reply
    assert generate(LLMConfig(llm.url, "tiny"), "Who leads the coalition?", PASSAGES) == []


def test_server_down_gives_nothing() -> None:
    assert generate(LLMConfig("http://127.0.0.1:9/v1", "tiny", timeout=2), "q", PASSAGES) == []


@pytest.mark.slow
def test_answer_carries_written_sentences_and_falls_back_when_the_server_fails(settings, model, llm) -> None:
    from index.knowledge import KnowledgeBase

    kb = KnowledgeBase(settings.model_copy(update={"llm_base_url": llm.url, "llm_model": "tiny"}), embedder=model)
    ingest_paths(kb, [SAMPLES], progress=False)
    llm.reply = "Britain and France are expected to lead the coalition [1]."
    answer = answer_question(kb, "Who leads the coalition?")
    assert answer.written == ["Britain and France are expected to lead the coalition [1]."]
    llm.status = 503
    fallback = answer_question(kb, "Who leads the coalition?")
    assert fallback.written == [] and fallback.direct == "Britain and France" and fallback.quotes
