"""`lede ingest` and `lede sources`: add articles from files, fetch and manage the sources."""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from bot.cli.common import Commands, open_knowledge_base
from bot.settings import Settings
from index.errors import LedeError

if TYPE_CHECKING:
    pass

def cmd_ingest(args: argparse.Namespace, settings: Settings) -> int:
    kb = open_knowledge_base(settings)
    if args.paths:
        if args.watch:
            raise LedeError("--watch runs the sources; give it no PATH.")
        from ingest.local import ingest_paths

        report = ingest_paths(kb, [Path(p) for p in args.paths], progress=not args.quiet)
        for error in report.errors:
            print(f"error: {error}", file=sys.stderr)
        print(report.summary())
        return 1 if report.errors and not (report.added or report.updated or report.unchanged) else 0
    return asyncio.run(_run_sources(kb, settings, watch=args.watch))


async def _run_sources(kb, settings: Settings, *, watch: bool) -> int:
    async with _runner(kb, settings) as runner:
        if watch:
            if settings.http_port is not None:
                from index.monitoring import serve_monitoring

                serve_monitoring(kb, settings.http_port, settings.http_host)
            # Ctrl-C, or the SIGTERM a platform (Procfile, systemd, Docker) stops a process with,
            # ends the watch after the round in hand: whatever a process inherited for SIGINT.
            stop = asyncio.Event()
            for signum in (signal.SIGINT, signal.SIGTERM):
                asyncio.get_running_loop().add_signal_handler(signum, stop.set)
            print("Watching sources (Ctrl-C stops)...", file=sys.stderr)
            await runner.watch(poll_seconds=settings.ingest_every, stop=stop)
            print("Stopped watching.", file=sys.stderr)
            return 0
        results = await runner.run(due_only=False, progress=_print_progress)
    if not results:
        print("No sources yet. Add one: lede sources add URL")
    return 1 if results and all(r.error for r in results) else 0


def _print_progress(done: int, total: int, result) -> None:
    print(f"[{done}/{total}] {result.summary()}", flush=True)


@asynccontextmanager
async def _runner(kb, settings: Settings):
    from ingest.fetch import Fetcher, FetchPolicy
    from ingest.runner import Runner

    async with Fetcher(FetchPolicy.from_settings(settings)) as fetcher:
        yield Runner(kb, fetcher, concurrency=settings.ingest_concurrency)


def cmd_sources_add(args: argparse.Namespace, settings: Settings) -> int:
    from ingest.sources import add_source

    kb = open_knowledge_base(settings)

    async def add():
        async with _runner(kb, settings) as runner:
            return await add_source(kb, runner, args.url, interval_seconds=args.interval)

    added = asyncio.run(add())
    source = added.source
    verb = "Already had" if added.existed else "Added"
    print(f"{verb} source #{source.id} ({source.kind}): {source.title or source.url}")
    print(f"  {added.result.summary()}")
    return 1 if added.result.error else 0


def cmd_sources_list(args: argparse.Namespace, settings: Settings) -> int:
    from ingest.sources import list_sources

    sources = list_sources(open_knowledge_base(settings))
    if not sources:
        print("No sources yet. Add one: lede sources add URL")
        return 0
    print(f"{'id':>4}  {'kind':<5} {'status':<12} {'articles':>8}  {'last success':<16}  url / title")
    for s in sources:
        when = s.last_success_at.strftime("%Y-%m-%d %H:%M") if s.last_success_at else "never"
        print(f"{s.id:>4}  {s.kind:<5} {s.status:<12} {s.articles:>8}  {when:<16}  {s.url}")
        if s.title:
            print(f"{'':>50}{s.title}")
        if s.last_error:
            print(f"{'':>50}error: {s.last_error}")
    return 0


def cmd_sources_remove(args: argparse.Namespace, settings: Settings) -> int:
    from ingest.sources import remove_source

    info, articles = remove_source(open_knowledge_base(settings), args.id)
    print(f"Removed source #{info.id} ({info.url}) and its {articles} articles.")
    return 0


def cmd_sources_import(args: argparse.Namespace, settings: Settings) -> int:
    from ingest.sources import import_opml

    try:
        content = Path(args.file).read_bytes()
    except OSError as exc:
        raise LedeError(f"cannot read {args.file}: {exc.strerror}") from exc
    added, existing = import_opml(open_knowledge_base(settings), content, name=args.file)
    print(f"Imported {added} feeds ({existing} were already there); `lede ingest --once` fetches them.")
    return 0


def cmd_sources_export(args: argparse.Namespace, settings: Settings) -> int:
    from ingest.sources import export_opml

    sys.stdout.write(export_opml(open_knowledge_base(settings)))
    return 0


def interval(text: str) -> int:
    """Read --interval for argparse: "90", "30m", "2h" or "1d"."""
    from ingest.sources import parse_interval

    try:
        return parse_interval(text)
    except LedeError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def cmd_sources_enable(args: argparse.Namespace, settings: Settings) -> int:
    from ingest.sources import set_enabled

    info = set_enabled(open_knowledge_base(settings), args.id, args.action == "enable")
    print(f"#{info.id} {info.title or info.url}: {info.status}")
    return 0


def register(commands: Commands) -> None:
    """Add these commands to `lede`."""
    ingest = commands.add_parser(
        "ingest",
        help="add articles from files, or fetch the sources",
        description="With PATHs: add articles from .txt, .md, .html files, or JSON/JSONL corpora "
        "(gzip too); folders are searched recursively. Without: fetch every source once (--once, "
        "the default) or keep fetching those that are due (--watch). Nothing is stored twice.",
    )
    ingest.add_argument("paths", nargs="*", metavar="PATH")
    mode = ingest.add_mutually_exclusive_group()
    mode.add_argument("--once", action="store_true", help="fetch every enabled source now (default)")
    mode.add_argument("--watch", action="store_true", help="keep fetching sources as they fall due")
    ingest.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    ingest.set_defaults(run=cmd_ingest)

    sources = commands.add_parser(
        "sources", help="add, list, remove, import and export sources",
        description="News sources: feeds (RSS, Atom, JSON Feed), sites (their feed is found), pages.",
    )
    actions = sources.add_subparsers(dest="action", required=True, metavar="ACTION")
    add = actions.add_parser("add", help="add a feed, site or page and fetch it once")
    add.add_argument("url", metavar="URL")
    add.add_argument("--interval", type=interval, help="how often to fetch: 90, 30m, 2h, 1d")
    add.set_defaults(run=cmd_sources_add)
    actions.add_parser("list", help="sources with their status and errors").set_defaults(run=cmd_sources_list)
    remove = actions.add_parser("remove", help="remove a source and its articles")
    remove.add_argument("id", type=int, metavar="ID")
    remove.set_defaults(run=cmd_sources_remove)
    for action, summary in (("disable", "stop fetching a source, keeping its articles"),
                            ("enable", "fetch a disabled source again, from the next run")):
        toggle = actions.add_parser(action, help=summary)
        toggle.add_argument("id", type=int, metavar="ID")
        toggle.set_defaults(run=cmd_sources_enable, action=action)
    opml_in = actions.add_parser("import", help="add the feeds of an OPML file")
    opml_in.add_argument("file", metavar="FILE.opml")
    opml_in.set_defaults(run=cmd_sources_import)
    actions.add_parser("export", help="print the feeds as OPML").set_defaults(run=cmd_sources_export)
