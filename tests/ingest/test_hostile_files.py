"""A folder given to `lede ingest` is read as a folder of articles and nothing more: a link out of
it is not followed, and one bad file fails alone, with one line naming it."""

import gzip
import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from index.errors import InputError
from index.models import Article
from ingest import files
from ingest.files import read_file
from ingest.local import ingest_paths


def _good_files(folder: Path, count: int) -> None:
    for n in range(count):
        (folder / f"article-{n:02}.txt").write_text(
            f"Ferry number {n} returns\n\nThe harbour ferry number {n} returned to service on Monday after repairs, "
            "the operator said. Passengers were told to expect short delays.\n")


def _stored(kb) -> int:
    with kb.sessions() as session:
        return session.scalar(select(func.count()).select_from(Article))


def test_a_link_to_a_secret_outside_the_folder_is_not_read(kb, tmp_path: Path) -> None:
    secret = tmp_path / ".env"
    secret.write_text("The webhook secret is hunter2-hunter2.\n\nLEDE_WEBHOOK_SECRET=hunter2-hunter2 is what it is.\n")
    folder = tmp_path / "articles"
    folder.mkdir()
    _good_files(folder, 2)
    (folder / "secret.txt").symlink_to(secret)
    (folder / "etc").symlink_to(tmp_path, target_is_directory=True)  # a linked folder: never walked
    report = ingest_paths(kb, [folder], progress=False)
    assert report.added == 2 and _stored(kb) == 2
    [error] = report.errors
    assert error.startswith(f"{folder / 'secret.txt'}: a link to a file outside {folder}; not read")
    with kb.sessions() as session:
        assert not any("hunter2" in text for text in session.scalars(select(Article.title)))


def test_a_corrupt_gz_and_a_deeply_nested_json_fail_alone(kb, tmp_path: Path) -> None:
    folder = tmp_path / "articles"
    folder.mkdir()
    _good_files(folder, 15)
    (folder / "broken.jsonl.gz").write_bytes(gzip.compress(b"")[:10] + b"\xff" * 64)  # a gzip header, then junk
    (folder / "deep.json").write_text("[" * 100_000 + "]" * 100_000)
    report = ingest_paths(kb, [folder], progress=False)
    assert report.added == 15 and _stored(kb) == 15
    assert len(report.errors) == 2
    assert any(e.startswith(f"{folder / 'broken.jsonl.gz'}: cannot read it") for e in report.errors)
    assert any(e.startswith(f"{folder / 'deep.json'}") and "nested too deeply" in e for e in report.errors)


def test_a_line_too_long_is_skipped_and_the_lines_after_it_read(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(files, "MAX_LINE_BYTES", 2**20)
    corpus = tmp_path / "corpus.jsonl"
    record = {"url": "https://n.example/a", "title": "Ferry", "text": "The ferry sails again on Monday."}
    corpus.write_text("\n".join([json.dumps({**record, "text": "word " * 300_000}), json.dumps(record)]) + "\n")
    errors: list[str] = []
    [document] = read_file(corpus, errors=errors)
    assert document.url == "https://n.example/a"
    assert errors == [f"{corpus}:1: a line longer than 1 MB; not read."]


def test_a_gzip_bomb_is_refused_after_the_bound_not_decompressed_whole(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(files, "MAX_FILE_BYTES", 2**20)
    bomb = tmp_path / "bomb.json.gz"
    bomb.write_bytes(gzip.compress(b" " * (8 * 2**20)))  # 8 MB of spaces, 8 KB packed
    with pytest.raises(InputError) as refused:
        list(read_file(bomb, errors=[]))
    assert str(refused.value).startswith(f"{bomb}: more than 1 MB (decompressed)")


def test_a_long_ingest_to_a_log_says_how_far_it_is_of_the_total(kb, tmp_path: Path, monkeypatch, caplog) -> None:
    from ingest import progress, store

    monkeypatch.setattr(progress, "EVERY", 0.0)  # a line at every step, not every half minute
    monkeypatch.setattr(store, "CHUNK", 4)
    folder = tmp_path / "articles"
    folder.mkdir()
    _good_files(folder, 3)
    records = [{"url": f"https://n.example/{n}", "title": f"Tram {n}",
                "text": f"The tram line {n} opened on Monday, the council said, after two years of work."}
               for n in range(9)]
    (folder / "corpus.jsonl").write_text("\n".join(map(json.dumps, records)) + "\n\n")
    with caplog.at_level("INFO", logger="ingest.progress"):
        report = ingest_paths(kb, [folder], progress=True)  # stderr is no terminal here: lines, no bar
    assert report.added == 12
    lines = [r.getMessage() for r in caplog.records if r.name == "ingest.progress"]
    assert lines[0].startswith("ingest: handled 4 of 12 articles (33%), about ")  # minutes left
    assert lines[-1] == "ingest: handled 12 of 12 articles (100%)"
