"""The answer engine: a question in, an `Answer` out (a short direct answer, sentences quoted
verbatim with [n], the numbered sources), or "not found" with the closest articles.

`question` reads the question, `timeframe` its time words, `compose` retrieves and quotes,
`direct` picks the short answer, `generate` asks an optional LLM, `stories` groups articles
that tell the same story. Must not import `telegram`, `bot.chat`, `bot.cli` or argparse.
"""

from bot.answer.compose import answer_question, consult_llm
from bot.answer.generate import LLMConfig
from bot.answer.result import Answer, Link, Quote, Source

__all__ = ["Answer", "LLMConfig", "Link", "Quote", "Source", "answer_question", "consult_llm"]
