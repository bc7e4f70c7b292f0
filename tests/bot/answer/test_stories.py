"""Which articles tell one story: chained in time, each within STORY_DAYS of another article of
the story that is close to it in meaning and words."""

from datetime import UTC, datetime, timedelta

import numpy as np

from bot.answer.story.grouping import STORY_DAYS, Item, chain, group_stories

DAY = datetime(2026, 12, 1, tzinfo=UTC)


def _vector(seed: int) -> np.ndarray:
    vector = np.random.default_rng(seed).normal(size=64).astype(np.float32)
    return vector / np.linalg.norm(vector)


def _item(article_id: int, days: float | None, vector: np.ndarray, words: dict[str, float] | None = None,
          outlet: str = "Courier", focus: float | None = None) -> Item:
    when = None if days is None else DAY + timedelta(days=days)
    return Item(article_id, f"Article {article_id}", f"https://example.org/{article_id}", outlet, when, vector,
                words or {}, focus)


def test_a_story_is_chained_in_time_and_ends_where_coverage_stops() -> None:
    event = _vector(1)
    items = [_item(1, 0, event), _item(2, STORY_DAYS, event), _item(3, 2 * STORY_DAYS, event),
             _item(4, 3 * STORY_DAYS + 1, event)]  # more than STORY_DAYS after every other one
    assert [[i.article_id for i in story] for story in chain(items)] == [[1, 2, 3], [4]]


def test_an_undated_article_joins_the_story_it_tells_and_a_different_event_stays_apart() -> None:
    items = [_item(1, 0, _vector(1)), _item(2, 0, _vector(2)), _item(3, None, _vector(1))]
    assert [[i.article_id for i in story] for story in chain(items)] == [[1, 3], [2]]


def test_shared_rare_words_tell_one_event_where_meaning_alone_does_not() -> None:
    storm = _vector(1)
    near = storm + 1.2 * _vector(2)
    near /= np.linalg.norm(near)
    words = {"kessling": 0.8, "alder": 0.6}
    assert float(storm @ near) < 0.8
    apart = chain([_item(1, 0, storm), _item(2, 1, near)])
    together = chain([_item(1, 0, storm, words), _item(2, 1, near, words)])
    assert len(apart) == 2 and len(together) == 1


def _at_cosine(base: np.ndarray, cosine: float, seed: int) -> np.ndarray:
    """Return a unit vector whose cosine with the unit vector `base` is `cosine`."""
    other = _vector(seed)
    other -= float(other @ base) * base
    other /= np.linalg.norm(other)
    return (cosine * base + np.sqrt(1 - cosine**2) * other).astype(np.float32)


def test_a_focused_article_no_story_claims_joins_its_closest_story_and_a_roundup_does_not() -> None:
    from bot.answer.story.grouping import FOCUSED, JOIN_ALONE, SAME_STORY, closeness

    collapse = _vector(1)
    opinion = _at_cosine(collapse, 0.8, 2)  # about the collapse, in other words
    story = [_item(1, 0, collapse, focus=0.9), _item(2, 1, collapse, focus=0.9)]
    alone = _item(3, 1, opinion, focus=FOCUSED + 0.1)
    assert JOIN_ALONE <= closeness(story[0], alone) < SAME_STORY
    assert [[i.article_id for i in s] for s in chain([*story, alone])] == [[1, 2, 3]]
    roundup = _item(3, 1, opinion, focus=FOCUSED - 0.1)  # its passages tell several stories
    assert [[i.article_id for i in s] for s in chain([*story, roundup])] == [[1, 2], [3]]
    # Two stories as close as that stay two: only an article alone joins another story.
    other_story = [_item(4, 1, opinion, focus=0.9), _item(5, 2, opinion, focus=0.9)]
    assert [[i.article_id for i in s] for s in chain([*story, *other_story])] == [[1, 2], [4, 5]]
    # Nor does it join another article alone (here one that stays put: a roundup).
    assert len(chain([_item(1, 0, collapse, focus=FOCUSED - 0.1), alone])) == 2


def test_stories_told_by_more_outlets_come_first() -> None:
    one, other = _vector(1), _vector(2)
    items = [_item(1, 0, one), _item(2, 0, other, outlet="Post"), _item(3, 0, other, outlet="Gazette")]
    assert [[i.article_id for i in s.items] for s in group_stories(items)] == [[2, 3], [1]]


def test_the_freshness_notice_reads_the_newest_article_of_the_cited_story() -> None:
    from bot.answer import Answer, Source
    from bot.answer.result import Link

    march = DAY - timedelta(days=270)
    story = Source(1, "Repairs postponed", "Gazette", march, "https://g.example/march",
                   also=(Link("Bridge collapses", "Courier", "https://c.example/dec", DAY),))
    answer = Answer("Who closed the river road?", found=True, sources=[story])
    assert answer.latest_if_old(DAY + timedelta(days=5)) is None  # the story's newest is 5 days old
    assert answer.latest_if_old(DAY + timedelta(days=40)) == DAY
