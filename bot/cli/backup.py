"""`lede backup`, a consistent copy of a running SQLite database; `lede export` and `lede import`,
what a deployment is configured with as one JSON document (sources, followed topics, digests,
chats' settings), to move it to another machine or database. An export holds no articles."""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from types import MappingProxyType
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError, field_validator
from sqlalchemy import select

from bot.cli.common import Commands, open_knowledge_base
from bot.clock import time_of_day, zone
from bot.settings import Settings
from bot.state.tables import Chat, Digest, Follow
from index.errors import InputError
from index.knowledge import KnowledgeBase
from index.models import Article, Source

FORMAT = "lede-export/1"


class _Row(BaseModel):
    """One exported row, checked before anything is stored: a row that would break the bot later
    (a digest at "abc" in "Europe", a source with a javascript: URL) is refused with its place."""

    model_config = ConfigDict(strict=True, extra="ignore")


class SourceRow(_Row):
    kind: Literal["feed", "page", "file"]
    url: Annotated[str, StringConstraints(max_length=2048)]
    title: Annotated[str, StringConstraints(max_length=512)] | None = None
    enabled: bool = True
    interval_seconds: Annotated[int, Field(ge=60, le=30 * 86400)] = 3600

    @field_validator("url")
    @classmethod
    def _a_web_or_file_url(cls, value: str) -> str:
        if not re.fullmatch(r"(https?|file)://\S+", value):
            raise ValueError(f"{value[:80]!r} is not an http(s) or file URL")
        return value


class FollowRow(_Row):
    chat_id: int
    words: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    thread_id: int | None = None


class DigestRow(_Row):
    chat_id: int
    time_of_day: str
    timezone: str
    topic: Annotated[str, StringConstraints(max_length=200)] | None = None
    thread_id: int | None = None
    created_by: int | None = None

    @field_validator("time_of_day")
    @classmethod
    def _a_time(cls, value: str) -> str:
        if time_of_day(value) is None:
            raise ValueError(f"{value!r} is not a time of day (HH:MM)")
        return value

    @field_validator("timezone")
    @classmethod
    def _a_zone(cls, value: str) -> str:
        if zone(value) is None:
            raise ValueError(f"{value!r} is not a time zone (such as Europe/Kyiv or UTC)")
        return value


class ChatRow(_Row):
    id: int
    type: Literal["private", "group", "supergroup", "channel", "sender", "unknown"]
    title: Annotated[str, StringConstraints(max_length=512)] | None = None
    language: Annotated[str, StringConstraints(max_length=16)] | None = None
    active: bool = True


_SECTIONS: Mapping[str, tuple[type[Any], type[_Row]]] = MappingProxyType({
    "sources": (Source, SourceRow), "follows": (Follow, FollowRow),
    "digests": (Digest, DigestRow), "chats": (Chat, ChatRow),
})


def export_settings(kb: KnowledgeBase) -> dict[str, Any]:
    """Return the deployment's sources, follows, digests and chats as plain data."""
    with kb.sessions() as session:
        document: dict[str, Any] = {"format": FORMAT, "exported_at": datetime.now(UTC).isoformat()}
        for name, (model, row) in _SECTIONS.items():
            rows = session.scalars(select(model)).all()
            document[name] = [{field: getattr(stored, field) for field in row.model_fields} for stored in rows]
        return document


def import_settings(kb: KnowledgeBase, document: dict[str, Any]) -> dict[str, int]:
    """Add what `document` holds and this database lacks (a source by URL, a follow by chat and
    words, a digest or chat by chat id); return how many of each were added. A follow or digest
    starts from the newest article here, so nothing already stored is posted again."""
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise InputError(f"not a Lede export (expected \"format\": \"{FORMAT}\").")
    checked = _checked(document)
    added = dict.fromkeys(_SECTIONS, 0)
    now = datetime.now(UTC)
    with kb.sessions.begin() as session:
        newest = session.scalar(select(Article.id).order_by(Article.id.desc()).limit(1)) or 0
        for name, (model, _) in _SECTIONS.items():
            for values in checked[name]:
                if _exists(session, model, values):
                    continue
                extra: dict[str, Any] = {}
                if model is Source:
                    extra = {"created_at": now}
                elif model in (Follow, Digest):
                    extra = {"last_article_id": newest}
                elif model is Chat:
                    extra = {"updated_at": now}
                session.add(model(**values, **extra))
                session.flush()
                added[name] += 1
    return added


