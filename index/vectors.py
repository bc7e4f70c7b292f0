"""The FAISS index of passage vectors, keyed by passage id and saved atomically.

Inner product over normalised vectors is cosine similarity. The index is a cache of the
`passages.embedding` column: whatever it lacks or holds in excess is fixed from the database.
Small collections are searched exactly (flat); a large one is compressed (IVF-SQ8): 8 bits per
dimension, a quarter of the memory, in clusters of which a search reads the nearest few.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import math
import os
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path

import faiss
import numpy as np

from index.errors import ConfigError

log = logging.getLogger(__name__)

# Measured on the news eval's 70k passages against exact search: 2·sqrt(n) clusters with 64 read
# keep 98% of the exact top 50 (8-bit rounding costs the rest) in under a millisecond.
PROBES = 64
TRAINING_PER_CLUSTER = 50  # k-means wants at least 39 points per cluster
KINDS = (faiss.IndexIDMap2, faiss.IndexIVFScalarQuantizer)  # exact, compressed


class VectorIndex:
    """Passage vectors in memory, with load and atomic save to one file."""

    def __init__(self, path: Path, dim: int) -> None:
        self.path = path
        self.dim = dim
        self._lock = threading.RLock()
        self._index = self._empty()
        self._file_seen: tuple[int, int, int] | None = None  # the file as this process last read or wrote it

    def _empty(self) -> faiss.IndexIDMap2:
        return faiss.IndexIDMap2(faiss.IndexFlatIP(self.dim))

    def load(self) -> bool:
        """Read the file into memory; return False (and start empty) when it is missing or unusable."""
        leftover = self._temp_path()
        if leftover.exists():  # a save that was killed half-way; the real file is intact
            leftover.unlink()
        if self.path.is_dir():
            raise ConfigError(f"{self.path} is a folder where the FAISS index file belongs: move it away.")
        if not self.path.exists():
            return False
        try:
            index = faiss.read_index(str(self.path))
        except RuntimeError as exc:
            log.warning("FAISS file %s is unreadable (%s); it will be rebuilt", self.path, exc)
            return False
        if index.d != self.dim or not isinstance(index, KINDS):
            log.warning("FAISS file %s does not fit the model (dim %d); rebuilding", self.path, index.d)
            return False
        with self._lock:
            self._index = index
        self._file_seen = self._file_state()
        return True

    def _file_state(self) -> tuple[int, int, int] | None:
        try:
            stat = self.path.stat()
        except FileNotFoundError:
            return None
        return stat.st_ino, stat.st_mtime_ns, stat.st_size

    def written_by_another(self) -> bool:
        """Return True when another process saved the file since this one last read or wrote it."""
        return self._file_state() != self._file_seen

    @contextlib.contextmanager
    def exclusive(self) -> Iterator[None]:
        """Hold the index file's lock (a `.lock` file beside it) against other processes."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.path.with_name(self.path.name + ".lock"), "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            yield

    def save(self) -> None:
        """Write the index so that a crash at any moment leaves the old or the new file whole."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temp = self._temp_path()
        try:
            # Through Python's file: FAISS's own writer only prints a failed write (a full disk)
            # and carries on, and the truncated file would then replace the good one.
            with open(temp, "wb") as file:
                with self._lock:
                    faiss.write_index(self._index, faiss.PyCallbackIOWriter(file.write))
                file.flush()
                os.fsync(file.fileno())
        except OSError:
            temp.unlink(missing_ok=True)
            raise
        os.replace(temp, self.path)
        self._file_seen = self._file_state()
        folder = os.open(self.path.parent, os.O_RDONLY)
        try:
            os.fsync(folder)
        finally:
            os.close(folder)

    def _temp_path(self) -> Path:
        return self.path.with_name(self.path.name + ".tmp")

    def __len__(self) -> int:
        return int(self._index.ntotal)

    def ids(self) -> np.ndarray:
        """Return the passage ids held, as int64."""
        with self._lock:
            return _held_ids(self._index)

    @property
    def compressed(self) -> bool:
        return isinstance(self._index, faiss.IndexIVF)

    @staticmethod
    def training_size(expected: int) -> int:
        """Return how many sample vectors `compress` wants for an index of `expected` vectors."""
        return _clusters(expected) * TRAINING_PER_CLUSTER

    def compress(self, sample: np.ndarray, *, expected: int) -> None:
        """Drop every vector and continue as a compressed index, trained on `sample` (vectors like
        those to come) for about `expected` vectors; the caller adds them again."""
        clusters = min(_clusters(expected), len(sample))  # k-means needs a point per cluster
        index = faiss.index_factory(self.dim, f"IVF{clusters},SQ8", faiss.METRIC_INNER_PRODUCT)
        faiss.extract_index_ivf(index).cp.spherical = True  # cluster by cosine, like the search
        index.train(np.ascontiguousarray(sample, dtype=np.float32))
        index.nprobe = PROBES
        with self._lock:
            self._index = index

    def add(self, ids: np.ndarray, vectors: np.ndarray) -> None:
        """Add vectors under passage ids; ids already present are replaced, never duplicated."""
        ids = np.asarray(ids, dtype=np.int64)
        if len(ids) == 0:
            return
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        with self._lock:
            # FAISS accepts a duplicate id silently and would then return it twice.
            self._index.remove_ids(faiss.IDSelectorBatch(ids))
            self._index.add_with_ids(vectors, ids)

    def remove(self, ids: np.ndarray) -> int:
        """Remove passage ids; return how many were present."""
        ids = np.asarray(ids, dtype=np.int64)
        if len(ids) == 0:
            return 0
        with self._lock:
            return int(self._index.remove_ids(faiss.IDSelectorBatch(ids)))

    def clear(self) -> None:
        """Drop every vector."""
        with self._lock:
            self._index = self._empty()

    def search(
        self, vector: np.ndarray, k: int, *, only: np.ndarray | None = None
    ) -> list[tuple[int, float]]:
        """Return up to k (passage id, cosine) pairs, best first, optionally only among `only` ids."""
        query = np.ascontiguousarray(vector, dtype=np.float32).reshape(1, -1)
        params = None
        if only is not None:
            if len(only) == 0:
                return []
            selector = faiss.IDSelectorBatch(np.asarray(only, dtype=np.int64))
            if self.compressed:
                # The passages allowed may lie in any cluster: read them all (only those are scored).
                params = faiss.SearchParametersIVF(sel=selector, nprobe=self._index.nlist)
            else:
                params = faiss.SearchParameters(sel=selector)
        with self._lock:
            k = min(k, int(self._index.ntotal))
            if k <= 0:
                return []
            scores, ids = self._index.search(query, k, params=params)
        return best_first((int(i), float(s)) for i, s in zip(ids[0], scores[0], strict=False) if i >= 0)


def best_first(found: Iterable[tuple[int, float]]) -> list[tuple[int, float]]:
    """Return (passage id, cosine) pairs best first, equal scores (copies of one passage, or
    scores apart only by rounding) by id: whichever store searched, the same order."""
    return sorted(found, key=lambda pair: (-round(pair[1], 5), pair[0]))


def stored_vector(blob: bytes | None) -> np.ndarray:
    """Return the float32 vector stored as `blob` in a passage row."""
    if blob is None:
        raise ValueError("this passage has no stored vector yet")
    return np.frombuffer(blob, dtype=np.float32)


def _clusters(expected: int) -> int:
    return max(1, int(2 * math.sqrt(expected)))


def _held_ids(index: faiss.Index) -> np.ndarray:
    if isinstance(index, faiss.IndexIVF):
        lists = index.invlists
        parts = [
            faiss.rev_swig_ptr(lists.get_ids(i), lists.list_size(i)).copy()
            for i in range(index.nlist)
            if lists.list_size(i)
        ]
        return np.concatenate(parts).astype(np.int64) if parts else np.zeros(0, dtype=np.int64)
    return faiss.vector_to_array(index.id_map).astype(np.int64)
