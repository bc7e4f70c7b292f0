"""Find a short direct answer (a name, a number, a place, a date) in supporting sentences.

No extractive QA model ships offline, so this reads the question's type, collects the spans of
the supporting sentences that fit it, and picks the one that the best sentences agree on and that
stands nearest the question's own words.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from typing import Any

import numpy as np

from bot.answer.measures import NUMBER, measured
from bot.answer.question import NOT_A_NOUN, Question, read_question, shares_stem, stem
from index.text import STOPWORDS, keywords, words

# similarity(spans, phrase): how close in meaning each span is to `phrase` (cosine).
Similarity = Callable[[Sequence[str], str], np.ndarray]
# A plain word answers "which condiment" only when it is plainly of that kind ("mustard" 0.59);
# below this, verbs and other words near the question's own win too often. From 0.4 to 0.5 the
# news eval's dev questions were answered within one of each other (README, "Answer quality").
PLAIN_WORD_FIT = 0.45

_MONTHS = (
    "January|February|March|April|May|June|July|August|September|October|November|December|"
    "Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec"
)
_WEEKDAYS = "Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"
_CALENDAR_WORDS = set(words(_MONTHS.replace("|", " ") + " " + _WEEKDAYS.replace("|", " ")))
_DATE = re.compile(
    rf"\b(?:(?:{_WEEKDAYS}),?\s+)?(?:(?:{_MONTHS})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?"
    rf"|\d{{1,2}}\s+(?:{_MONTHS})(?:\s+\d{{4}})?|(?:{_MONTHS})(?:\s+\d{{4}})?|(?:1[89]|20)\d{{2}}"
    rf"|{_WEEKDAYS}|(?:yesterday|today|tomorrow|(?:last|next|this) (?:week|month|year)))\b"
)
_CONNECTOR = r"(?:of|the|de|del|la|le|van|von|der|da|di|al|bin|el|for|and|&)"
# A name may open with one lower-case letter ("iPhone", "eBay"), never start inside a word.
_CAPITALISED = re.compile(rf"(?<!\w)[a-z]?[A-Z][\w'’.-]*(?:\s+(?:{_CONNECTOR}\s+)*[A-Z0-9][\w'’.-]*)*")
_QUOTED = re.compile(r"[“\"]([^”\"]{2,60})[”\"]")
# Role words that precede a name ("Prime Minister Keir Starmer") but are not the name.
_TITLES = set(
    """president prime minister secretary chancellor spokeswoman spokesman spokesperson
        governor senator sen rep representative mayor chief ceo director general gen king queen
        prince princess pope judge justice attorney foreign defense defence finance interior
        state deputy vice former mr mrs ms dr professor prof coach captain leader head chair
        chairman chairwoman founder""".split()
)
_DEMONYM = re.compile(r"(?:ian|ish|ese|ch)$")
# Words that open a sentence in capitals without being part of the name that follows.
_OPENERS = set("""but and or so yet however meanwhile still then now while although though as if when after
    before since in on at for with by from this that these those it its""".split())
# A dateline opens a news story ("NEW YORK (CNN Business) —", "(AP) The ...", "LONDON —"): the
# outlet and the city there name where the story was filed, never what it reports. A dash or a
# new sentence must follow, so "Sen. Joe Manchin (D-WV) said" keeps its name.
_DATELINE = re.compile(
    r"^\s*(?:[A-Z][\w.,'’ ]{0,40}?\s*)?\([A-Z][\w .&-]{0,30}\)\s*(?:[—–-]+\s*|(?=[A-Z“\"‘']))"
    r"|^\s*[A-Z][A-Z.,'’ ]{2,40}\s*[—–]\s*"
)


def _trim(span: str, asked: set[str], kind: str) -> str:
    """Drop connectors, sentence openers, role titles, days and months (unless a date is asked
    for) and the question's own words from a span's edges."""
    tokens = re.sub(r"['’]s$", "", span.rstrip(".,;:'’")).split()  # "Britain's" -> "Britain"

    def droppable(token: str, leading: bool) -> bool:
        word = token.lower().strip(".,'’")
        if re.fullmatch(_CONNECTOR, word) or (leading and len(tokens) > 1 and word in _OPENERS):
            return True  # "But the FDA" -> "FDA"
        if kind != "date" and len(tokens) > 1 and word in _CALENDAR_WORDS:
            return True  # "the Denver Broncos Tuesday" -> "Denver Broncos"
        return bool(len(tokens) > 1 and (stem(word) in asked or (leading and kind == "person" and (word in _TITLES or _DEMONYM.search(word)))))

    while tokens and droppable(tokens[0], leading=True):
        tokens.pop(0)
    while tokens and droppable(tokens[-1], leading=False):
        tokens.pop()
    return " ".join(tokens)


def _spans(sentence: str, kind: str, asked: set[str], sought: set[str]) -> list[tuple[str, int]]:
    """Return (span, character offset) pairs of the kind the question asks for."""
    dateline = _DATELINE.match(sentence)
    if dateline:
        sentence = " " * dateline.end() + sentence[dateline.end() :]  # keep the offsets
    if kind == "number":
        found = [(m.group(0).strip().rstrip(","), m.start()) for m in NUMBER.finditer(sentence)]  # "16, won"
    elif kind == "date":
        found = [(m.group(0).strip(), m.start()) for m in _DATE.finditer(sentence)]
    else:
        found = [(m.group(1).strip(), m.start()) for m in _QUOTED.finditer(sentence)]
        found += [
            (_trim(m.group(0), asked, kind), m.start())
            for m in _CAPITALISED.finditer(sentence)
            if not _restates_question(m.group(0), asked, sought)  # before trimming hides it
        ]
    return [(span, start) for span, start in found if span]




def _common_nouns(sentence: str, asked: set[str], sought: set[str]) -> list[tuple[str, int]]:
    """Return lower-case runs of one or two content words that are not the question's own
    ("mustard", "dry shampoo"): the answer to "which condiment" is often no name at all."""
    found = []
    run: list[re.Match] = []
    for match in [*re.finditer(r"[\w'’-]+", sentence), None]:
        word = match.group(0) if match else ""
        if (
            match is not None and word.islower() and word.isalpha() and word not in STOPWORDS
            and not NOT_A_NOUN.search(word) and not shares_stem(word, asked | sought)
        ):
            run.append(match)
            continue
        for size in (1, 2):
            for i in range(len(run) - size + 1):
                first, last = run[i], run[i + size - 1]
                found.append((sentence[first.start() : last.end()], first.start()))
        run = []
    return found


def _restates_question(span: str, asked: set[str], sought: set[str]) -> bool:
    """Return True when `span` is made of the question's own words: only them, at least half of
    a longer name ("Primetime Emmy Awards" for a question about the Emmy Awards), or their
    initials ("United States" for "US")."""
    content = [stem(w) for w in keywords(span)]
    if not content or all(w in asked or w in sought for w in content):
        return True
    shared = sum(w in asked for w in content)
    if len(content) > 1 and 2 * shared >= len(content):
        return True
    capitals = [w for w in span.split() if w[:1].isupper()]
    return len(capitals) > 1 and "".join(w[0] for w in capitals).lower() in asked | sought


def word_casing(texts: Sequence[str]) -> tuple[set[str], set[str]]:
    """Return the words seen lower-case in `texts`, and those seen capitalised inside a sentence
    (after another word): the `common_words` and `names_seen` of direct_answer."""
    common: set[str] = set()
    named: set[str] = set()
    for text in texts:
        common.update(w for w in re.findall(r"\w+", text) if w.islower())
        named.update(re.findall(r"(?<=[\w,;:’'\"”)] )[A-Z][\w'’-]*", text))
    return common, named


def _may_answer(span: str, kind: str, asked: set[str], sought: set[str], common_words: set[str]) -> bool:
    """Return False for a span that cannot answer: the question's own words, or (for a name) only
    words seen in lower case or calendar words: "Troops" opening a sentence, "Monday"."""
    span_words = words(span)
    if not span_words or _restates_question(span, asked, sought):
        return False
    return kind not in ("person", "name") or not all(
        w in common_words or w in _CALENDAR_WORDS for w in span_words
    )


def _opens_unseen(sentence: str, span: str, start: int, names_seen: set[str]) -> bool:
    """Return True for one capitalised word opening `sentence` that was never seen capitalised
    inside one: "Energy" in "Energy company Northwind opened ..."."""
    return " " not in span and span not in names_seen and not re.search(r"\w", sentence[:start])


def _nearness(sentence: str, start: int, asked: set[str]) -> float:
    """Return 1 for a span right next to a word of the question, less the farther it stands."""
    positions = [m.start() for m in re.finditer(r"\w+", sentence) if stem(m.group(0).lower()) in asked]
    if not positions:
        return 0.5
    distance = min(abs(start - p) for p in positions) / 6  # ~ words between them
    return 1.0 / (1.0 + distance / 4)


@dataclass(frozen=True)
class Candidate:
    """The short answer found, with how much the sentences agree on it."""

    text: str
    share: float  # its share of all the votes the spans got (1: no other candidate)
    overlap: float  # the share of the question's words in the sentence that gave it most votes
    nearness: float  # 1 right next to a question word in that sentence, less the farther


def direct_answer(question: str, sentences: list[str], **reading: Any) -> str | None:
    """Return the text of `direct_candidate` (see there), or None when none fits."""
    candidate = direct_candidate(read_question(question), sentences, **reading)
    return candidate.text if candidate else None


def direct_candidate(
    question: Question,
    sentences: list[str],
    *,
    common_words: set[str],
    titles: Sequence[str] = (),
    similarity: Similarity | None = None,
    names_seen: set[str] | None = None,
    translated: AbstractSet[str] = frozenset(),
) -> Candidate | None:
    """Return the best short answer in `sentences` (best first), or None when none fits.

    `titles` of the cited articles are read too, after the sentences: a headline often names
    what the question asks about ("'Squid Game': Netflix green lights season 2").

    `common_words` holds words seen lower-case in the sources: capitalised, one of them opens a
    sentence ("Troops from ...") rather than naming something. `names_seen` holds words seen
    capitalised inside a sentence: a lone capitalised word opening a sentence ("Energy company
    Northwind opened ...") names something only if it is among them.

    `translated` holds the stems of source words that translate the question's own (a Russian
    question over English sources): they are the question's words too.

    With `similarity`, a question that names what it seeks ("which condiment") weighs each span
    by how close it is in meaning to that ("mustard" over "France"), and plain words count too.
    """
    kind = question.kind
    if kind == "description":
        return None
    sought_phrase, sought = question.sought_phrase, set(question.sought)
    typed = similarity is not None and kind == "name" and bool(sought)
    # The words naming what is sought may be part of the answer ("Which airline" -> "United
    # Airlines"); the rest of the question's words are what the answer is not.
    asked = (set(question.stems) | translated) - sought
    measure, counted = question.measure, set(question.counted)
    votes: dict[str, float] = defaultdict(float)
    spelling: dict[str, str] = {}
    best_vote: dict[str, tuple[float, str, float]] = {}  # each key's largest vote: (vote, sentence, nearness)
    # The best sentence leads; later ones and the headlines can only tip a close call. Flatter
    # weights (1, 0.6, 0.36) gained two dev questions but let the story's subject, named in every
    # sentence ("Ukraine"), outvote the answer the best sentence gives ("Britain and France").
    weighted = [(s, 0.35**rank) for rank, s in enumerate(sentences)] + [(t, 0.1) for t in titles]
    for sentence, weight in weighted:
        names = [
            (span, start) for span, start in _spans(sentence, kind, asked, sought)
            if _may_answer(span, kind, asked, sought, common_words)
            and (names_seen is None or not _opens_unseen(sentence, span, start, names_seen))
        ]
        # A name in the sentence is likelier the answer than a plain word next to it ("the team
        # from Ostvale, champions ..."): plain words answer from sentences that name nothing else.
        plain = _common_nouns(sentence, asked, sought) if typed and not names else []
        for span, start in names + plain:
            fit = 1.0
            if kind == "number":
                span, fit = measured(sentence, span, start, measure, counted)
            key = " ".join(words(span))
            near = _nearness(sentence, start, asked | sought)
            votes[key] += near * weight * fit
            spelling.setdefault(key, span)
            if near * weight * fit > best_vote.get(key, (0.0, "", 0.0))[0]:
                best_vote[key] = (near * weight * fit, sentence, near)
    if not votes:
        return None
    if typed and similarity is not None:
        keys = list(votes)
        kind_fit = similarity([spelling[k] for k in keys], sought_phrase)
        best_name = max([f for k, f in zip(keys, kind_fit, strict=True) if not spelling[k].islower()], default=1.0)
        for key, closeness in zip(keys, kind_fit, strict=True):
            if not spelling[key].islower():
                votes[key] *= max(float(closeness), 0.01) / max(best_name, 0.01)
            elif closeness < PLAIN_WORD_FIT:
                del votes[key]
            else:
                votes[key] *= float(closeness)
        if not votes:
            return None
    best = max(votes, key=votes.__getitem__)
    _, sentence, near = best_vote[best]
    held = {stem(w) for w in keywords(sentence)}
    return Candidate(spelling[best], votes[best] / max(sum(votes.values()), 1e-9),
                     overlap=len(asked & held) / max(len(asked), 1), nearness=near)
