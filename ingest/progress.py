"""How a long ingest shows it is moving: on a terminal, a bar with the total and the time left,
left on screen at the end; in a log file or a pipe, one INFO line every half minute."""

from __future__ import annotations

import logging
import sys
from time import monotonic

from tqdm import tqdm

log = logging.getLogger(__name__)

EVERY = 30.0  # seconds between two lines in a log: a 48-minute ingest says where it is ~100 times


class Meter:
    """Counts the articles an ingest has handled, of `total` when it is known."""

    def __init__(self, total: int | None = None, *, show: bool = True, bar: bool = True, label: str = "") -> None:
        self.total, self.done, self.label = total, 0, label
        self.started = self.said = monotonic()
        on_terminal = show and bar and sys.stderr.isatty()
        self.bar = tqdm(total=total, unit="article", disable=not on_terminal, leave=True, dynamic_ncols=True)
        self.logs = show and not on_terminal

    def advance(self, articles: int) -> None:
        self.done += articles
        self.bar.update(articles)
        if self.logs and monotonic() - self.said >= EVERY:
            self.said = monotonic()
            log.info("ingest%s: %s", f" of {self.label}" if self.label else "", self.line())

    def line(self) -> str:
        """Return "stored 120 of 500 articles (24%), about 31 min left" (no total: no share)."""
        if not self.total:
            return f"handled {self.done} articles"
        share = self.done / self.total
        elapsed = monotonic() - self.started
        left = f", about {max(1, round(elapsed * (1 / share - 1) / 60))} min left" if 0 < share < 1 else ""
        return f"handled {self.done} of {self.total} articles ({share:.0%}){left}"

    def close(self) -> None:
        self.bar.close()
