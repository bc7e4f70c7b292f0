"""Turn XQuAD (the same questions in English and Russian over English paragraphs) into `lede eval`
files: a corpus of the English paragraphs and the questions in one language. The data stays in
../shared (beside the checkout; --xquad names another folder).

    python -m bot.evaluation.xquad OUT_DIR [--language en]   # writes OUT_DIR/corpus.jsonl, questions.jsonl
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

XQUAD = Path(__file__).resolve().parents[2].parent / "shared" / "eval" / "xquad"


def convert(out: Path, *, language: str = "ru", xquad: Path = XQUAD) -> tuple[Path, Path]:
    """Write the corpus and questions files; return their paths."""
    english = json.loads((xquad / "xquad-dev.en.json").read_text())
    asked = json.loads((xquad / f"xquad-dev.{language}.json").read_text())
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


def main(argv: list[str]) -> None:
    """Read `OUT_DIR [--language ru|en] [--xquad FOLDER]` (argparse is the CLI's, not evaluation's)."""
    options = dict(zip(argv[1::2], argv[2::2], strict=False))
    if (not argv or argv[0].startswith("-") or set(options) - {"--language", "--xquad"}
            or options.get("--language", "ru") not in ("ru", "en")):
        sys.exit(__doc__)
    print(*convert(Path(argv[0]), language=options.get("--language", "ru"), xquad=Path(options.get("--xquad", XQUAD))))


if __name__ == "__main__":
    main(sys.argv[1:])
