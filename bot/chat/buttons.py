"""The buttons under an answer: its sources, the answer again, 👍/👎, its story's timeline and
coverage. What a button carries is checked (`pressed`) before anything is read: inline answers'
buttons are signed, since anyone may forge a callback."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import re

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import BadRequest

from bot.chat.context import LedeContext, user_language
from bot.chat.send import NO_PREVIEW
from bot.chat.story_views import (
    COVERAGE,
    TIMELINE,
    show_story,
)
from bot.i18n import t
from bot.state import answers
from bot.state.tables import AnswerRecord

# What the buttons under an answer carry: "src:12", "ans:12", "fb:12:1", "fb:12:-1", and its
# story's "tl:12:1" (timeline, page 1: "More" asks for the next) and "cv:12" (coverage).
BUTTON = re.compile(r"(?P<kind>src|ans|fb|tl|cv):(?P<id>\d{1,18})(?::(?P<arg>-?\d{1,3}))?(?:~(?P<sig>[\w-]{11}))?")


def keyboard(answer_id: int, language: str | None, *, showing_sources: bool = False,
             story: bool = False, secret: str | None = None) -> InlineKeyboardMarkup:
    """Return the buttons under an answer: Sources/Answer, the story's Timeline and Coverage
    (when it found one; inline results have none: their chat is unknown), 👍/👎. With `secret`
    (an inline answer, whose message names no chat to check) each button carries a signature."""
    sign = f"~{button_signature(secret, answer_id)}" if secret is not None else ""
    toggle = (InlineKeyboardButton(t("answer", language), callback_data=f"ans:{answer_id}{sign}") if showing_sources
              else InlineKeyboardButton(t("sources", language), callback_data=f"src:{answer_id}{sign}"))
    rows = [[toggle]]
    if story:
        rows.append([InlineKeyboardButton(t("timeline", language), callback_data=f"{TIMELINE}:{answer_id}:1"),
                     InlineKeyboardButton(t("coverage", language), callback_data=f"{COVERAGE}:{answer_id}")])
    rows.append([InlineKeyboardButton("👍", callback_data=f"fb:{answer_id}:1{sign}"),
                 InlineKeyboardButton("👎", callback_data=f"fb:{answer_id}:-1{sign}")])
    return InlineKeyboardMarkup(rows)


def button_signature(secret: str, answer_id: int) -> str:
    """Return the 11 characters (64 bits) that prove a button was made by this bot for `answer_id`:
    answer ids are sequential, so a forged button could name anyone's answer."""
    digest = hmac.new(secret.encode(), f"button:{answer_id}".encode(), hashlib.sha256).digest()[:8]
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


async def on_button(update: Update, context: LedeContext) -> None:
    """"Sources" / "Answer" switch the message's view; 👍/👎 are stored with the answer."""
    lede = context.lede
    query = update.callback_query
    if query is None:
        return
    language = user_language(update)
    # Button data comes from the client and may be forged: read it strictly, and act only on an
    # answer that belongs where the button is (answer ids are sequential, so guessable).
    named = BUTTON.fullmatch(query.data or "")
    record = await asyncio.to_thread(answers.get_answer, lede.kb, int(named["id"])) if named else None
    chat_id = query.message.chat.id if query.message is not None else None
    button = pressed(query.data or "", record, chat_id=chat_id, inline=query.inline_message_id is not None,
                     secret=lede.secret)
    if button is None or record is None:
        await query.answer()
        return
    kind = button["kind"]
    if kind == "fb":
        await asyncio.to_thread(answers.vote, lede.kb, record.id, query.from_user.id, int(button["arg"]))
        await query.answer(t("thanks", language))
        return
    if kind in (TIMELINE, COVERAGE):
        await show_story(update, context, record, kind, int(button["arg"] or 1))
        return
    showing_sources = kind == "src"
    try:
        await query.edit_message_text(
            record.sources_html if showing_sources else record.answer_html, parse_mode=ParseMode.HTML,
            reply_markup=keyboard(record.id, language, showing_sources=showing_sources, story=record.found,
                                  secret=lede.secret if record.chat_id is None else None),
            link_preview_options=NO_PREVIEW,
        )
    except BadRequest as exc:
        if "not modified" not in str(exc).lower():  # a double press changes nothing
            raise
    await query.answer()


def pressed(data: str, record: AnswerRecord | None, *, chat_id: int | None, inline: bool,
            secret: str) -> re.Match[str] | None:
    """Return the button `data` stands for when it may act on `record`, the answer it names: well
    formed, and pressed in the chat the answer was given in or, for an inline answer (whose
    message Telegram does not show the bot), signed as the bot signed that answer's buttons."""
    button = BUTTON.fullmatch(data)
    if button is None or record is None or record.id != int(button["id"]) \
            or not _well_formed(button["kind"], button["arg"]):
        return None
    if record.chat_id is None:  # an inline answer's buttons: Sources/Answer and the votes only
        signature = button["sig"]
        genuine = inline and button["kind"] in ("src", "ans", "fb") and signature is not None \
            and hmac.compare_digest(signature, button_signature(secret, record.id))
        return button if genuine else None
    return button if not inline and chat_id == record.chat_id else None


def _well_formed(kind: str, arg: str | None) -> bool:
    """Return True when a button's argument suits its kind: a vote of 1 or -1, a page from 1."""
    if kind == "fb":
        return arg in ("1", "-1")
    if kind == TIMELINE:
        return arg is not None and 1 <= int(arg) <= 100
    return arg is None
