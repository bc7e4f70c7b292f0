"""Render an answer as plain text for the terminal."""

from __future__ import annotations

from bot.answer import Answer, Source
from bot.i18n import t
from index.text import printable

NOT_FOUND = t("not_found")


def source_line(source: Source) -> str:
    """Return "Title — Outlet, 2026-02-04" for a citation."""
    return f"{source.title} — {source.details}" if source.details else source.title


def render_text(answer: Answer) -> str:
    """Return the answer as the terminal shows it."""
    lines: list[str] = []
    if not answer.found:
        lines.append(NOT_FOUND)
        if answer.sources:
            lines += ["", t("closest")]
            lines += [f"  - {source_line(s)}\n    {s.url}" for s in answer.sources]
        return printable("\n".join(lines))
    if answer.direct:
        lines += [answer.direct, ""]
    if answer.written:
        lines += [" ".join(answer.written), ""]
    lines += [f"  {quote.text} [{quote.source}]" for quote in answer.quotes]
    lines += ["", "Sources:"]
    for s in answer.sources:
        lines.append(f"  [{s.number}] {source_line(s)}\n      {s.url}")
        lines += [f"      also {link.outlet or link.title}: {link.url}" for link in s.also]
    # Stored before ingest cleaned them, a feed's escape sequences would still reach the terminal.
    return printable("\n".join(lines))
