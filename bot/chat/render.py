"""All of the bot's Telegram HTML: answers, sources, timelines, outlet comparisons and digests, each
fitting one message (4096 characters); a long timeline is split into pages."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, datetime
from html import escape, unescape

from bot.answer import Answer, Coverage, Item, Said, Source, Story, StoryArticle, Timeline, details, wording
from bot.i18n import not_found, t
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
    others = ", ".join(link_html(link.url, label) for link, label in zip(source.also, _link_labels(source), strict=True))
    carriers = ", ".join(link_html(link.url, link.outlet or link.title) for link in source.carried_by)
    return (f"{number}{link_html(source.url, source.title)}{suffix}" + (f" · also {others}" if others else "")
            + (f" · also carried by {carriers}" if carriers else ""))


def _link_labels(source: Source) -> list[str]:
    """Name each other article by its outlet, with its date when the outlet has several
    ("Coast Courier 2025-03-10, Coast Courier 2025-03-11")."""
    names = [link.outlet or link.title for link in source.also]
    return [f"{name} {link.date.date().isoformat()}" if names.count(name) > 1 and link.date else name
            for name, link in zip(names, source.also, strict=True)]


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
        lines = [escape(not_found(answer.searched_days, language))]
        if answer.sources:
            lines += ["", escape(t("closest", language))]
            lines += [f"• {source_line(s, numbered=False)}" for s in answer.sources]
        return fit_message(lines, [])
    parts = [f"<b>{escape(answer.direct)}</b>", ""] if answer.direct else []
    if answer.figures:
        parts = [_figures_html(answer, language), ""]
    if answer.written:
        parts += [escape(" ".join(answer.written)), ""]
    for quote in answer.quotes:
        text = quote.text if len(quote.text) <= QUOTE_LIMIT else quote.text[: QUOTE_LIMIT - 1] + "…"
        parts.append(f"“{escape(text)}” {link_html(quote.url, f'[{quote.source}]')}")
    old = answer.latest_if_old(datetime.now(UTC))
    if old is not None:
        parts += ["", f"<i>{escape(t('latest_is_old', language, date=old.date().isoformat()))}</i>"]
    tail = [""] + [source_line(s) for s in answer.sources]
    return fit_message(parts, tail)


def _figures_html(answer: Answer, language: str | None) -> str:
    """Return "Sources differ: <b>four people</b> (Courier, the fire department, 2026-12-01) [1]
    or <b>six</b> (...) [1]", or the latest figure up or down from the earlier ones."""
    number_of = {url: s.number for s in answer.sources for url in s.urls}
    pieces = [f"<b>{escape(f.text)}</b> ({escape(details(f))}) {link_html(f.url, f'[{number_of[f.url]}]')}"
              for f in answer.figures]
    key = wording(answer.figures)
    if key == "figures_or":
        return escape(t(key, language, figures="\x00")).replace("\x00", escape(t("figures_or_join", language)).join(pieces))
    return (escape(t(key, language, latest="\x00", earlier="\x01"))
            .replace("\x00", pieces[0]).replace("\x01", ", ".join(pieces[1:])))


def _quoted(text: str, limit: int = QUOTE_LIMIT) -> str:
    return escape(text if len(text) <= limit else text[: limit - 1] + "…")


def timeline_pages(timeline: Timeline, language: str | None) -> list[str]:
    """Return a story's timeline as messages: each development under its day, its [n] linked to
    the article, oldest first; a page ends where the next line would pass Telegram's limit."""
    if not timeline.developments:
        return [escape(t("story_none", language))]
    head = [f"<b>{escape(t('timeline_title', language, title=timeline.title))}</b>"]
    if len(timeline.developments) == 1:
        head.append(escape(t("story_single", language)))
    lines: list[str] = []
    day = None
    for development in timeline.developments:
        if development.when.date() != day:
            day = development.when.date()
            seen = "" if development.dated else f" ({escape(t('first_seen', language))})"
            lines += ["", f"<b>{day.isoformat()}</b>{seen}"]
        number = link_html(development.article.url, f"[{development.number}]")
        lines.append(f"• {_quoted(development.sentence)} {number} {escape(development.article.label)}")
    pages, page = [], list(head)
    for line in lines:
        if shown_length("\n".join([*page, line])) > LIMIT and len(page) > len(head):
            pages.append("\n".join(page).rstrip())
            page = list(head) + ([""] if line else [])
        page.append(line)
    pages.append("\n".join(page).rstrip())
    return pages


