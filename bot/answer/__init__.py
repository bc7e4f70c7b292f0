"""The answer engine: a question in, an `Answer` out (a short direct answer, sentences quoted
verbatim with [n], the numbered sources), or "not found" with the closest articles; and a
story's timeline and outlet comparison.

`question` reads the question, `timeframe` its time words, `compose` retrieves and quotes
(`evidence` scores sentences, `reading` has the span reader give the short answer), `generate`
asks an optional language model, `story` groups articles into stories and numbers sources by
them, `followup` says what a follow-up leans on, `timeline` and `coverage` read a story.

Other packages import what they use from here, never a submodule (a contract in pyproject.toml).
Must not import `telegram`, `bot.chat`, `bot.cli` or argparse.
"""

from bot.answer.compose import answer_question, consult_llm
from bot.answer.coverage import Coverage, Said, compare
from bot.answer.figures import details, wording
from bot.answer.followup import FOLLOW_UP_MINUTES, Context, context_for, refers_back, timeline_subject
from bot.answer.generate import LLMConfig
from bot.answer.reading import THRESHOLDS_FILE, Thresholds
from bot.answer.result import Answer, Link, Quote, Source
from bot.answer.story.articles import StoryArticle, find_story, lead_of, related_to, story_of
from bot.answer.story.grouping import Item, Story, chain, group_stories, with_words
from bot.answer.timeframe import warm_up
from bot.answer.timeline import Timeline, lead_sentence, lead_sentences, timeline_of

__all__ = [
    "FOLLOW_UP_MINUTES",
    "THRESHOLDS_FILE",
    "Answer",
    "Context",
    "Coverage",
    "Item",
    "LLMConfig",
    "Link",
    "Quote",
    "Said",
    "Source",
    "Story",
    "StoryArticle",
    "Thresholds",
    "Timeline",
    "answer_question",
    "chain",
    "compare",
    "consult_llm",
    "context_for",
    "details",
    "find_story",
    "group_stories",
    "lead_of",
    "lead_sentence",
    "lead_sentences",
    "refers_back",
    "related_to",
    "story_of",
    "timeline_of",
    "timeline_subject",
    "warm_up",
    "with_words",
    "wording",
]
