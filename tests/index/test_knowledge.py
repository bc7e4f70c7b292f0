from datetime import UTC, datetime

import numpy as np
import pytest
from sqlalchemy import select

from index.errors import ConfigError
from index.knowledge import KnowledgeBase
from index.models import Passage
from ingest.local import ingest_paths
from tests.conftest import SAMPLES
from tests.fakes.embedder import HashingEmbedder


@pytest.mark.faiss
def test_deleted_faiss_file_is_rebuilt_from_stored_vectors_without_the_model(settings, kb) -> None:
    ingest_paths(kb, [SAMPLES], progress=False)
    before = sorted(kb.open().vectors.ids().tolist())
    settings.faiss_path.unlink()

    fresh_embedder = HashingEmbedder()
    restarted = KnowledgeBase.connect(settings, embedder=fresh_embedder)
    stats = restarted.stats()
    assert stats.vectors == 0 and not stats.in_sync  # what `lede stats` would report
    assert sorted(restarted.open().vectors.ids().tolist()) == before
    assert fresh_embedder.texts_embedded == 0  # vectors came from the database
    assert settings.faiss_path.exists() and restarted.stats().in_sync


@pytest.mark.faiss
def test_index_with_extra_and_missing_ids_is_corrected_at_start(settings, kb) -> None:
    ingest_paths(kb, [SAMPLES], progress=False)
    ids = sorted(kb.open().vectors.ids().tolist())
    kb.open().vectors.remove(np.array(ids[:2]))
    kb.open().vectors.add(np.array([999_999]), np.ones((1, 64), dtype=np.float32) / 8)
    kb.save_vectors()
    restarted = KnowledgeBase.connect(settings, embedder=HashingEmbedder())
    assert not restarted.stats().in_sync
    assert sorted(restarted.open().vectors.ids().tolist()) == ids


def test_switching_models_is_refused_until_reindexed(settings, kb) -> None:
    ingest_paths(kb, [SAMPLES], progress=False)

    class OtherModel(HashingEmbedder):
        name = "another-model"

    other = KnowledgeBase.connect(settings, embedder=OtherModel())
    with pytest.raises(ConfigError, match="reindex --re-embed"):
        other.open()
    report = KnowledgeBase.connect(settings, embedder=OtherModel()).reindex(re_embed=True)
    assert report.embedded == report.added == kb.stats().passages
    assert KnowledgeBase.connect(settings, embedder=OtherModel()).stats().in_sync


def test_stats_of_an_empty_knowledge_base(kb) -> None:
    stats = kb.stats()
    assert (stats.sources, stats.articles, stats.passages, stats.vectors) == (0, 0, 0, 0)
    assert stats.in_sync


@pytest.mark.faiss
def test_a_process_takes_in_passages_another_process_stored(settings, kb) -> None:
    from ingest.document import Document
    from ingest.store import store_documents

    ingest_paths(kb, [SAMPLES], progress=False)
    other = KnowledgeBase.connect(settings, embedder=HashingEmbedder())  # a second process on the same data
    other.open()
    report = store_documents(kb, [Document(url="https://n.example/x", title="Fresh",
                                           text="Harbourton ferry fares fall again this spring.")], progress=False)
    assert report.passages_added == 1
    assert len(other.open().vectors) == len(kb.open().vectors) - 1
    refreshed = other.refresh_vectors()
    assert refreshed.added == 1 and refreshed.embedded == 0  # from the stored vector, no model run
    assert sorted(other.open().vectors.ids().tolist()) == sorted(kb.open().vectors.ids().tolist())


