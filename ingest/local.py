"""Ingest local files and folders given on the command line."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select

from index.errors import InputError
from index.knowledge import KnowledgeBase
from index.models import Source
from ingest.document import Document
from ingest.files import count_records, find_files, read_file
from ingest.progress import Meter
from ingest.report import IngestReport
from ingest.store import store_documents

log = logging.getLogger(__name__)


def register_file_source(kb: KnowledgeBase, path: Path) -> int:
    """Return the id of the source for a local path, creating it on first use."""
    url = path.resolve().as_uri()
    with kb.sessions.begin() as session:
        source = session.scalar(select(Source).where(Source.url == url))
        if source is None:
            source = Source(kind="file", url=url, title=path.name, created_at=datetime.now(UTC))
            session.add(source)
            session.flush()
        source.last_fetch_at = source.last_success_at = datetime.now(UTC)
        return source.id


def ingest_paths(kb: KnowledgeBase, paths: list[Path], *, progress: bool = True) -> IngestReport:
    """Ingest every readable file under `paths`; a bad file is reported and skipped."""
    report = IngestReport()
    # Check every path before storing anything, so a typo in the last one wastes no work.
    files_by_path = {path: find_files([path], skipped=report.errors) for path in paths}
    total = sum(count_records(file) for files in files_by_path.values() for file in files) if progress else None
    meter = Meter(total, show=progress)
    try:
        for path, files in files_by_path.items():
            source_id = register_file_source(kb, path)
            store_documents(kb, _documents(files, report), source_id=source_id, report=report, meter=meter)
    finally:
        meter.close()
    log.info("ingest of %d paths: %s", len(paths), report.summary())
    return report


def _documents(files: list[Path], report: IngestReport) -> Iterator[Document]:
    for file in files:
        try:
            yield from read_file(file, errors=report.errors)
        except InputError as exc:
            report.errors.append(str(exc))
