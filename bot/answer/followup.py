"""Follow-up questions: "Who leads the coalition?" then "What does Moscow say about it?" then
"And when was the declaration signed?". A question that leans on the one before is answered from
the passages of the story the last answer cited first, then from the whole knowledge base.

Whether a question leans on the last one is read from its words: a pronoun or a demonstrative
("it", "they", "these", "он", "це"), an opening conjunction ("and", "but", "what about", "а",
"і"), or no subject of its own (three content words at most, "How much is the deal worth?") whose
words the story holds. A reply to one of Lede's answers always leans on that answer. The
constants were chosen on the first half of our conversations' dates and checked on the second
(docs/quality.md, "Conversations and stories").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from index.text import keywords, words

# How long a chat's last answer stays the context of its next message (a reply to an answer
# has that answer's context whatever its age).
FOLLOW_UP_MINUTES = 10
# A question with at most this many content words of its own names no subject.
SUBJECTLESS_WORDS = 3

# Not "that", "there" or "this": "said that", "is there", "this week" open new subjects as often as not.
_LEANING_WORDS = frozenset(
    """it its it's they them their theirs he him his she her these those
        он она оно они его её ее их ему ей им нём ней них этот эта это эти тот та те
        він вона воно вони його її їх йому їй їм ньому ній них цей ця це ці той те""".split()
)
_LEANING_OPENINGS = re.compile(
    r"\s*(and|but|so|also|then|what about|how about|and what|what else|anything else|"
    r"а|и|но|еще|ещё|а что|что еще|і|й|але|ще|а що)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Context:
    """What a follow-up leans on: the articles of the stories the last answer cited (their lead
    articles and the others telling them), and the lead article of its first source."""

    article_ids: frozenset[int]
    lead: int | None = None


def refers_back(question: str) -> bool:
    """Return True when `question` points at what came before: a pronoun or an opening "and"."""
    return bool(_LEANING_OPENINGS.match(question) or _LEANING_WORDS & set(words(question)))


def leans_on_previous(question: str) -> bool:
    """Return True when `question` may be a follow-up: it refers back, or names no subject of its
    own (then it is one only when the story holds its words: see `holds_its_words`)."""
    return refers_back(question) or len(keywords(question)) <= SUBJECTLESS_WORDS


def holds_its_words(question: str, story_text: str) -> bool:
    """Return True when `story_text` holds at least half of the question's content words: "How
    much is the deal worth?" continues a story about a deal; "Who won the chess championship?"
    after one about a coalition starts a new subject."""
    asked = set(keywords(question))
    return bool(asked) and len(asked & set(keywords(story_text))) * 2 >= len(asked)


def context_for(question: str, previous: Context | None, *, replied: bool = False) -> Context | None:
    """Return the context `question` is answered in: the previous answer's, when the question
    replies to it or leans on it; None for a new subject."""
    if previous is None or not (replied or leans_on_previous(question)):
        return None
    return previous


# "How did the storm unfold?", "timeline of the strike", "как развивалась забастовка": asked for
# a story's timeline rather than one fact.
_TIMELINE_QUESTION = re.compile(
    r"^\s*(?:(?:and|so|but|а|и|і|й)\s+)?(?:how (?:did|has|have|does|do|is|are) (?P<en>.+?) (?:unfold(?:ed)?|develop(?:ed)?|evolve[d]?|progress(?:ed)?)"
    r"|(?:timeline|chronology) (?:of|for) (?P<of>.+?)"
    r"|как развивал(?:ась|ся|ось|ись) (?P<ru>.+?)|хронология (?P<chr_ru>.+?)"
    r"|як розвивал(?:ася|ся|ося|ися) (?P<uk>.+?)|хронологія (?P<chr_uk>.+?))\s*[?.!]*\s*$",
    re.IGNORECASE,
)


def timeline_subject(question: str) -> str | None:
    """Return what a question asks the timeline of ("How did the storm unfold?" -> "the storm"),
    or None when it asks something else."""
    match = _TIMELINE_QUESTION.match(question)
    if match is None:
        return None
    return next(group for group in match.groups() if group)
