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
