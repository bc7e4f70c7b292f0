"""Read a question once: its content words, what kind of answer it asks for (a person, a number,
a date, a name), the measure a number question wants, what "how many" counts, what "which X"
seeks and its script. `read_question` returns all of it as one `Question`, passed down."""

from __future__ import annotations

import re
from dataclasses import dataclass

from index.text import STOPWORDS, keywords, latin_share


def question_kind(question: str) -> str:
    """Return what the question asks for: "person", "number", "date", "name", or "description"
    (why, how, what is: no short span answers those)."""
    q = question.lower()
    if re.match(r"\s*(why|how (do|does|did|is|are|was|were|can|could|will|would)|what (is|are|was|were) (a|an|the)\b|explain|describe)", q):
        return "description"
    # "What does Moscow say about it?", "what happened": a statement, not a name, answers these.
    if re.search(r"\bwhat (do|does|did|will|would) (\S+ ){1,4}(say|think|mean|want|claim|warn|argue|plan)\b"
                 r"|\bwhat (happened|happens)\b", q):
        return "description"
    if re.search(r"\b(почему|зачем|чому|навіщо|как|як)\b", q) and not re.search(r"\b(сколько|скільки)\b", q):
        return "description"
    if re.search(r"\b(сколько|скільки)\b", q):
        return "number"
    if re.search(r"\b(когда|коли|в каком году|в якому році)\b", q):
        return "date"
    if re.search(r"\b(кто|кого|чей|хто|кого|чий)\b", q):
        return "person"
    if re.search(
        r"\bhow (many|much|long|old|far|big|large|tall|high)\b"
        r"|\b(what|which) (\w+ )?(percentage|percent|number|amount|sum|price|rate|age)\b",
        q,
    ):
        return "number"
    if re.search(r"\bwhen\b|\bhow soon\b|\b(what|which) (year|day|date|month|time)\b", q):
        return "date"
    if re.search(r"\bwho(m|se)?\b", q):
        return "person"
    return "name"



# Endings of most past and -ing verb forms, adverbs and superlatives ("announced", "driving",
# "quickly", "largest"): with no part-of-speech tagger offline, they are told by their ending.
NOT_A_NOUN = re.compile(r"(?:ed|ing|ly|est)$")

# Past forms that no ending gives away ("which team won").
IRREGULAR_PAST = set(
    """won lost hit made became began led sold bought took gave got left met paid ran saw sent
        set told wrote broke chose drew fell flew grew held kept rose shot spent struck threw
        brought caught fought found heard sought taught thought""".split()
)




def what_is_counted(question: str) -> set[str]:
    """Return the stems of what "how many" counts ("how many people visited" -> {"people"})."""
    match = re.search(r"\bhow many\s+((?:[\w-]+\s+){0,2}[\w-]+)", question.lower())
    counted: set[str] = set()
    for word in match.group(1).split() if match else ():
        if word in STOPWORDS or NOT_A_NOUN.search(word) or word in IRREGULAR_PAST:
            break
        counted.add(stem(word))
    return counted



# Stop words that may open a sought phrase without ending it ("which new product").
_LEADING_MODIFIERS = {"new", "latest", "other", "most"}


def what_is_sought(question: str) -> str:
    """Return the words after "which"/"what" that name what is sought ("which national park" ->
    "national park", "what kind of animal" -> "kind of animal"), up to the first other stop word
    or verb ("which animals slipped loose" -> "animals")."""
    match = re.search(r"\b(?:which|what)\s+((?:[\w'’-]+\s+){0,4}[\w'’-]+)", question.lower())
    if not match:
        return ""
    sought: list[str] = []
    found = [re.sub(r"['’]s$", "", w) for w in match.group(1).split()]  # "women's sport" -> "women sport"
    for word, following in zip(found, [*found[1:], ""], strict=False):
        # "which new product" -> "product"; "which highly rated show" -> "rated show" (but
        # "which family" stays: an adverb is told by the participle after it).
        adverb = word.endswith("ly") and re.search(r"(?:ed|ing)$", following)
        if not sought and (word in _LEADING_MODIFIERS or adverb):
            continue
        verb = sought and (NOT_A_NOUN.search(word) or word in IRREGULAR_PAST)
        if verb or (word in STOPWORDS and not (word == "of" and sought)):
            break
        sought.append(word)
    return " ".join(sought).removesuffix(" of")



def stem(word: str) -> str:
    """Return `word` without a plural or verb -s, so "leads" meets "lead"."""
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word


def shares_stem(word: str, stems: set[str]) -> bool:
    """Return True when `word` is one of `stems` or one grows from the other ("musicians" from
    "music", "recalled" from "recall")."""
    word = stem(word)
    return any(
        s == word or (min(len(s), len(word)) >= 4 and (word.startswith(s) or s.startswith(word)))
        for s in stems
    )


# The measure a number question asks for, by the first pattern its words match.
_MEASURES_ASKED = [
    ("money", re.compile(
        r"\bhow much\b.*\b(costs?|pay|paid|spend|spent|price|worth|fund\w*|raised?|money|budget|fined?|charged?)\b"
        r"|\b(what|which) (\w+ )?(price|amount|sum)\b"
    )),
    ("length", re.compile(
        r"\bhow (far|tall|high)\b|\bhow long\b.*\b(route|line|road|bridge|tunnel|river|track|trail|wall|border)\b"
    )),
    ("duration", re.compile(r"\bhow long\b")),
    ("percent", re.compile(r"\b(percentage|percent|share)\b")),
]


def asked_measure(question: str) -> str | None:
    """Return the measure a number question asks for: "money", "length", "duration", "percent",
    or None (a count, an age, or not told)."""
    q = question.lower()
    return next((measure for measure, pattern in _MEASURES_ASKED if pattern.search(q)), None)


@dataclass(frozen=True)
class Question:
    """A question as the answer engine reads it."""

    text: str
    words: tuple[str, ...]  # its content words
    stems: frozenset[str]  # ... without plural or verb -s
    kind: str  # person, number, date, name or description (see question_kind)
    sought_phrase: str  # what "which X" names ("national park"), or ""
    sought: frozenset[str]  # its stems, stop words aside
    counted: frozenset[str]  # what "how many" counts
    measure: str | None  # the measure a number question asks for
    latin: float  # the share of its letters in the Latin script
    foreign: tuple[str, ...]  # its content words outside the Latin script


def read_question(text: str) -> Question:
    """Return everything the answer engine reads from the question `text`."""
    words = tuple(keywords(text))
    phrase = what_is_sought(text)
    return Question(
        text=text,
        words=words,
        stems=frozenset(stem(w) for w in words),
        kind=question_kind(text),
        sought_phrase=phrase,
        sought=frozenset(stem(w) for w in phrase.split() if w not in STOPWORDS),
        counted=frozenset(what_is_counted(text)),
        measure=asked_measure(text),
        latin=latin_share(text),
        foreign=tuple(w for w in words if latin_share(w) < 0.5 and not w.isdigit()),
    )