def _checked(document: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """Return each section's rows as checked values; raise InputError naming every bad row's place
    and fault (at most five, in one line) when one is wrong: then nothing is imported."""
    checked: dict[str, list[dict[str, Any]]] = {}
    problems: list[str] = []
    for name, (_, row) in _SECTIONS.items():
        records = document.get(name) or []
        if not isinstance(records, list):
            problems.append(f"{name}: a list of rows expected")
            continue
        checked[name] = []
        for number, record in enumerate(records):
            try:
                values = row.model_validate(record)
            except ValidationError as exc:
                problems += [f"{name}[{number}].{'.'.join(map(str, e['loc'])) or 'row'}: "
                             f"{e['msg'].removeprefix('Value error, ')}" for e in exc.errors()[:1]]
                continue
            checked[name].append(values.model_dump(include=set(record) if isinstance(record, dict) else None))
    if problems:
        more = f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""
        raise InputError(f"nothing imported: {'; '.join(problems[:5])}{more}.")
    return checked


def _exists(session, model, values: dict[str, Any]) -> bool:
    if model is Source:
        where = [Source.url == values["url"]]
    elif model is Follow:
        where = [Follow.chat_id == values["chat_id"], Follow.words == values["words"]]
    elif model is Digest:
        where = [Digest.chat_id == values["chat_id"]]
    else:
        where = [Chat.id == values["id"]]
    return session.scalar(select(model).where(*where)) is not None


def cmd_export(args: argparse.Namespace, settings: Settings) -> int:
    json.dump(export_settings(open_knowledge_base(settings)), sys.stdout, ensure_ascii=False, indent=1, default=str)
    print()
    return 0


def cmd_import(args: argparse.Namespace, settings: Settings) -> int:
    path = Path(args.file)
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror}).") from exc
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}: not JSON ({exc.msg}, line {exc.lineno}).") from exc
    added = import_settings(open_knowledge_base(settings), document)
    print("Added " + ", ".join(f"{count} {name}" for name, count in added.items()) + " (what was there already stays).")
    return 0


def cmd_backup(args: argparse.Namespace, settings: Settings) -> int:
    import sqlite3
    from contextlib import closing

    from sqlalchemy.engine import make_url

    url = make_url(settings.resolved_database_url)
    if url.get_backend_name() != "sqlite":
        raise InputError("the database is PostgreSQL: back it up with pg_dump -Fc (README, \"Back up and restore\").")
    target = Path(args.file)
    if target.exists():
        raise InputError(f"{target} exists: give a new file name (a backup never overwrites).")
    open_knowledge_base(settings)  # an up-to-date schema, as every command sees it
    # SQLite's online backup: a consistent copy while the bot and an ingest keep writing (copying
    # the file of a database in WAL mode can lose what the -wal file holds).
    with closing(sqlite3.connect(url.database or "")) as source, closing(sqlite3.connect(target)) as copy:
        source.backup(copy)
    print(f"Backed up {settings.resolved_database_url} to {target}. To restore, copy it to a data dir as "
          "lede.sqlite3 and run lede reindex (the FAISS file is rebuilt from it).")
    return 0


def register(commands: Commands) -> None:
    """Add these commands to `lede`."""
    backup = commands.add_parser(
        "backup", help="copy the SQLite database, safely while Lede runs",
        description="Write a consistent copy of the SQLite database (articles, passages and their vectors, "
        "sources, the bot's state) to FILE with SQLite's online backup. PostgreSQL: use pg_dump.",
    )
    backup.add_argument("file", metavar="FILE")
    backup.set_defaults(run=cmd_backup)
    export = commands.add_parser(
        "export", help="print sources, follows, digests and chat settings as JSON",
        description="Print the deployment's sources, followed topics, digests and chats' settings as one JSON "
        "document (no articles: sources bring them back). `lede import FILE` reads it.",
    )
    export.set_defaults(run=cmd_export)
    imported = commands.add_parser(
        "import", help="add the sources, follows, digests and chats of a `lede export`",
        description="Add what an export holds and this database lacks; what is here already stays.",
    )
    imported.add_argument("file", metavar="FILE")
    imported.set_defaults(run=cmd_import)
