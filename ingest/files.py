"""Read articles from local files and folders: .txt, .md, .html, and JSON/JSONL corpora."""

from __future__ import annotations

import gzip
import io
import json
import os
import re
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

from index.errors import InputError
from index.text import normalise_space
from ingest.dates import parse_date
from ingest.document import Document
from ingest.extract import extract_article
from ingest.split import paragraphs_of
from ingest.urls import encoded

SUFFIXES = frozenset({".txt", ".md", ".markdown", ".html", ".htm", ".json", ".jsonl"})


def _suffix(path: Path) -> str:
    """Return the meaningful suffix: `.jsonl` for `corpus.jsonl.gz`."""
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes = suffixes[:-1]
    return suffixes[-1] if suffixes else ""


def find_files(paths: list[Path], skipped: list[str] | None = None) -> list[Path]:
    """Return the readable files under `paths` (folders searched recursively), sorted.

    In a folder only regular files whose real path lies inside it are read: a link to `.env` or
    `/etc` is skipped and described in `skipped` (a file named on the command line is read as
    named)."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(_inside(path, skipped if skipped is not None else []))
        elif path.is_file():
            if _suffix(path) not in SUFFIXES:
                raise InputError(
                    f"{path}: unsupported file type; Lede reads {', '.join(sorted(SUFFIXES))} (and .gz)."
                )
            found.append(path)
        else:
            raise InputError(f"{path}: no such file or folder.")
    return found


def _inside(folder: Path, skipped: list[str]) -> list[Path]:
    root = folder.resolve()
    found = []
    for directory, folders, names in os.walk(folder):  # never into a linked folder
        folders.sort()
        for name in sorted(names):
            path = Path(directory, name)
            if _suffix(path) not in SUFFIXES:
                continue
            real = path.resolve()
            if not real.is_relative_to(root):
                skipped.append(f"{path}: a link to {'a file' if real.exists() else 'nothing'} outside "
                               f"{folder}; not read (copy the file into the folder to ingest it).")
            elif real.is_file():  # not a FIFO, a device or a dangling link
                found.append(path)
    return sorted(found)


def count_records(path: Path) -> int:
    """Return how many articles `path` holds, for a progress total (JSONL: its non-blank lines)."""
    suffix = _suffix(path)
    if suffix == ".jsonl":
        try:
            return sum(1 for _, line in _lines(path) if not isinstance(line, str) or line.strip())
        except InputError:
            return 1
    if suffix == ".json":
        try:
            data = json.loads(_read_bytes(path))
        except (InputError, ValueError, RecursionError):
            return 1
        return len(data) if isinstance(data, list) else 1
    return 1


def read_file(path: Path, errors: list[str] | None = None) -> Iterator[Document]:
    """Yield the documents in one file (one, or many for a JSON corpus).

    A bad record in a corpus is skipped and described in `errors` (raised when that is None);
    the records after it are still read. Work is bounded: a whole-file format is read up to
    MAX_FILE_BYTES after decompression, a JSONL file a line at a time, each up to MAX_LINE_BYTES.
    """
    suffix = _suffix(path)
    if suffix == ".jsonl":
        yield from _read_corpus(path, _lines(path), errors=errors)
        return
    raw = _read_bytes(path)
    if suffix in {".html", ".htm"}:
        yield extract_article(raw, url=path.resolve().as_uri())
        return
    text = raw.decode("utf-8", errors="replace")
    if suffix == ".json":
        data = _json(path, 1, text)
        yield from _read_corpus(path, enumerate(data if isinstance(data, list) else [data], 1), errors=errors)
    elif suffix in {".md", ".markdown"}:
        yield _read_markdown(path, text)
    else:
        yield _read_plain(path, text)


MAX_FILE_BYTES = 64 * 2**20  # one article or JSON corpus, decompressed: larger corpora are JSONL
MAX_LINE_BYTES = 4 * 2**20  # one JSONL record: the longest article (100,000 characters) escaped 6 times over


def _open(path: Path) -> io.BufferedIOBase:
    return gzip.open(path, "rb") if path.suffix.lower() == ".gz" else path.open("rb")


# A file that cannot be read, a truncated or corrupt .gz: that file fails, alone.
_UNREADABLE = (OSError, EOFError, zlib.error)


def _read_bytes(path: Path) -> bytes:
    try:
        with _open(path) as file:
            raw = file.read(MAX_FILE_BYTES + 1)
    except _UNREADABLE as exc:
        raise InputError(f"{path}: cannot read it ({exc}).") from exc
    if len(raw) > MAX_FILE_BYTES:
        raise InputError(f"{path}: more than {MAX_FILE_BYTES // 2**20} MB (decompressed); give a corpus "
                         "as JSONL, one article per line.")
    return raw


def _lines(path: Path) -> Iterator[tuple[int, str | InputError]]:
    """Yield the numbered lines of a JSONL file, a line at a time; an overlong line as the error
    that describes it (the lines after it are still read)."""
    try:
        with _open(path) as file:
            for number, line in enumerate(iter(lambda: file.readline(MAX_LINE_BYTES + 1), b""), 1):
                if len(line) > MAX_LINE_BYTES:
                    while (rest := file.readline(MAX_LINE_BYTES)) and not rest.endswith(b"\n"):
                        pass  # the rest of the overlong line, never held whole
                    yield number, InputError(f"{path}:{number}: a line longer than {MAX_LINE_BYTES // 2**20} MB; "
                                             "not read.")
                else:
                    yield number, line.decode("utf-8", errors="replace")
    except _UNREADABLE as exc:
        raise InputError(f"{path}: cannot read it ({exc}).") from exc


_BYLINE = re.compile(r"^(?:by|from)\s+\S", re.IGNORECASE)


def _drop_trailing_chrome(paragraphs: list[str]) -> list[str]:
    """Drop page furniture at the end ("You may also like", "Leave a Comment"): short lines
    that end no sentence."""
    while paragraphs and len(paragraphs[-1].split()) <= 5 and not re.search(r"[.!?\"”]$", paragraphs[-1]):
        paragraphs = paragraphs[:-1]
    return paragraphs


def _read_plain(path: Path, text: str) -> Document:
    """A plain-text article: a title line, an optional byline, then the body."""
    paragraphs = paragraphs_of(normalise_lines(text))
    if not paragraphs:
        raise InputError(f"{path}: the file is empty.")
    title, body = paragraphs[0], paragraphs[1:]
    author = published = None
    if body and _BYLINE.match(body[0]) and len(body[0].split()) <= 12:
        author = re.sub(r"^(?:by|from)\s+", "", body[0], flags=re.IGNORECASE)
        body = body[1:]
    if body and (published := _dateline(body[0])) is not None:
        body = body[1:]
    body = _drop_trailing_chrome(body)
    if not body:
        raise InputError(f"{path}: only a title line, no article text.")
    return Document(
        url=path.resolve().as_uri(), title=title, text="\n\n".join(body), author=author, published_at=published
    )


def _dateline(paragraph: str) -> datetime | None:
    """Return the date of a dateline after the title (and byline): "4 February 2026",
    "2026-02-04", "Date: February 4, 2026", "Published: ..."; None for any other paragraph."""
    text = re.sub(r"^(?:date|published|updated)\s*:\s*", "", paragraph.strip(), flags=re.IGNORECASE)
    return parse_date(text) if len(text.split()) <= 5 else None


def _read_markdown(path: Path, text: str) -> Document:
    """A Markdown article: the first heading is the title; links and emphasis become plain text;
    a front matter's `date:` is its publication date."""
    published = None
    front = re.match(r"\A---\n(.*?)\n---\n", text, flags=re.DOTALL)
    if front:
        text = text[front.end():]
        date = re.search(r"^date:\s*['\"]?([^'\"\n]+)", front.group(1), flags=re.MULTILINE)
        published = parse_date(date.group(1)) if date else None
    text = re.sub(r"!\[[^\]]*\]\([^)]*\)", "", text)  # images
    text = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", text)  # links keep their words
    text = re.sub(r"(\*\*|__|\*|_|`)(\S(?:.*?\S)?)\1", r"\2", text)
    text = re.sub(r"^#{1,6}\s*", "", text, flags=re.MULTILINE)
    text = re.sub(r"^>\s?", "", text, flags=re.MULTILINE)
    document = _read_plain(path, text)
    return replace(document, published_at=document.published_at or published) if published else document


