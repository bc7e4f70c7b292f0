"""Where outlets agree and differ on a story: what every outlet reports, what only one says, and
the numbers that differ between them ("cnn.com: at least 101; usatoday.com: 84"). Built from the
alignment of the outlets' sentences (their stored vectors), quoted verbatim, never written.

Two sentences of different outlets state the same point when their cosine reaches SAME_POINT
and they share a name or a number. A sentence no other outlet comes near (below OWN_POINT) is
that outlet's own; the most central ones (nearest the story's centroid) are shown. Two sentences
near enough to tell the same thing (NEAR_POINT), from articles of the same days (a developing
story's figures change from one day to the next), that count the same thing with different
numbers ("1,000 dead", "1,500 dead") are a difference; sentences sharing SAME_WORDS of their
content words, and MIN_SHARED_WORDS besides what they count, count as near too ("At least 3
people died, the police said" and "At least 5 people died, according to the hospital" are 0.52
apart in meaning for the default model).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import combinations

import numpy as np

from bot.answer.story.articles import Sentence, StoryArticle
from index.text import MONTH_WORDS, NUMBER_WORDS, STOPWORDS, keywords, numerals, stem

SAME_POINT = 0.8
NEAR_POINT = 0.7
OWN_POINT = 0.6
SAME_WORDS = 0.5
MIN_SHARED_WORDS = 2
SHOWN_SHARED, SHOWN_OWN, SHOWN_DIFFERENCES = 3, 2, 3
SAME_DAYS = 1  # articles this many days apart or less may differ on the same figure
SENTENCES_PER_ARTICLE = 100  # an article's first sentences compared: its news, not its archive

# A number and the word it counts: "1,500 dead", "at least 101 people", "$25 billion", "four
# people" (read as "4": "six" in one outlet and "6" in another are one figure).
_COUNT = re.compile(r"(?<![\w.,])(\$?\d[\d,.]*\d|\$?\d|" + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True))
                    + r")(?:[\s-]+(million|billion|thousand|percent|%))?[\s-]+([A-Za-z][\w]*)", re.IGNORECASE)


@dataclass(frozen=True)
class Said:
    """A sentence as one outlet's article reports it."""

    article: StoryArticle
    sentence: Sentence

    @property
    def outlet(self) -> str:
        return self.article.label


@dataclass(frozen=True)
class Difference:
    counted: str  # what both count ("dead", "people")
    one: Said
    other: Said


@dataclass
class Coverage:
    title: str
    outlets: list[str]
    articles: list[StoryArticle]  # numbered [1], [2] ... in this order
    shared: list[list[Said]] = field(default_factory=list)  # each point, as each outlet says it
    own: list[Said] = field(default_factory=list)  # what only one outlet says
    differences: list[Difference] = field(default_factory=list)

    def number(self, said: Said) -> int:
        return next(i for i, a in enumerate(self.articles, 1) if a.article_id == said.article.article_id)


def counts(sentence: str) -> dict[str, set[str]]:
    """Return what the numbers of `sentence` count, each with its numbers ("1,500 dead" ->
    {"dead": {"1500"}}); a scale word stays with its number ("$25 billion deal" -> {"deal":
    {"$25 billion"}}). Numbers that date or rank rather than count are left out: a year
    ("the 1978 movie"), a day of a month ("January 6 attack", "6 January"), a rank ("#1 movie")."""
    found: dict[str, set[str]] = {}
    for match in _COUNT.finditer(sentence):
        number, scale, counted = match.groups()
        word = counted.lower()
        before = sentence[: match.start()].rstrip()
        previous = before.rsplit(maxsplit=1)[-1].lower() if before else ""
        year = not scale and re.fullmatch(r"1[89]\d\d|20\d\d", number) is not None
        if word in STOPWORDS or word in MONTH_WORDS or previous in MONTH_WORDS or before.endswith("#") or year:
            continue
        value = NUMBER_WORDS.get(number.lower(), number.replace(",", "")) + (f" {scale}" if scale else "")
        found.setdefault(stem(word), set()).add(value)
    return found


def compare(articles: list[StoryArticle], title: str) -> Coverage:
    """Return where the outlets of a story's `articles` agree and differ."""
    said: dict[str, list[Said]] = {}
    for article in articles:
        said.setdefault(article.label, []).extend(Said(article, s) for s in article.sentences[:SENTENCES_PER_ARTICLE])
    outlets = [o for o in said if said[o]]
    coverage = Coverage(title, outlets, sorted(articles, key=lambda a: a.when))
    if len(outlets) < 2:
        return coverage
    centre = _normalised(np.mean([a.centroid for a in articles], axis=0))
    vectors = {o: np.stack([s.sentence.vector for s in said[o]]) for o in outlets}
    coverage.shared = _shared(outlets, said, vectors, centre)
    coverage.own = _own(outlets, said, vectors, centre)
    coverage.differences = _differences(outlets, said, vectors)
    return coverage


