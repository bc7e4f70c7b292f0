from sqlalchemy import func, select

from bot.answer import answer_question
from ingest.local import ingest_paths
from tests.conftest import SAMPLES


def test_a_huge_question_is_cut_before_any_model_reads_it(kb, embedder) -> None:
    from bot.answer.compose import QUESTION_CHARS

    ingest_paths(kb, [SAMPLES], progress=False)
    embedder.longest = 0
    answer = answer_question(kb, "Who leads the coalition? " + "Поясните подробнее, пожалуйста. " * 130)
    assert answer.question.startswith("Who leads the coalition?") and len(answer.question) <= QUESTION_CHARS
    assert embedder.longest <= 2000  # a passage at most, never the 4,000-character message


def test_answering_runs_the_model_on_the_question_only(kb, embedder) -> None:
    ingest_paths(kb, [SAMPLES], progress=False)
    before = embedder.texts_embedded
    answer = answer_question(kb, "Who leads the coalition?")
    assert answer.found and answer.quotes
    assert embedder.texts_embedded - before == 1  # the question; its sentences were embedded at ingest


def test_rows_stored_before_precomputing_answer_the_same_and_are_backfilled(kb, embedder) -> None:
    from index.backfill import backfill
    from index.models import Article, Passage
    from index.terms import term_vectors

    ingest_paths(kb, [SAMPLES], progress=False)
    fresh = answer_question(kb, "How much will the tram line cost?")
    with kb.sessions() as session:
        ids = set(session.scalars(select(Article.id)))
    stored_words = term_vectors(kb, ids)
    with kb.sessions.begin() as session:  # what an older Lede stored
        session.query(Passage).update({Passage.sentence_vectors: None})
        session.query(Article).update({Article.centroid: None, Article.focus: None, Article.words: None})
    assert term_vectors(kb, ids) == stored_words  # read from the passages: the same words
    before = embedder.texts_embedded
    old = answer_question(kb, "How much will the tram line cost?")
    assert embedder.texts_embedded - before > 1  # its sentences embedded at answer time
    assert (old.direct, old.quotes, old.sources) == (fresh.direct, fresh.quotes, fresh.sources)
    done = backfill(kb, progress=False)
    assert (done.passages, done.articles, done.words) == (kb.stats().passages, kb.stats().articles, 0)
    with kb.sessions() as session:
        assert session.scalar(select(func.count()).where(Article.words.is_(None))) == 0
    assert term_vectors(kb, ids) == stored_words
    answer_question(kb, "Who leads the coalition?")  # another question between
    before = embedder.texts_embedded
    again = answer_question(kb, "How much will the tram line cost?")
    assert embedder.texts_embedded - before == 1
    assert (again.direct, again.quotes, again.sources) == (fresh.direct, fresh.quotes, fresh.sources)


def test_a_question_in_another_script_reads_the_articles_words_as_stored_at_ingest(settings) -> None:
    from index.knowledge import KnowledgeBase
    from index.words import word_vectors
    from tests.fakes.embedder import HashingEmbedder

    class CrossLingual(HashingEmbedder):
        cross_lingual_threshold = -1.0  # answer whatever is asked: this is about the work done

    embedder = CrossLingual()
    kb = KnowledgeBase.connect(settings, embedder=embedder)
    ingest_paths(kb, [SAMPLES], progress=False)
    from sqlalchemy import func, select

    from index.models import Word

    with kb.sessions() as session:
        unshared = session.scalar(select(func.count()).select_from(Word).where(Word.vector.is_(None)))
        shared = list(session.scalars(select(Word.text).where(Word.vector.is_not(None))))
    before = embedder.texts_embedded
    assert len(shared) > 10 and word_vectors(kb, shared[:2]).shape == (2, embedder.dim)
    assert embedder.texts_embedded == before  # stored at ingest: two articles hold each
    answer = answer_question(kb, "Кто возглавляет коалицию?")
    assert answer.found
    # The question, then its two words ("кто" is not one), then the words read that one article
    # only holds (stored without a vector): none of the hundreds of English words stored.
    assert 1 + 2 <= embedder.texts_embedded - before <= 1 + 2 + unshared


def test_backfill_counts_an_articles_words_as_ingest_counted_them(kb, tmp_path) -> None:
    from itertools import product

    from index.backfill import backfill
    from index.models import Word
    from index.terms import MAX_WORDS

    # A long article: more distinct words than ingest counts an article under (its MAX_WORDS most used).
    made_up = ["".join(p) for p in product(["bar", "kel", "mon", "tri", "vos", "zul"], ["dag", "fen", "lor", "pim", "rux"],
                                           ["ast", "ond", "ush", "yle", "orb", "eft"], ["ak", "ob", "ux", "im", "ot", "ag"])]
    assert len(made_up) > MAX_WORDS
    sentences = [" ".join(made_up[n : n + 8]).capitalize() + "." for n in range(0, len(made_up), 8)]
    body = " ".join(["Harbour trams will run at night from spring."] * 5 + sentences)
    (tmp_path / "long.txt").write_text("Night trams for the harbour\n\n" + body)
    ingest_paths(kb, [SAMPLES, tmp_path], progress=False)

    def counted() -> dict[str, int]:
        with kb.sessions() as session:
            return dict(session.execute(select(Word.text, Word.articles).where(Word.articles > 0)).all())

    at_ingest = counted()
    backfill(kb, progress=False)
    assert counted() == at_ingest
