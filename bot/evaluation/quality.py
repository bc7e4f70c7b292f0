"""`lede eval`: index a corpus, ask its questions "as of" their dates, and score the answers
(`metrics` defines each figure). The figures are printed for all questions and for each half of
the weeks, with bootstrap 90% intervals: a threshold chosen on one half is judged on the other.

With `unanswerable`, each question is asked without its gold articles and without every article
of the 30 days before it that holds a gold answer of MIN_ANSWER_CHARS or more, so the answer is
truly absent; questions whose answers are all shorter are skipped and counted.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select

from bot.answer import Answer, LLMConfig, answer_question
from bot.evaluation.dataset import AnswerFinder, Question, halves, normalise
from bot.evaluation.filler import labelled_lines
from bot.evaluation.scores import STORY_DAYS, Outcome, figures, intervals, latency, rounded
from index.errors import InputError
from index.knowledge import KnowledgeBase
from index.models import Article, Passage

ABSENT_DAYS = 30  # --unanswerable leaves out the articles of this many days holding an answer


def ask_all(kb: KnowledgeBase, questions: list[Question], *, unanswerable: bool = False,
            finder: AnswerFinder | None = None, llm: LLMConfig | None = None) -> tuple[list[tuple[Question, Answer, Outcome]], int]:
    """Ask every question as of its date; return each with its answer and outcome, and how many
    were skipped (`unanswerable` mode, answers too short to leave out). Without `finder` (the
    corpus by date), story recall counts gold articles only and `unanswerable` leaves out the
    gold articles only."""
    with kb.sessions() as session:
        article_of = dict(session.execute(select(Article.url, Article.id)).all())
    asked: list[tuple[Question, Answer, Outcome]] = []
    skipped = 0
    for question in questions:
        left_out = set(question.gold_urls)
        if unanswerable and finder is not None:
            if not question.long_answers:
                skipped += 1
                continue
            left_out |= finder.holding(question, days=ABSENT_DAYS)
        answer = answer_question(
            kb, question.question, as_of=question.asked_at,
            exclude_articles=frozenset(article_of[u] for u in left_out if u in article_of) if unanswerable else frozenset(),
            llm=llm,
        )
        story = set(question.gold_urls) | (finder.holding(question, days=STORY_DAYS) if finder else set())
        asked.append((question, answer, _outcome(question, answer, cited_text(kb, answer), story,
                                                 read=passages_text(kb, answer.passages_read))))
    if not asked:
        raise InputError("no questions to evaluate.")
    return asked, skipped


def evaluate(kb: KnowledgeBase, questions: list[Question], *, unanswerable: bool = False,
             finder: AnswerFinder | None = None, llm: LLMConfig | None = None) -> dict:
    """Ask every question and return the figures, overall and by half (see the module docstring)."""
    asked, skipped = ask_all(kb, questions, unanswerable=unanswerable, finder=finder, llm=llm)
    outcomes = [o for _, _, o in asked]
    result: dict = {"questions": len(outcomes), **figures(outcomes), **latency(outcomes),
                    "filler_quoted": filler_quoted(kb, [a for _, a, _ in asked])}
    if unanswerable:
        result["unanswerable"] = True
        result["skipped_short_answers"] = skipped
        # The same questions with their answers present: how often those are declined, and how
        # well the answer score tells the two apart (1.0: every present answer scores higher).
        present, _ = ask_all(kb, [q for q, _, _ in asked], finder=finder)
        result["answerable_abstained"] = sum(o.abstained for _, _, o in present) / len(present)
        result["no_answer_auc"] = auc([answer_score(a) for _, a, _ in present], [answer_score(a) for _, a, _ in asked])
    split = halves([q for q, _, _ in asked])
    if all(split.values()):
        outcome_of = {q.qid: o for q, _, o in asked}
        result["halves"] = {
            name: {"weeks": f"{min(q.week for q in part)}-{max(q.week for q in part)}", "questions": len(part),
                   **rounded(figures([outcome_of[q.qid] for q in part])),
                   "interval_90": intervals([outcome_of[q.qid] for q in part])}
            for name, part in split.items()
        }
    return rounded(result)


def filler_quoted(kb: KnowledgeBase, answers: list[Answer]) -> int:
    """Return how many quotes of `answers` come from lines labelled filler by hand
    (bot/evaluation/data/filler.json): none should."""
    filler = [text for entry, text in labelled_lines(kb) if entry["filler"] and text]
    return sum(any(quote.text in line for line in filler) for answer in answers for quote in answer.quotes)


def answer_score(answer: Answer) -> float:
    """Return how sure Lede is that an answer is there: the reader's margin; below any margin when
    the evidence declined the question, above every margin when no reader read it."""
    if answer.reading is not None:
        return answer.reading.margin
    return float("inf") if answer.found else float("-inf")


def auc(present: list[float], absent: list[float]) -> float:
    """Return the chance that a present answer scores above an absent one (ties count half)."""
    if not present or not absent:
        return 0.0
    above = sum((p > a) + 0.5 * (p == a) for p in present for a in absent)
    return above / (len(present) * len(absent))


def is_right(question: Question, text: str | None) -> bool:
    """Return True when `text` holds one of the question's gold answers (normalised)."""
    golds = [g for g in (normalise(a) for a in question.answers) if g]
    return text is not None and any(g in normalise(text) for g in golds)


def cited_text(kb: KnowledgeBase, answer: Answer) -> str:
    return passages_text(kb, [q.passage_id for q in answer.quotes])


def passages_text(kb: KnowledgeBase, ids: Sequence[int]) -> str:
    with kb.sessions() as session:
        return " ".join(session.scalars(select(Passage.text).where(Passage.id.in_(ids))))


def _outcome(question: Question, answer: Answer, cited: str, story: set[str], *, read: str) -> Outcome:
    ranked = list(dict.fromkeys(answer.ranked_urls))
    shown = answer.found and answer.direct is not None
    return Outcome(
        gold_rank=next((i + 1 for i, url in enumerate(ranked) if url in question.gold_urls), None),
        story_rank=next((i + 1 for i, url in enumerate(ranked) if url in story), None),
        in_citations=is_right(question, cited),
        in_passages_read=is_right(question, read),
        shown=shown,
        correct=shown and is_right(question, answer.direct),
        abstained=not answer.found,
        elapsed_ms=answer.elapsed_ms,
    )