def _normalised(vector: np.ndarray) -> np.ndarray:
    return vector / (np.linalg.norm(vector) or 1.0)


def _shared(outlets: list[str], said: dict[str, list[Said]], vectors: dict[str, np.ndarray],
            centre: np.ndarray) -> list[list[Said]]:
    """Return the points most outlets report, most central first: each as a sentence of the
    first outlet with its nearest match in each other outlet that reaches SAME_POINT."""
    points: list[tuple[int, float, list[Said]]] = []
    for i, outlet in enumerate(outlets):
        others = outlets[i + 1:]
        for row, one in enumerate(said[outlet]):
            point = [one]
            for other in others:
                similarity = vectors[other] @ vectors[outlet][row]
                best = int(similarity.argmax())
                if similarity[best] >= SAME_POINT and _anchored(one.sentence.text, said[other][best].sentence.text):
                    point.append(said[other][best])
            if len(point) > 1:
                points.append((len(point), float(one.sentence.vector @ centre), point))
    points.sort(key=lambda p: (p[0], p[1]), reverse=True)
    return _distinct_points([p for _, _, p in points])[:SHOWN_SHARED]


def _anchored(one: str, other: str) -> bool:
    """Return True when two sentences share a name or a number: what makes near sentences state
    the same fact rather than the same kind of fact."""
    return bool(_anchors(one) & _anchors(other))


def _anchors(sentence: str) -> set[str]:
    names = {w.lower() for w in re.findall(r"(?<=\S\s)[A-Z][\w'’-]+", sentence)} - STOPWORDS
    return names | numerals(sentence)


def _distinct_points(points: list[list[Said]]) -> list[list[Said]]:
    """Drop a point restating one already kept (its first sentence near the kept one's)."""
    kept: list[list[Said]] = []
    for point in points:
        vector = point[0].sentence.vector
        if all(float(vector @ k[0].sentence.vector) < SAME_POINT for k in kept):
            kept.append(point)
    return kept


def _own(outlets: list[str], said: dict[str, list[Said]], vectors: dict[str, np.ndarray],
         centre: np.ndarray) -> list[Said]:
    """Return, for each outlet, its most central sentences that no other outlet comes near."""
    own: list[Said] = []
    for outlet in outlets:
        others = np.vstack([vectors[o] for o in outlets if o != outlet])
        nearest_elsewhere = (vectors[outlet] @ others.T).max(axis=1)
        alone = [(float(s.sentence.vector @ centre), s) for s, near in zip(said[outlet], nearest_elsewhere, strict=True)
                 if near < OWN_POINT]
        alone.sort(key=lambda pair: pair[0], reverse=True)
        own.extend(point[0] for point in _distinct_points([[s] for _, s in alone])[:SHOWN_OWN])
    return own


def _differences(outlets: list[str], said: dict[str, list[Said]], vectors: dict[str, np.ndarray]) -> list[Difference]:
    """Return pairs of sentences from two outlets, published within SAME_DAYS of each other, that
    tell the same thing (near in meaning, or sharing most of their words) and count the same thing
    with different numbers; the nearest first, one per thing counted."""
    counted = {o: {i: c for i, s in enumerate(said[o]) if (c := counts(s.sentence.text))} for o in outlets}
    found: list[tuple[float, Difference]] = []
    for a, b in combinations(outlets, 2):
        similarity = vectors[a] @ vectors[b].T
        for i, mine in counted[a].items():
            for j, theirs in counted[b].items():
                one, other = said[a][i], said[b][j]
                if abs((one.article.when - other.article.when).days) > SAME_DAYS:
                    continue
                nearness = float(similarity[i, j])
                for thing in mine.keys() & theirs.keys():
                    if mine[thing] & theirs[thing]:
                        continue
                    if nearness < NEAR_POINT and _shared_words(one.sentence.text, other.sentence.text, thing) < SAME_WORDS:
                        continue
                    # As the number is read: "year" of "the 96-year-old monarch".
                    word = next(m[3] for m in _COUNT.finditer(one.sentence.text) if stem(m[3].lower()) == thing)
                    found.append((nearness, Difference(word, one, other)))
    found.sort(key=lambda pair: pair[0], reverse=True)
    differences: list[Difference] = []
    for _, difference in found:
        if all(d.counted != difference.counted for d in differences):
            differences.append(difference)
    return differences[:SHOWN_DIFFERENCES]


def _shared_words(one: str, other: str, counted: str) -> float:
    """Return the share of the shorter sentence's content words the other holds, numbers and the
    thing `counted` aside; 0 when they share fewer than MIN_SHARED_WORDS: "She was 36 years old"
    and "She was 25 years old when she became queen" share only "old", and tell different things."""
    mine, theirs = ({w for w in keywords(text) if not w[0].isdigit() and stem(w) != counted} for text in (one, other))
    shared = mine & theirs
    return len(shared) / max(1, min(len(mine), len(theirs))) if len(shared) >= MIN_SHARED_WORDS else 0.0
