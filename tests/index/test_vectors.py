from pathlib import Path

import numpy as np
import pytest

from index.errors import ConfigError
from index.vectors import VectorIndex


def _unit(i: int, dim: int = 8) -> np.ndarray:
    vector = np.zeros((1, dim), dtype=np.float32)
    vector[0, i] = 1.0
    return vector


def test_adding_an_existing_id_replaces_it_instead_of_duplicating(tmp_path: Path) -> None:
    index = VectorIndex(tmp_path / "v.faiss", 8)
    index.add(np.array([1, 2]), np.vstack([_unit(0), _unit(1)]))
    index.add(np.array([1]), _unit(2))
    assert len(index) == 2
    assert index.search(_unit(2)[0], 5)[0] == (1, 1.0)
    assert [pid for pid, _ in index.search(_unit(0)[0], 5)].count(1) == 1


def test_search_can_be_limited_to_some_ids(tmp_path: Path) -> None:
    index = VectorIndex(tmp_path / "v.faiss", 8)
    index.add(np.array([10, 11, 12]), np.vstack([_unit(0), _unit(1), _unit(2)]))
    assert {pid for pid, _ in index.search(_unit(0)[0], 3, only=np.array([11, 12]))} == {11, 12}
    assert index.search(_unit(0)[0], 3, only=np.array([], dtype=np.int64)) == []


def test_save_and_load_round_trip_and_leave_no_temp_file(tmp_path: Path) -> None:
    path = tmp_path / "v.faiss"
    index = VectorIndex(path, 8)
    index.add(np.array([3, 4]), np.vstack([_unit(3), _unit(4)]))
    index.save()
    assert not list(tmp_path.glob("*.tmp"))
    loaded = VectorIndex(path, 8)
    assert loaded.load()
    assert sorted(loaded.ids().tolist()) == [3, 4]


def test_a_half_written_save_leaves_the_old_index_loadable(tmp_path: Path) -> None:
    path = tmp_path / "v.faiss"
    index = VectorIndex(path, 8)
    index.add(np.array([1]), _unit(1))
    index.save()
    # What a process killed during its next save leaves behind: a truncated temp file.
    (tmp_path / "v.faiss.tmp").write_bytes(path.read_bytes()[:20])
    loaded = VectorIndex(path, 8)
    assert loaded.load() and loaded.ids().tolist() == [1]
    assert not (tmp_path / "v.faiss.tmp").exists()


def test_a_corrupt_or_foreign_file_is_not_trusted(tmp_path: Path) -> None:
    path = tmp_path / "v.faiss"
    path.write_bytes(b"not an index at all")
    assert not VectorIndex(path, 8).load()
    other = VectorIndex(path, 4)
    other.add(np.array([1]), np.ones((1, 4), dtype=np.float32) / 2)
    other.save()
    assert not VectorIndex(path, 8).load()  # another model's dimension


def test_a_compressed_index_keeps_ids_unique_filters_and_survives_a_reload(tmp_path: Path) -> None:
    rng = np.random.default_rng(1)
    centres = rng.standard_normal((8, 32)).astype(np.float32)
    points = np.repeat(centres, 50, axis=0) + 0.1 * rng.standard_normal((400, 32)).astype(np.float32)
    points /= np.linalg.norm(points, axis=1, keepdims=True)
    path = tmp_path / "v.faiss"
    index = VectorIndex(path, 32)
    index.compress(points, expected=len(points))
    index.add(np.arange(400), points)
    index.add(np.array([7]), points[399:400])  # a passage changed: replaced, not duplicated
    assert index.compressed and len(index) == 400
    nearest = [pid for pid, _ in index.search(points[399], 3)]
    assert set(nearest[:2]) == {7, 399}
    # Allowed ids far from the query, in other clusters, are still found.
    assert {pid for pid, _ in index.search(points[0], 5, only=np.array([100, 250, 380]))} == {100, 250, 380}
    assert index.remove(np.array([0, 1, 9999])) == 2
    index.save()
    loaded = VectorIndex(path, 32)
    assert loaded.load() and loaded.compressed
    assert sorted(loaded.ids().tolist()) == list(range(2, 400))


def test_a_collection_smaller_than_its_cluster_count_still_compresses(tmp_path: Path) -> None:
    index = VectorIndex(tmp_path / "v.faiss", 8)
    index.compress(_unit(3), expected=1)  # one stored vector: one cluster, not two
    index.add(np.array([5]), _unit(3))
    assert index.search(_unit(3)[0], 3)[0][0] == 5


def test_a_full_disk_fails_the_save_and_keeps_the_old_file(tmp_path: Path) -> None:
    path = tmp_path / "v.faiss"
    index = VectorIndex(path, 8)
    index.add(np.array([1]), _unit(1))
    index.save()
    index.add(np.array([2]), _unit(1))
    # The temp file written on a full disk: FAISS's own writer printed the error and went on, and
    # the truncated file replaced the good one.
    (tmp_path / "v.faiss.tmp").symlink_to("/dev/full")
    with pytest.raises(OSError, match="No space left"):
        index.save()
    loaded = VectorIndex(path, 8)
    assert loaded.load() and loaded.ids().tolist() == [1]


def test_a_folder_where_the_index_file_belongs_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "v.faiss").mkdir()
    with pytest.raises(ConfigError, match="is a folder where the FAISS index file belongs"):
        VectorIndex(tmp_path / "v.faiss", 8).load()


def test_equal_scores_come_back_by_id(tmp_path: Path) -> None:
    index = VectorIndex(tmp_path / "i.faiss", dim=4)
    same = np.array([[0.5, 0.5, 0.5, 0.5]] * 3, dtype=np.float32)
    index.add(np.array([9, 3, 5]), same)
    assert [i for i, _ in index.search(same[0], 3)] == [3, 5, 9]
