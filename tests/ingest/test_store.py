import json

import numpy as np
from sqlalchemy import func, select

from index.knowledge import KnowledgeBase
from index.models import Article, Passage
from index.precomputed import answerable_sentences
from ingest.document import Document
from ingest.local import ingest_paths
from ingest.store import store_documents
from tests.conftest import SAMPLES
from tests.fakes.embedder import HashingEmbedder


def _paragraphs(n: int, tag: str = "") -> str:
    return "\n\n".join(
        f"Paragraph {i}{tag} tells of event number {i} in some detail, with enough words to stand "
        f"alone as evidence for a reader who asks about event {i} and its many consequences."
        for i in range(n)
    )


def _passage_ids(kb) -> list[int]:
    with kb.sessions() as session:
        return sorted(session.scalars(select(Passage.id)))


def test_ingesting_the_same_files_twice_adds_nothing(kb) -> None:
    first = ingest_paths(kb, [SAMPLES], progress=False)
    assert first.added == 6 and not first.errors
    before = kb.stats()
    second = ingest_paths(kb, [SAMPLES], progress=False)
    assert (second.added, second.updated, second.unchanged, second.passages_added) == (0, 0, 6, 0)
    assert kb.stats() == before
    assert before.in_sync and before.vectors == before.passages
    assert before.sources == 1


def test_same_text_under_another_url_is_not_stored_twice(kb) -> None:
    doc = Document(url="https://a.test/1", title="Same", text=_paragraphs(2))
    copy = Document(url="https://b.test/copy", title="Same", text=_paragraphs(2))
    report = store_documents(kb, [doc, copy], progress=False)
    assert (report.added, report.unchanged) == (1, 1)


def test_changed_article_replaces_only_changed_passages(kb, embedder) -> None:
    url = "https://news.test/story"
    store_documents(kb, [Document(url=url, title="Story", text=_paragraphs(8))], progress=False)
    old_ids = _passage_ids(kb)
    assert len(old_ids) >= 3
    embedded_before = embedder.texts_embedded
    changed = _paragraphs(8).replace("Paragraph 7 tells", "Paragraph 7 now tells")
    report = store_documents(kb, [Document(url=url, title="Story", text=changed)], progress=False)
    assert (report.added, report.updated) == (0, 1)
    new_ids = _passage_ids(kb)
    assert report.passages_added == 1 and report.passages_removed == 1
    assert len(set(old_ids) & set(new_ids)) == len(old_ids) - 1  # unchanged passages kept their ids
    [fresh] = set(new_ids) - set(old_ids)
    with kb.sessions() as session:
        fresh_text = session.get_one(Passage, fresh).text
    # Only the changed passage is embedded again, with its sentences.
    assert embedder.texts_embedded - embedded_before == 1 + len(answerable_sentences(fresh_text))
    stats = kb.stats()
    assert stats.articles == 1 and stats.in_sync


def test_faiss_holds_exactly_the_database_passages(kb) -> None:
    ingest_paths(kb, [SAMPLES], progress=False)
    assert sorted(kb.open().vectors.ids().tolist()) == _passage_ids(kb)
    with kb.sessions() as session:
        stored = {p.id: np.frombuffer(p.embedding, dtype=np.float32) for p in session.scalars(select(Passage))}
    some_id = next(iter(stored))
    [(found, score)] = kb.open().vectors.search(stored[some_id], 1)
    assert found == some_id and score > 0.99


