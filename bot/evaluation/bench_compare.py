"""`lede bench compare`: how often the outlet comparison finds something to show. Stories are
found from the knowledge base's own articles (each article not yet in a story seeds one); those
told by at least N outlets are compared and counted: with a shared point, with a difference, with
both."""

from __future__ import annotations

from sqlalchemy import select

from bot.answer import compare, lead_of, story_of
from index.knowledge import KnowledgeBase
from index.models import Article


def bench_compare(kb: KnowledgeBase, *, outlets: int, stories: int) -> dict:
    """Compare the first `stories` stories told by at least `outlets` outlets; return the counts
    and, for each story, what was found."""
    with kb.sessions() as session:
        article_ids = list(session.scalars(select(Article.id).order_by(Article.id)))
    seen: set[int] = set()
    found: list[dict] = []
    for article_id in article_ids:
        if article_id in seen or len(found) == stories:
            continue
        articles = story_of(kb, article_id)
        seen |= {a.article_id for a in articles}
        if len({a.label for a in articles}) < outlets:
            continue
        coverage = compare(articles, lead_of(articles).title)
        found.append({"story": coverage.title, "outlets": coverage.outlets, "articles": len(articles),
                      "shared": len(coverage.shared), "own": len(coverage.own),
                      "differences": len(coverage.differences)})
    return {
        "stories": len(found),
        "with_shared": sum(s["shared"] > 0 for s in found),
        "with_difference": sum(s["differences"] > 0 for s in found),
        "with_both": sum(s["shared"] > 0 and s["differences"] > 0 for s in found),
        "each": found,
    }
