"""Compose an answer: a short direct answer, supporting sentences quoted verbatim with [n], and
the numbered sources. When the evidence is too weak, say so and list the closest articles."""

from __future__ import annotations

import logging
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta, tzinfo

import numpy as np

from bot.answer import evidence
from bot.answer.figures import differing, of_one_story
from bot.answer.followup import Context, holds_its_words, refers_back
from bot.answer.generate import LLMConfig, generate, read
from bot.answer.metrics import ANSWER_SECONDS, ANSWERS
from bot.answer.question import Question, read_question
from bot.answer.reading import Reading, read_windows, thresholds
from bot.answer.result import Answer, Quote, Source
from bot.answer.story.citations import articles, stories
from bot.answer.timeframe import timeframe
from bot.reader.model import shipped_reader
from index.copies import copies_of
from index.knowledge import KnowledgeBase
from index.precomputed import answerable_sentences
from index.search import Hit, search, search_within
from index.text import holds_words, printable, words

log = logging.getLogger(__name__)
MAX_QUOTES = 3
PASSAGES_READ = 5
STORY_PASSAGES_READ = 16
QUESTION_WORDS, QUESTION_CHARS = 60, 500


def answer_question(
    kb: KnowledgeBase,
    question: str,
    *,
    as_of: datetime | None = None,
    exclude_articles: frozenset[int] = frozenset(),
    llm: LLMConfig | None = None,
    context: Context | None = None,
    zone: tzinfo = UTC,
) -> Answer:
    """Return the answer to `question` from the knowledge base, as it stood at `as_of` (now
    when not given): later articles are ignored, recent ones preferred, and time words in the
    question ("yesterday", "in June 2022") narrow the dates searched, read as days of the asker's
    time `zone`. `llm`: the language model to
    ask (see consult_llm); the bot asks it after replying instead. `context`: what a
    follow-up question leans on (bot/answer/followup.py)."""
    started = time.perf_counter()
    # The work a question causes is bounded: eight 4,096-character messages held up every other
    # asker for twenty seconds. Questions are a sentence or two.
    question = printable(" ".join(question.split()[:QUESTION_WORDS])[:QUESTION_CHARS])
    moment = as_of or datetime.now(UTC)
    frame = timeframe(question, moment, zone)
    since, until = (frame.since, frame.until) if frame else (None, None)
    if as_of is not None:
        until = min(until or END_OF_TIME, _day_after(as_of))
    # The time words chose the dates; as words they would pull the search to other dates' news.
    searched = frame.without_phrase(question) if frame else question
    query = kb.embedder.embed_query(searched)
    hits = search(kb, searched, k=30, since=since, until=until, as_of=moment, exclude_articles=exclude_articles,
                  query_vector=query)
    if not hits and frame is not None and frame.dated:
        # Nothing was published on the date named ("in 2015", an archive begun later): later
        # articles may still tell of it, so every date up to the question's is searched.
        searched, until = question, (_day_after(as_of) if as_of is not None else None)
        query = kb.embedder.embed_query(searched)
        hits = search(kb, searched, k=30, until=until, as_of=moment, exclude_articles=exclude_articles,
                      query_vector=query)
    asked = read_question(searched, query)
    followed = _follow_up(kb, asked, hits, context, until) if context is not None else None
    answer = followed or (_compose(kb, asked, hits) if hits else Answer(question, found=False))
    answer.question = question
    answer.searched_days = frame.days if frame and not answer.found else None
    cited = {url for s in answer.sources for url in s.urls}
    answer.context = _next_context(answer, context, followed=followed is not None)
    answer.related = [s for s in articles(hits, copies_of(kb, {hit.article_id for hit in hits})) if s.url not in cited]
    if llm is not None:
        answer = consult_llm(llm, answer)
    answer.elapsed_ms = (time.perf_counter() - started) * 1000
    ANSWERS.labels(found=str(answer.found).lower()).inc()
    if llm is None:  # a language model's seconds would hide the engine's own latency
        ANSWER_SECONDS.observe(answer.elapsed_ms / 1000)
    log.info(
        "answered in %.0f ms: found=%s, %d sources", answer.elapsed_ms, answer.found, len(answer.sources)
    )
    return answer


