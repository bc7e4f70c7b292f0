"""The evaluation data: questions with their gold answers and articles, and which articles of the
corpus hold a gold answer (for story recall and for leaving answers out honestly).

Nothing here depends on how Lede groups or ranks articles: a metric defined with Lede's own
grouping could be raised by loosening the grouping.
"""

from __future__ import annotations

import gzip
import json
import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from index.errors import InputError
from ingest.dates import parse_date

# A gold answer shorter than this ("6", "UK") is found as a word in too many unrelated articles
# to say that an article holds the answer.
MIN_ANSWER_CHARS = 4


@dataclass(frozen=True)
class Question:
    qid: str
    question: str
    date: str
    answers: list[str]
    gold_urls: list[str]
    week: str = ""  # the quiz week it belongs to: the dev questions are split in halves by week

    @property
    def asked_at(self) -> datetime:
        moment = parse_date(self.date)
        if moment is None:
            raise InputError(f"question {self.qid}: cannot read its date {self.date!r}")
        return moment

    @property
    def long_answers(self) -> list[str]:
        """The gold answers, normalised, of at least MIN_ANSWER_CHARS characters."""
        return [a for a in (normalise(x) for x in self.answers) if len(a) >= MIN_ANSWER_CHARS]


def normalise(text: str) -> str:
    """Lower-case, strip accents, punctuation and English articles, collapse spaces."""
    text = unicodedata.normalize("NFKD", text.lower())
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = re.sub(r"[^\w\s]", " ", text)
    text = re.sub(r"\b(a|an|the)\b", " ", text)
    return " ".join(text.split())


def holds_as_words(normalised_text: str, normalised_answer: str) -> bool:
    """Return True when the answer occurs in the text as whole words ("iran" not in "irani")."""
    return re.search(rf"(?<!\w){re.escape(normalised_answer)}(?!\w)", normalised_text) is not None


def read_lines(path: Path) -> list[dict]:
    """Return the JSON records of a JSON-lines file (gzip allowed)."""
    raw = path.read_bytes()
    if path.suffix == ".gz":
        raw = gzip.decompress(raw)
    try:
        return [json.loads(line) for line in raw.decode("utf-8").splitlines() if line.strip()]
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}: not JSON lines ({exc.msg}).") from exc


def load_questions(questions: Path, corpus: Path) -> list[Question]:
    """Read questions, mapping their gold doc ids to the corpus's article URLs."""
    url_of = {record["doc_id"]: record.get("url") for record in read_lines(corpus) if record.get("doc_id")}
    loaded = []
    for record in read_lines(questions):
        loaded.append(Question(
            qid=str(record["qid"]),
            question=record["question"],
            date=record["question_date"],
            answers=list(record.get("answer_text") or []),
            gold_urls=[url for d in record.get("gold_doc_ids", []) if (url := url_of.get(d))],
            week=str(record.get("week") or ""),
        ))
    return loaded


def halves(questions: list[Question]) -> dict[str, list[Question]]:
    """Split questions in two by week (the earlier weeks, then the later ones), about half each,
    so a threshold chosen on one half is judged on questions from other weeks."""
    weeks = sorted({q.week or q.asked_at.strftime("%G%V") for q in questions})
    counts = {w: sum((q.week or q.asked_at.strftime("%G%V")) == w for q in questions) for w in weeks}
    first: set[str] = set()
    for week in weeks:
        if sum(counts[w] for w in first) >= len(questions) / 2:
            break
        first.add(week)
    split: dict[str, list[Question]] = {"A": [], "B": []}
    for q in questions:
        split["A" if (q.week or q.asked_at.strftime("%G%V")) in first else "B"].append(q)
    return split


@dataclass(frozen=True)
class CorpusArticle:
    url: str
    published_at: datetime | None
    text: str  # title and body, normalised


class AnswerFinder:
    """The corpus's articles by date, to find those that hold a question's gold answer."""

    def __init__(self, articles: list[CorpusArticle]) -> None:
        self.articles = articles

    @classmethod
    def from_corpus(cls, corpus: Path) -> AnswerFinder:
        return cls([
            CorpusArticle(record.get("url") or "", parse_date(record.get("publish_date")),
                          normalise(f"{record.get('title') or ''} {record.get('text') or ''}"))
            for record in read_lines(corpus)
        ])

    def holding(self, question: Question, *, days: int) -> set[str]:
        """Return the URLs of articles of the `days` before the question (up to its day) that hold
        one of its gold answers of MIN_ANSWER_CHARS or more as whole words."""
        answers = question.long_answers
        if not answers:
            return set()
        end = question.asked_at.astimezone(UTC) + timedelta(days=1)
        start = end - timedelta(days=days + 1)
        return {
            a.url for a in self.articles
            if a.published_at is not None and start <= a.published_at.astimezone(UTC) < end
            and any(holds_as_words(a.text, answer) for answer in answers)
        }