def page_summary_html(page: StoryArticle, facts: list[str], others: list[tuple[StoryArticle, str]],
                      language: str | None, *, related: Sequence[tuple[StoryArticle, str]] = ()) -> str:
    """Return what a link a reader sent is about: its title, outlet and date, its lead facts cited
    [1], then what other outlets say about the same story, each cited; when none tells it, what
    they reported near it in time and subject (`related`)."""
    details = ", ".join(p for p in (page.label, page.when.date().isoformat() if page.dated else None) if p)
    lines = [f"<b>{escape(page.title)}</b> — {escape(details)}", ""]
    lines += [f"• “{_quoted(fact)}” {link_html(page.url, '[1]')}" for fact in facts]
    tail = ["", escape(t("link_others", language))] if others else [] if related else ["", escape(t("link_alone", language))]
    tail += [f"• {escape(other.label)}: “{_quoted(fact, 300)}” {link_html(other.url, f'[{number}]')}"
             for number, (other, fact) in enumerate(others, 2)]
    if related and not others:
        tail += ["", escape(t("link_related", language))]
        tail += [f"• {escape(other.label)}, {other.when.date().isoformat()}: “{_quoted(fact, 300)}” "
                 f"{link_html(other.url, f'[{number}]')}" for number, (other, fact) in enumerate(related, 2)]
    return fit_message(lines, tail)


def _cited(coverage: Coverage, said: Said) -> str:
    return f"{escape(said.outlet)} {link_html(said.article.url, f'[{coverage.number(said)}]')}"


def coverage_html(coverage: Coverage, language: str | None) -> str:
    """Return where the outlets of a story agree and differ, each sentence quoted and cited."""
    if not coverage.articles:
        return escape(t("story_none", language))
    lines = [f"<b>{escape(t('compare_title', language, title=coverage.title))}</b>"]
    if len(coverage.outlets) < 2:
        lines.append(escape(t("compare_single", language, outlet=coverage.outlets[0] if coverage.outlets else "?")))
        return fit_message(lines)
    lines.append(escape(", ".join(coverage.outlets)))
    carried = [f"{outlet} ({article.label})" for article in coverage.articles for outlet in article.carried_by]
    if carried:  # the same text at another outlet: one voice, not a second source
        lines.append(escape(t("compare_carried", language, copies=", ".join(dict.fromkeys(carried)))))
    # Where the outlets disagree matters most: it comes first.
    if coverage.differences:
        lines += ["", f"<b>{escape(t('compare_differ', language))}</b>"]
        for d in coverage.differences:
            lines.append(f"• {escape(d.counted)}: " + "; ".join(
                f"{_cited(coverage, s)}, {s.article.when.date().isoformat()}: “{_quoted(s.sentence.text, 300)}”"
                for s in (d.one, d.other)))
    if coverage.shared:
        lines += ["", f"<b>{escape(t('compare_shared', language))}</b>"]
        lines += [f"• “{_quoted(point[0].sentence.text, 400)}” — " + " · ".join(_cited(coverage, s) for s in point)
                  for point in coverage.shared]
    if not (coverage.shared or coverage.differences):
        lines += ["", escape(t("compare_nothing", language))]
    # What one outlet alone says goes last: the first to go when the message is too long.
    own = [""] + [f"<b>{escape(t('compare_own', language))}</b>"] + [
        f"• {_cited(coverage, s)}: “{_quoted(s.sentence.text, 300)}”" for s in coverage.own] if coverage.own else []
    return fit_message(lines, own)


def sources_html(answer: Answer, passages: dict[int, str], language: str | None) -> str:
    """Return the "Sources" view: each cited passage in full under its source line."""
    by_number = {s.number: s for s in answer.sources}
    blocks = []
    for quote in answer.quotes:
        passage = passages.get(quote.passage_id, quote.text)
        quoted = by_number[quote.source].article(quote.url)
        blocks.append(f"{source_line(quoted)}\n<blockquote>{escape(passage[:1200])}</blockquote>")
    if not blocks:
        blocks = [source_line(s) for s in answer.sources] or [escape(t("not_found", language))]
    return fit_message(list(dict.fromkeys(blocks)), [])


def digest_html(stories: list[Story], title: str, timelines: dict[int, str] | None = None,
                timeline_label: str = "Timeline") -> str:
    """Return the digest message: one line per story with links to each outlet's article, and
    to its timeline when `timelines` has one for its lead article."""
    lines = [f"<b>{escape(title)}</b>", ""]
    for story in stories:
        head = story.items[0]
        links = " · ".join(
            link_html(item.url, item.outlet or "link") for item in story.items
        )
        timeline = (timelines or {}).get(head.article_id)
        more = f" · {link_html(timeline, timeline_label)}" if timeline else ""
        lines.append(f"• {escape(head.title)} — {links}{more}")
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
