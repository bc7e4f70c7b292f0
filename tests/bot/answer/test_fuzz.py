"""Hypothesis asks hostile questions of a real knowledge base (SQLite, FAISS, the sample
articles; the instant embedder): full-text query syntax, lone surrogates, control characters,
every script, huge messages. Each gets an answer or Lede's own one-line error, and its reply
renders as a valid Telegram message."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.answer import answer_question
from bot.chat.render import answer_html
from index.errors import LedeError
from ingest.local import ingest_paths
from tests.conftest import SAMPLES
from tests.fakes.telegram_html import parse_html

questions = st.one_of(
    st.text(max_size=300),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=5000),
    st.lists(st.sampled_from(['"', "*", "NEAR(", "OR", "AND", "NOT", "-", "^", ":", "(", ")", "{", "}", "'",
                              "who", "leads", "coalition", "\udcff", "\x00", "\x1b[2J", "&", "<b>", "%",
                              "Кто", "возглавляет", "коалицию", "😀", "2026", "yesterday", "in June"]),
             max_size=40).map(" ".join),
)


@pytest.fixture
def samples(kb):
    ingest_paths(kb, [SAMPLES], progress=False)
    return kb


# The knowledge base (SQLite, or PostgreSQL in CI's second pass) is shared by the examples: they
# only read it.
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(question=questions)
def test_any_question_gets_an_answer_or_a_clear_error_and_a_valid_reply(samples, question) -> None:
    kb = samples
    try:
        answer = answer_question(kb, question)
    except LedeError as exc:
        assert str(exc) and "\n" not in str(exc)
        return
    parse_html(answer_html(answer, None))
