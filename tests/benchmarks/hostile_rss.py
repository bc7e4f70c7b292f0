"""Benchmark: the peak RSS of one process, the real model loaded, through hostile inputs: a gzip
bomb, a 100 MB JSONL line, a 3 MB .jsonl.gz of zeros, a 14 MB article, a page of 50,000 made-up
words, a 100,000-deep JSON file. Prints the peak after each; the bound is 1 GB.

    python -m tests.benchmarks.hostile_rss
"""

from __future__ import annotations

import gzip
import resource
import tempfile
import time
from pathlib import Path

from bot.settings import Settings
from index.embedders import configured_embedder
from index.knowledge import KnowledgeBase
from ingest.document import Document
from ingest.local import ingest_paths
from ingest.store import store_documents


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _made_up(count: int) -> str:
    letters = "abcdefghijklmnopqrstuvwxyz"
    words = ["".join(letters[(n // 26**i) % 26] for i in range(5)) + "zq" for n in range(count)]
    return "\n\n".join(" ".join(words[i : i + 100]) + "." for i in range(0, count, 100))


def _packed(path: Path, byte: bytes, megabytes: int) -> None:
    """Write `megabytes` of `byte`, gzipped, a megabyte at a time (never held whole here)."""
    block = byte * 2**20
    with gzip.open(path, "wb") as packed:
        for _ in range(megabytes):
            packed.write(block)


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        kb = KnowledgeBase.connect(Settings(data_dir=root / "data"), embedder=configured_embedder(Settings()))
        kb.embedder.embed_query("warm up")
        print(f"model loaded: peak RSS {_peak_mb():.0f} MB")
        files = root / "files"
        files.mkdir()
        _packed(files / "bomb.json.gz", b" ", 2 * 2**10)  # 2 GB of spaces in 2 MB
        _packed(files / "zeros.jsonl.gz", b"0", 3 * 2**10)  # one endless line
        with (files / "long-line.jsonl").open("w") as line:
            line.write('{"url": "https://n.example/long", "title": "Long", "text": "')
            for _ in range(100):
                line.write("word " * 200_000)  # 100 MB on one line
            line.write('"}\n')
        (files / "deep.json").write_text("[" * 100_000 + "]" * 100_000)
        for name in sorted(p.name for p in files.iterdir()):
            started = time.perf_counter()
            report = ingest_paths(kb, [files / name], progress=False)
            print(f"{name}: {report.errors[0][:90] if report.errors else report.summary()} "
                  f"({time.perf_counter() - started:.1f} s); peak RSS {_peak_mb():.0f} MB")
        for title, text in [("A 14 MB article", "The harbour ferry returned to service on Monday. " * 290_000),
                            ("50,000 made-up words", _made_up(50_000))]:
            started = time.perf_counter()
            store_documents(kb, [Document(url=f"https://n.example/{len(title)}", title=title, text=text)], progress=False)
            print(f"{title}: stored ({time.perf_counter() - started:.1f} s); peak RSS {_peak_mb():.0f} MB")
    print(f"peak RSS overall: {_peak_mb():.0f} MB (bound: 1024 MB)")


if __name__ == "__main__":
    main()
