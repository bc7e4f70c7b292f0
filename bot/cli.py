"""The `lede` command line: ingest, ask, stats, reindex.

Heavy modules (the model, FAISS) are imported inside the commands, so `lede --help` is instant.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from dataclasses import asdict
from pathlib import Path

from index.errors import LedeError
from index.settings import Settings

log = logging.getLogger("lede")


def _knowledge_base(settings: Settings):
    from index.knowledge import KnowledgeBase

    return KnowledgeBase(settings)


def cmd_ingest(args: argparse.Namespace, settings: Settings) -> int:
    from ingest.local import ingest_paths

    kb = _knowledge_base(settings)
    report = ingest_paths(kb, [Path(p) for p in args.paths], progress=not args.quiet)
    for error in report.errors:
        print(f"error: {error}", file=sys.stderr)
    print(report.summary())
    return 1 if report.errors and not (report.added or report.updated or report.unchanged) else 0


def cmd_ask(args: argparse.Namespace, settings: Settings) -> int:
    from bot.answer import answer_question
    from bot.render import render_text

    kb = _knowledge_base(settings)
    if kb.stats().passages == 0:
        raise LedeError("the knowledge base is empty. Add articles first: lede ingest PATH")
    answer = answer_question(kb, " ".join(args.question))
    print(render_text(answer))
    return 0


def cmd_stats(args: argparse.Namespace, settings: Settings) -> int:
    stats = _knowledge_base(settings).stats()
    if args.json:
        print(json.dumps(asdict(stats)))
    else:
        for key, value in asdict(stats).items():
            print(f"{key:>9}: {value}")
        if not stats.in_sync:
            print("The FAISS index differs from the database; `lede reindex` rebuilds it "
                  "(the next question does that too).")
    return 0


def cmd_reindex(args: argparse.Namespace, settings: Settings) -> int:
    kb = _knowledge_base(settings)
    report = kb.reindex(re_embed=args.re_embed)
    print(f"FAISS index rebuilt: {report.added} vectors ({report.embedded} embedded by the model)")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="lede",
        description="Lede answers questions about the news with citations you can check.",
        epilog="Configuration comes from LEDE_* environment variables or a .env file (see README).",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log what happens in detail")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    ingest = commands.add_parser(
        "ingest",
        help="add articles from files or folders",
        description="Add articles from .txt, .md, .html files, or JSON/JSONL corpora (gzip too). "
        "Folders are searched recursively. Re-ingesting unchanged files adds nothing.",
    )
    ingest.add_argument("paths", nargs="+", metavar="PATH")
    ingest.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    ingest.set_defaults(run=cmd_ingest)

    ask = commands.add_parser(
        "ask", help="answer a question from the articles", description="Answer a question with citations."
    )
    ask.add_argument("question", nargs="+", metavar="QUESTION")
    ask.set_defaults(run=cmd_ask)

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
    reindex.set_defaults(run=cmd_reindex)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    try:
        return args.run(args, Settings())
    except LedeError as exc:
        print(f"lede: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