def _follow_up(kb: KnowledgeBase, question: Question, hits: list[Hit], context: Context,
               until: datetime | None) -> Answer | None:
    """Return the answer to a follow-up from the story it leans on: the story's passages nearest
    the question are read first, its sentences gaining evidence.STORY_BONUS, then the best of the whole
    knowledge base. None when the best quote is not from the story (a new subject, read as one);
    when nothing is found, the story's articles are the closest ones listed."""
    within = search_within(kb, question.text, context.article_ids, until=until,
                           query_vector=question.vector)[:STORY_PASSAGES_READ]
    if not refers_back(question.text) and not holds_its_words(question.text, " ".join(f"{h.title} {h.text}" for h in within)):
        return None
    taken = {hit.passage_id for hit in within}
    hits = within + [hit for hit in hits if hit.passage_id not in taken]
    answer = _compose(kb, question, hits, len(within) + PASSAGES_READ, context.article_ids)
    if answer.quotes and not set(answer.sources[answer.quotes[0].source - 1].article_ids) & context.article_ids:
        return None
    return answer


def _next_context(answer: Answer, context: Context | None, *, followed: bool) -> Context | None:
    """Return what a question after `answer` leans on: the story of its first source [1] (with
    the story it followed up), or, when it found nothing, the story the chat was on."""
    if not answer.found or not answer.sources:
        return context
    first = answer.sources[0].article_ids
    story = frozenset(first) | (context.article_ids if followed and context is not None else frozenset())
    return Context(story, lead=first[0] if first else None)


END_OF_TIME = datetime.max.replace(tzinfo=UTC)


def _day_after(moment: datetime) -> datetime:
    """Return the start of the day after `moment`: a question dated a day sees all of that day."""
    return moment.replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=1)


def _compose(kb: KnowledgeBase, question: Question, hits: list[Hit], read_count: int = PASSAGES_READ,
             story: frozenset[int] = frozenset()) -> Answer:
    """Quote the best sentences of the first `read_count` hits, the one holding the reader's
    answer first; those of the `story` articles (a follow-up's context) gain evidence.STORY_BONUS."""
    read = hits[:read_count]
    candidates = [(hit, sentence) for hit in read for sentence in answerable_sentences(hit.text)]
    if not candidates:
        return Answer(question.text, found=False, sources=articles(hits[:3]))
    relevance = evidence.relevance(kb, question, candidates, read, story)
    log.debug("best sentence evidence %.3f", relevance.max())
    threshold = evidence.evidence_threshold(kb, question, read)
    read_ids = tuple(hit.passage_id for hit in read)
    if relevance.max() < threshold:
        return Answer(question.text, found=False, sources=articles(hits[:3]), passages_read=read_ids)
    order = [int(i) for i in np.argsort(-relevance)]
    readings = _read(question, candidates, order)
    reading = readings[0] if readings else None
    fitted = thresholds()
    # No window holds an answer: Lede declines. Not for a follow-up ("Who opposed it?"): the
    # reader sees the question without the conversation that says what "it" is.
    if reading is not None and not story and reading.margin < fitted.answer:
        return Answer(question.text, found=False, sources=articles(hits[:3]), reading=reading, passages_read=read_ids)
    # The articles of one story give different figures ("four" killed here, "six" there): each
    # is shown with its source, none in bold, and their sentences are quoted first.
    figures = differing(readings, candidates, fitted.answer)
    # The reader's sentence is quoted first when it believes a window holds an answer: in a
    # follow-up ("Who opposed it?") it reads without the story and may believe none does.
    first = [f.sentence for f in figures] or (
        [reading.sentence] if reading is not None and reading.margin >= fitted.answer else [])
    chosen = _quotes(candidates, relevance, order, threshold, first=first)
    # Sources are numbered by their story's best passage, so [1] is the best match.
    retrieved = {hit.article_id for hit in hits}
    sources = stories(kb, hits, {hit.article_id for hit, _ in chosen}, copies_of(kb, retrieved))
    number_of = {url: s.number for s in sources for url in s.urls}
    figures = of_one_story(figures, [set(s.article_ids) for s in sources])
    shown = reading is not None and reading.margin >= fitted.bold and not figures
    return Answer(
        question.text, found=True, sources=sources,
        quotes=[Quote(sentence, number_of[hit.url], hit.passage_id, hit.url) for hit, sentence in chosen],
        direct=reading.text if reading is not None and shown else None,
        candidate=reading.text if reading is not None else None, reading=reading, figures=figures,
        passages=_passages_by_source(sources, read), passages_read=read_ids,
    )


