"""What storing a batch of documents writes, decided before the model runs: each document is new,
an update of a stored article (its unchanged passages kept), unchanged, a copy of a text already
held (kept as an address of it), or boilerplate (one text under more than MAX_TITLES headlines)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from sqlalchemy import select

from index.copies import MAX_TITLES, body_hash
from index.knowledge import KnowledgeBase
from index.models import Article, Boilerplate, Copy
from index.text import content_hash
from ingest.document import Document
from ingest.report import IngestReport
from ingest.split import paragraphs_of, split_passages


@dataclass
class Plan:
    """What to write for one document, decided before the model runs."""

    document: Document
    digest: str
    passages: list[str]
    existing_id: int | None
    keep: dict[int, int]  # ordinal in the new article -> id of an unchanged stored passage
    drop: list[int]  # ids of stored passages no longer in the article
    body: str | None  # its text's hash (index/copies.py)

    @property
    def new_ordinals(self) -> list[int]:
        return [i for i in range(len(self.passages)) if i not in self.keep]


@dataclass
class CopyPlan:
    """A document whose text a stored article, or one planned in this chunk, already has."""

    document: Document
    body: str
    article_id: int | None  # the stored article it copies, or None: the plan numbered `of`
    of: int | None = None


@dataclass
class Chunk:
    plans: list[Plan] = field(default_factory=list)
    copies: list[CopyPlan] = field(default_factory=list)
    # Texts found to be boilerplate, each with the stored article that held it (to drop) or None.
    boilerplate: dict[str, int | None] = field(default_factory=dict)


def plan_chunk(kb: KnowledgeBase, documents: list[Document], report: IngestReport, source_id: int | None) -> Chunk:
    chunk = Chunk()
    claimed: set[int] = set()  # stored articles a plan of this chunk updates
    seen: set[str] = set()
    planned: dict[str, int] = {}  # text hash -> the plan storing it
    titles: dict[str, set[str]] = {}  # text hash -> the headlines it was published under
    copied: set[str] = set()  # URLs planned as copies
    with kb.sessions() as session:
        for document in documents:
            digest = document.digest
            existing = session.scalar(select(Article).where(Article.url == document.url))
            if existing is None and document.guid and source_id is not None:
                # The same item of the same feed at a new URL (an edited slug): an update, not a
                # second article (the runner clears a GUID several items of a feed share).
                moved = session.scalar(select(Article).where(
                    Article.source_id == source_id, Article.guid == document.guid).limit(1))
                if moved is not None and moved.id not in claimed:
                    existing = moved
            if existing is not None:
                if existing.id in claimed:  # the same URL twice in one batch
                    report.unchanged += 1
                    continue
                claimed.add(existing.id)
            if existing is None and (document.url in copied or session.get(Copy, document.url) is not None):
                report.unchanged += 1  # a copy already kept (or listed twice)
                continue
            if existing is not None and existing.content_hash == digest and existing.url == document.url:
                report.unchanged += 1
                continue
            passages = split_passages(paragraphs_of(document.text))
            if not passages:
                report.errors.append(f"{document.url}: no text to index")
                continue
            body = body_hash(passages)
            if existing is None and body is not None:
                if body in chunk.boilerplate or session.get(Boilerplate, body) is not None:
                    report.boilerplate += 1
                    continue
                original = session.scalar(select(Article).where(Article.body_hash == body).limit(1))
                if original is not None or body in planned:
                    held = titles.setdefault(body, {original.title, *(c.title for c in original.copies)}
                                             if original is not None else set())
                    held.add(document.title)
                    if len(held) > MAX_TITLES:
                        chunk.boilerplate[body] = original.id if original is not None else None
                        report.boilerplate += 1
                        continue
                    chunk.copies.append(CopyPlan(document, body, original.id if original is not None else None,
                                              planned.get(body)))
                    copied.add(document.url)
                    continue
            duplicate = digest in seen or (
                existing is None
                and session.scalar(select(Article.id).where(Article.content_hash == digest).limit(1))
            )
            if duplicate:  # too short to be kept as a copy: the same notice again
                report.unchanged += 1
                continue
            seen.add(digest)
            keep: dict[int, int] = {}
            drop: list[int] = []
            if existing is not None:
                stored = {p.content_hash: p.id for p in existing.passages}
                for ordinal, text in enumerate(passages):
                    passage_id = stored.pop(content_hash(text), None)
                    if passage_id is not None:
                        keep[ordinal] = passage_id
                drop = list(stored.values())
            elif body is not None:
                planned[body] = len(chunk.plans)
                titles[body] = {document.title}
            chunk.plans.append(
                Plan(document, digest, passages, existing.id if existing else None, keep, drop, body)
            )
    if chunk.boilerplate:  # a text found under too many headlines in this very chunk
        report.boilerplate += sum(p.body in chunk.boilerplate for p in chunk.plans)
        report.boilerplate += sum(c.body in chunk.boilerplate for c in chunk.copies)
        kept = [i for i, p in enumerate(chunk.plans) if p.body not in chunk.boilerplate]
        renumber = {old: new for new, old in enumerate(kept)}
        chunk.plans = [chunk.plans[i] for i in kept]
        chunk.copies = [replace(c, of=renumber.get(c.of) if c.of is not None else None)
                        for c in chunk.copies if c.body not in chunk.boilerplate]
    return chunk
