"""Headings, captions, credits and promo lines are told from prose by their shape, and never read
as evidence; `lede backfill` re-reads passages stored before."""

import pytest
from sqlalchemy import select, update

from index.backfill import backfill
from index.models import Passage
from index.precomputed import answerable_sentences, pack
from index.prose import is_filler
from ingest.document import Document
from ingest.store import store_documents

FILLER = [
    "Harbour council approves a new tram line",  # a subheading
    "What does the new law change?",  # a question as a subheading
    "More:Harbourton opens its first night market",  # a related link run into its label
    "► Ferry fares rise for the first time in ten years",
    "Follow Ada Marlow on Twitter: @adamarlow.",
    "(Reporter Tomas Quell contributed to this story.)",
    "Divers at the Keld harbour on Monday. Petra Lind/Keld Times",
    "Contributing: Petra Lind, Keld Times",
    "JUST WATCHED Divers search the river Replay More Videos",
    "THURSDAY, MARCH 12, 2026",
    "This story has been updated with additional developments.",
]
PROSE = [
    "The council voted 9 to 4 on Tuesday to build the tram line, the mayor said.",
    "Born: August 15, 1950",  # a fact box's line
    "7/31: The Keld Quartet",  # a listing
    "Juno Temple, “Ted Lasso”",  # a list's entry
    "Marine Lance Cpl. Ada Marlow, 20, of Keld, Texas",
    "On Sunday the governor recommended closing all public schools, and the council said it would suspend its session",
    "Doors open at 6 p.m., and tickets cost 12 euros.",
    # A band's name closing a paragraph is no photo credit (an XQuAD paragraph went unread).
    "Their most famous song was covered by a footballer. Brian Johnson sang with Geordie before becoming "
    "the lead vocalist of AC/DC.",
]


@pytest.mark.parametrize("line", FILLER)
def test_page_furniture_is_not_prose(line: str) -> None:
    assert is_filler(line)


@pytest.mark.parametrize("line", PROSE)
def test_prose_facts_and_list_entries_are_kept(line: str) -> None:
    assert not is_filler(line)


def test_a_heading_is_never_an_answerable_sentence() -> None:
    passage = "Harbour council approves a new tram line\nThe council voted 9 to 4 on Tuesday to build it."
    assert answerable_sentences(passage) == ["The council voted 9 to 4 on Tuesday to build it."]


def test_backfill_reads_again_the_passages_stored_with_headings_as_sentences(kb) -> None:
    text = "Harbour council approves a new tram line\n\nThe council voted 9 to 4 on Tuesday to build it."
    store_documents(kb, [Document(url="https://n.example/tram", title="Tram", text=text)], progress=False)
    with kb.sessions.begin() as session:  # as an older Lede stored it: the heading read as a sentence
        session.execute(update(Passage).values(sentence_vectors=pack(kb.embedder.embed_passages(["a", "b"]))))
    assert backfill(kb, progress=False).passages == 1
    assert backfill(kb, progress=False).passages == 0
    with kb.sessions() as session:
        [blob] = session.scalars(select(Passage.sentence_vectors))
    assert int.from_bytes(blob[:4], "little") == 1
