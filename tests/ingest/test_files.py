import gzip
import json
from pathlib import Path

import pytest

from index.errors import InputError
from ingest.files import find_files, read_file
from tests.conftest import SAMPLES


def test_plain_text_reads_title_byline_and_drops_trailing_chrome() -> None:
    [doc] = read_file(SAMPLES / "coalition-of-the-willing.txt")
    assert doc.title == "Moscow Warns Against a 'Coalition of the Willing' in Ukraine"
    assert doc.author == "Lede sample desk"
    assert doc.text.startswith("Russia said on Wednesday")
    assert "Leave a Comment" not in doc.text and "You may also like" not in doc.text
    assert doc.url == (SAMPLES / "coalition-of-the-willing.txt").resolve().as_uri()


def test_markdown_title_is_first_heading_and_markup_is_gone() -> None:
    [doc] = read_file(SAMPLES / "harbourton-tram.md")
    assert doc.title == "Harbourton Council Approves a Tram Line to the Airport"
    assert "*" not in doc.text and "#" not in doc.text
    assert "voted 9 to 4 on Tuesday" in doc.text  # wrapped lines are joined


def test_html_keeps_the_article_and_drops_page_chrome() -> None:
    [doc] = read_file(SAMPLES / "river-festival.html")
    assert doc.title == "Record crowds at the Ostvale river festival"
    assert "dragon boat race" in doc.text
    for chrome in ("Subscribe", "Advertisement", "Great weekend", "Cookie settings"):
        assert chrome not in doc.text
    assert doc.published_at is not None and doc.published_at.date().isoformat() == "2025-08-18"


def test_corpus_jsonl_gz_reads_every_record_with_metadata(tmp_path: Path) -> None:
    source = (SAMPLES / "briefs.jsonl").read_bytes()
    packed = tmp_path / "corpus.jsonl.gz"
    packed.write_bytes(gzip.compress(source))
    docs = list(read_file(packed))
    assert [d.guid for d in docs] == ["brief-1", "brief-2", "brief-3"]
    assert docs[0].outlet == "example.org"
    assert docs[0].published_at.isoformat() == "2025-06-02T00:00:00+00:00"
    assert docs[1].text.count("\n\n") == 1  # paragraphs kept


def test_corpus_json_list_is_read(tmp_path: Path) -> None:
    path = tmp_path / "one.json"
    path.write_text(json.dumps([{"title": "T", "text": "Body text here.", "url": "https://x.test/a"}]))
    [doc] = read_file(path)
    assert doc.url == "https://x.test/a"


def test_bad_json_line_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text('{"title": "T", "text": "ok"}\n{not json\n')
    with pytest.raises(InputError, match=r"bad.jsonl:2: not valid JSON"):
        list(read_file(path))


def test_find_files_refuses_unknown_type_and_missing_path(tmp_path: Path) -> None:
    (tmp_path / "photo.png").write_bytes(b"\x89PNG")
    with pytest.raises(InputError, match="unsupported file type"):
        find_files([tmp_path / "photo.png"])
    with pytest.raises(InputError, match="no such file"):
        find_files([tmp_path / "missing.txt"])


def test_find_files_walks_folders_and_skips_other_files(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Title\n\nBody.")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.md").write_text("# T\n\nBody.")
    (tmp_path / "sub" / "c.png").write_bytes(b"")
    assert [p.name for p in find_files([tmp_path])] == ["a.txt", "b.md"]


def test_a_bad_record_in_a_corpus_is_skipped_and_the_rest_read(tmp_path: Path) -> None:
    path = tmp_path / "corpus.jsonl"
    good = {"title": "T", "text": "Body text here.", "url": "https://x.test/"}
    path.write_text("\n".join([
        json.dumps({**good, "url": "https://x.test/1"}),
        json.dumps({"title": "no text at all"}),
        "{broken",
        json.dumps({**good, "url": "https://x.test/4"}),
    ]))
    errors: list[str] = []
    docs = list(read_file(path, errors=errors))
    assert [d.url for d in docs] == ["https://x.test/1", "https://x.test/4"]
    assert len(errors) == 2 and "corpus.jsonl:2" in errors[0] and "corpus.jsonl:3" in errors[1]


def test_an_untitled_record_takes_its_first_line_as_title(tmp_path: Path) -> None:
    path = tmp_path / "corpus.jsonl"
    path.write_text(json.dumps({"title": None, "url": "https://x.test/a", "text": "New York CNN —\n\nBody."}))
    [doc] = read_file(path)
    assert doc.title == "New York CNN —"


def test_a_blank_url_is_none_and_spaces_in_one_are_encoded(tmp_path: Path) -> None:
    """Found by the corpus fuzz test: a record whose url was " " reached storage as " "."""
    path = tmp_path / "corpus.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in [
        {"url": " ", "doc_id": "d1", "text": "First."}, {"url": "https://x.test/a b\tc", "text": "Second."}]))
    blank, spaced = read_file(path)
    assert blank.url == f"{path.resolve().as_uri()}#d1"
    assert spaced.url == "https://x.test/a%20b%09c"


def test_a_record_with_fields_of_the_wrong_type_fails_alone(tmp_path: Path) -> None:
    path = tmp_path / "corpus.jsonl"
    good = {"url": "https://n.example/ok", "title": "Fine", "text": "Readable text of a good record."}
    path.write_text("\n".join(json.dumps(r) for r in [
        {"url": "https://n.example/a", "title": 5, "text": "A title that is a number."},
        {"url": ["https://n.example/b"], "title": "A list for a URL", "text": "Text."},
        {"url": "https://n.example/c", "title": "Dated", "text": "Text.", "publish_date": 20260302},
        good,
    ]))
    errors: list[str] = []
    docs = list(read_file(path, errors=errors))
    assert [d.url for d in docs] == ["https://n.example/ok"]
    assert [e.split(":")[0:2] for e in errors] == [[str(path), "1"], [str(path), "2"], [str(path), "3"]]


def test_a_dateline_or_front_matter_dates_a_file(tmp_path) -> None:
    from datetime import UTC, datetime

    from ingest.files import read_file

    plain = tmp_path / "storm.txt"
    plain.write_text("Storm Mara reaches Keld\n\nby Lede sample desk\n\n4 February 2026\n\n"
                     "Storm Mara reached the Keld coast on Wednesday morning.\n")
    [document] = read_file(plain)
    assert document.published_at == datetime(2026, 2, 4, tzinfo=UTC) and document.author == "Lede sample desk"
    assert document.text == "Storm Mara reached the Keld coast on Wednesday morning."
    marked = tmp_path / "tram.md"
    marked.write_text("---\ntitle: Tram\ndate: 2026-03-01\n---\n# Tram approved\n\nThe council approved the tram.\n")
    [document] = read_file(marked)
    assert document.published_at == datetime(2026, 3, 1, tzinfo=UTC) and document.title == "Tram approved"
    undated = tmp_path / "note.txt"
    undated.write_text("Ferry returns\n\nThe ferry to Keld runs again.\n")
    assert next(iter(read_file(undated))).published_at is None
