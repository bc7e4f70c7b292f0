"""`lede eval` and `lede bench`: answer quality on a question set, and benchmarks that print figures."""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import SecretStr

from bot.cli.common import Commands, nonempty_knowledge_base, open_knowledge_base, opened, print_result
from bot.settings import Settings
from index.errors import LedeError

if TYPE_CHECKING:
    from bot.evaluation.dataset import Question
    from index.knowledge import KnowledgeBase


def cmd_eval(args: argparse.Namespace, settings: Settings) -> int:
    from bot.evaluation.dataset import AnswerFinder, load_questions
    from bot.evaluation.quality import evaluate
    from index.knowledge import KnowledgeBase
    from ingest.local import ingest_paths

    corpus, questions_path = Path(args.corpus), Path(args.questions or args.conversations)
    for path in (corpus, questions_path):
        if not path.is_file():
            raise LedeError(f"{path}: no such file.")
    data_dir = Path(args.data_dir) if args.data_dir else Path(tempfile.mkdtemp(prefix="lede-eval-"))
    eval_settings = settings.in_folder(data_dir)
    if args.database:  # PostgreSQL, say: the knowledge base lives there, vectors where LEDE_VECTOR_STORE says
        eval_settings = eval_settings.model_copy(
            update={"database_url": SecretStr(args.database), "vector_store": settings.vector_store})
    kb = KnowledgeBase.connect(eval_settings)
    print(f"Indexing {corpus} into {data_dir} (reused when given with --data-dir)...", file=sys.stderr)
    report = ingest_paths(kb, [corpus], progress=not args.json)
    print(report.summary(), file=sys.stderr)
    if args.conversations:
        return _conversations(kb, Path(args.conversations), corpus, args.json)
    questions = load_questions(questions_path, corpus)[: args.limit]
    if args.fit_confidence:
        return _fit_confidence(kb, questions, args.json)
    result = evaluate(kb, questions, unanswerable=args.unanswerable, finder=AnswerFinder.from_corpus(corpus),
                      llm=settings.llm())
    print_result(result, args.json)
    return 0


def _conversations(kb: KnowledgeBase, path: Path, corpus: Path, as_json: bool) -> int:
    from bot.evaluation.conversations import evaluate_conversations, load_conversations
    from bot.evaluation.dataset import AnswerFinder

    if not path.is_file():
        raise LedeError(f"{path}: no such file.")
    print_result(evaluate_conversations(kb, load_conversations(path), AnswerFinder.from_corpus(corpus)), as_json)
    return 0


def _fit_confidence(kb: KnowledgeBase, questions: list[Question], as_json: bool) -> int:
    from bot.answer import THRESHOLDS_FILE
    from bot.evaluation.calibrate import cross_fit
    from bot.evaluation.quality import ask_all

    asked, _ = ask_all(kb, questions)
    thresholds, report = cross_fit([(q, a) for q, a, _ in asked])
    thresholds.save()
    print(f"Wrote {THRESHOLDS_FILE}; each half scored with thresholds fitted on the other:", file=sys.stderr)
    print_result(report, as_json)
    return 0


def cmd_bench_extract(args: argparse.Namespace, settings: Settings) -> int:
    from bot.evaluation.bench import bench_extract

    result = bench_extract(Path(args.fixtures))
    print_result(result, args.json)
    return 0


def cmd_bench_ingest(args: argparse.Namespace, settings: Settings) -> int:
    from bot.evaluation.bench import bench_ingest

    result = bench_ingest(settings, Path(args.corpus), articles=args.articles, runs=args.runs)
    print_result(result, args.json)
    return 0


def cmd_bench_answer(args: argparse.Namespace, settings: Settings) -> int:
    from bot.evaluation.bench import QUESTIONS, bench_answer
    from ingest.dates import parse_date

    if args.store == "pgvector" and not args.postgres:
        raise LedeError("--store pgvector needs --postgres postgresql://user:pass@host/db (a role that may "
                        "create databases: the benchmark makes a throw-away one there).")
    if args.questions:
        from bot.evaluation.dataset import read_lines

        asked = [(r["question"], parse_date(r.get("question_date") or "")) for r in read_lines(Path(args.questions))]
    else:
        asked = [(q, None) for q in QUESTIONS]
    if open_knowledge_base(settings).is_empty():
        raise LedeError(f"{opened(settings)} holds no articles: the benchmark copies its "
                        "articles. Ingest some, or set LEDE_DATA_DIR to one (`lede eval --data-dir` makes one).")
    if args.store == "pgvector":
        from bot.evaluation.bench_pgvector import bench_pgvector

        result = bench_pgvector(settings, postgres=args.postgres, passages=args.passages, questions=asked)
    else:
        result = bench_answer(settings, passages=args.passages, questions=asked)
    print_result(result, args.json)
    return 0


def cmd_bench_compare(args: argparse.Namespace, settings: Settings) -> int:
    from bot.evaluation.bench_compare import bench_compare

    kb = nonempty_knowledge_base(settings, "Ingest a corpus first.")
    print_result(bench_compare(kb, outlets=args.outlets, stories=args.stories), args.json)
    return 0


def cmd_bench_stories(args: argparse.Namespace, settings: Settings) -> int:
    from bot.evaluation.bench_stories import bench_stories

    kb = _eval_corpus(settings)
    print_result(bench_stories(kb, Path(args.labels)) if args.labels else bench_stories(kb), args.json)
    return 0


