"""`lede bench filler`: how well index/prose.py tells page furniture (headings, captions, credits,
promo lines) from prose, on lines of the eval corpus labelled by hand
(bot/evaluation/data/filler.json: doc ids and line hashes, never text). The lines read while
writing the rules ("design") and those kept to score them ("held_out") are printed apart."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import select

from index.knowledge import KnowledgeBase
from index.models import Article, Passage
from index.prose import is_filler
from index.text import content_hash

LABELS = Path(__file__).parent / "data" / "filler.json"


def labelled_lines(kb: KnowledgeBase, labels: Path = LABELS) -> list[tuple[dict, str | None]]:
    """Return each labelled line with its text as stored (None when its article is not)."""
    entries = json.loads(labels.read_text())["lines"]
    wanted = {e["doc_id"] for e in entries}
    text_of: dict[tuple[str | None, str], str] = {}
    with kb.sessions() as session:
        rows = session.execute(select(Article.guid, Passage.text).join(Passage).where(Article.guid.in_(wanted)))
        for doc_id, text in rows:
            for line in text.splitlines():
                text_of[(doc_id, content_hash(line.strip()))] = line
    return [(e, text_of.get((e["doc_id"], e["line_hash"]))) for e in entries]


def bench_filler(kb: KnowledgeBase, labels: Path = LABELS) -> dict:
    """Return the marker's precision and recall on each set of labelled lines."""
    found = labelled_lines(kb, labels)
    result: dict = {"lines": len(found), "not_stored": sum(text is None for _, text in found)}
    for name in ("design", "held_out"):
        scored = [(e["filler"], is_filler(text)) for e, text in found if text is not None and e["set"] == name]
        marked = sum(pred for _, pred in scored)
        right = sum(gold and pred for gold, pred in scored)
        filler = sum(gold for gold, _ in scored)
        result[name] = {"lines": len(scored), "filler": filler,
                        "precision": round(right / marked, 3) if marked else 0.0,
                        "recall": round(right / filler, 3) if filler else 0.0}
    return result
