"""`lede stats`, `reindex`, `digest`, `prune`, `config`, `migrate` and `backfill`: looking after the
store (counts, vectors, retention, schema, settings) from the terminal."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from datetime import UTC, datetime, timedelta
from types import MappingProxyType

from bot.cli.common import Commands, nonempty_knowledge_base, open_knowledge_base
from bot.settings import Settings
from index.errors import InputError, LedeError


def cmd_stats(args: argparse.Namespace, settings: Settings) -> int:
    stats = open_knowledge_base(settings).stats()
    if args.json:
        print(json.dumps(asdict(stats)))
    else:
        for key, value in asdict(stats).items():
            print(f"{key:>16}: {value}")
        if not stats.in_sync and settings.vector_store == "pgvector":
            print("Some passages have no vector yet (an interrupted re-embedding?); `lede reindex` embeds them.")
        elif not stats.in_sync:
            print("The FAISS index differs from the database; `lede reindex` rebuilds it "
                  "(the next question does that too).")
    return 0


def cmd_reindex(args: argparse.Namespace, settings: Settings) -> int:
    if args.to:
        return _move_vectors(settings, args.to)
    kb = open_knowledge_base(settings)
    report = kb.reindex(re_embed=args.re_embed)
    print(f"{kb.store.name} holds {len(kb.vectors)} vectors, rebuilt ({report.embedded} embedded by the model)")
    return 0


def _move_vectors(settings: Settings, to: str) -> int:
    """Move the stored vectors between FAISS's bytes and pgvector's column, without the model."""
    from tqdm import tqdm

    from index import sql_vectors
    from index.db import create_database
    from index.embedders import configured_embedder
    from index.errors import ConfigError

    engine = create_database(url=settings.resolved_database_url)
    kind = sql_vectors.column_type(engine)
    if kind is None:
        raise ConfigError("pgvector needs PostgreSQL: set LEDE_DATABASE_URL=postgresql://… (SQLite keeps FAISS).")
    if (to == "pgvector") == (kind != "bytea"):
        print(f"The vectors are already kept for {to}: nothing to move. Set LEDE_VECTOR_STORE={to}.")
        return 0
    with tqdm(unit="vector", desc=f"to {to}", disable=None) as bar:
        def progress(done: int, total: int) -> None:
            bar.total = total
            bar.update(done - bar.n)

        if to == "pgvector":
            # Nothing stored yet: the configured model's dimensions (known without loading it).
            dim = sql_vectors.stored_dim(engine) or configured_embedder(settings).dim
            moved = sql_vectors.to_sql(engine, dim=dim, progress=progress)
        else:
            moved = sql_vectors.to_bytes(engine, progress=progress)
    engine.dispose()
    if to == "faiss":
        print(f"{moved} vectors moved out of pgvector. Set LEDE_VECTOR_STORE=faiss (the default) for every "
              f"process; the first to start builds the FAISS index {settings.faiss_path} from them.")
    else:
        settings.faiss_path.unlink(missing_ok=True)  # stale from now on: `--to faiss` rebuilds it
        print(f"{moved} vectors moved into pgvector with an HNSW index. Set LEDE_VECTOR_STORE=pgvector for "
              "every process (the FAISS file is removed: it is not read any more).")
    return 0


def cmd_digest(args: argparse.Namespace, settings: Settings) -> int:
    """Print what a digest would post now, without posting it or moving its cursor."""
    from bot.state import subscriptions

    kb = nonempty_knowledge_base(settings)
    if args.chat is not None:
        digest = subscriptions.digest_of_chat(kb, args.chat)
        if digest is None:
            raise LedeError(f"chat {args.chat} has no digest; set one in Telegram with /digest 08:00 Europe/Kyiv.")
        after, topic = digest.last_article_id, digest.topic
    else:
        after, topic = subscriptions.cursor_a_day_ago(kb), None
    stories = subscriptions.new_stories(kb, after, topic)
    if not stories:
        print("Nothing new for this digest.")
    for story in stories:
        outlets = ", ".join(dict.fromkeys(item.outlet or item.url for item in story.items))
        print(f"• {story.items[0].title} — {outlets}")
    return 0


def cmd_prune(args: argparse.Namespace, settings: Settings) -> int:
    from bot.state.answers import prune_answers
    from index.retention import prune

    now = datetime.now(UTC)
    older_than = now - cutoff_of(args.older_than, now)
    kb = open_knowledge_base(settings)
    before = f"before {(now - older_than).date().isoformat()}"
    would = prune(kb, older_than, now=now, dry_run=True)
    answers = prune_answers(kb, now - older_than, dry_run=True)
    what = f"{would.articles} articles ({would.passages} passages and their vectors) and {answers} answers"
    if args.dry_run:
        print(f"Would delete {what} from {before} (nothing deleted: --dry-run).")
        return 0
    if sys.stdin.isatty() and not args.yes:
        reply = input(f"Delete {what} from {before}, in {settings.data_dir}? This cannot be undone. [y/N] ")
        if reply.strip().lower() not in {"y", "yes"}:
            print("Nothing deleted.")
            return 1
    pruned = prune(kb, older_than, now=now)
    answers = prune_answers(kb, now - older_than)
    print(f"Deleted {pruned.articles} articles ({pruned.passages} passages and their vectors) and "
          f"{answers} answers from {before}.")
    return 0


AGE_UNITS = MappingProxyType({"d": 1, "w": 7, "y": 365})


def cutoff_of(text: str, now: datetime) -> datetime:
    """Return the moment before which `prune --older-than` deletes: "90d", "12w", "1y" back from
    `now`, or a date (YYYY-MM-DD). A bare number is refused: `90` once meant 90 seconds and
    deleted every article."""
    text = text.strip().lower()
    if text.isdigit():
        raise InputError(f"{text!r} has no unit: did you mean {text}d? (days d, weeks w, years y, or a date YYYY-MM-DD)")
    if text[-1:] in {"h", "m", "s"} and text[:-1].replace(".", "", 1).isdigit():
        raise InputError(f"{text!r}: the age must be at least one day (1d): newer articles are what Lede answers from")
    try:
        if text[-1:] in AGE_UNITS:
            cutoff = now - timedelta(days=float(text[:-1]) * AGE_UNITS[text[-1]])
        else:
            cutoff = datetime.fromisoformat(text).replace(tzinfo=UTC)
    except ValueError:
        raise InputError(f"{text!r} is not an age: use e.g. 90d, 12w, 1y or a date (YYYY-MM-DD)") from None
    if now - cutoff < timedelta(days=1):
        raise InputError("the age must be at least one day (1d): newer articles are what Lede answers from")
    return cutoff


def cmd_config(args: argparse.Namespace, settings: Settings) -> int:
    import os
    from pathlib import Path

    from dotenv import dotenv_values
    from pydantic import SecretStr

    from index.db import redacted

    dotenv = dotenv_values(".env") if Path(".env").is_file() else {}
    print(f"Settings in effect (the environment first, then {Path('.env').resolve()}, then the defaults):")
    for name, field in Settings.model_fields.items():
        names = [str(c) for c in getattr(field.validation_alias, "choices", ())] or [f"LEDE_{name.upper()}"]
        source = next((f"{n}, environment" for n in names if n in os.environ), None) or next(
            (f"{n}, .env" for n in names if n in dotenv), "default")
        value = getattr(settings, name)
        shown = ("***" if value.get_secret_value() else "") if isinstance(value, SecretStr) else value
        print(f"  {name:24} {shown!s:40} ({source})")
    print(f"The data dir is {settings.data_dir.resolve()}; the database {redacted(settings.resolved_database_url)}.")
    return 0


def cmd_migrate(args: argparse.Namespace, settings: Settings) -> int:
    from sqlalchemy import text

    from index.db import create_database, redacted

    engine = create_database(url=settings.resolved_database_url)
    with engine.connect() as connection:
        revision = connection.execute(text("SELECT version_num FROM alembic_version")).scalar_one()
    engine.dispose()
    print(f"The database {redacted(settings.resolved_database_url)} is at schema revision {revision}.")
    return 0


def cmd_backfill(args: argparse.Namespace, settings: Settings) -> int:
    from index.backfill import backfill

    done = backfill(open_knowledge_base(settings))
    print(f"Precomputed the sentence vectors of {done.passages} passages, the centroids and words of "
          f"{done.articles} articles and the vectors of {done.words} words; hashed the text of {done.merged.hashed} articles, "
          f"merged {done.merged.copies} copies into the article they copy and dropped {done.merged.boilerplate} "
          f"boilerplate pages.")
    return 0


def register(commands: Commands) -> None:
    """Add these commands to `lede`."""
    stats = commands.add_parser(
        "stats",
        help="count sources, articles, passages and vectors",
        description="Counts, and whether the FAISS index agrees with the database.",
    )
    stats.add_argument("--json", action="store_true", help="print one JSON object")
    stats.set_defaults(run=cmd_stats)

    reindex = commands.add_parser(
        "reindex",
        help="rebuild the FAISS index from the database",
        description="Rebuild the FAISS index from the vectors stored in the database.",
    )
    reindex.add_argument(
        "--re-embed", action="store_true", help="run the model again (after changing LEDE_EMBEDDING_MODEL)"
    )
    reindex.add_argument(
        "--to", choices=("pgvector", "faiss"),
        help="move the stored vectors into PostgreSQL's pgvector column or back out for FAISS (no model run)",
    )
    reindex.set_defaults(run=cmd_reindex)

    digest = commands.add_parser(
        "digest", help="preview a digest: the stories it would post now",
        description="Print the stories a chat's digest would post now (--chat ID), or those of the last day, "
        "grouped by story with their outlets. Posts nothing and moves no cursor.",
    )
    digest.add_argument("--chat", type=int, metavar="ID", help="the Telegram chat id of a digest")
    digest.set_defaults(run=cmd_digest)

    prune = commands.add_parser(
        "prune", help="delete old articles (with their passages and vectors) and old answers",
        description="Delete the articles published (or, undated, first seen) before the cut-off, with their "
        "passages and vectors, and the answers given before it. The FAISS index is kept in step.",
    )
    prune.add_argument("--older-than", required=True, metavar="AGE",
                       help="90d, 12w, 1y, or a date (YYYY-MM-DD); at least one day, and a bare number is refused")
    prune.add_argument("--dry-run", action="store_true", help="print what would be deleted, delete nothing")
    prune.add_argument("--yes", action="store_true", help="do not ask first (a terminal is asked; scripts are not)")
    prune.set_defaults(run=cmd_prune)

    config = commands.add_parser(
        "config", help="show the settings in effect, where each came from, secrets masked",
        description="Print each setting's value (secrets as ***) and whether it came from the environment, "
        "the .env file of this folder or the defaults, then the data dir and database this folder opens.",
    )
    config.set_defaults(run=cmd_config)

    migrate = commands.add_parser(
        "migrate", help="bring the database's schema up to date, then exit",
        description="Every Lede process migrates the database when it starts, in one transaction and under a "
        "lock; deployments that upgrade before starting processes run this first (the Procfile's release, "
        "the compose file's migrate service, systemd's ExecStartPre).",
    )
    migrate.set_defaults(run=cmd_migrate)

    backfill = commands.add_parser(
        "backfill",
        help="precompute what answers read, for articles stored by an older Lede",
        description="Compute the sentence vectors, article centroids and word vectors that ingest now "
        "stores, for rows stored before it did. Resumable; a running bot keeps answering meanwhile.",
    )
    backfill.set_defaults(run=cmd_backfill)
