"""The shipped span reader: its files are the ones the model card describes, and it reads."""

import hashlib

import numpy as np

from bot.reader.model import CHECKSUMS, MODEL_DIR, MODEL_FILE, TOKENIZER_FILE, checksums, shipped_reader
from bot.reader.spans import best_span
from bot.reader.squad import exact_match, f1_score
from bot.reader.windows import sentences


def test_the_shipped_files_match_their_checksums_and_the_model_card() -> None:
    expected = checksums()
    card = (MODEL_DIR / "MODEL_CARD.md").read_text()
    for name in (MODEL_FILE, TOKENIZER_FILE):
        digest = hashlib.sha256((MODEL_DIR / name).read_bytes()).hexdigest()
        assert expected[name] == digest, f"{name} changed: update {CHECKSUMS} and the model card"
        assert digest in card


def test_the_reader_finds_the_answer_and_says_when_a_window_holds_none() -> None:
    reader = shipped_reader()
    assert reader is not None
    windows = [
        "The ferry strike ended on Tuesday. Union leader Mara Kell signed the agreement with the port authority.",
        "The river festival drew 40,000 visitors. Dragon boats raced on the Sunday afternoon.",
    ]
    signed, festival = reader.read("Who signed the agreement that ended the ferry strike?", windows)
    assert signed is not None and windows[0][signed.start:signed.end] == "Mara Kell"
    assert festival is not None and festival.margin < signed.margin


def test_a_span_lies_in_the_window_never_in_the_question() -> None:
    starts = np.array([9.0, 8.0, 0.1, 0.2, 0.3])  # the question's token (1) scores highest
    ends = np.array([9.0, 8.0, 0.1, 0.5, 0.2])
    span = best_span(starts, ends, [(0, 0), (0, 3), (0, 4), (5, 9), (10, 12)], [False, False, False, True, True])
    assert span is not None and (span.start, span.end) == (5, 9)
    assert span.null == 18.0 and span.margin < 0


def test_squad_scores_use_the_official_normalisation() -> None:
    assert exact_match("The Denver Broncos!", "denver broncos") == 1.0
    assert f1_score("Denver Broncos won", "the Denver Broncos") == 0.8


def test_sentences_keep_their_offsets_in_the_paragraph() -> None:
    paragraph = "Mr. Kell spoke first. The vote passed 9 to 4.  It takes effect in May."
    for sentence in sentences(paragraph):
        assert paragraph[sentence.start:sentence.end] == sentence.text
    assert [s.text for s in sentences(paragraph)][1] == "The vote passed 9 to 4."


def test_a_window_reads_the_same_whatever_is_read_beside_it() -> None:
    """The int8 model quantises its input with one scale: read in a padded batch, windows changed
    each other's spans and margins, so an answer depended on which other sentences were read."""
    reader = shipped_reader()
    assert reader is not None
    question = "Who signed the agreement that ended the ferry strike?"
    window = "The ferry strike ended on Tuesday. Union leader Mara Kell signed the agreement with the port authority."
    others = [
        "The river festival drew 40,000 visitors. Dragon boats raced on the Sunday afternoon, and the city paid "
        "for fireworks over the old harbour while the council debated the cost of the new tram line for hours.",
        "Ticket prices rose by 12% in March.",
    ]
    alone = reader.read(question, [window])[0]
    assert alone is not None
    for other in others:
        beside = reader.read(question, [window, other])[0]
        assert beside is not None and (beside.start, beside.end) == (alone.start, alone.end)
        assert beside.margin == alone.margin
