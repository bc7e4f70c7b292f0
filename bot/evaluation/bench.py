"""Benchmarks: commands that print figures. Never timed tests: these machines are noisy, so
compare figures from one run as ratios."""

from __future__ import annotations

import gzip
import json
from collections import Counter
from datetime import datetime
from pathlib import Path
from statistics import mean

import lxml.html

from index.errors import InputError
from index.text import words
from ingest.extract import extract_article


def token_f1(predicted: str, gold: str) -> float:
    """Return the F1 of the bags of words of two texts."""
    p, g = Counter(words(predicted)), Counter(words(gold))
    common = sum((p & g).values())
    if not common:
        return 0.0
    precision, recall = common / sum(p.values()), common / sum(g.values())
    return 2 * precision * recall / (precision + recall)


def _pages(fixtures: Path):
    """Yield (name, html, gold text) from the Zyte benchmark and Readability's news pages."""
    zyte = fixtures / "scrapinghub_aeb"
    if (zyte / "ground-truth.json").exists():
        truth = json.loads((zyte / "ground-truth.json").read_text())
        for key, value in sorted(truth.items()):
            html = gzip.decompress((zyte / "html" / f"{key}.html.gz").read_bytes())
            yield f"zyte/{key[:8]}", html, value["articleBody"]
    readability = fixtures / "readability_news"
    for folder in sorted(p for p in readability.glob("*") if (p / "expected.html").exists()):
        # expected.html has no charset declaration: lxml would guess Latin-1.
        gold = lxml.html.fromstring((folder / "expected.html").read_text(encoding="utf-8")).text_content()
        yield f"readability/{folder.name}", (folder / "source.html").read_bytes(), gold


def bench_extract(fixtures: Path) -> dict:
    """Extract every fixture page; return mean token F1 overall and per collection."""
    scores: dict[str, list[float]] = {}
    for name, html, gold in _pages(fixtures):
        try:
            text = extract_article(html, url=f"https://bench.test/{name}").text
        except InputError:
            text = ""
        scores.setdefault(name.split("/")[0], []).append(token_f1(text, gold))
    if not scores:
        raise InputError(f"{fixtures}: no fixture pages found (expected scrapinghub_aeb/ or readability_news/).")
    every = [s for values in scores.values() for s in values]
    result = {"pages": len(every), "mean_token_f1": round(mean(every), 4)}
    for collection, values in scores.items():
        result[f"{collection}_pages"] = len(values)
        result[f"{collection}_mean_token_f1"] = round(mean(values), 4)
    return result


def _peak_rss_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def bench_ingest(settings, corpus: Path, *, articles: int, runs: int = 3) -> dict:
    """Store `articles` documents of a corpus into a fresh knowledge base; in the same run, embed
    the same passages and their answerable sentences with the embedder alone. Both are measured
    `runs` times, alternately (a machine's speed drifts: one run each read 0.79 and 1.02 here);
    return the median passages/s of each and their ratio."""
    import statistics
    import tempfile
    import time
    from itertools import islice

    from index.knowledge import KnowledgeBase
    from index.precomputed import answerable_sentences
    from ingest.files import read_file
    from ingest.split import paragraphs_of, split_passages
    from ingest.store import store_documents

    documents = list(islice(read_file(corpus, errors=[]), articles))
    passages = [(d.title, p) for d in documents for p in split_passages(paragraphs_of(d.text))]
    sentences = [s for _, p in passages for s in answerable_sentences(p)]
    pipeline: list[float] = []
    embedder: list[float] = []
    for _ in range(runs):
        with tempfile.TemporaryDirectory(prefix="lede-bench-") as folder:
            kb = KnowledgeBase.connect(settings.in_folder(Path(folder)))
            kb.embedder.embed_query("warm up")
            texts = [kb.passage_text_for_embedding(title, p) for title, p in passages] + sentences
            started = time.perf_counter()
            report = store_documents(kb, documents, progress=False)
            pipeline.append(report.passages_added / (time.perf_counter() - started))
            started = time.perf_counter()
            kb.embedder.embed_passages(texts)
            embedder.append(len(passages) / (time.perf_counter() - started))
    rate, alone = statistics.median(pipeline), statistics.median(embedder)
    return {"articles": len(documents), "passages": report.passages_added, "runs": runs,
            "pipeline_passages_per_s": round(rate, 1), "embedder_passages_per_s": round(alone, 1),
            "ratio": round(rate / alone, 3), "model": settings.embedding_model}


QUESTIONS = (
    "Who leads the coalition?", "How much will the new tram line cost?", "Which team won the race?",
    "When will the library reopen?", "How many people visited the festival?", "Who won the election?",
    "What did the central bank decide about interest rates?", "Which company recalled its cars?",
)


def bench_answer(settings, *, passages: int, questions: list[tuple[str, datetime | None]]) -> dict:
    """Copy the knowledge base of `settings` (real articles, their stored vectors) into a fresh
    one of `passages` passages (bot/evaluation/replicate.py), then answer `questions` (each with
    the moment it is asked); return p50/p95 latency and the process's peak RSS."""
    import tempfile
    import time

    from tqdm import tqdm

    from bot.answer import answer_question
    from bot.evaluation.replicate import replicate
    from bot.evaluation.timing import timed_answers
    from bot.reader.model import shipped_reader
    from index.knowledge import KnowledgeBase

    source = KnowledgeBase.connect(settings)
    with tempfile.TemporaryDirectory(prefix="lede-bench-") as folder:
        kb = KnowledgeBase.connect(settings.in_folder(Path(folder)))
        with tqdm(total=passages, unit="passage", desc="copying", disable=None) as bar:
            replicate(source, kb, passages, progress=bar.update)
        started = time.perf_counter()
        kb.open()  # loads FAISS from the stored vectors (compressing it when large)
        load_s = time.perf_counter() - started
        answer_question(kb, questions[0][0], as_of=questions[0][1])  # the model loads
        reader = shipped_reader()
        read_before, reading_before = (reader.windows_read, reader.seconds) if reader else (0, 0.0)
        timed, total_ms = timed_answers(kb.engine, lambda q, moment: answer_question(kb, q, as_of=moment).elapsed_ms, questions)
        size_mb = sum(f.stat().st_size for f in Path(folder).iterdir()) / 2**20
    return {"passages": passages, "questions": len(questions), **timed,
            "index_load_s": round(load_s, 1), "data_mb": round(size_mb),
            "peak_rss_mb": round(_peak_rss_mb(), 1), "model": settings.embedding_model,
            "index": "compressed (IVF-SQ8)" if kb.vectors.compressed else "exact (flat)",
            **_reader_figures(reader, read_before, reading_before, questions=len(questions), total_ms=total_ms)}


def _reader_figures(reader, read_before: int, reading_before: float, *, questions: int, total_ms: float) -> dict:
    """Return the span reader's windows per question, its share of answer time and the CPU's
    vector instructions (int8 matrix products run faster with AVX-512 VNNI or AVX-VNNI)."""
    if reader is None:
        return {"reader": "not installed"}
    flags = set()
    try:
        flags = {f for line in Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("flags")
                 for f in line.split(":", 1)[1].split()}
    except OSError:
        pass
    return {"reader_windows_per_question": round((reader.windows_read - read_before) / questions, 2),
            "reader_share_of_answer_time": round((reader.seconds - reading_before) * 1000 / total_ms, 3),
            "cpu_flags": " ".join(sorted(flags & {"avx2", "avx512f", "avx512_vnni", "avx_vnni", "amx_int8"})) or "none"}