def normalise_lines(text: str) -> str:
    """Return text with each line's spacing normalised, keeping line breaks."""
    return "\n".join(normalise_space(line) for line in text.splitlines())


def _read_corpus(path: Path, records: Iterable[tuple[int, Any]], *, errors: list[str] | None) -> Iterator[Document]:
    """Records with `url, title, text` and optionally `publish_date, source, authors, language`;
    JSONL lines are given as strings."""
    for number, record in records:
        try:
            if isinstance(record, InputError):
                raise record
            if isinstance(record, str):
                if not record.strip():
                    continue
                record = _json(path, number, record)
            try:
                document = _corpus_document(path, number, record)
            except (TypeError, AttributeError, ValueError, OverflowError, RecursionError) as exc:
                # A field of the wrong type ("title": 5, "text": ["a"]) fails this record alone.
                raise InputError(f"{path}:{number}: a malformed record ({type(exc).__name__}: {exc}).") from exc
        except InputError as exc:
            if errors is None:
                raise
            errors.append(str(exc))
            continue
        yield document


def _json(path: Path, number: int, text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}:{number}: not valid JSON ({exc.msg}).") from exc
    except RecursionError as exc:
        raise InputError(f"{path}:{number}: JSON nested too deeply to read.") from exc


def _title_from(text: str) -> str:
    """Return a stand-in title for an untitled record: its first line, shortened."""
    first = text.strip().splitlines()[0]
    words = first.split()
    return " ".join(words[:14]) + ("…" if len(words) > 14 else "")


def _corpus_document(path: Path, number: int, record: dict) -> Document:
    if not isinstance(record, dict) or not str(record.get("text") or "").strip():
        raise InputError(f"{path}:{number}: a record needs at least 'text' (and ideally 'title').")
    url = record.get("url") or ""
    if not isinstance(url, str):
        raise InputError(f"{path}:{number}: 'url' must be a string.")
    # A blank URL is none; spaces and control characters inside one are percent-encoded.
    url = encoded(url.strip() or f"{path.resolve().as_uri()}#{record.get('doc_id', number)}")
    authors = record.get("authors") or []
    outlet = record.get("source") or record.get("outlet")
    if outlet:
        outlet = outlet.removeprefix("www.")
    return Document(
        url=url,
        title=record.get("title") or _title_from(record["text"]),
        text="\n\n".join(paragraphs_of(normalise_lines(record["text"]))),
        outlet=outlet,
        author=", ".join(authors) if isinstance(authors, list) else str(authors),
        published_at=parse_date(record.get("publish_date") or record.get("published_at")),
        language=record.get("language"),
        guid=record.get("doc_id"),
    )
