"""Run the shipped span reader: int8 ONNX on onnxruntime, its WordPiece tokenizer by `tokenizers`."""

from __future__ import annotations

import hashlib
import logging
import time
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from bot.reader.spans import Span, best_span

log = logging.getLogger(__name__)

# Question and window together, in tokens: what the reader was trained on.
MAX_TOKENS = 128
MODEL_DIR = Path(__file__).with_name("model")
MODEL_FILE, TOKENIZER_FILE = "reader-int8.onnx", "tokenizer.json"
CHECKSUMS = "SHA256SUMS"  # `sha256sum -c` format, the model card quotes it


def checksums(folder: Path = MODEL_DIR) -> dict[str, str]:
    """Return the expected sha256 of each shipped file, by name."""
    lines = (folder / CHECKSUMS).read_text().splitlines()
    return {name.strip().lstrip("*"): digest for digest, name in (line.split(maxsplit=1) for line in lines if line.strip())}


@cache
def shipped_reader(folder: Path = MODEL_DIR) -> SpanReader | None:
    """Return the reader shipped in `folder`; None (logged once) when a file is missing, altered or
    unreadable: answers then come without a bold line, never with an error."""
    try:
        expected = checksums(folder)
        for name in (MODEL_FILE, TOKENIZER_FILE):
            if hashlib.sha256((folder / name).read_bytes()).hexdigest() != expected.get(name):
                raise ValueError(f"{name} does not match its sha256 in {CHECKSUMS}")
        return SpanReader(folder / MODEL_FILE, folder / TOKENIZER_FILE)
    except Exception as exc:  # a damaged install must not stop answers
        log.warning("the span reader in %s cannot be used (%s): answers have no bold line; reinstall Lede "
                    "to restore it", folder, exc)
        return None


def tokenizer_for(path: Path) -> Any:
    """Return the fast tokenizer at `path`, cutting the window (never the question) at MAX_TOKENS."""
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(path))
    tokenizer.enable_truncation(max_length=MAX_TOKENS, strategy="only_second")
    tokenizer.no_padding()
    return tokenizer


class SpanReader:
    """Reads a question with windows of text and returns each window's best answer span."""

    def __init__(self, model: Path, tokenizer: Path, *, threads: int = 1) -> None:
        import onnxruntime

        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        self._session = onnxruntime.InferenceSession(str(model), options, providers=["CPUExecutionProvider"])
        self._tokenizer = tokenizer_for(tokenizer)
        self.windows_read, self.seconds = 0, 0.0  # for `lede bench answer`

    def tokens(self, text: str) -> int:
        """Return how many tokens `text` takes, special tokens aside."""
        return len(self._tokenizer.encode(text, add_special_tokens=False).ids)

    def read(self, question: str, windows: list[str]) -> list[Span | None]:
        """Return the best span of each window (offsets into that window's text), None where none fits.

        One window a run: the int8 model quantises its activations with one scale for the whole
        input, so windows read together in a padded batch changed each other's spans (11% of the
        dev questions' windows) and margins (0.5 logits at the median); alone, each is read the
        same whatever else is read, and without padding (dev windows: 89 tokens on average; the
        reader's time a question 32.6 and 33.3 ms in a batch, 31.2 and 29.8 ms alone).
        """
        started = time.perf_counter()
        spans: list[Span | None] = []
        for e in self._tokenizer.encode_batch([(question, w) for w in windows]):
            feeds = {"input_ids": np.array([e.ids], dtype=np.int64),
                     "attention_mask": np.array([e.attention_mask], dtype=np.int64),
                     "token_type_ids": np.array([e.type_ids], dtype=np.int64)}
            starts, ends = self._session.run(["start_logits", "end_logits"], feeds)
            in_context = [s == 1 for s in e.sequence_ids]
            spans.append(best_span(starts[0], ends[0], e.offsets, in_context))
        self.windows_read += len(windows)
        self.seconds += time.perf_counter() - started
        return spans
