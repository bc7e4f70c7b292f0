"""An answer as the bot sends it: the engine's answer for the asker's chat (its time zone, the
story a follow-up leans on), rendered, and kept for its buttons and follow-ups. Blocking: call
from a worker thread. No Telegram calls here; the handlers send and edit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.answer import Answer, Context, LLMConfig, answer_question, consult_llm
from bot.chat.render import answer_html, sources_html
from bot.state import answers, subscriptions
from bot.state.tables import AnswerRecord
from index.knowledge import KnowledgeBase


@dataclass(frozen=True)
class Reply:
    answer: Answer
    answer_id: int
    html: str


def compose_reply(kb: KnowledgeBase, question: str, *, chat_id: int | None, user_id: int | None,
                  language: str | None, context: Context | None = None, thread_id: int | None = None,
                  question_message_id: int | None = None) -> Reply:
    """Answer `question` (in `context`, when it follows up an earlier answer) without the
    language model (seconds on a CPU: `improve_reply` adds its help afterwards) and keep the
    answer for its buttons and follow-ups."""
    answer, html, sources = _rendered(kb, question, context, chat_id, language)
    answer_id = answers.save_answer(
        kb, chat_id=chat_id, user_id=user_id, question=question, answer_html=html, sources_html=sources,
        found=answer.found, thread_id=thread_id, question_message_id=question_message_id,
        story=answer.context, asked_in=context,
    )
    return Reply(answer, answer_id, html)


def reanswer(kb: KnowledgeBase, record: AnswerRecord, question: str, language: str | None) -> Reply:
    """Answer an edited question again, in the context its first answer was asked in, and keep
    the new answer in place of the old one."""
    answer, html, sources = _rendered(kb, question, answers.context_of(record.asked_in), record.chat_id, language)
    answers.replace_answer(kb, record.id, question=question, answer_html=html, sources_html=sources,
                           found=answer.found, story=answer.context)
    return Reply(answer, record.id, html)


def _rendered(kb: KnowledgeBase, question: str, context: Context | None, chat_id: int | None,
              language: str | None) -> tuple[Answer, str, str]:
    """Return the answer asked in `chat_id`, its HTML and its sources' HTML."""
    answer = answer_question(kb, question, context=context, zone=_zone_of(kb, chat_id))
    passages = answers.passages_by_id(kb, [q.passage_id for q in answer.quotes])
    return answer, answer_html(answer, language), sources_html(answer, passages, language)


def _zone_of(kb: KnowledgeBase, chat_id: int | None) -> tzinfo:
    """Return the chat's time zone, as its digest names it (UTC without one): "yesterday" is the
    asker's yesterday."""
    digest = subscriptions.digest_of_chat(kb, chat_id) if chat_id is not None else None
    try:
        return ZoneInfo(digest.timezone) if digest is not None else UTC
    except (ZoneInfoNotFoundError, ValueError):  # a bad row (imported by hand) must not stop answers
        return UTC


def improve_reply(kb: KnowledgeBase, llm: LLMConfig | None, reply: Reply, language: str | None) -> Reply | None:
    """Return the reply with a configured language model's help, stored for its buttons; None
    when there is no model or it changed nothing (blocking)."""
    helped = consult_llm(llm, reply.answer)
    if helped is reply.answer or (helped.direct == reply.answer.direct and not helped.written):
        return None
    html = answer_html(helped, language)
    answers.update_answer_html(kb, reply.answer_id, html)
    return Reply(helped, reply.answer_id, html)