def cmd_bench_filler(args: argparse.Namespace, settings: Settings) -> int:
    from bot.evaluation.filler import bench_filler

    print_result(bench_filler(_eval_corpus(settings)), args.json)
    return 0


def _eval_corpus(settings: Settings) -> KnowledgeBase:
    """Return the knowledge base the hand-labelled benchmarks read: the eval corpus ingested."""
    return nonempty_knowledge_base(settings, "Ingest the eval corpus first "
                                   "(lede ingest ../shared/eval/realtimeqa/corpus.jsonl.gz).")


def cmd_bench_start(args: argparse.Namespace, settings: Settings) -> int:
    from bot.evaluation.startup import bench_start

    print_result(bench_start(settings.data_dir, runs=args.runs), args.json)
    return 0


def register(commands: Commands) -> None:
    """Add these commands to `lede`."""
    evaluation = commands.add_parser(
        "eval",
        help="measure answer quality on a question set",
        description="Index a corpus (doc_id, url, title, publish_date, source, text per JSON line) "
        "and ask its questions (qid, question, question_date, answer_text[], gold_doc_ids[]) as of "
        "their dates; print recall@k, MRR, answer and abstention rates, and latency.",
    )
    evaluation.add_argument("--corpus", required=True, help="JSONL corpus, .gz allowed")
    questions = evaluation.add_mutually_exclusive_group(required=True)
    questions.add_argument("--questions", help="JSONL questions")
    questions.add_argument("--conversations", help="JSONL conversations of follow-up questions, each turn "
                           "labelled with its story (bot/evaluation/data/conversations.jsonl)")
    evaluation.add_argument("--limit", type=int, help="ask only the first N questions")
    evaluation.add_argument("--data-dir", help="reuse this index instead of a throw-away one")
    evaluation.add_argument("--database", metavar="URL", help="keep the knowledge base in this database (e.g. "
                            "PostgreSQL, with LEDE_VECTOR_STORE=pgvector for pgvector) instead of SQLite in the data dir")
    evaluation.add_argument("--unanswerable", action="store_true",
                            help="leave out each question's gold articles and every article of the 30 days before it "
                            "holding a gold answer, and report abstention")
    evaluation.add_argument("--fit-confidence", action="store_true",
                            help="fit the span reader's bold-answer and abstention thresholds on these questions and "
                            "write them (each half of the weeks is scored with thresholds fitted on the other half)")
    evaluation.add_argument("--json", action="store_true", help="print one JSON object")
    evaluation.set_defaults(run=cmd_eval)

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
    ingest_bench.add_argument("--runs", type=int, default=3, help="measured alternately; the medians are printed")
    ingest_bench.add_argument("--json", action="store_true", help="print one JSON object")
    ingest_bench.set_defaults(run=cmd_bench_ingest)
    answer_bench = benches.add_parser(
        "answer", help="answer latency (p50/p95) and peak RSS over N passages of real text",
        description="Copy this knowledge base's articles (new ids, older dates, slightly moved vectors) "
        "into a throw-away one of N passages, then answer questions over it.",
    )
    answer_bench.add_argument("--passages", type=int, default=100_000)
    answer_bench.add_argument("--questions", help="JSONL questions with 'question' and 'question_date' "
                              "(e.g. the eval's); a few built-in ones otherwise")
    answer_bench.add_argument("--store", choices=("faiss", "pgvector"), default="faiss",
                              help="pgvector: copy into PostgreSQL, answer from FAISS and from pgvector in one run")
    answer_bench.add_argument("--postgres", metavar="URL", help="with --store pgvector: a PostgreSQL server URL")
    answer_bench.add_argument("--json", action="store_true", help="print one JSON object")
    answer_bench.set_defaults(run=cmd_bench_answer)
    compare_bench = benches.add_parser(
        "compare", help="how often /compare finds shared points and differing figures",
        description="Find the stories of this knowledge base told by at least --outlets outlets and compare "
        "the first --stories of them; print what each shows and the counts.",
    )
    stories_bench = benches.add_parser(
        "stories", help="same-story pair precision and recall on hand-labelled stories of the eval corpus",
        description="Group every dated article of this knowledge base (the eval corpus ingested) into stories "
        "and score the pairs of the hand-labelled ones, for each half of the stories by date.",
    )
    stories_bench.add_argument("--labels", help="labelled stories (default: bot/evaluation/data/stories.json)")
    stories_bench.add_argument("--json", action="store_true", help="print one JSON object")
    stories_bench.set_defaults(run=cmd_bench_stories)
    filler_bench = benches.add_parser(
        "filler", help="precision and recall of the filler marker (headings, captions, promo lines) on "
        "hand-labelled lines of the eval corpus",
    )
    filler_bench.add_argument("--json", action="store_true", help="print one JSON object")
    filler_bench.set_defaults(run=cmd_bench_filler)
    compare_bench.add_argument("--outlets", type=int, default=3)
    compare_bench.add_argument("--stories", type=int, default=10)
    compare_bench.add_argument("--json", action="store_true", help="print one JSON object")
    compare_bench.set_defaults(run=cmd_bench_compare)
    start_bench = benches.add_parser(
        "start", help="seconds from starting `lede bot` to its first poll for updates",
        description="Start `lede bot --no-ingest` on this data dir against a local stand-in for the Bot API.",
    )
    start_bench.add_argument("--runs", type=int, default=3)
    start_bench.add_argument("--json", action="store_true", help="print one JSON object")
    start_bench.set_defaults(run=cmd_bench_start)
