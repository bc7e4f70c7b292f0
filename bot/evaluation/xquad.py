"""Turn XQuAD (the same questions in English and Russian over English paragraphs) into `lede eval`
files: a corpus of the English paragraphs and the Russian questions. The data stays in ../shared.

    python -m bot.evaluation.xquad OUT_DIR     # writes OUT_DIR/corpus.jsonl and OUT_DIR/questions.jsonl
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from tests.conftest import SHARED

XQUAD = SHARED / "eval" / "xquad"


def convert(out: Path, *, language: str = "ru") -> tuple[Path, Path]:
    """Write the corpus and questions files; return their paths."""
    english = json.loads((XQUAD / "xquad-dev.en.json").read_text())
    asked = json.loads((XQUAD / f"xquad-dev.{language}.json").read_text())
    corpus, paragraph_of, answers = [], {}, {}
    for article in english["data"]:
        for number, paragraph in enumerate(article["paragraphs"]):
            doc_id = f"xquad-{article['title']}-{number}"
            corpus.append({"doc_id": doc_id, "url": f"https://xquad.example/{article['title']}#{number}",
                           "title": article["title"].replace("_", " "), "publish_date": "2020/01/01",
                           "source": "wikipedia.org", "text": paragraph["context"]})
            for qa in paragraph["qas"]:
                paragraph_of[qa["id"]] = doc_id
                answers[qa["id"]] = [a["text"] for a in qa["answers"]]
    questions = [
        {"qid": qa["id"], "question": qa["question"], "question_date": "2020/01/02",
         "answer_text": answers[qa["id"]], "gold_doc_ids": [paragraph_of[qa["id"]]]}
        for article in asked["data"] for paragraph in article["paragraphs"] for qa in paragraph["qas"]
    ]
    out.mkdir(parents=True, exist_ok=True)
    corpus_path, questions_path = out / "corpus.jsonl", out / "questions.jsonl"
    corpus_path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in corpus) + "\n")
    questions_path.write_text("\n".join(json.dumps(q, ensure_ascii=False) for q in questions) + "\n")
    return corpus_path, questions_path


if __name__ == "__main__":
    print(*convert(Path(sys.argv[1])))
