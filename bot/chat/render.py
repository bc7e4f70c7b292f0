"""All of the bot's Telegram HTML: answers, sources and digests that fits one message (4096 characters)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from html import escape, unescape

from bot.answer import Answer, Source
from bot.answer.stories import Item, Story
from bot.i18n import t
from ingest.sources import SourceInfo

LIMIT = 4096
QUOTE_LIMIT = 600


def link_html(url: str, label: str) -> str:
    # Telegram only links web addresses; a local file is named, not linked.
    if url.startswith(("http://", "https://")):
        return f'<a href="{escape(url, quote=True)}">{escape(label)}</a>'
    return escape(label)


def source_line(source: Source, *, numbered: bool = True) -> str:
    """Return "[1] Title — Outlet, 2026-02-04" with the title linked to the article, and the
    story's other articles as linked outlet names: "— Outlet, 2026-02-04 · also USA Today"."""
    suffix = f" — {escape(source.details)}" if source.details else ""
    number = f"[{source.number}] " if numbered else ""
    others = ", ".join(link_html(link.url, link.outlet or link.title) for link in source.also)
    return f"{number}{link_html(source.url, source.title)}{suffix}" + (f" · also {others}" if others else "")


def shown_length(html: str) -> int:
    """Return the length Telegram limits: the text a reader sees (tags gone, entities read), in
    UTF-16 units (an emoji counts two)."""
    return len(unescape(re.sub(r"<[^>]+>", "", html)).encode("utf-16-le")) // 2


def fit_message(parts: list[str], tail: Sequence[str] = ()) -> str:
    """Join `parts` then `tail` line by line, dropping whole lines of the tail from its end (the
    least relevant sources), then parts from the end, until the message fits: a line is never
    cut, so no tag or entity is split."""
    parts, rest = list(parts), list(tail)
    while parts or rest:
        text = "\n".join(parts + rest)
        if shown_length(text) <= LIMIT:
            return text
        (rest if rest else parts).pop()
    return ""


def answer_html(answer: Answer, language: str | None) -> str:
    """Return the answer message: direct answer, quotes with linked [n], numbered sources."""
    if not answer.found:
        lines = [escape(t("not_found", language))]
        if answer.sources:
            lines += ["", escape(t("closest", language))]
            lines += [f"• {source_line(s, numbered=False)}" for s in answer.sources]
        return fit_message(lines, [])
    url_of = {s.number: s.url for s in answer.sources}
    parts = [f"<b>{escape(answer.direct)}</b>", ""] if answer.direct else []
    if answer.written:
        parts += [escape(" ".join(answer.written)), ""]
    for quote in answer.quotes:
        text = quote.text if len(quote.text) <= QUOTE_LIMIT else quote.text[: QUOTE_LIMIT - 1] + "…"
        parts.append(f"“{escape(text)}” {link_html(url_of[quote.source], f'[{quote.source}]')}")
    tail = [""] + [source_line(s) for s in answer.sources]
    return fit_message(parts, tail)


def sources_html(answer: Answer, passages: dict[int, str], language: str | None) -> str:
    """Return the "Sources" view: each cited passage in full under its source line."""
    by_number = {s.number: s for s in answer.sources}
    blocks = []
    for quote in answer.quotes:
        passage = passages.get(quote.passage_id, quote.text)
        blocks.append(f"{source_line(by_number[quote.source])}\n<blockquote>{escape(passage[:1200])}</blockquote>")
    if not blocks:
        blocks = [source_line(s) for s in answer.sources] or [escape(t("not_found", language))]
    return fit_message(list(dict.fromkeys(blocks)), [])


def digest_html(stories: list[Story], title: str) -> str:
    """Return the digest message: one line per story with links to each outlet's article."""
    lines = [f"<b>{escape(title)}</b>", ""]
    for story in stories:
        head = story.items[0]
        links = " · ".join(
            link_html(item.url, item.outlet or "link") for item in story.items
        )
        lines.append(f"• {escape(head.title)} — {links}")
    return fit_message(lines)


def alert_html(heading: str, items: list[Item]) -> str:
    """Return a topic alert: the heading, then each new article linked, with its outlet."""
    lines = [escape(heading)]
    lines += [f"• {link_html(i.url, i.title)}" + (f" — {escape(i.outlet)}" if i.outlet else "") for i in items]
    return fit_message(lines, [])


def source_list_html(sources: list[SourceInfo]) -> str:
    """Return the admin's list of sources: title, kind, status, article count and last error."""
    blocks = []
    for s in sources:
        block = f"#{s.id} <b>{escape(s.title or s.url)}</b> — {s.kind}, {escape(s.status)}, {s.articles} articles"
        if s.title:
            block += f"\n{escape(s.url)}"
        if s.last_error:
            block += f"\n⚠️ {escape(s.last_error[:200])}"
        blocks.append(block)
    # Whole sources are dropped from the end until the list fits: a cut could split an entity.
    return fit_message(["\n".join([block, ""]) for block in blocks], []).rstrip("\n")