def _read(question: Question, candidates: list[tuple[Hit, str]], order: list[int]) -> list[Reading]:
    """Return the span reader's answers for an English question, the best first; none for other
    languages (it was trained on English) or when the reader is not installed."""
    if question.latin < 0.5:
        return []
    reader = shipped_reader()
    if reader is None:
        return []
    return read_windows(reader, question.text, [(hit.passage_id, sentence) for hit, sentence in candidates], order)


def _quotes(candidates: list[tuple[Hit, str]], relevance: np.ndarray, order: list[int], threshold: float,
            *, first: list[int]) -> list[tuple[Hit, str]]:
    """Return up to MAX_QUOTES sentences, best first, each evidence on its own; the sentences
    holding the reader's answers (`first`) open them."""
    chosen: list[tuple[Hit, str]] = []
    seen: set[str] = set()
    for i in first + order:
        hit, sentence = candidates[i]
        key = " ".join(words(sentence))
        # No filler: a sentence is quoted only when it is evidence for the question on its own
        # (its own score reaches the evidence an answer needs). For a follow-up, that counts the
        # story bonus: without it, the quotes holding the answer fell from 0.59 to 0.47 of the
        # follow-ups (conversations, first half). The reader's sentence is its own evidence.
        if key in seen or (i not in first and relevance[i] < threshold):
            continue
        seen.add(key)
        chosen.append((hit, sentence))
        if len(chosen) == MAX_QUOTES:
            break
    return chosen


def consult_llm(config: LLMConfig | None, answer: Answer) -> Answer:
    """Return `answer` with a language model's help when one is given (LEDE_LLM_*): its short
    answer in bold when the passages hold it word for word, and its checked cited sentences.
    Takes seconds on a CPU, so the bot sends the extractive answer first and edits it."""
    if config is None or not (answer.found and answer.passages):
        return answer
    helped = replace(answer, written=generate(config, answer.question, answer.passages))
    short = read(config, answer.question, answer.passages)
    if short is not None:
        helped.direct, helped.read_by_model = _fuller(short, answer.candidate), True
    return helped


def _fuller(short: str, candidate: str | None) -> str:
    """Return the fuller of the language model's answer and the span reader's candidate when one
    holds the other: a small model shortens names ("Fiona" where the passage says "Hurricane
    Fiona"), the span is taken whole as written. Otherwise the language model's answer (measured
    against the rules the span reader replaced: when the two differed, it was right for 22 of 40
    dev questions and the rules for 3)."""
    if candidate and holds_words(candidate, short) and len(words(candidate)) > len(words(short)):
        return candidate
    return short


def _passages_by_source(sources: list[Source], read: list[Hit]) -> dict[int, list[str]]:
    """Number the passages read by the [n] of their article, adding articles not yet cited."""
    number_of = {url: s.number for s in sources for url in s.urls}
    passages: dict[int, list[str]] = {}
    for hit in read:
        if hit.url not in number_of:
            continue  # an uncited article would need a number the reader cannot see
        passages.setdefault(number_of[hit.url], []).append(hit.text)
    return passages
