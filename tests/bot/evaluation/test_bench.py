"""The benchmark commands run and print their figures (the figures themselves are not judged
here: these machines are too noisy for timed tests)."""

import json

import pytest

from bot.cli import main
from tests.conftest import POSTGRES, SAMPLES

pytestmark = pytest.mark.slow


def test_bench_ingest_prints_pipeline_embedder_and_ratio(capsys) -> None:
    assert main(["bench", "ingest", "--corpus", str(SAMPLES / "briefs.jsonl"), "--articles", "3", "--runs", "2",
                 "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["articles"] == 3 and result["passages"] >= 3 and result["runs"] == 2
    assert result["ratio"] == pytest.approx(result["pipeline_passages_per_s"] / result["embedder_passages_per_s"], rel=0.01)


def test_bench_answer_copies_real_text_and_prints_latency_and_memory(capsys) -> None:
    assert main(["bench", "answer", "--passages", "500"]) == 2
    assert "holds no articles: the benchmark copies its articles" in capsys.readouterr().err
    assert main(["ingest", str(SAMPLES)]) == 0
    capsys.readouterr()
    assert main(["bench", "answer", "--passages", "500", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["passages"] == 500 and result["questions"] == 8
    assert 0 < result["p50_ms"] <= result["p95_ms"] and result["peak_rss_mb"] > 0


def test_bench_start_prints_the_seconds_to_the_first_poll(capsys) -> None:
    assert main(["ingest", str(SAMPLES)]) == 0
    capsys.readouterr()
    assert main(["bench", "start", "--runs", "1", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["runs"] == 1 and 0 < result["first_poll_s_median"] == result["first_poll_s_max"] < 60


@pytest.mark.slow
def test_bench_compare_counts_what_the_comparison_finds(real_kb) -> None:
    from bot.evaluation.bench_compare import bench_compare
    from ingest.local import ingest_paths
    from tests.conftest import FIXTURES

    ingest_paths(real_kb, [FIXTURES / "stories"], progress=False)
    result = bench_compare(real_kb, outlets=3, stories=10)
    assert result["stories"] == 1  # the footbridge is one outlet's story
    assert result["with_both"] == 1 and result["each"][0]["differences"] == 2
    assert bench_compare(real_kb, outlets=4, stories=10)["stories"] == 0


def test_bench_stories_and_filler_score_labelled_pairs_and_lines(real_kb, tmp_path) -> None:
    from bot.evaluation.bench_stories import bench_stories
    from bot.evaluation.filler import bench_filler
    from index.text import content_hash
    from ingest.local import ingest_paths
    from tests.conftest import FIXTURES

    ingest_paths(real_kb, [FIXTURES / "stories"], progress=False)
    stories = tmp_path / "stories.json"
    stories.write_text(json.dumps({"stories": [
        {"name": "Storm Mara", "doc_ids": ["herald-1", "courier-1", "herald-2", "courier-2", "times-1"]}],
        "others": ["times-2"]}))
    result = bench_stories(real_kb, stories)
    assert result["stories"] == 1 and result["articles"] == 5 and result["others"] == 1
    assert result["all"]["pairs_same_story"] == 10 and result["all"]["pair_precision"] == 1.0
    assert result["all"]["pair_recall"] == 1.0  # the storm's five articles are one story, the footbridge not
    lines = tmp_path / "filler.json"
    title = "Storm Mara is expected to reach the Keld coast on Tuesday with winds of 120 km/h"
    lines.write_text(json.dumps({"lines": [
        {"doc_id": "herald-1", "line_hash": content_hash(
            "The weather office told the 40,000 residents of the coastal villages to prepare for flooding. "
            "Schools in Keld will close on Tuesday."), "filler": False, "set": "held_out"},
        {"doc_id": "herald-1", "line_hash": content_hash(title), "filler": True, "set": "held_out"}]}))
    figures = bench_filler(real_kb, lines)
    assert figures["not_stored"] == 1  # the headline is no line of the text
    assert figures["held_out"] == {"lines": 1, "filler": 0, "precision": 0.0, "recall": 0.0}  # prose, not marked


@pytest.mark.skipif(not POSTGRES, reason="set LEDE_TEST_DATABASE_URL to a PostgreSQL server")
def test_bench_answer_on_pgvector_prints_both_stores_with_recall_and_sizes(capsys) -> None:
    assert main(["bench", "answer", "--store", "pgvector", "--passages", "300"]) == 2
    assert "--store pgvector needs --postgres" in capsys.readouterr().err
    assert main(["ingest", str(SAMPLES)]) == 0
    capsys.readouterr()
    assert main(["bench", "answer", "--store", "pgvector", "--postgres", POSTGRES, "--passages", "300", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    for store in ("faiss", "pgvector"):
        assert 0 < result[store]["p50_ms"] <= result[store]["p95_ms"] and result[store]["rss_after_mb"] > 0
    assert result["pgvector"]["recall@10_vs_exact"] == 1.0  # 300 passages: the graph finds them all
    assert result["database_mb"]["passages_table"] > 0
