"""SQuAD as the span reader's training examples: each question becomes the window its answer
sentence lies in, with 0 or 1 neighbouring sentence on each side (as answering reads a passage),
and about one question in two also a window of its paragraph or article that does not hold the
answer, labelled "no answer" ([CLS], SQuAD 2.0 style). Every HOLD_OUT-th article is held out."""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.reader.windows import NEIGHBOURS, Sentence, sentences, window

# Held-out validation: every HOLD_OUT-th SQuAD train article (by its place in the file).
HOLD_OUT = 20
NEGATIVE_SHARE = 0.5  # "no answer" windows per question
BATCH = 32


@dataclass(frozen=True)
class Example:
    """One window to learn from: token ids and the answer's first and last token (0, 0: none)."""

    ids: list[int]
    types: list[int]
    start: int
    end: int


@dataclass(frozen=True)
class Question:
    """A question to score: its paragraph, as answering reads it, and its gold answers."""

    question: str
    paragraph: str
    answers: list[str]


def load_articles(path: Path) -> list[dict[str, Any]]:
    """Return the articles of a SQuAD v1.1 file."""
    return list(json.loads(path.read_text(encoding="utf-8"))["data"])


def split_train(articles: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Return (training articles, held-out validation articles)."""
    held = [a for i, a in enumerate(articles) if i % HOLD_OUT == HOLD_OUT - 1]
    kept = [a for i, a in enumerate(articles) if i % HOLD_OUT != HOLD_OUT - 1]
    return kept, held


def questions_of(articles: list[dict[str, Any]]) -> list[Question]:
    """Return every question of `articles` with its paragraph and gold answers."""
    return [
        Question(qa["question"], paragraph["context"], [a["text"] for a in qa["answers"]])
        for article in articles
        for paragraph in article["paragraphs"]
        for qa in paragraph["qas"]
    ]


def _labelled(tokenizer: Any, question: str, text: str, answer: tuple[int, int] | None) -> Example | None:
    """Return the window as an example; None when the answer was cut off by the token limit."""
    encoding = tokenizer.encode(question, text)
    if answer is None:
        return Example(encoding.ids, encoding.type_ids, 0, 0)
    first = last = None
    for position, (sequence, (start, end)) in enumerate(zip(encoding.sequence_ids, encoding.offsets, strict=True)):
        if sequence != 1 or end <= start:
            continue
        if first is None and end > answer[0]:
            first = position
        if start < answer[1]:
            last = position
    if first is None or last is None or last < first or encoding.offsets[last][1] < answer[1]:
        return None
    return Example(encoding.ids, encoding.type_ids, first, last)


def _holding(said: list[Sentence], start: int, end: int) -> tuple[int, int]:
    """Return the first and last sentence the character range [start, end) touches."""
    touched = [i for i, s in enumerate(said) if s.start < end and start < s.end]
    return touched[0], touched[-1]


def build_examples(articles: list[dict[str, Any]], tokenizer: Any, rng: random.Random) -> list[Example]:
    """Return the training windows of `articles`: answer windows and "no answer" windows."""
    examples: list[Example] = []
    for article in articles:
        paragraphs = [(p, sentences(p["context"])) for p in article["paragraphs"]]
        for paragraph, said in paragraphs:
            context = paragraph["context"]
            if not said:
                continue
            for qa in paragraph["qas"]:
                gold = qa["answers"][0]
                start = gold["answer_start"]
                end = start + len(gold["text"])
                first, last = _holding(said, start, end)
                lo, hi = window(said, first - rng.randint(0, NEIGHBOURS), last + rng.randint(0, NEIGHBOURS))
                example = _labelled(tokenizer, qa["question"], context[lo:hi], (start - lo, end - lo))
                if example is not None:
                    examples.append(example)
                if rng.random() < NEGATIVE_SHARE:
                    negative = _negative(qa, paragraphs, (context, said), (first, last), rng)
                    if negative is not None:
                        examples.append(_labelled(tokenizer, qa["question"], negative, None))  # type: ignore[arg-type]
    return examples


def _negative(qa: dict[str, Any], paragraphs: list[tuple[dict[str, Any], list[Sentence]]],
              own: tuple[str, list[Sentence]], answer: tuple[int, int], rng: random.Random) -> str | None:
    """Return a window of the same paragraph (or, half the time, article) without the answer."""
    answers = {a["text"].lower() for a in qa["answers"]}
    if rng.random() < 0.5 and len(paragraphs) > 1:
        other_paragraph, said = rng.choice(paragraphs)
        context = other_paragraph["context"]
        candidates = list(range(len(said)))
    else:
        context, said = own
        candidates = [i for i in range(len(said)) if i < answer[0] - NEIGHBOURS or i > answer[1] + NEIGHBOURS]
    if not candidates:
        return None
    middle = rng.choice(candidates)
    lo, hi = window(said, middle - rng.randint(0, NEIGHBOURS), middle + rng.randint(0, NEIGHBOURS))
    text = context[lo:hi]
    if any(a in text.lower() for a in answers):
        return None
    return text


def batches(examples: list[Example], rng: random.Random) -> list[list[Example]]:
    """Return shuffled batches of similar length (sorted within pools of 50 batches)."""
    order = examples[:]
    rng.shuffle(order)
    pool = BATCH * 50
    grouped: list[list[Example]] = []
    for i in range(0, len(order), pool):
        chunk = sorted(order[i : i + pool], key=lambda e: len(e.ids))
        grouped.extend(chunk[j : j + BATCH] for j in range(0, len(chunk), BATCH))
    rng.shuffle(grouped)
    return grouped


def tensors(batch: list[Example]) -> dict[str, Any]:
    import torch

    width = max(len(e.ids) for e in batch)
    ids = torch.zeros((len(batch), width), dtype=torch.long)
    types = torch.zeros_like(ids)
    mask = torch.zeros_like(ids)
    for row, example in enumerate(batch):
        ids[row, : len(example.ids)] = torch.tensor(example.ids)
        types[row, : len(example.types)] = torch.tensor(example.types)
        mask[row, : len(example.ids)] = 1
    return {
        "input_ids": ids, "token_type_ids": types, "attention_mask": mask,
        "start_positions": torch.tensor([e.start for e in batch]),
        "end_positions": torch.tensor([e.end for e in batch]),
    }