@pytest.mark.faiss
def test_a_large_collection_is_compressed_at_load_and_answers_the_same(settings, kb) -> None:
    from index.search import search

    ingest_paths(kb, [SAMPLES], progress=False)
    exact = [hit.title for hit in search(kb, "tram line to the airport", k=3)]
    passages = kb.stats().passages
    large = settings.model_copy(update={"compress_vectors_from": passages})  # "large" from here on
    embedder = HashingEmbedder()
    restarted = KnowledgeBase.connect(large, embedder=embedder)
    assert restarted.open().vectors.compressed and restarted.stats().in_sync
    assert embedder.texts_embedded == 0  # trained and filled from the stored vectors
    assert next(hit.title for hit in search(restarted, "tram line to the airport", k=3)) == exact[0]
    # Compressed on disk too, and a rebuild stays compressed.
    assert KnowledgeBase.connect(large, embedder=HashingEmbedder()).open().vectors.compressed
    restarted.reindex()
    assert restarted.open().vectors.compressed and restarted.stats().in_sync
    # Below the threshold the index is exact.
    settings.faiss_path.unlink()
    small = settings.model_copy(update={"compress_vectors_from": passages + 1})
    assert not KnowledgeBase.connect(small, embedder=HashingEmbedder()).open().vectors.compressed


def test_reading_a_new_knowledge_base_loads_nothing_until_it_is_opened(settings, embedder) -> None:
    kb = KnowledgeBase.connect(settings, embedder=embedder)
    assert kb.embedder is embedder and kb.model_name == embedder.name
    assert kb.stats().vectors == 0
    assert embedder.calls == 0 and not settings.faiss_path.exists()
    with pytest.raises(RuntimeError, match=r"kb\.open\(\)"):
        kb.vectors  # noqa: B018 -- reading it is the behaviour under test
    assert kb.open() is kb and len(kb.vectors) == 0


@pytest.mark.faiss
def test_two_processes_ingesting_at_once_leave_an_index_with_both_their_passages(settings, kb) -> None:
    from ingest.document import Document
    from ingest.store import store_documents

    ingest_paths(kb, [SAMPLES], progress=False)
    other = KnowledgeBase.connect(settings, embedder=HashingEmbedder()).open()  # a second `lede ingest`
    store_documents(kb, [Document(url="https://n.example/a", title="Ferry",
                                  text="Harbourton ferry fares fall again this spring.")], progress=False)
    store_documents(other, [Document(url="https://n.example/b", title="Tram",
                                     text="The tram line to the airport opens in June.")], progress=False)
    # The second to save wrote its own view last: without the first's passage, it was out of step.
    restarted = KnowledgeBase.connect(settings, embedder=HashingEmbedder())
    assert restarted.stats().in_sync


@pytest.mark.faiss
def test_an_index_file_copied_from_another_knowledge_base_is_not_taken_as_in_step(settings, tmp_path) -> None:
    from index.settings import Settings
    from ingest.document import Document
    from ingest.store import store_documents

    elsewhere = Settings(data_dir=tmp_path / "elsewhere")
    foreign = KnowledgeBase.connect(elsewhere, embedder=HashingEmbedder())
    ours = KnowledgeBase.connect(settings, embedder=HashingEmbedder())
    # The same ids (both count from 1), other text.
    store_documents(foreign, [Document(url="https://n.example/x", title="Chess",
                                       text="Ostvale won the chess final on Sunday.")], progress=False)
    store_documents(ours, [Document(url="https://n.example/y", title="Boats",
                                    text="Keld won the dragon boat race on the river.")], progress=False)
    settings.faiss_path.write_bytes(elsewhere.faiss_path.read_bytes())

    restarted = KnowledgeBase.connect(settings, embedder=HashingEmbedder())
    assert not restarted.stats().in_sync
    restarted.open()  # rebuilt from the database
    assert restarted.stats().in_sync
    hit = restarted.open().vectors.search(restarted.embedder.embed_query("dragon boat race"), 1)
    assert hit and hit[0][1] > 0.3


def test_a_data_dir_that_is_a_file_is_a_clear_error(tmp_path) -> None:
    from index.settings import Settings

    (tmp_path / "data").write_text("not a folder")
    with pytest.raises(ConfigError, match="is a file, not a folder"):
        KnowledgeBase.connect(Settings(data_dir=tmp_path / "data"), embedder=HashingEmbedder())


