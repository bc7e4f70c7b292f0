"""`lede ask`, `lede chat`, `lede timeline` and `lede compare`: questions and stories from the terminal."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime, tzinfo
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.cli.common import Commands, nonempty_knowledge_base
from bot.settings import Settings
from index.errors import LedeError

if TYPE_CHECKING:
    pass


def cmd_ask(args: argparse.Namespace, settings: Settings) -> int:
    from bot.answer import answer_question
    from bot.cli.terminal import render_text

    question = " ".join(args.question).strip()
    if not question:
        raise LedeError('the question is empty. Ask one: lede ask "Who leads the coalition?"')
    answer = answer_question(nonempty_knowledge_base(settings), question, as_of=_moment(args), zone=args.tz, llm=settings.llm())
    print(render_text(answer))
    return 0


def cmd_chat(args: argparse.Namespace, settings: Settings) -> int:
    """Answer questions read line by line, each a possible follow-up of the one before."""

    from bot.answer import answer_question, context_for
    from bot.cli.terminal import render_text

    kb = nonempty_knowledge_base(settings)
    interactive = sys.stdin.isatty()
    if interactive:
        print("Ask about the news; a question may follow up the one before. An empty line or Ctrl-D ends.")
    previous = None
    while True:
        if interactive:
            print("> ", end="", flush=True)
        line = sys.stdin.readline()
        question = line.strip()
        if not question:
            if line and not interactive:
                continue  # a blank line in piped input
            return 0
        if not interactive:
            print(f"> {question}")  # piped in: show what each answer answers
        answer = answer_question(kb, question, context=context_for(question, previous), as_of=_moment(args),
                                 zone=args.tz, llm=settings.llm())
        previous = answer.context
        print(render_text(answer), end="\n\n", flush=True)


def cmd_timeline(args: argparse.Namespace, settings: Settings) -> int:
    from bot.answer import find_story, lead_of, timeline_of
    from bot.cli.terminal import render_timeline

    articles = find_story(nonempty_knowledge_base(settings), _words(args.words, "timeline"))
    print(render_timeline(timeline_of(articles, lead_of(articles).title if articles else "")))
    return 0


def cmd_compare(args: argparse.Namespace, settings: Settings) -> int:
    from bot.answer import compare, find_story, lead_of
    from bot.cli.terminal import render_coverage

    articles = find_story(nonempty_knowledge_base(settings), _words(args.words, "compare"))
    print(render_coverage(compare(articles, lead_of(articles).title if articles else "")))
    return 0


def _words(words: list[str], command: str) -> str:
    text = " ".join(words).strip()
    if not text:
        raise LedeError(f'say which story: lede {command} "hurricane Ian"')
    return text


def _add_time_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--as-of", type=_as_of, metavar="DATE",
                        help="ask as of this day (YYYY-MM-DD, its end) or moment (ISO 8601): later articles are "
                        "ignored and 'yesterday' is the day before it")
    parser.add_argument("--tz", type=_zone, default=UTC, metavar="ZONE",
                        help="the time zone whose days 'yesterday' and 'on Tuesday' mean (e.g. Europe/Kyiv; default UTC)")


def _zone(name: str) -> tzinfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise argparse.ArgumentTypeError(f"unknown time zone {name!r}: use a name like Europe/Kyiv or UTC") from exc


def _moment(args: argparse.Namespace) -> datetime | None:
    """Return the moment --as-of names, read in the --tz zone unless it gives its own offset."""
    moment: datetime | None = args.as_of
    return moment.replace(tzinfo=args.tz) if moment is not None and moment.tzinfo is None else moment


def _as_of(text: str) -> datetime:
    """Return the moment `text` names: a bare date is the end of that day."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a date: {text!r}: use YYYY-MM-DD, e.g. 2022-10-29") from exc
    return moment.replace(hour=23, minute=59, second=59) if len(text) <= 10 else moment


def register(commands: Commands) -> None:
    """Add these commands to `lede`."""
    ask = commands.add_parser(
        "ask", help="answer a question from the articles", description="Answer a question with citations."
    )
    ask.add_argument("question", nargs="+", metavar="QUESTION")
    _add_time_options(ask)
    ask.set_defaults(run=cmd_ask)

    chat = commands.add_parser(
        "chat", help="ask questions in a row, follow-ups included",
        description="Answer questions read from the terminal (or piped in, one per line); a question "
        'that leans on the one before ("who signed it?") is answered in its story, as the bot does.',
    )
    _add_time_options(chat)
    chat.set_defaults(run=cmd_chat)

    for name, run, summary, description in (
        ("timeline", cmd_timeline, "how a story unfolded, day by day, with citations",
         "list its developments day by day, oldest first, each quoted from the article that reported it."),
        ("compare", cmd_compare, "where the outlets covering a story agree and differ",
         "show what more than one outlet reports, what only one says, and the figures that differ between "
         "them, each quoted and cited."),
    ):
        story = commands.add_parser(name, help=summary, description=f"Find the story best matching WORDS and {description}")
        story.add_argument("words", nargs="+", metavar="WORDS")
        story.set_defaults(run=run)
