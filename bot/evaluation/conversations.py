"""`lede eval --conversations`: score follow-up questions. Each conversation is two or three
turns asked as of one date, each labelled with the story it is about (article URLs, plus every
article of the week before holding one of the turn's answers). A turn is asked as the bot asks it:
in the context of the previous answer when it leans on it (bot/answer/followup.py).

Each conversation opens in the context of the one before it, as a chat moves from story to
story. Printed per kind of turn (the opening questions, the follow-ups, the new subjects raised
after them), with and without the context, overall and per half of the dates:
first_source: source [1] tells the turn's story; cites_story: some cited source does;
answer_in_citations: a quoted passage holds one of the turn's answers.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bot.answer import Answer, Context, answer_question, context_for
from bot.evaluation.dataset import AnswerFinder, Question, halves, read_lines
from bot.evaluation.quality import cited_text, is_right
from bot.evaluation.scores import STORY_DAYS
from index.errors import InputError
from index.knowledge import KnowledgeBase


@dataclass(frozen=True)
class Turn:
    question: Question
    kind: str  # "opening", "follow-up" or "new subject"


@dataclass(frozen=True)
class Scored:
    turn: Turn
    first_source: bool
    cites_story: bool
    in_citations: bool


def load_conversations(path: Path) -> list[list[Turn]]:
    """Read conversations: {"id", "date", "turns": [{"question", "story": [url], "answers": [],
    "new": bool}]} per line."""
    conversations = []
    for record in read_lines(path):
        try:
            turns = [
                Turn(Question(qid=f"{record['id']}.{i}", question=turn["question"], date=record["date"],
                              answers=list(turn.get("answers") or []), gold_urls=list(turn["story"])),
                     "opening" if i == 0 else "new subject" if turn.get("new") else "follow-up")
                for i, turn in enumerate(record["turns"])
            ]
        except (KeyError, TypeError) as exc:
            raise InputError(f"{path}: a conversation lacks {exc} (id, date, turns with question and story).") from exc
        conversations.append(turns)
    return conversations


def _score(kb: KnowledgeBase, turn: Turn, answer: Answer, finder: AnswerFinder) -> Scored:
    story = set(turn.question.gold_urls) | finder.holding(turn.question, days=STORY_DAYS)
    return Scored(
        turn,
        first_source=bool(answer.sources) and bool(story & set(answer.sources[0].urls)),
        cites_story=any(story & set(source.urls) for source in answer.sources),
        in_citations=is_right(turn.question, cited_text(kb, answer)),
    )


def ask_conversation(kb: KnowledgeBase, turns: list[Turn], finder: AnswerFinder, *, in_context: bool,
                     previous: Context | None = None) -> tuple[list[Scored], Context | None]:
    """Ask the turns in order as of their date; with `in_context`, each in the context of the
    previous answer (the first in that of `previous`, the last conversation's: the chat moves on
    to a new subject). Return the scored turns and the last answer's context."""
    scored = []
    for turn in turns:
        context: Context | None = context_for(turn.question.question, previous) if in_context else None
        answer = answer_question(kb, turn.question.question, as_of=turn.question.asked_at, context=context)
        previous = answer.context
        scored.append(_score(kb, turn, answer, finder))
    return scored, previous


def _figures(scored: list[Scored]) -> dict:
    result: dict = {}
    for kind in ("opening", "follow-up", "new subject"):
        part = [s for s in scored if s.turn.kind == kind]
        if part:
            result[kind] = {
                "turns": len(part),
                "first_source": round(sum(s.first_source for s in part) / len(part), 4),
                "cites_story": round(sum(s.cites_story for s in part) / len(part), 4),
                "answer_in_citations": round(sum(s.in_citations for s in part) / len(part), 4),
            }
    return result


def evaluate_conversations(kb: KnowledgeBase, conversations: list[list[Turn]], finder: AnswerFinder) -> dict:
    """Ask every conversation with and without context; return the figures, overall and by half."""
    result: dict = {"conversations": len(conversations)}
    split = halves([turns[0].question for turns in conversations])
    half_of = {q.qid: name for name, part in split.items() for q in part}
    for mode, in_context in (("in_context", True), ("each_alone", False)):
        scored, previous = {}, None
        for turns in conversations:
            scored[turns[0].question.qid], previous = ask_conversation(kb, turns, finder, in_context=in_context,
                                                                       previous=previous)
        result[mode] = _figures([s for part in scored.values() for s in part])
        result[mode]["halves"] = {
            name: _figures([s for qid, part in scored.items() if half_of[qid] == name for s in part])
            for name in split
        }
    return result
