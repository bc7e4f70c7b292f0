"""The `lede` command line: one module per command group, each adding its commands to the parser.

Heavy modules (the model, FAISS, python-telegram-bot) are imported inside the commands, so
`lede --help` is instant. This package parses arguments and prints; the work is done by
`bot.answer`, `bot.evaluation`, `bot.chat`, `ingest` and `index`, none of which may import it
(only the `lede` entry point and `python -m bot` do).
"""

from __future__ import annotations

import argparse
import errno
import logging
import os
import sys

from bot.cli import ask, backup, chat, check, evaluation, ingest, upkeep
from bot.cli.logs import configure_logging, level_of
from bot.settings import Settings
from index.errors import LedeError

log = logging.getLogger("lede")


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("lede")
    except PackageNotFoundError:  # run from a source tree that was never installed
        return "(not installed)"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="lede",
        description="Lede answers questions about the news with citations you can check.",
        epilog="Configuration comes from LEDE_* environment variables or a .env file (see README).",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log what happens in detail")
    parser.add_argument("--version", action="version", version=f"lede {_version()}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    for group in (ingest, ask, upkeep, backup, evaluation, chat, check):
        group.register(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    # The one place Lede sets the environment: python-telegram-bot 22.2+ gives durations as
    # timedelta when asked (its floats are deprecated).
    os.environ.setdefault("PTB_TIMEDELTA", "1")
    # "lede bot -v" means what "lede -v bot" does: the flag is taken wherever it is given.
    verbose = [a for a in argv if a in ("-v", "--verbose")]
    args = build_parser().parse_args(verbose[:1] + [a for a in argv if a not in ("-v", "--verbose")])
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.WARNING,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    settings: Settings | None = None
    try:
        settings = Settings()
        # Long-running commands (the bot, --watch) log what they do at INFO unless told otherwise.
        running = args.command == "bot" or getattr(args, "watch", False)
        default = logging.DEBUG if args.verbose else logging.INFO if running else logging.WARNING
        configure_logging(json_lines=settings.log_format == "json", level=level_of(settings.log_level, default))
        status: int = args.run(args, settings)
        # A reader that closed the pipe is found here, where it is handled, not in the interpreter's
        # flush at exit (which fails with status 120).
        sys.stdout.flush()
        return status
    except LedeError as exc:
        print(f"lede: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader stopped reading (`lede ask ... | head`): not an error, and nothing more to
        # say. Point stdout at /dev/null so the interpreter's final flush cannot fail again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as exc:
        message = environment_error(exc, settings)
        if message is None:
            raise  # a bug in Lede: the traceback is what its report needs
        print(f"lede: {message}", file=sys.stderr)
        return 2


def environment_error(exc: Exception, settings: Settings | None = None) -> str | None:
    """Return one line for a failure of the machine or the configuration rather than of Lede (a
    read-only or full disk, a locked database, an invalid setting), or None for anything else."""
    from pydantic import ValidationError
    from sqlalchemy.exc import OperationalError

    from bot.cli.common import opened

    if isinstance(exc, ValidationError):
        return "; ".join(
            f"LEDE_{'_'.join(map(str, e['loc'])).upper()}: {e['msg'].removeprefix('Value error, ')}"
            for e in exc.errors()
        ) + " (fix the environment or .env)."
    if isinstance(exc, OperationalError):
        reason = str(exc.orig).strip() or type(exc.orig).__name__
        hint = {
            "locked": "another lede process held it too long; try again when it is done",
            "full": "free some disk space",
            "readonly": "make the data dir writable, or set LEDE_DATA_DIR",
            "unable to open": "check that LEDE_DATA_DIR exists and is writable",
        }
        advice = next((h for key, h in hint.items() if key in reason.replace("read-only", "readonly")), None)
        which = opened(settings) if settings is not None else "the database"
        return f"{which} failed: {reason}" + (f" ({advice})." if advice else ".")
    if isinstance(exc, OSError) and exc.errno == errno.EADDRINUSE:
        return ("cannot listen: a port Lede was given is in use by another process (set LEDE_HTTP_PORT, or "
                "LEDE_BOT_HTTP_PORT and LEDE_WORKER_HTTP_PORT under the Procfile, or LEDE_WEBHOOK_PORT, to a free one).")
    if isinstance(exc, OSError) and exc.strerror:
        where = f" {exc.filename}" if exc.filename else ""
        data = f"LEDE_DATA_DIR ({settings.data_dir.resolve()})" if settings is not None else "LEDE_DATA_DIR"
        return f"cannot use{where}: {exc.strerror} (check {data} and the free disk space)."
    return None
