"""`lede eval`: index a corpus, ask its questions "as of" their dates, and measure the answers.

Articles are ranked as the answer presents them: the cited ones in order, then the other
retrieved ones. recall@k: a gold article is among the first k; mrr: 1 / rank of the first gold
article; answer_in_citations: a gold answer string occurs in a passage the answer quotes;
direct_answer_accuracy: it occurs in the short direct answer. Strings are compared normalised
(case, accents, punctuation, articles).
"""

from __future__ import annotations

import gzip
import json
import re
import statistics
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from bot.answer import Answer, answer_question
from index.errors import InputError
from index.knowledge import KnowledgeBase
from index.models import Article, Passage
from ingest.dates import parse_date


@dataclass(frozen=True)
class Question:
    qid: str
    question: str
    date: str
    answers: list[str]
    gold_urls: list[str]


def normalise(text: str) -> str:
    """Lower-case, strip accents, punctuation and English articles, collapse spaces."""
    text = unicodedata.normalize("NFKD", text.lower())
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = re.sub(r"[^\w\s]", " ", text)
    text = re.sub(r"\b(a|an|the)\b", " ", text)
    return " ".join(text.split())


def _lines(path: Path) -> list[dict]:
    raw = path.read_bytes()
    if path.suffix == ".gz":
        raw = gzip.decompress(raw)
    try:
        return [json.loads(line) for line in raw.decode("utf-8").splitlines() if line.strip()]
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}: not JSON lines ({exc.msg}).") from exc


def load_questions(questions: Path, corpus: Path) -> list[Question]:
    """Read questions, mapping their gold doc ids to the corpus's article URLs."""
    url_of = {record["doc_id"]: record.get("url") for record in _lines(corpus) if record.get("doc_id")}
    loaded = []
    for record in _lines(questions):
        loaded.append(Question(
            qid=str(record["qid"]),
            question=record["question"],
            date=record["question_date"],
            answers=list(record.get("answer_text") or []),
            gold_urls=[url_of[d] for d in record.get("gold_doc_ids", []) if url_of.get(d)],
        ))
    return loaded


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))] if ordered else 0.0


def evaluate(kb: KnowledgeBase, questions: list[Question], *, unanswerable: bool = False) -> dict:
    """Ask every question and return the metrics (see the module docstring)."""
    with kb.sessions() as session:
        article_of = dict(session.execute(select(Article.url, Article.id)).all())
    rows = []
    for question in questions:
        gold_ids = frozenset(article_of[u] for u in question.gold_urls if u in article_of)
        answer = answer_question(
            kb, question.question, as_of=parse_date(question.date),
            exclude_articles=gold_ids if unanswerable else frozenset(),
        )
        rows.append((question, answer, _cited_text(kb, answer)))
    return _metrics(rows, unanswerable=unanswerable)


def _cited_text(kb: KnowledgeBase, answer: Answer) -> str:
    with kb.sessions() as session:
        passages = session.scalars(select(Passage.text).where(Passage.id.in_([q.passage_id for q in answer.quotes])))
        return " ".join(passages)


def _metrics(rows: list[tuple[Question, Answer, str]], *, unanswerable: bool) -> dict:
    n = len(rows)
    if not n:
        raise InputError("no questions to evaluate.")
    recall = {k: 0 for k in (1, 5, 10)}
    reciprocal = []
    in_citations = direct = abstained = 0
    for question, answer, cited in rows:
        ranked = list(dict.fromkeys(answer.ranked_urls))
        rank = next((i + 1 for i, url in enumerate(ranked) if url in question.gold_urls), None)
        for k in recall:
            recall[k] += rank is not None and rank <= k
        reciprocal.append(1.0 / rank if rank else 0.0)
        golds = [normalise(a) for a in question.answers if normalise(a)]
        in_citations += any(g in normalise(cited) for g in golds)
        direct += bool(answer.direct) and any(g in normalise(answer.direct) for g in golds)
        abstained += not answer.found
    latencies = [answer.elapsed_ms for _, answer, _ in rows]
    result = {
        "questions": n,
        "recall@1": recall[1] / n,
        "recall@5": recall[5] / n,
        "recall@10": recall[10] / n,
        "mrr": statistics.fmean(reciprocal),
        "answer_in_citations": in_citations / n,
        "direct_answer_accuracy": direct / n,
        "abstained": abstained / n,
        "p50_ms": statistics.median(latencies),
        "p95_ms": _percentile(latencies, 0.95),
    }
    if unanswerable:
        result["unanswerable"] = True
    return {k: round(v, 4) if isinstance(v, float) else v for k, v in result.items()}
