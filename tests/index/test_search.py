from datetime import UTC, datetime

import pytest
from sqlalchemy.orm import Session

from index.keyword import keyword_search
from index.models import Passage
from index.search import search
from ingest.local import ingest_paths
from tests.conftest import SAMPLES


def test_keyword_search_finds_words_and_ignores_fts_syntax_in_questions(kb) -> None:
    ingest_paths(kb, [SAMPLES], progress=False)
    with Session(kb.engine) as session:
        hits = keyword_search(session, 'dragon "boat" OR NEAR(race*', k=5)
        assert hits
        assert keyword_search(session, "the of and", k=5) == []  # only stop words


def test_search_filters_by_publication_date(kb) -> None:
    ingest_paths(kb, [SAMPLES], progress=False)
    hits = search(kb, "library reopened renovation", since=datetime(2025, 6, 10, tzinfo=UTC))
    assert hits and all(h.published_at >= datetime(2025, 6, 10, tzinfo=UTC) for h in hits)
    titles = {h.title for h in search(kb, "solar farm", until=datetime(2025, 6, 3, tzinfo=UTC))}
    assert titles == {"Northwind opens the country's largest solar farm"}


@pytest.mark.slow
@pytest.mark.parametrize(
    "question, title_word",
    [
        ("Who leads the coalition?", "Coalition"),
        ("Which team won the boat race?", "river festival"),
        ("How long is the new tram route to the airport?", "Tram"),
        ("Who is the youngest national chess champion?", "chess"),
        ("What powers homes near Keld?", "solar"),
    ],
)
def test_hybrid_search_ranks_the_right_article_first(real_kb, question, title_word) -> None:
    ingest_paths(real_kb, [SAMPLES], progress=False)
    hits = search(real_kb, question)
    assert title_word.lower() in hits[0].title.lower()
    assert hits[0].similarity > hits[-1].similarity


def test_a_long_question_is_searched_by_its_rarest_words_that_the_sources_hold(kb) -> None:
    ingest_paths(kb, [SAMPLES], progress=False)
    # More content words than the search keeps: common ones, ones no sample holds, and "Keld".
    question = ("According to officials and residents, what new project opened near Keld this year "
                "that the council, the city and the national government say will power homes, "
                "schools and shops, not zeppelins, quasars, trombones, glaciers, origami, walruses, "
                "saxophones, volcanoes, kumquats or marmalade?")
    with Session(kb.engine) as session:
        titles = [session.get(Passage, pid).article.title for pid in keyword_search(session, question, k=3)]
        assert titles[0] == "Northwind opens the country's largest solar farm"
        nonsense = "zeppelins quasars trombones glaciers origami walruses saxophones volcanoes kumquats marmalade"
        assert keyword_search(session, nonsense + " pianos", k=3) == []
