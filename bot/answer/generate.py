"""The language-model step (not the span reader of bot/reader): optional help from a language model
on any OpenAI-compatible server (Ollama, llama.cpp, vLLM, a hosted API), which sees only the
numbered passages the answer read. Asked for the short answer, it gives one kept only when it
occurs word for word in those passages; as a writer, cited sentences, each kept only when it cites
a source [n] and shares most of its content words with that source's passages. When the server
fails or nothing survives the check, the extractive answer stands alone."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field

import httpx

from index.text import STOPWORDS, holds_words, keywords, numbers, split_sentences, words

log = logging.getLogger(__name__)
SUPPORT = 0.6  # share of a sentence's content words that its cited passages must contain
READER_PROMPT = (
    "Answer the question using only the numbered sources below. Reply with the answer alone, as "
    "it is written in the sources: a name, a number, a date or a few words, no sentence. If the "
    "sources do not contain the answer, reply exactly: NOT FOUND"
)
READER_WORDS = 12  # a longer reply is a sentence, not a short answer
# Replies are capped: a small local model may otherwise run on until its context is full.
READER_TOKENS, WRITER_TOKENS = 32, 200
WRITER_PROMPT = (
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


# Words that turn a claim around: "are not expected to lead" says the opposite of "are expected".
NEGATIONS = frozenset("not no never none neither nor without cannot".split())


def _negated(text: str) -> bool:
    return any(w in NEGATIONS or w.endswith(("n't", "n’t")) for w in words(text))


def _names(sentence: str) -> set[str]:
    """Return the capitalised words of `sentence` that are not stop words, lower-cased: the names
    it states (a capitalised first word counts: "Germany leads it" names Germany)."""
    return {w.lower() for w in re.findall(r"\b[A-ZА-ЯЁІЇЄҐ][\w'’-]*", sentence)} - STOPWORDS


def _supported(sentence: str, cited: list[str]) -> bool:
    """Return True when the `cited` passages support `sentence`: they hold most of its content
    words, every number and name it states, and the sentence nearest it has the same polarity."""
    claim = re.sub(r"\[\d+\]", " ", sentence)
    content = set(keywords(claim))
    if not content or not cited:
        return False
    source = " ".join(cited)
    if len(content & set(keywords(source))) / len(content) < SUPPORT:
        return False
    if not numbers(claim) <= numbers(source) or not _names(claim) <= set(words(source)):
        return False
    nearest = max((s for passage in cited for s in split_sentences(passage)),
                  key=lambda s: len(content & set(keywords(s))))
    return _negated(claim) == _negated(nearest)


# A citation written after its sentence's full stop ("... coalition. [1]"), as models often do.
_CITATION_AFTER_STOP = re.compile(r"([.!?])([\"”’']?)\s*((?:\[\d+\]\s*)+)")


def check_sentences(text: str, passages_by_source: dict[int, list[str]]) -> list[str]:
    """Return the sentences of `text` that cite a known source [n] and are supported by it."""
    text = _CITATION_AFTER_STOP.sub(lambda m: f"{m.group(2)} {m.group(3).strip()}{m.group(1)} ", text)
    kept = []
    for line in text.splitlines():
        for sentence in split_sentences(line.strip()):
            numbers = [int(n) for n in re.findall(r"\[(\d+)\]", sentence)]
            cited = [p for n in numbers for p in passages_by_source.get(n, [])]
            if numbers and _supported(sentence, cited):
                kept.append(sentence)
    return kept


def _ask(config: LLMConfig, system: str, question: str, passages_by_source: dict[int, list[str]], *,
         max_tokens: int) -> str | None:
    """Return the model's reply (at most `max_tokens`) to `question` over the numbered passages;
    None when the server fails or the model says the passages do not hold the answer."""
    sources = "\n\n".join(f"[{n}] " + "\n".join(texts) for n, texts in sorted(passages_by_source.items()))
    user = f"Sources:\n{sources}\n\nQuestion: {question}"
    headers = {"Authorization": f"Bearer {config.api_key}"} if config.api_key else {}
    try:
        response = httpx.post(
            config.base_url.rstrip("/") + "/chat/completions",
            json={"model": config.model, "temperature": 0, "max_tokens": max_tokens,
                  "messages": [{"role": "system", "content": system}, {"role": "user", "content": user}]},
            headers=headers,
            timeout=config.timeout,
        )
        response.raise_for_status()
        reply = str(response.json()["choices"][0]["message"]["content"] or "")
    except (httpx.HTTPError, KeyError, IndexError, TypeError, ValueError) as exc:
        log.warning("the LLM server failed (%s); giving the extractive answer", exc)
        return None
    return None if "NOT FOUND" in reply else reply


def read(config: LLMConfig, question: str, passages_by_source: dict[int, list[str]]) -> str | None:
    """Return the model's short answer to `question` when it occurs in the passages (case and
    punctuation aside); None when the model cannot help or its answer is not in them."""
    reply = _ask(config, READER_PROMPT, question, passages_by_source, max_tokens=READER_TOKENS)
    if not reply:
        return None
    answer = re.sub(r"\s*\[\d+\]", "", reply.strip().splitlines()[0]).strip(" .\"'“”")
    passages = " ".join(t for texts in passages_by_source.values() for t in texts)
    if not answer or len(answer.split()) > READER_WORDS or not holds_words(passages, answer):
        log.debug("the language model's short answer %r not kept", reply)
        return None
    return answer


def generate(config: LLMConfig, question: str, passages_by_source: dict[int, list[str]]) -> list[str]:
    """Return checked, cited sentences answering `question`; [] when the model cannot help."""
    text = _ask(config, WRITER_PROMPT, question, passages_by_source, max_tokens=WRITER_TOKENS)
    if not text:
        return []
    kept = check_sentences(text, passages_by_source)
    log.debug("LLM wrote %r; kept %d sentences", text, len(kept))
    return kept
