"""The `lede` command line: ingest, ask, stats, reindex.

Heavy modules (the model, FAISS) are imported inside the commands, so `lede --help` is instant.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import sys
from contextlib import asynccontextmanager
from dataclasses import asdict
from pathlib import Path

from index.errors import LedeError
from index.settings import Settings

log = logging.getLogger("lede")


def _knowledge_base(settings: Settings):
    from index.knowledge import KnowledgeBase

    return KnowledgeBase(settings)


def cmd_ingest(args: argparse.Namespace, settings: Settings) -> int:
    kb = _knowledge_base(settings)
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
            print("Watching sources (Ctrl-C stops)...", file=sys.stderr)
            await runner.watch()
            return 0
        results = await runner.run(due_only=False, progress=_print_progress)
    if not results:
        print("No sources yet. Add one: lede sources add URL")
    return 1 if results and all(r.error for r in results) else 0


def _print_progress(done: int, total: int, result) -> None:
    print(f"[{done}/{total}] {result.summary()}", flush=True)


@asynccontextmanager
async def _runner(kb, settings: Settings):
    from ingest.fetch import FetchPolicy, Fetcher
    from ingest.runner import Runner

    async with Fetcher(FetchPolicy.from_settings(settings)) as fetcher:
        yield Runner(kb, fetcher, concurrency=settings.ingest_concurrency)


def cmd_sources_add(args: argparse.Namespace, settings: Settings) -> int:
    from ingest.sources import add_source

    kb = _knowledge_base(settings)

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

    sources = list_sources(_knowledge_base(settings))
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

    info, articles = remove_source(_knowledge_base(settings), args.id)
    print(f"Removed source #{info.id} ({info.url}) and its {articles} articles.")
    return 0


def cmd_sources_import(args: argparse.Namespace, settings: Settings) -> int:
    from ingest.sources import import_opml

    try:
        content = Path(args.file).read_bytes()
    except OSError as exc:
        raise LedeError(f"cannot read {args.file}: {exc.strerror}") from exc
    added, existing = import_opml(_knowledge_base(settings), content, name=args.file)
    print(f"Imported {added} feeds ({existing} were already there); `lede ingest --once` fetches them.")
    return 0


def cmd_sources_export(args: argparse.Namespace, settings: Settings) -> int:
    from ingest.sources import export_opml

    sys.stdout.write(export_opml(_knowledge_base(settings)))
    return 0


def parse_interval(text: str) -> int:
    """Return seconds for "90", "30m", "2h" or "1d"."""
    units = {"s": 1, "m": 60, "h": 3600, "d": 86400}
    text = text.strip().lower()
    try:
        if text[-1] in units:
            seconds = int(float(text[:-1]) * units[text[-1]])
        else:
            seconds = int(text)
    except (ValueError, IndexError):
        raise argparse.ArgumentTypeError(f"{text!r} is not an interval; use e.g. 90, 30m, 2h, 1d") from None
    if seconds < 60:
        raise argparse.ArgumentTypeError("the interval must be at least one minute")
    return seconds


def cmd_ask(args: argparse.Namespace, settings: Settings) -> int:
    from bot.answer import answer_question
    from bot.render import render_text

    question = " ".join(args.question).strip()
    if not question:
        raise LedeError('the question is empty. Ask one: lede ask "Who leads the coalition?"')
    kb = _knowledge_base(settings)
    if kb.stats().passages == 0:
        raise LedeError("the knowledge base is empty. Add articles first: lede ingest PATH")
    answer = answer_question(kb, question)
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


def _print_result(result: dict, as_json: bool) -> None:
    """Print a benchmark's or evaluation's figures as one JSON object or aligned lines."""
    print(json.dumps(result) if as_json else "\n".join(f"{k:>26}: {v}" for k, v in result.items()))


def cmd_eval(args: argparse.Namespace, settings: Settings) -> int:
    import tempfile

    from bot.evaluate import evaluate, load_questions
    from index.knowledge import KnowledgeBase
    from ingest.local import ingest_paths

    corpus, questions_path = Path(args.corpus), Path(args.questions)
    for path in (corpus, questions_path):
        if not path.is_file():
            raise LedeError(f"{path}: no such file.")
    data_dir = Path(args.data_dir) if args.data_dir else Path(tempfile.mkdtemp(prefix="lede-eval-"))
    eval_settings = settings.model_copy(update={"data_dir": data_dir, "database_url": None})
    kb = KnowledgeBase(eval_settings)
    print(f"Indexing {corpus} into {data_dir} (reused when given with --data-dir)...", file=sys.stderr)
    report = ingest_paths(kb, [corpus], progress=not args.json)
    print(report.summary(), file=sys.stderr)
    questions = load_questions(questions_path, corpus)[: args.limit]
    result = evaluate(kb, questions, unanswerable=args.unanswerable)
    _print_result(result, args.json)
    return 0


def cmd_bench_extract(args: argparse.Namespace, settings: Settings) -> int:
    from bot.bench import bench_extract

    result = bench_extract(Path(args.fixtures))
    _print_result(result, args.json)
    return 0


def cmd_bot(args: argparse.Namespace, settings: Settings) -> int:
    from bot.app import run_bot

    logging.getLogger().setLevel(logging.DEBUG if args.verbose else logging.INFO)
    logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per request, token in the URL
    run_bot(settings, webhook=args.webhook, run_ingest=not args.no_ingest)
    return 0


def cmd_bench_ingest(args: argparse.Namespace, settings: Settings) -> int:
    from bot.bench import bench_ingest

    result = bench_ingest(settings, Path(args.corpus), articles=args.articles)
    _print_result(result, args.json)
    return 0


def cmd_bench_answer(args: argparse.Namespace, settings: Settings) -> int:
    from bot.bench import bench_answer

    result = bench_answer(settings, passages=args.passages, questions=args.questions)
    _print_result(result, args.json)
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
    add.add_argument("--interval", type=parse_interval, help="how often to fetch: 90, 30m, 2h, 1d")
    add.set_defaults(run=cmd_sources_add)
    actions.add_parser("list", help="sources with their status and errors").set_defaults(run=cmd_sources_list)
    remove = actions.add_parser("remove", help="remove a source and its articles")
    remove.add_argument("id", type=int, metavar="ID")
    remove.set_defaults(run=cmd_sources_remove)
    opml_in = actions.add_parser("import", help="add the feeds of an OPML file")
    opml_in.add_argument("file", metavar="FILE.opml")
    opml_in.set_defaults(run=cmd_sources_import)
    actions.add_parser("export", help="print the feeds as OPML").set_defaults(run=cmd_sources_export)

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

    evaluation = commands.add_parser(
        "eval",
        help="measure answer quality on a question set",
        description="Index a corpus (doc_id, url, title, publish_date, source, text per JSON line) "
        "and ask its questions (qid, question, question_date, answer_text[], gold_doc_ids[]) as of "
        "their dates; print recall@k, MRR, answer and abstention rates, and latency.",
    )
    evaluation.add_argument("--corpus", required=True, help="JSONL corpus, .gz allowed")
    evaluation.add_argument("--questions", required=True, help="JSONL questions")
    evaluation.add_argument("--limit", type=int, help="ask only the first N questions")
    evaluation.add_argument("--data-dir", help="reuse this index instead of a throw-away one")
    evaluation.add_argument("--unanswerable", action="store_true",
                            help="leave each question's gold articles out and report abstention")
    evaluation.add_argument("--json", action="store_true", help="print one JSON object")
    evaluation.set_defaults(run=cmd_eval)

    bot = commands.add_parser(
        "bot",
        help="run the Telegram bot",
        description="Run the Telegram bot (long polling, or --webhook). Needs TELEGRAM_TOKEN; "
        "LEDE_ADMIN_IDS lists the user ids allowed to run admin commands.",
    )
    bot.add_argument("--webhook", action="store_true", help="receive updates at LEDE_WEBHOOK_URL")
    bot.add_argument("--no-ingest", action="store_true", help="do not fetch sources in this process")
    bot.set_defaults(run=cmd_bot)

    bench = commands.add_parser("bench", help="benchmarks that print figures")
    benches = bench.add_subparsers(dest="bench", required=True, metavar="BENCHMARK")
    extract = benches.add_parser(
        "extract",
        help="article extraction quality: mean token F1 against gold texts",
        description="Extract the article from each fixture page and compare it with the gold text.",
    )
    extract.add_argument(
        "--fixtures", default="../shared/fixtures/news-html", help="folder with scrapinghub_aeb/ and readability_news/"
    )
    extract.add_argument("--json", action="store_true", help="print one JSON object")
    extract.set_defaults(run=cmd_bench_extract)
    ingest_bench = benches.add_parser(
        "ingest", help="passages/s of the whole ingest pipeline and of the embedder alone, and their ratio"
    )
    ingest_bench.add_argument("--corpus", default="../shared/eval/realtimeqa/corpus.jsonl.gz")
    ingest_bench.add_argument("--articles", type=int, default=200)
    ingest_bench.add_argument("--json", action="store_true", help="print one JSON object")
    ingest_bench.set_defaults(run=cmd_bench_ingest)
    answer_bench = benches.add_parser(
        "answer", help="answer latency (p50/p95) and peak RSS over N synthetic passages"
    )
    answer_bench.add_argument("--passages", type=int, default=100_000)
    answer_bench.add_argument("--questions", type=int, default=60)
    answer_bench.add_argument("--json", action="store_true", help="print one JSON object")
    answer_bench.set_defaults(run=cmd_bench_answer)
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
    except BrokenPipeError:
        # The reader stopped reading (`lede ask ... | head`): not an error, and nothing more to
        # say. Point stdout at /dev/null so the interpreter's final flush cannot fail again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    sys.exit(main())
