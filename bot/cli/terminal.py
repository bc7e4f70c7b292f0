"""Render answers, timelines and outlet comparisons as plain text for the terminal."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.answer import Answer, Coverage, Said, Source, StoryArticle, Timeline, details, wording
from bot.i18n import not_found, t
from index.text import printable


def source_line(source: Source) -> str:
    """Return "Title — Outlet, 2026-02-04" for a citation."""
    return f"{source.title} — {source.details}" if source.details else source.title


def render_text(answer: Answer) -> str:
    """Return the answer as the terminal shows it."""
    lines: list[str] = []
    if not answer.found:
        lines.append(not_found(answer.searched_days))
        if answer.sources:
            lines += ["", t("closest")]
            lines += [f"  - {source_line(s)}\n    {s.url}" for s in answer.sources]
        return printable("\n".join(lines))
    if answer.direct:
        lines += [answer.direct, ""]
    if answer.figures:
        number_of = {s.number: s for s in answer.sources}
        pieces = [f"{f.text} ({details(f)}) [{next(n for n, s in number_of.items() if f.url in s.urls)}]"
                  for f in answer.figures]
        key = wording(answer.figures)
        lines += [t(key, figures=t("figures_or_join").join(pieces)) if key == "figures_or"
                  else t(key, latest=pieces[0], earlier=", ".join(pieces[1:])), ""]
    if answer.written:
        lines += [" ".join(answer.written), ""]
    by_number = {s.number: s for s in answer.sources}
    for quote in answer.quotes:
        # A story's [n] lists several articles: a quote from one but the first names which.
        source = by_number[quote.source]
        which = f" ({source.article(quote.url).details})" if quote.url != source.url else ""
        lines.append(f"  {quote.text} [{quote.source}]{which}")
    old = answer.latest_if_old(datetime.now(UTC))
    if old is not None:
        lines += ["", t("latest_is_old", date=old.date().isoformat())]
    lines += ["", "Sources:"]
    for s in answer.sources:
        lines.append(f"  [{s.number}] {source_line(s)}\n      {s.url}")
        lines += [f"      also {link.outlet or link.title}: {link.url}" for link in s.also]
        lines += [f"      also carried by {link.outlet or link.title}: {link.url}" for link in s.carried_by]
    # Stored before ingest cleaned them, a feed's escape sequences would still reach the terminal.
    return printable("\n".join(lines))


def _article_line(number: int, article: StoryArticle) -> str:
    return f"  [{number}] {article.title} — {article.label}, {article.when.date().isoformat()}\n      {article.url}"


def render_timeline(timeline: Timeline) -> str:
    """Return a story's developments under their days, oldest first, then the articles cited."""
    if not timeline.developments:
        return t("story_none")
    lines = [t("timeline_title", title=timeline.title)]
    if len(timeline.developments) == 1:
        lines.append(t("story_single"))
    day = None
    for development in timeline.developments:
        if development.when.date() != day:
            day = development.when.date()
            lines.append(f"{day.isoformat()}" + ("" if development.dated else f" ({t('first_seen')})"))
        lines.append(f"  • {development.sentence} [{development.number}] {development.article.label}")
    lines += ["", "Sources:"] + [_article_line(d.number, d.article) for d in timeline.developments]
    return printable("\n".join(lines))


def _said(coverage: Coverage, said: Said, *, dated: bool = False) -> str:
    when = f", {said.article.when.date().isoformat()}" if dated else ""
    return f"{said.outlet} [{coverage.number(said)}]{when}"


def render_coverage(coverage: Coverage) -> str:
    """Return what the outlets of a story report alike, alone, and with different figures."""
    if not coverage.articles:
        return t("story_none")
    lines = [t("compare_title", title=coverage.title)]
    if len(coverage.outlets) < 2:
        lines.append(t("compare_single", outlet=coverage.outlets[0] if coverage.outlets else "?"))
    else:
        lines.append(f"{', '.join(coverage.outlets)} — {len(coverage.articles)} articles")
        if coverage.shared:
            lines += ["", t("compare_shared")]
            lines += [f"  • {point[0].sentence.text} — " + "; ".join(_said(coverage, s) for s in point)
                      for point in coverage.shared]
        if coverage.own:
            lines += ["", t("compare_own")]
            lines += [f"  • {_said(coverage, s)}: {s.sentence.text}" for s in coverage.own]
        if coverage.differences:
            lines += ["", t("compare_differ")]
            for d in coverage.differences:
                lines.append(f"  • {d.counted}: {_said(coverage, d.one, dated=True)}: {d.one.sentence.text}")
                lines.append(f"    {' ' * len(d.counted)}  {_said(coverage, d.other, dated=True)}: {d.other.sentence.text}")
        if not (coverage.shared or coverage.differences):
            lines += ["", t("compare_nothing")]
    lines += ["", "Sources:"] + [_article_line(n, a) for n, a in enumerate(coverage.articles, 1)]
    return printable("\n".join(lines))
