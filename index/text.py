"""Pure text helpers shared by ingest and answers: sentences, words, hashes."""

from __future__ import annotations

import hashlib
import re
import threading
import unicodedata

import Stemmer
from stop_words import get_stop_words

# The months, January first: the English name and abbreviations as written, then Russian and
# Ukrainian stems (they inflect). Time words (bot/answer/timeframe.py), sentence ends, datelines
# (index/prose.py) and the dates among counted figures (bot/answer/coverage.py) read this table.
MONTHS = (
    ("january", "jan", "январ", "січ"), ("february", "feb", "феврал", "лют"), ("march", "mar", "март", "берез"),
    ("april", "apr", "апрел", "квіт"), ("may", "май", "мая", "маю", "трав"), ("june", "jun", "июн", "черв"),
    ("july", "jul", "июл", "лип"), ("august", "aug", "август", "серп"),
    ("september", "sep", "sept", "сентябр", "верес"), ("october", "oct", "октябр", "жовт"),
    ("november", "nov", "ноябр", "листопад"), ("december", "dec", "декабр", "груд"),
)
MONTH_WORDS = frozenset(word for forms in MONTHS for word in forms if word.isascii())  # english
# Words that end in a full stop without ending a sentence.
_ABBREVIATIONS = frozenset({
    "mr", "mrs", "ms", "dr", "prof", "sen", "rep", "gov", "gen", "lt", "col", "sgt", "capt",
    "st", "jr", "sr", "inc", "corp", "ltd", "co", "vs", "etc", "no", "u.s", "u.k", "u.n", "e.g", "i.e",
    "a.m", "p.m", "d.c", "mt", "ft", "approx", "est", "fig", "rev", "hon", "pres",
}) | {word for forms in MONTHS for word in forms[1:] if word.isascii()}
_SENTENCE_END = re.compile(r"""[.!?…]+["'”’)\]]*\s+""")
_WORD = re.compile(r"\w+(?:[-'’]\w+)*", re.UNICODE)


# Control characters (C0 and C1) other than newline and tab: a feed's escape sequences recolour or
# clear a terminal, and a bell rings it.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


# Snowball's English stemmer (Porter 2), in C: "leads", "leading" and "lead" meet. A stemmer is not
# safe to share between threads, and answers run in several.
_STEMMER = Stemmer.Stemmer("english")
_STEMMER_LOCK = threading.Lock()


def stem(word: str) -> str:
    """Return the stem of an English word, as lower case as it was given."""
    with _STEMMER_LOCK:
        return _STEMMER.stemWord(word)


def printable(text: str) -> str:
    """Return `text` safe to store, embed and print: no control characters but newline and tab,
    and no lone surrogates (undecodable bytes in argv or a JSON escape like "\\udcff"), which the
    tokenizer and the database cannot encode; each becomes U+FFFD."""
    text = text.encode("utf-8", "surrogatepass").decode("utf-8", "replace")
    return _CONTROL.sub("", text)


def normalise_space(text: str) -> str:
    """Return `text` with Unicode normalised (NFC) and runs of spaces and tabs collapsed."""
    text = unicodedata.normalize("NFC", text).replace("\u00a0", " ")
    return re.sub(r"[ \t\r\f\v]+", " ", text).strip()


def split_sentences(text: str) -> list[str]:
    """Return the sentences of one paragraph, each a verbatim substring of it."""
    sentences: list[str] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        end = match.end()
        candidate = text[start:end].strip()
        last_word = candidate.rstrip(".!?…\"'”’)]").rsplit(maxsplit=1)[-1:] or [""]
        word = last_word[0].lower().lstrip("(\"'“‘")
        following = text[end : end + 1]
        # Not a boundary: an abbreviation, an initial ("J. K."), or a lower-case continuation.
        if following.islower() or (
            candidate.endswith(".") and (word in _ABBREVIATIONS or (len(word) == 1 and word.isalpha()))
        ):
            continue
        sentences.append(candidate)
        start = end
    tail = text[start:].strip()
    if tail:
        sentences.append(tail)
    return sentences


def words(text: str) -> list[str]:
    """Return the lower-cased words of `text`."""
    return [w.lower() for w in _WORD.findall(text)]


_NUMERAL = re.compile(r"\d[\d,.]*\d|\d")


def numerals(text: str) -> set[str]:
    """Return the numbers written in digits in `text`, thousands separators dropped ("1,500" ->
    "1500")."""
    return {n.replace(",", "") for n in _NUMERAL.findall(text)}


# Numbers news writes in words ("six people died"); larger ones it writes in digits.
NUMBER_WORDS = {word: str(value) for value, word in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen twenty".split())} | {"thirty": "30", "forty": "40", "fifty": "50", "dozen": "12"}


SCALE_WORDS = frozenset({"hundred", "thousand", "million", "billion", "trillion"})


def numbers(text: str) -> set[str]:
    """Return the numbers of `text` written in digits or in words, each as digits ("six" -> "6"),
    and its scale words ("30 million" -> {"30", "million"}: not "30 billion")."""
    said = words(text)
    return numerals(text) | {NUMBER_WORDS[w] for w in said if w in NUMBER_WORDS} | (set(said) & SCALE_WORDS)


def holds_words(text: str, phrase: str) -> bool:
    """Return True when `text` holds the words of `phrase` in a row, case and punctuation aside."""
    wanted = words(phrase)
    return bool(wanted) and f" {' '.join(wanted)} " in f" {' '.join(words(text))} "


def content_hash(text: str) -> str:
    """Return a stable hash of text, blind to case and spacing, for deduplication."""
    canonical = " ".join(words(text))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


# Questions come in Russian and Ukrainian too: "кто", "хто", "будет" name no subject either.
STOPWORDS = frozenset(
    """a about above after again against all am an and any are as at be because been before
        being below between both but by can could did do does doing down during each few for
        from further had has have having he her here hers herself him himself his how i if in
        into is it its itself just me more most my myself no nor not now of off on once only or
        other our ours ourselves out over own same she should so some such than that the their
        theirs them themselves then there these they this those through to too under until up
        very was we were what when where which while who whom why will with would you your yours
        yourself yourselves also said says according recently new latest news""".split()
) | frozenset(get_stop_words("russian")) | frozenset(get_stop_words("ukrainian"))


def keywords(text: str) -> list[str]:
    """Return the content words of `text` (no stop words), in order, without repeats."""
    seen: dict[str, None] = {}
    for word in re.findall(r"\w+", text.lower()):
        if word not in STOPWORDS and (len(word) > 1 or word.isdigit()):
            seen.setdefault(word, None)
    return list(seen)


def latin_share(text: str) -> float:
    """Return the share of the letters in `text` that are ASCII (1.0 for text with no letters)."""
    letters = [c for c in text if c.isalpha()]
    return sum(c.isascii() for c in letters) / len(letters) if letters else 1.0
