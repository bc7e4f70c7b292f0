"""Extract the article (text, title, author, date, language) from an HTML page."""

from __future__ import annotations

from typing import Any

import trafilatura

from index.errors import InputError
from ingest.dates import parse_date
from ingest.document import Document


def extract_article(html: str | bytes, *, url: str) -> Document:
    """Return the article in `html`, without the page's menus, ads and comments.

    Give bytes when you have them: the page's own charset declaration is then respected.
    """
    # A trafilatura Document (typed as Document | dict: the dict only with as_dict=True).
    result: Any = trafilatura.bare_extraction(
        html, url=url, with_metadata=True, include_comments=False, include_tables=False
    )
    if result is None or not (result.text or "").strip():
        raise InputError(f"{url}: no article text found in the page.")
    # trafilatura puts one paragraph on each line.
    paragraphs = [line.strip() for line in result.text.splitlines() if line.strip()]
    title = result.title or paragraphs[0]
    if paragraphs and paragraphs[0] == title:
        paragraphs = paragraphs[1:] or paragraphs
    return Document(
        url=url,
        title=title,
        text="\n\n".join(paragraphs),
        outlet=result.sitename or None,
        author=result.author or None,
        published_at=parse_date(result.date),
        language=result.language or None,
    )
