"""Benchmarks: commands that print figures. Never timed tests: these machines are noisy, so
compare figures from one run as ratios."""

from __future__ import annotations

import gzip
import json
from collections import Counter
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


def bench_ingest(settings, corpus: Path, *, articles: int) -> dict:
    """Store `articles` documents of a corpus into a fresh knowledge base; in the same run, embed
    the same passages with the embedder alone. Return passages/s for both and their ratio."""
    import tempfile
    import time
    from itertools import islice

    from index.knowledge import KnowledgeBase
    from ingest.files import read_file
    from ingest.split import paragraphs_of, split_passages
    from ingest.store import store_documents

    documents = list(islice(read_file(corpus, errors=[]), articles))
    with tempfile.TemporaryDirectory(prefix="lede-bench-") as folder:
        kb = KnowledgeBase(settings.model_copy(update={"data_dir": Path(folder), "database_url": None}))
        kb.embedder.embed_query("warm up")
        texts = [kb.passage_text_for_embedding(d.title, p) for d in documents
                 for p in split_passages(paragraphs_of(d.text))]
        started = time.perf_counter()
        report = store_documents(kb, documents, progress=False)
        pipeline = report.passages_added / (time.perf_counter() - started)
        started = time.perf_counter()
        kb.embedder.embed_passages(texts)
        embedder = len(texts) / (time.perf_counter() - started)
    return {"articles": len(documents), "passages": report.passages_added,
            "pipeline_passages_per_s": round(pipeline, 1), "embedder_passages_per_s": round(embedder, 1),
            "ratio": round(pipeline / embedder, 3), "model": settings.embedding_model}


QUESTIONS = [
    "Who leads the coalition?", "How much will the new tram line cost?", "Which team won the race?",
    "When will the library reopen?", "How many people visited the festival?", "Who won the election?",
    "What did the central bank decide about interest rates?", "Which company recalled its cars?",
]


def bench_answer(settings, *, passages: int, questions: int = 60) -> dict:
    """Fill a fresh knowledge base with `passages` synthetic passages (random text and vectors),
    then answer questions; return p50/p95 latency and the process's peak RSS."""
    import random
    import statistics
    import tempfile
    from datetime import UTC, datetime

    import numpy as np
    from sqlalchemy import insert

    from bot.answer import answer_question
    from index.knowledge import KnowledgeBase
    from index.models import Article, Passage
    from index.text import content_hash

    rng = random.Random(7)
    vocabulary = [w for q in QUESTIONS for w in q.lower().strip("?").split()] + [
        f"word{i}" for i in range(5000)]
    with tempfile.TemporaryDirectory(prefix="lede-bench-") as folder:
        kb = KnowledgeBase(settings.model_copy(update={"data_dir": Path(folder), "database_url": None}))
        dim = kb.embedder.dim
        now = datetime.now(UTC)
        per_article = 10
        for start in range(0, passages, 10_000):
            count = min(10_000, passages - start)
            vectors = np.random.default_rng(start).standard_normal((count, dim)).astype(np.float32)
            vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
            with kb.sessions.begin() as session:
                session.execute(insert(Article), [
                    {"id": a + 1, "url": f"https://bench.example/{a}", "title": f"Synthetic story {a}",
                     "content_hash": str(a), "fetched_at": now, "published_at": now}
                    for a in range(start // per_article, (start + count) // per_article)])
                rows = []
                for i in range(count):
                    text = " ".join(rng.choices(vocabulary, k=40)) + "."
                    rows.append({"article_id": (start + i) // per_article + 1, "ordinal": i % per_article,
                                 "text": text, "content_hash": content_hash(text),
                                 "embedding": vectors[i].tobytes()})
                session.execute(insert(Passage), rows)
        kb.open()  # loads and fills FAISS from the stored vectors
        latencies = []
        for i in range(questions):
            latencies.append(answer_question(kb, QUESTIONS[i % len(QUESTIONS)]).elapsed_ms)
        latencies.sort()
    return {"passages": passages, "questions": questions,
            "p50_ms": round(statistics.median(latencies), 1),
            "p95_ms": round(latencies[int(0.95 * (len(latencies) - 1))], 1),
            "peak_rss_mb": round(_peak_rss_mb(), 1), "model": settings.embedding_model,
            "index": "compressed (IVF-SQ8)" if kb.vectors.compressed else "exact (flat)"}