def test_a_bad_file_is_reported_and_the_rest_ingested(kb, tmp_path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text("A Good Title\n\n" + _paragraphs(1))
    (folder / "bad.jsonl").write_text("{broken\n")
    report = ingest_paths(kb, [folder], progress=False)
    assert report.added == 1
    assert len(report.errors) == 1 and "bad.jsonl:1" in report.errors[0]


def test_an_article_another_worker_stores_meanwhile_is_taken_as_stored(settings, kb) -> None:
    story = Document(url="https://n.example/ferry", title="Keld votes to keep its ferry",
                     text="Keld voted on Tuesday to keep its ferry running through the winter.")
    other_worker = KnowledgeBase.connect(settings, embedder=HashingEmbedder())

    class SlowModel(HashingEmbedder):
        """While this worker embeds, the other one stores the same article and commits."""

        raced = False

        def embed_batch(self, texts):
            if not SlowModel.raced:
                SlowModel.raced = True
                store_documents(other_worker, [story], progress=False)
            return super().embed_batch(texts)

    this_worker = KnowledgeBase.connect(settings, embedder=SlowModel())
    report = store_documents(this_worker, [story], progress=False)
    assert (report.added, report.unchanged, report.errors) == (0, 1, [])
    with kb.sessions() as session:
        assert session.scalar(select(func.count(Article.id))) == 1
        assert session.scalar(select(func.count(Passage.id))) == 1
    assert this_worker.stats().in_sync


def test_control_characters_and_lone_surrogates_from_a_feed_are_stored_clean(kb) -> None:
    from ingest.feeds import html_to_text, parse_feed

    # A JSON Feed may escape anything: a lone surrogate no encoder accepts, a terminal's escapes.
    feed = parse_feed(json.dumps({
        "version": "https://jsonfeed.org/version/1.1", "title": "Wire\u001b[2J",
        "items": [{"id": "1", "url": "https://n.example/keld", "title": "Keld \ud800ferry\u0007",
                   "content_text": "Keld keeps its \u001b[31mferry\u001b[0m running \udcff all winter."}],
    }).encode(), url="https://n.example/feed.json")
    entry = feed.entries[0]
    document = Document(url=entry.url, title=entry.title, text=html_to_text(entry.html))
    report = store_documents(kb, [document], progress=False)
    assert report.added == 1 and not report.errors
    with kb.sessions() as session:
        article = session.scalar(select(Article))
        stored = article.title + article.passages[0].text
    assert feed.title == "Wire[2J"
    assert "\x1b" not in stored and "\x07" not in stored and "\ufffd" in stored
    stored.encode("utf-8")  # no lone surrogate left


def test_a_huge_item_is_stored_up_to_the_text_bound(kb: KnowledgeBase) -> None:
    from ingest.document import MAX_TEXT

    huge = _paragraphs(40_000)  # about 7 MB: stored, it held the store lock for minutes
    report = store_documents(kb, [Document(url="https://n.example/huge", title="Huge", text=huge)], progress=False)
    assert report.added == 1
    with kb.sessions() as session:
        stored = sum(map(len, session.scalars(select(Passage.text))))
    assert 0.9 * MAX_TEXT < stored <= MAX_TEXT


def test_a_page_of_made_up_words_stores_a_bounded_number_and_embeds_none(settings) -> None:
    from index.models import Word
    from index.terms import MAX_WORDS

    embedder = HashingEmbedder()
    kb = KnowledgeBase.connect(settings, embedder=embedder)
    made_up = ["zq" + "".join("abcdefghij"[int(d)] for d in f"{n:04d}") for n in range(5000)]  # each once
    text = "\n\n".join(" ".join(made_up[i : i + 100]) + "." for i in range(0, 5000, 100))
    store_documents(kb, [Document(url="https://n.example/gibberish", title="Gibberish", text=text)], progress=False)
    with kb.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Word)) <= MAX_WORDS + 1  # + the headline's
        assert session.scalar(select(func.count()).select_from(Word).where(Word.vector.is_not(None))) == 0
    # A word a second article holds too is shared: its vector is stored then.
    store_documents(kb, [Document(url="https://n.example/second", title="Second",
                                  text=f"The word {made_up[0]} appears again in a real sentence here.")], progress=False)
    with kb.sessions() as session:
        assert session.scalar(select(Word.vector).where(Word.text == made_up[0])) is not None
