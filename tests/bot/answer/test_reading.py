"""The span reader's part of an answer: which windows it reads and which sentence holds its span."""

from bot.answer.reading import read_windows
from bot.reader.model import shipped_reader
from bot.reader.spans import Span

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


class _FixedReader:
    """Reads each window as told: the ordering logic under test, not the model."""

    def __init__(self, spans: dict[str, Span]) -> None:
        self.spans = spans

    def tokens(self, text: str) -> int:
        return len(text.split())

    def read(self, question: str, windows: list[str]) -> list[Span | None]:
        return [next((span for start, span in self.spans.items() if w.startswith(start)), None) for w in windows]


def test_the_reading_the_reader_is_surest_of_comes_first_whatever_its_raw_score() -> None:
    # The Taronga case of the dev set: the window scoring its span highest also scored "no answer"
    # higher still, and the question was declined though another window held "Five lions".
    sentences = [(1, "The lions were back in their den by eight, keepers said."),
                 (2, "Five lions made a short escape from their enclosure on Wednesday.")]
    reader = _FixedReader({"The lions": Span(4, 9, score=9.0, null=10.0), "Five lions": Span(0, 10, score=7.0, null=1.0)})
    readings = read_windows(reader, "Which animals escaped?", sentences, [0, 1])  # type: ignore[arg-type]
    assert [(r.text, r.sentence) for r in readings] == [("Five lions", 1), ("lions", 0)]
    assert readings[0].margin == 6.0