def test_re_embedding_with_another_model_replaces_every_precomputed_vector(settings, kb) -> None:
    from index.precomputed import answerable_sentences, unpack
    from index.words import word_vectors

    ingest_paths(kb, [SAMPLES], progress=False)

    class Flipped(HashingEmbedder):
        name = "flipped"

        def embed_batch(self, texts):
            return -super().embed_batch(texts)

    flipped = Flipped()
    other = KnowledgeBase.connect(settings, embedder=flipped)
    other.reindex(re_embed=True)
    assert np.allclose(word_vectors(other, ["coalition"])[0], flipped.embed_passages(["coalition"])[0], atol=1e-3)
    with other.sessions() as session:
        passage = session.scalars(select(Passage).where(Passage.text.contains("lead the coalition"))).first()
        sentences = unpack(passage.sentence_vectors, flipped.dim)
    assert np.allclose(sentences, flipped.embed_passages(answerable_sentences(passage.text)), atol=1e-3)


@pytest.mark.faiss
def test_is_empty_reads_the_database_not_the_index_file(kb) -> None:
    from ingest.document import Document
    from ingest.store import store_documents

    assert kb.is_empty()
    store_documents(kb, [Document(url="https://n.example/1", title="Ferry", text="The ferry runs again.")],
                    progress=False)
    kb.settings.faiss_path.unlink()  # a lost index file does not make the knowledge base empty
    assert not KnowledgeBase.connect(kb.settings, embedder=kb.embedder).is_empty()


def test_the_upgrade_dates_a_stored_future_article_by_its_fetch_time(kb) -> None:
    from alembic import command
    from alembic.config import Config

    from index.db import MIGRATIONS
    from index.models import Article

    fetched = datetime(2026, 3, 2, 10, tzinfo=UTC)
    with kb.sessions.begin() as session:
        session.add(Article(url="https://n.example/far", title="Dam opens", fetched_at=fetched,
                            published_at=datetime(9999, 12, 31, 23, 59, tzinfo=UTC), content_hash="x"))
        session.add(Article(url="https://n.example/old", title="Bridge opens", fetched_at=fetched,
                            published_at=datetime(2026, 3, 1, tzinfo=UTC), content_hash="y"))
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with kb.engine.begin() as connection:  # as a database stored before the repair
        config.attributes["connection"] = connection
        command.downgrade(config, "0008")
        command.upgrade(config, "head")
    with kb.sessions() as session:
        dates = {a.url: a.published_at for a in session.scalars(select(Article))}
    assert dates == {"https://n.example/far": fetched, "https://n.example/old": datetime(2026, 3, 1, tzinfo=UTC)}


def test_ingest_counts_the_articles_holding_each_word_and_the_upgrade_counts_older_ones(kb) -> None:
    from alembic import command
    from alembic.config import Config

    from index.db import MIGRATIONS
    from index.models import Word
    from ingest.document import Document
    from ingest.store import store_documents

    store_documents(kb, [Document(url=f"https://n.example/{i}", title=f"Kessling Bridge, day {i}",
                                  text=f"Divers searched the Alder River on day {i}. " + "The harbour was closed. " * (i > 1))
                         for i in range(1, 4)], progress=False)

    def held() -> dict[str, int]:
        with kb.sessions() as session:
            return dict(session.execute(select(Word.text, Word.articles).where(Word.text.in_(["kessling", "divers", "harbour"]))).all())

    assert held() == {"kessling": 3, "divers": 3, "harbour": 2}
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with kb.engine.begin() as connection:  # as a database stored before words were counted
        config.attributes["connection"] = connection
        command.downgrade(config, "0009")
        command.upgrade(config, "head")
    assert held() == {"kessling": 3, "divers": 3, "harbour": 2}


def test_making_a_knowledge_base_touches_nothing_until_it_connects(tmp_path) -> None:
    from bot.settings import Settings
    from index.knowledge import KnowledgeBase
    from tests.fakes.embedder import HashingEmbedder

    data = tmp_path / "data"
    kb = KnowledgeBase(Settings().in_folder(data), embedder=HashingEmbedder())  # SQLite and FAISS in `data`
    assert not data.exists() and not kb.index_loaded  # no folder, no database, no migration
    kb.migrate()
    assert (data / "lede.sqlite3").is_file() and kb.is_empty()
