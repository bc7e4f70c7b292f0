"""What a run of ingest did: articles added, updated, unchanged, copies and boilerplate, passages."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class IngestReport:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    passages_added: int = 0
    passages_removed: int = 0
    copies: int = 0  # kept as another URL of a stored article (index/copies.py)
    boilerplate: int = 0  # texts under too many headlines to be articles: not stored
    errors: list[str] = field(default_factory=list)

    def merge(self, other: IngestReport) -> None:
        """Add the counts and errors of `other` to this report."""
        self.added += other.added
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.passages_added += other.passages_added
        self.passages_removed += other.passages_removed
        self.copies += other.copies
        self.boilerplate += other.boilerplate
        self.errors += other.errors

    def summary(self) -> str:
        """Return the one-line summary printed at the end of a run."""
        line = (
            f"{self.added} new, {self.updated} updated, {self.unchanged} unchanged articles; "
            f"{self.passages_added} passages added, {self.passages_removed} removed"
        )
        if self.copies:
            line += f"; {self.copies} copies of stored articles kept as their other URLs"
        if self.boilerplate:
            line += f"; {self.boilerplate} boilerplate pages (one text under many headlines) skipped"
        if self.errors:
            line += f"; {len(self.errors)} errors"
        return line
