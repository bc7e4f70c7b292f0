"""The span reader's part of an answer: which windows it reads and which sentence holds its span."""

from bot.answer.reading import read_windows
from bot.reader.model import shipped_reader

SENTENCES = [
    (7, "The ferry strike ended on Tuesday after nine days."),
    (7, "Union leader Mara Kell signed the agreement with the port authority."),
    (7, "Ferries to the islands run again from Wednesday."),
    (9, "The river festival drew 40,000 visitors, organisers said."),
]


def test_the_span_comes_with_the_sentence_holding_it() -> None:
    reader = shipped_reader()
    assert reader is not None
    [reading, *_] = read_windows(reader, "Who signed the agreement that ended the ferry strike?", SENTENCES, [0, 3, 1, 2])
    assert reading.text == "Mara Kell" and reading.sentence == 1


def test_only_the_windows_of_the_best_sentences_are_read() -> None:
    reader = shipped_reader()
    assert reader is not None
    before = reader.windows_read
    # Only the festival sentence's window is read: the strike's sentences are not its neighbours
    # (another passage), so the answer cannot be there.
    readings = read_windows(reader, "Who signed the agreement that ended the ferry strike?", SENTENCES, [3, 0], windows=1)
    assert reader.windows_read == before + 1
    assert not any("Kell" in reading.text for reading in readings)
