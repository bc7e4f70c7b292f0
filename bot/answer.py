"""Compose an answer: a short direct answer, supporting sentences quoted verbatim with [n], and
the numbered sources. When the evidence is too weak, say so and list the closest articles."""

from __future__ import annotations

import logging
import re
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import numpy as np

from bot.extract import direct_answer
from bot.timeframe import timeframe
from index.knowledge import KnowledgeBase
from index.search import Hit, search
from index.text import keywords, split_sentences, words

log = logging.getLogger(__name__)

# Evidence thresholds, calibrated on the news eval (README, "Answer quality"): below
# MIN_SIMILARITY (question vs its best passage) nothing is worth reading; below MIN_EVIDENCE
# (question vs its best sentence, meaning plus shared words) the sources do not hold the answer.
MIN_SIMILARITY = 0.15
MIN_EVIDENCE = 0.45
MAX_QUOTES = 3
PASSAGES_READ = 5


@dataclass(frozen=True)
class Source:
    number: int
    title: str
    outlet: str | None
    date: datetime | None
    url: str


@dataclass(frozen=True)
class Quote:
    text: str  # verbatim from the passage it cites
    source: int  # the [n] it cites
    passage_id: int


@dataclass
class Answer:
    question: str
    found: bool
    direct: str | None = None
    quotes: list[Quote] = field(default_factory=list)
    sources: list[Source] = field(default_factory=list)
    # The other articles retrieved, best first: "closest articles" and evaluation use them.
    related: list[Source] = field(default_factory=list)
    elapsed_ms: float = 0.0

    @property
    def ranked_urls(self) -> list[str]:
        """The articles behind the answer, best first: the cited ones, then the related ones."""
        return [s.url for s in self.sources] + [s.url for s in self.related]


def answer_question(
    kb: KnowledgeBase,
    question: str,
    *,
    as_of: datetime | None = None,
    exclude_articles: frozenset[int] = frozenset(),
) -> Answer:
    """Return the answer to `question` from the knowledge base, as it stood at `as_of` (now
    when not given): later articles are ignored, recent ones preferred, and time words in the
    question ("yesterday", "in June") narrow the dates searched."""
    started = time.perf_counter()
    moment = as_of or datetime.now(UTC)
    since, until = timeframe(question, moment)
    if as_of is not None:
        until = min(until or END_OF_TIME, _day_after(as_of))
    hits = search(kb, question, k=10, since=since, until=until, as_of=moment, exclude_articles=exclude_articles)
    if not hits or max(h.similarity for h in hits) < MIN_SIMILARITY:
        answer = Answer(question, found=False, sources=_sources(hits[:3]))
    else:
        answer = _compose(kb, question, hits)
    cited = {s.url for s in answer.sources}
    answer.related = [s for s in _sources(hits) if s.url not in cited]
    answer.elapsed_ms = (time.perf_counter() - started) * 1000
    log.info(
        "answered in %.0f ms: found=%s, %d sources", answer.elapsed_ms, answer.found, len(answer.sources)
    )
    return answer


END_OF_TIME = datetime.max.replace(tzinfo=UTC)


def _day_after(moment: datetime) -> datetime:
    """Return the start of the day after `moment`: a question dated a day sees all of that day."""
    return moment.replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=1)


def _sources(hits: list[Hit]) -> list[Source]:
    """Number distinct articles in order of first appearance."""
    sources: dict[int, Source] = {}
    for hit in hits:
        if hit.article_id not in sources:
            sources[hit.article_id] = Source(
                number=len(sources) + 1,
                title=hit.title,
                outlet=hit.outlet,
                date=hit.published_at or hit.fetched_at,
                url=hit.url,
            )
    return list(sources.values())


def _compose(kb: KnowledgeBase, question: str, hits: list[Hit]) -> Answer:
    read = [h for h in hits[:PASSAGES_READ] if h.similarity >= MIN_SIMILARITY]
    candidates = [
        (hit, sentence)
        for hit in read
        for line in hit.text.splitlines()
        for sentence in split_sentences(line)
        # A question in the text ("What is the coalition?") is not evidence for an answer.
        if len(sentence.split()) >= 4 and not sentence.rstrip("”\"' ").endswith("?")
    ]
    if not candidates:
        return Answer(question, found=False, sources=_sources(hits[:3]))
    relevance = _sentence_relevance(kb, question, candidates, read)
    log.debug("best sentence evidence %.3f", relevance.max())
    if relevance.max() < MIN_EVIDENCE:
        return Answer(question, found=False, sources=_sources(hits[:3]))
    order = np.argsort(-relevance)
    chosen: list[tuple[Hit, str, float]] = []
    seen: set[str] = set()
    for i in order:
        hit, sentence = candidates[i]
        key = " ".join(words(sentence))
        if key in seen:
            continue
        seen.add(key)
        chosen.append((hit, sentence, float(relevance[i])))
        if len(chosen) == MAX_QUOTES:
            break
    cited_hits = [hit for hit, _, _ in chosen]
    sources = _sources(cited_hits)
    number_of = {s.url: s.number for s in sources}
    quotes = [Quote(sentence, number_of[hit.url], hit.passage_id) for hit, sentence, _ in chosen]
    common = {w for hit in read for w in re.findall(r"\w+", hit.text) if w.islower()}
    direct = direct_answer(question, [sentence for _, sentence, _ in chosen], common_words=common)
    return Answer(question, found=True, direct=direct, quotes=quotes, sources=sources)


def _sentence_relevance(
    kb: KnowledgeBase, question: str, candidates: list[tuple[Hit, str]], read: list[Hit]
) -> np.ndarray:
    """Score each sentence by meaning (cosine) and by shared content words, favouring top passages."""
    vectors = kb.embedder.embed_passages([sentence for _, sentence in candidates])
    query = kb.embedder.embed_query(question)
    cosine = vectors @ query
    asked = set(keywords(question))
    overlap = np.array(
        [len(asked & set(keywords(s))) / max(len(asked), 1) for _, s in candidates], dtype=np.float32
    )
    rank = {hit.passage_id: i for i, hit in enumerate(read)}
    prior = np.array([1.0 / (1 + rank[hit.passage_id]) for hit, _ in candidates], dtype=np.float32)
    return cosine + 0.3 * overlap + 0.1 * prior
