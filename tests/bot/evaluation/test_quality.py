"""`lede eval` on small corpora written here, and XQuAD's Russian questions over English text."""

import json
from datetime import UTC, datetime

import pytest

from bot.answer import answer_question
from bot.cli import main
from bot.evaluation.dataset import load_questions, normalise
from bot.evaluation.quality import evaluate
from ingest.document import Document
from ingest.store import store_documents
from tests.conftest import SHARED

pytestmark = pytest.mark.slow

CORPUS = [
    {"doc_id": "a", "url": "https://news.example/tram", "title": "Harbourton approves airport tram",
     "publish_date": "2025/06/02", "source": "news.example",
     "text": "The Harbourton council voted on Tuesday to build a tram line to the airport.\n\n"
             "The line will cost 620 million euros and open in 2029."},
    {"doc_id": "b", "url": "https://news.example/chess", "title": "Ada Marlow wins chess title",
     "publish_date": "2025/06/03", "source": "news.example",
     "text": "Ada Marlow, 16, won the national chess championship in Brightwater on Sunday.\n\n"
             "She beat the defending champion in a five-hour final game."},
]
QUESTIONS = [
    {"qid": "1", "question": "Who won the national chess championship?", "question_date": "2025/06/05",
     "answer_text": ["Ada Marlow"], "gold_doc_ids": ["b"]},
    {"qid": "2", "question": "When will the Harbourton airport tram open?", "question_date": "2025/06/05",
     "answer_text": ["2029"], "gold_doc_ids": ["a"]},
]


def _write(tmp_path):
    corpus, questions = tmp_path / "corpus.jsonl", tmp_path / "questions.jsonl"
    corpus.write_text("\n".join(json.dumps(r) for r in CORPUS))
    questions.write_text("\n".join(json.dumps(q) for q in QUESTIONS))
    return corpus, questions


def test_normalise_ignores_case_accents_punctuation_and_articles() -> None:
    assert normalise("The  Café, “Squid Game”!") == "cafe squid game"


def test_lede_eval_prints_every_metric_and_unanswerable_mode_abstains(tmp_path, capsys) -> None:
    corpus, questions = _write(tmp_path)
    assert main(["eval", "--corpus", str(corpus), "--questions", str(questions), "--json",
                 "--data-dir", str(tmp_path / "kb")]) == 0
    result = json.loads(capsys.readouterr().out)
    for key in ("questions", "recall@1", "recall@5", "recall@10", "mrr", "answer_in_citations",
                "direct_answer_accuracy", "abstained", "p50_ms", "p95_ms"):
        assert key in result
    assert result["questions"] == 2 and result["recall@1"] == 1.0 and result["mrr"] == 1.0
    assert result["answer_in_citations"] == 1.0 and result["abstained"] == 0.0
    assert result["answer_in_passages_read"] == 1.0 and result["answer_in_citations_when_read"] == 1.0
    assert result["direct_answer_accuracy"] == 1.0  # the span reader's bold answers: "Ada Marlow", "2029"
    assert main(["eval", "--corpus", str(corpus), "--questions", str(questions), "--json",
                 "--data-dir", str(tmp_path / "kb"), "--unanswerable"]) == 0
    without_gold = json.loads(capsys.readouterr().out)
    assert without_gold["recall@10"] == 0.0 and without_gold["abstained"] == 1.0
    # The same questions with their answers present: none declined, every one scored above.
    assert without_gold["answerable_abstained"] == 0.0 and without_gold["no_answer_auc"] == 1.0


def test_answers_as_of_a_date_ignore_later_articles(real_kb) -> None:
    early = Document(url="https://n.example/1", title="Keld picks a mayor",
                     text="Keld elected Ines Okafor as its mayor on Monday, with 61 percent of the vote.",
                     published_at=datetime(2025, 5, 5, tzinfo=UTC))
    late = Document(url="https://n.example/2", title="Keld mayor resigns",
                    text="Keld mayor Ines Okafor resigned on Friday; Tomas Quell was elected as the new mayor.",
                    published_at=datetime(2025, 9, 5, tzinfo=UTC))
    store_documents(real_kb, [early, late], progress=False)
    answer = answer_question(real_kb, "Who was elected mayor of Keld?", as_of=datetime(2025, 6, 1, tzinfo=UTC))
    assert answer.found and {s.url for s in answer.sources} == {"https://n.example/1"}
    assert "https://n.example/2" not in answer.ranked_urls


XQUAD = SHARED / "eval" / "xquad"


@pytest.mark.parametrize("argv", [["--help"], ["--language", "en"], ["out", "--language", "fr"], []])
def test_xquad_converter_prints_its_usage_and_writes_nothing_for_a_bad_command_line(argv, tmp_path, monkeypatch) -> None:
    from bot.evaluation.xquad import main

    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as stopped:
        main(argv)
    assert "OUT_DIR" in str(stopped.value.code)
    assert not list(tmp_path.iterdir())  # no folder named after an option


@pytest.mark.skipif(not XQUAD.is_dir(), reason="../shared/eval is not here")
def test_russian_questions_find_their_english_paragraph(real_kb, tmp_path) -> None:
    from bot.evaluation.xquad import convert
    from ingest.local import ingest_paths

    corpus, questions = convert(tmp_path / "xquad")
    ingest_paths(real_kb, [corpus], progress=False)
    result = evaluate(real_kb, load_questions(questions, corpus)[::3])  # every third: 204 questions
    assert result["recall@5"] >= 0.9
