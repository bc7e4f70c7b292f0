"""Optional generative answers from any OpenAI-compatible server (Ollama, llama.cpp, vLLM, a
hosted API). The model sees only the retrieved passages; every sentence it writes must cite one
[n] and share most of its content words with that source's passages, or it is dropped. When the
server fails or nothing survives the check, the extractive answer stands alone."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field

import httpx

from index.text import keywords, split_sentences

log = logging.getLogger(__name__)
SUPPORT = 0.6  # share of a sentence's content words that its cited passages must contain
PROMPT = (
    "You answer questions about the news using only the numbered sources below. Write at most "
    "three short sentences. End every sentence with the number of the source it comes from, like "
    "[1]. If the sources do not contain the answer, reply exactly: NOT FOUND"
)


@dataclass(frozen=True)
class LLMConfig:
    base_url: str
    model: str
    api_key: str | None = field(default=None, repr=False)
    timeout: float = 20.0


def _supported(sentence: str, cited: list[str]) -> bool:
    words = set(keywords(re.sub(r"\[\d+\]", " ", sentence)))
    if not words or not cited:
        return False
    source_words = set(keywords(" ".join(cited)))
    return len(words & source_words) / len(words) >= SUPPORT


def check_sentences(text: str, passages_by_source: dict[int, list[str]]) -> list[str]:
    """Return the sentences of `text` that cite a known source [n] and are supported by it."""
    kept = []
    for line in text.splitlines():
        for sentence in split_sentences(line.strip()):
            numbers = [int(n) for n in re.findall(r"\[(\d+)\]", sentence)]
            cited = [p for n in numbers for p in passages_by_source.get(n, [])]
            if numbers and _supported(sentence, cited):
                kept.append(sentence)
    return kept


def generate(config: LLMConfig, question: str, passages_by_source: dict[int, list[str]]) -> list[str]:
    """Return checked, cited sentences answering `question`; [] when the model cannot help."""
    sources = "\n\n".join(
        f"[{number}] " + "\n".join(texts) for number, texts in sorted(passages_by_source.items())
    )
    headers = {"Authorization": f"Bearer {config.api_key}"} if config.api_key else {}
    try:
        response = httpx.post(
            config.base_url.rstrip("/") + "/chat/completions",
            json={
                "model": config.model,
                "temperature": 0,
                "messages": [
                    {"role": "system", "content": PROMPT},
                    {"role": "user", "content": f"Sources:\n{sources}\n\nQuestion: {question}"},
                ],
            },
            headers=headers,
            timeout=config.timeout,
        )
        response.raise_for_status()
        text = response.json()["choices"][0]["message"]["content"] or ""
    except (httpx.HTTPError, KeyError, IndexError, TypeError, ValueError) as exc:
        log.warning("the LLM server failed (%s); giving the extractive answer", exc)
        return []
    if "NOT FOUND" in text:
        return []
    kept = check_sentences(text, passages_by_source)
    log.debug("LLM wrote %r; kept %d sentences", text, len(kept))
    return kept
