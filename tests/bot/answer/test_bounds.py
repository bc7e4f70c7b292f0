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
